"""The reviewer's queue: each user's submitted (or marked) work, oldest first, by keyset."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session

from audino.db.models import Assignment, AssignmentStatus, Datapoint, ReviewStatus
from audino.services.comments import unresolved_counts
from audino.services.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# waiting: submitted or marked for review, no verdict since; the others by their verdict.
FILTERS = ("waiting", "accepted", "rejected", "all")


@dataclass
class QueueItem:
    assignment: Assignment
    datapoint: Datapoint
    unresolved_comments: int


@dataclass
class QueuePage:
    items: list[QueueItem]
    next_cursor: str | None
    waiting: int


def _since() -> Any:
    """When the work was handed in: completion, else its last change (marked, rejected)."""
    return func.coalesce(Assignment.completed_at, Assignment.updated_at)


def _encode(since: datetime, assignment_id: int) -> str:
    raw = json.dumps([since.isoformat(), assignment_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        since, last_id = json.loads(raw)
        when = datetime.fromisoformat(since)
    except (ValueError, TypeError, binascii.Error, RecursionError):
        raise InvalidInput("The cursor is not valid.", code="bad_cursor") from None
    if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 <= last_id < 2**62:
        raise InvalidInput("The cursor is not valid.", code="bad_cursor")
    return when, last_id


def _waiting() -> Any:
    return and_(
        or_(
            Assignment.status == AssignmentStatus.done.value,
            Assignment.marked_for_review.is_(True),
        ),
        Assignment.review_status.is_(None),
    )


def review_queue(
    db: Session,
    project_id: int,
    *,
    show: str = "waiting",
    annotator_id: int | None = None,
    exclude_user_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> QueuePage:
    """Work to review in the project, oldest first; a reviewer's own work is left out."""
    if show not in FILTERS:
        raise InvalidInput(
            f"Unknown queue filter {show!r}; use one of: {', '.join(FILTERS)}.", code="bad_filter"
        )
    limit = max(1, min(limit, MAX_LIMIT))
    since = _since()
    scope: list[Any] = [Datapoint.project_id == project_id]
    if annotator_id is not None:
        scope.append(Assignment.user_id == annotator_id)
    if exclude_user_id is not None:
        scope.append(Assignment.user_id != exclude_user_id)
    shown: Any
    if show == "waiting":
        shown = _waiting()
    elif show == "accepted":
        shown = Assignment.review_status == ReviewStatus.accepted.value
    elif show == "rejected":
        shown = Assignment.review_status == ReviewStatus.rejected.value
    else:
        shown = or_(
            Assignment.status == AssignmentStatus.done.value,
            Assignment.marked_for_review.is_(True),
            Assignment.review_status.is_not(None),
        )
    base = (
        select(Assignment, Datapoint)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(*scope, shown)
    )
    stmt = base
    if cursor:
        when, last_id = _decode(cursor)
        stmt = stmt.where(tuple_(since, Assignment.id) > tuple_(literal(when), literal(last_id)))
    rows = db.execute(stmt.order_by(since, Assignment.id).limit(limit + 1)).all()
    page = rows[:limit]
    counts = unresolved_counts(db, [dp.id for _, dp in page])
    items = [QueueItem(a, dp, counts.get(dp.id, 0)) for a, dp in page]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1][0]
        next_cursor = _encode(last.completed_at or last.updated_at, last.id)
    waiting = db.scalar(
        select(func.count())
        .select_from(Assignment)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(*scope, _waiting())
    )
    return QueuePage(items, next_cursor, int(waiting or 0))
