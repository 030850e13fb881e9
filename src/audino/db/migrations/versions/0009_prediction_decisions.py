"""Predictions: each person's decision on a model's segment (accepted, edited, rejected).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prediction_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prediction_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("segment_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["prediction_id"],
            ["segments.id"],
            name=op.f("fk_prediction_decisions_prediction_id_segments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_prediction_decisions_segment_id_segments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_prediction_decisions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prediction_decisions")),
        sa.UniqueConstraint(
            "prediction_id", "user_id", name="uq_prediction_decisions_prediction_user"
        ),
    )
    with op.batch_alter_table("prediction_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prediction_decisions_user_id"), ["user_id"])
        batch_op.create_index(batch_op.f("ix_prediction_decisions_segment_id"), ["segment_id"])
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_segments_datapoint_model", ["datapoint_id", "model", "model_version"]
        )


def downgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index("ix_segments_datapoint_model")
    with op.batch_alter_table("prediction_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prediction_decisions_segment_id"))
        batch_op.drop_index(batch_op.f("ix_prediction_decisions_user_id"))
    op.drop_table("prediction_decisions")
