"""Feature explorer: each recording's computed audio features (where their blob is) and its
summary vector for the dataset map.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "datapoint_features",
        sa.Column("datapoint_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("summary", sa.LargeBinary(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["datapoint_id"],
            ["datapoints.id"],
            name=op.f("fk_datapoint_features_datapoint_id_datapoints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("datapoint_id", name=op.f("pk_datapoint_features")),
    )
    with op.batch_alter_table("datapoint_features", schema=None) as batch_op:
        batch_op.create_index("ix_datapoint_features_storage_key", ["storage_key"])


def downgrade() -> None:
    op.drop_table("datapoint_features")
