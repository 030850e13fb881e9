"""Counts of datapoints per status, for a whole project or one user's queue."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audino.db.models import Assignment, Datapoint
from audino.services.access import sees_all_datapoints


class StatusCounts(BaseModel):
    total: int = 0
    todo: int = 0
    in_progress: int = 0
    done: int = 0
    marked_for_review: int = 0


def status_counts(db: Session, project_id: int, *, user_id: int | None, role: str) -> StatusCounts:
    """Project-wide counts for managers and reviewers; own-queue counts for annotators."""
    counts = StatusCounts()
    if sees_all_datapoints(role) or user_id is None:
        status_col, review_col = Datapoint.status, Datapoint.marked_for_review
        base = select(status_col, review_col, func.count()).where(
            Datapoint.project_id == project_id, Datapoint.window_count == 0
        )
    else:
        status_col, review_col = Assignment.status, Assignment.marked_for_review
        base = (
            select(status_col, review_col, func.count())
            .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
            .where(Datapoint.project_id == project_id, Assignment.user_id == user_id)
        )
    for status, review, n in db.execute(base.group_by(status_col, review_col)):
        counts.total += n
        if status in ("todo", "in_progress", "done"):
            setattr(counts, status, getattr(counts, status) + n)
        if review:
            counts.marked_for_review += n
    return counts
