"""Review: a verdict on each user's work, comments on items and segments, item history,
gold items, active time per item.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("active_seconds", sa.Double(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            "ix_assignments_review_queue",
            ["status", "review_status", "completed_at", "id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_reviewed_by_id_users"),
            "users",
            ["reviewed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("datapoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gold_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_datapoints_gold_user_id"), ["gold_user_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_datapoints_gold_user_id_users"),
            "users",
            ["gold_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("datapoint_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_audit_events_datapoint", ["datapoint_id", "id"], unique=False)
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("datapoint_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.String(length=36), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("about_user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["about_user_id"],
            ["users.id"],
            name=op.f("fk_comments_about_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["datapoint_id"],
            ["datapoints.id"],
            name=op.f("fk_comments_datapoint_id_datapoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comments.id"],
            name=op.f("fk_comments_parent_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_comments_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_comments_resolved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(
        "ix_comments_datapoint_resolved", "comments", ["datapoint_id", "resolved_at"], unique=False
    )
    op.create_index(op.f("ix_comments_parent_id"), "comments", ["parent_id"], unique=False)
    op.create_index(op.f("ix_comments_project_id"), "comments", ["project_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_comments_project_id"), table_name="comments")
    op.drop_index(op.f("ix_comments_parent_id"), table_name="comments")
    op.drop_index("ix_comments_datapoint_resolved", table_name="comments")
    op.drop_table("comments")
    with op.batch_alter_table("datapoints", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_datapoints_gold_user_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_datapoints_gold_user_id"))
        batch_op.drop_column("gold_user_id")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_datapoint")
        batch_op.drop_column("datapoint_id")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assignments_reviewed_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_index("ix_assignments_review_queue")
        batch_op.drop_column("active_seconds")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("review_status")
