"""An item's history from the audit trail: who changed which segment, value, status or
comment, when, before and after; and putting a segment back as it was at one of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.db.models import Assignment, AuditEvent, Datapoint, Segment, User
from audino.services import segments
from audino.services.access import Principal, sees_all_datapoints
from audino.services.errors import InvalidInput, NotFound
from audino.services.labels.validation import CONTENT

MAX_EVENTS = 500


@dataclass
class Event:
    row: AuditEvent
    who: str | None

    def json(self) -> dict[str, Any]:
        r = self.row
        return {
            "id": r.id,
            "at": _iso(r.created_at),
            "user_id": r.user_id,
            "who": self.who,
            "action": r.action,
            "entity_type": r.entity_type,
            "entity_id": r.entity_id,
            "before": r.before,
            "after": r.after,
            "restorable": r.entity_type == "segment" and bool(r.after or r.before),
        }


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _about_user(row: AuditEvent) -> int | None:
    """Whose work an event changed (a segment's author, an assignment's user)."""
    for snap in (row.after, row.before):
        if snap:
            who = snap.get("author_id", snap.get("user_id"))
            if isinstance(who, int):
                return who
    return None


def item_history(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    *,
    segment_id: str | None = None,
    limit: int = MAX_EVENTS,
) -> list[Event]:
    """Newest first. Annotators see the history of their own work on the item only."""
    limit = max(1, min(limit, MAX_EVENTS))
    stmt = select(AuditEvent).where(AuditEvent.datapoint_id == datapoint.id)
    if segment_id is not None:
        stmt = select(AuditEvent).where(
            AuditEvent.entity_type == "segment", AuditEvent.entity_id == segment_id
        )
    rows = list(db.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit)))
    if segment_id is not None:  # events from before items kept their history carry it here
        rows = [r for r in rows if (r.after or r.before or {}).get("datapoint_id") == datapoint.id]
    if not sees_all_datapoints(role):
        me = principal.actor_id
        rows = [r for r in rows if r.user_id == me or _about_user(r) == me]
    ids = {r.user_id for r in rows if r.user_id is not None}
    names = dict(db.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    return [Event(r, names.get(r.user_id) if r.user_id else None) for r in rows]


def restore_segment(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    *,
    event_id: int,
) -> segments.BatchResult:
    """Puts the segment back as it was right after event `event_id` (before it, for a
    deletion): an ordinary save, checked, versioned and in the history itself."""
    event = db.get(AuditEvent, event_id)
    snapshot = None
    if event is not None and event.entity_type == "segment":
        snapshot = event.after or event.before
    if event is None or not snapshot or snapshot.get("datapoint_id") != datapoint.id:
        raise NotFound(f"Event {event_id} is not a change to a segment of this item.")
    data = {k: snapshot[k] for k in CONTENT if k in snapshot}
    current = db.get(Segment, event.entity_id)
    author = snapshot.get("author_id")
    if current is not None:
        up = segments.Upsert(data, id=current.id, version=current.version)
    else:
        if author is not None and not _still_assigned(db, datapoint.id, author):
            raise InvalidInput(
                "That segment's author is no longer assigned to this item.", code="not_assigned"
            )
        up = segments.Upsert(data, id=event.entity_id)
    segments.check_may_write(author if isinstance(author, int) else None, principal, role)
    return segments.save_batch(
        db,
        datapoint,
        [up],
        principal=principal,
        role=role,
        author_id=author if isinstance(author, int) else None,
        start_work=False,
    )


def _still_assigned(db: Session, datapoint_id: int, user_id: object) -> bool:
    found = db.scalar(
        select(Assignment.id).where(
            Assignment.datapoint_id == datapoint_id, Assignment.user_id == user_id
        )
    )
    return found is not None
