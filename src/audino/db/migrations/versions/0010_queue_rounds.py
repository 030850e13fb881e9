"""Active learning: rounds of the most uncertain items, their frozen order, and skips.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("order", sa.String(length=16), nullable=False),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_queue_rounds_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_queue_rounds_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_rounds")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_queue_rounds_project_id_number")),
    )
    with op.batch_alter_table("queue_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_queue_rounds_project_closed", ["project_id", "closed_at"])
    op.create_table(
        "queue_round_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("datapoint_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["datapoint_id"],
            ["datapoints.id"],
            name=op.f("fk_queue_round_items_datapoint_id_datapoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["queue_rounds.id"],
            name=op.f("fk_queue_round_items_round_id_queue_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_round_items")),
        sa.UniqueConstraint(
            "round_id", "datapoint_id", name=op.f("uq_queue_round_items_round_id_datapoint_id")
        ),
    )
    with op.batch_alter_table("queue_round_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_queue_round_items_datapoint_id"), ["datapoint_id"])
        batch_op.create_index("ix_queue_round_items_round_position", ["round_id", "position"])
    op.create_table(
        "queue_round_skips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("datapoint_id", sa.Integer(), nullable=False),
        sa.Column("skipped_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["datapoint_id"],
            ["datapoints.id"],
            name=op.f("fk_queue_round_skips_datapoint_id_datapoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["queue_rounds.id"],
            name=op.f("fk_queue_round_skips_round_id_queue_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_queue_round_skips_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_round_skips")),
        sa.UniqueConstraint(
            "round_id",
            "user_id",
            "datapoint_id",
            name=op.f("uq_queue_round_skips_round_id_user_id_datapoint_id"),
        ),
    )
    with op.batch_alter_table("queue_round_skips", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_queue_round_skips_user_id"), ["user_id"])
        batch_op.create_index(batch_op.f("ix_queue_round_skips_datapoint_id"), ["datapoint_id"])


def downgrade() -> None:
    op.drop_table("queue_round_skips")
    op.drop_table("queue_round_items")
    op.drop_table("queue_rounds")
