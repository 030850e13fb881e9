"""Long recordings presented as windows: a recording's window count, a window's place;
indexes for finding stored audio and derived blobs still in use.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("datapoints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("window_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("window_index", sa.Integer(), nullable=True))
        batch_op.drop_index("ix_datapoints_project_counts")
        batch_op.create_index(
            "ix_datapoints_project_counts",
            ["project_id", "window_count", "status", "marked_for_review"],
            unique=False,
        )
        batch_op.create_index("ix_datapoints_parent_id", ["parent_id"], unique=False)
        batch_op.create_index("ix_datapoints_storage_key", ["storage_key"], unique=False)
        batch_op.create_index("ix_datapoints_sha256", ["sha256"], unique=False)
    op.create_index("ix_derived_audio_storage_key", "derived_audio", ["storage_key"])


def downgrade() -> None:
    op.drop_index("ix_derived_audio_storage_key", table_name="derived_audio")
    with op.batch_alter_table("datapoints", schema=None) as batch_op:
        batch_op.drop_index("ix_datapoints_sha256")
        batch_op.drop_index("ix_datapoints_storage_key")
        batch_op.drop_index("ix_datapoints_parent_id")
        batch_op.drop_index("ix_datapoints_project_counts")
        batch_op.create_index(
            "ix_datapoints_project_counts",
            ["project_id", "parent_id", "status", "marked_for_review"],
            unique=False,
        )
        batch_op.drop_column("window_index")
        batch_op.drop_column("window_count")
