"""Skip & next in the normal editor: a person's skipped items come last in their queue,
the earliest skipped first; skipping again moves an item to the end again. (Inside a
running active-learning round, the round keeps its own skips: see active_learning.)"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.db.models import Assignment, Datapoint, utcnow
from audino.services.errors import Conflict

OPEN = ("in_progress", "todo")


def skip(db: Session, datapoint: Datapoint, user_id: int) -> None:
    """Marks the caller's open assignment on the item skipped now; 409 in words otherwise."""
    row = db.scalar(
        select(Assignment).where(
            Assignment.datapoint_id == datapoint.id, Assignment.user_id == user_id
        )
    )
    if row is None:
        raise Conflict("This item is not assigned to you, so it is not yours to skip.",
                       code="not_assigned")  # fmt: skip
    if row.status not in OPEN:
        raise Conflict("You submitted this item already; there is nothing to skip.", code="done")
    row.skipped_at = utcnow()
    db.flush()


def next_skipped(db: Session, project_id: int, user_id: int, after: int | None) -> int | None:
    """The caller's open item skipped earliest (never `after`), once nothing else is left."""
    query = (
        select(Assignment.datapoint_id)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(
            Datapoint.project_id == project_id,
            Assignment.user_id == user_id,
            Assignment.status.in_(OPEN),
            Assignment.skipped_at.is_not(None),
        )
        .order_by(Assignment.skipped_at, Assignment.datapoint_id)
        .limit(1)
    )
    if after is not None:
        query = query.where(Assignment.datapoint_id != after)
    found = db.scalar(query)
    return int(found) if found is not None else None
