"""Project API keys get a scope: upload (the default), export or manage.

Keys made before scopes existed were presented as upload keys, so they become upload
keys; a manager issues an export or manage key where a script needs more.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=16), nullable=True))
    op.execute("UPDATE api_keys SET scope = 'upload' WHERE kind = 'project'")


def downgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_column("scope")
