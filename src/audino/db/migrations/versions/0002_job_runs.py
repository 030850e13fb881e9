"""Jobs that run: payload, datapoint, attempts, start/finish times and a worker heartbeat.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payload", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(sa.Column("datapoint_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_jobs_datapoint_id_datapoints"),
            "datapoints",
            ["datapoint_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_jobs_datapoint_id"), ["datapoint_id"], unique=False)
        batch_op.create_index("ix_jobs_status_heartbeat", ["status", "heartbeat_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_heartbeat")
        batch_op.drop_index(batch_op.f("ix_jobs_datapoint_id"))
        batch_op.drop_constraint(batch_op.f("fk_jobs_datapoint_id_datapoints"), type_="foreignkey")
        for column in ("heartbeat_at", "finished_at", "started_at", "attempts", "datapoint_id"):
            batch_op.drop_column(column)
        batch_op.drop_column("payload")
