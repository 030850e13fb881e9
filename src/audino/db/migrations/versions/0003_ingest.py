"""Ingest state on datapoints, and the blobs derived from their audio.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("datapoints", schema=None) as batch_op:
        # Datapoints from before ingest existed play as they are.
        batch_op.add_column(
            sa.Column("ingest_status", sa.String(length=16), nullable=False, server_default="ready")
        )
        batch_op.add_column(sa.Column("ingest_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ingest_job_id", sa.Integer(), nullable=True))
    op.create_table(
        "derived_audio",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("datapoint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("info", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["datapoint_id"],
            ["datapoints.id"],
            name=op.f("fk_derived_audio_datapoint_id_datapoints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_derived_audio")),
        sa.UniqueConstraint(
            "datapoint_id", "kind", name=op.f("uq_derived_audio_datapoint_id_kind")
        ),
    )


def downgrade() -> None:
    op.drop_table("derived_audio")
    with op.batch_alter_table("datapoints", schema=None) as batch_op:
        for column in ("ingest_job_id", "ingest_error", "ingest_status"):
            batch_op.drop_column(column)
