"""A user's work on a datapoint: started, done or reopened, marked for review, its values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    LabelScope,
    Segment,
    utcnow,
)
from audino.services import audit
from audino.services.access import Can, Principal, allowed
from audino.services.assignments import refresh_status
from audino.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from audino.services.labels.validation import clean_values, load_schema, missing_required

MAX_VERSION = 2**31 - 1


def assignment_json(row: Assignment, datapoint: Datapoint | None = None) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat().replace("+00:00", "Z")

    out: dict[str, Any] = {
        "datapoint_id": row.datapoint_id,
        "user_id": row.user_id,
        "username": row.user.username if row.user else None,
        "status": row.status,
        "marked_for_review": row.marked_for_review,
        "values": row.values or {},
        "version": row.version,
        "completed_at": iso(row.completed_at),
        "updated_at": iso(row.updated_at),
    }
    if datapoint is not None:
        out["datapoint_status"] = datapoint.status
        out["datapoint_marked_for_review"] = datapoint.marked_for_review
    return out


def _snapshot(row: Assignment) -> dict[str, Any]:
    return {
        "user_id": row.user_id,
        "status": row.status,
        "marked_for_review": row.marked_for_review,
        "values": row.values or {},
    }


def target_user_id(principal: Principal, role: str, user_id: int | None) -> int:
    """Whose assignment: the caller's own, or anyone's for reviewers, managers and admins."""
    if user_id is None or (principal.user is not None and user_id == principal.user.id):
        return principal.require_user().id
    if not allowed(role, Can.review):
        raise PermissionDenied(
            "Only reviewers and managers may change someone else's assignment.",
            code="not_your_assignment",
        )
    return user_id


def get_assignment(db: Session, datapoint_id: int, user_id: int) -> Assignment:
    row = db.scalar(
        select(Assignment)
        .where(Assignment.datapoint_id == datapoint_id, Assignment.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound(
            f"User {user_id} is not assigned to datapoint {datapoint_id}.", code="not_assigned"
        )
    return row


_ASSIGNMENTS = cast(Table, Assignment.__table__)
# Built once. Bind names differ from column names, which an UPDATE would SET; the
# no-op after a user's first save costs one index lookup.
_START_WORK = (
    update(_ASSIGNMENTS)
    .where(
        _ASSIGNMENTS.c.datapoint_id == bindparam("start_datapoint_id"),
        _ASSIGNMENTS.c.user_id == bindparam("start_user_id"),
        _ASSIGNMENTS.c.status == AssignmentStatus.todo.value,
    )
    .values(status=AssignmentStatus.in_progress.value, version=_ASSIGNMENTS.c.version + 1)
)


def start_work(db: Session, datapoint_id: int, user_id: int) -> None:
    """Moves the user's assignment from todo to in_progress (their first save)."""
    done = db.execute(_START_WORK, {"start_datapoint_id": datapoint_id, "start_user_id": user_id})
    if done.rowcount:  # type: ignore[attr-defined]
        refresh_status(db, datapoint_id)


def _change(
    db: Session,
    datapoint: Datapoint,
    row: Assignment,
    changes: Mapping[str, Any],
    *,
    actor_id: int | None,
    action: str,
    version: int | None = None,
) -> Assignment:
    """Applies `changes` atomically against `version` (when given), then re-derives status."""
    before = _snapshot(row)
    stmt = update(Assignment).where(Assignment.id == row.id)
    if version is not None:
        stmt = stmt.where(Assignment.version == version)
    done = db.execute(
        stmt.values(**changes, version=Assignment.version + 1).execution_options(
            synchronize_session=False
        )
    )
    fresh = get_assignment(db, row.datapoint_id, row.user_id)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            f"This assignment was changed by someone else (now version {fresh.version}); "
            "reload it and try again.",
            code="stale_version",
            extra={"current": assignment_json(fresh)},
        )
    audit.record(
        db,
        user_id=actor_id,
        action=action,
        entity_type="assignment",
        entity_id=row.id,
        project_id=datapoint.project_id,
        before=before,
        after=_snapshot(fresh),
    )
    refresh_status(db, datapoint.id)
    return fresh


def _version(raw: int | None) -> int | None:
    if raw is not None and not 1 <= raw <= MAX_VERSION:
        raise InvalidInput(f"version must be a positive integer, got {raw!r}.", code="bad_version")
    return raw


def set_marked(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    marked: bool,
    *,
    user_id: int | None = None,
) -> Assignment:
    row = get_assignment(db, datapoint.id, target_user_id(principal, role, user_id))
    return _change(
        db,
        datapoint,
        row,
        {"marked_for_review": marked},
        actor_id=principal.actor_id,
        action="assignment.mark_review" if marked else "assignment.unmark_review",
    )


def complete(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    *,
    user_id: int | None = None,
) -> Assignment:
    """Marks the assignment done once every required label has a value."""
    row = get_assignment(db, datapoint.id, target_user_id(principal, role, user_id))
    schema = load_schema(db, datapoint.project_id)
    missing = missing_required(schema, row.values or {}, LabelScope.datapoint.value)
    if schema.required(LabelScope.segment.value):
        segments = db.execute(
            select(Segment.start, Segment.values).where(
                Segment.datapoint_id == datapoint.id, Segment.author_id == row.user_id
            )
        )
        for start, values in segments:
            for name in missing_required(schema, values or {}, LabelScope.segment.value):
                missing.append(f"{name} (segment at {start:g} s)")
    if missing:
        raise InvalidInput(
            "Required labels have no value: " + ", ".join(missing[:20]) + ".",
            code="missing_required",
            extra={"missing": missing},
        )
    return _change(
        db,
        datapoint,
        row,
        {"status": AssignmentStatus.done.value, "completed_at": utcnow()},
        actor_id=principal.actor_id,
        action="assignment.complete",
    )


def reopen(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    *,
    user_id: int | None = None,
) -> Assignment:
    row = get_assignment(db, datapoint.id, target_user_id(principal, role, user_id))
    return _change(
        db,
        datapoint,
        row,
        {"status": AssignmentStatus.in_progress.value, "completed_at": None},
        actor_id=principal.actor_id,
        action="assignment.reopen",
    )


def set_values(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    values: object,
    *,
    user_id: int | None = None,
    version: int | None = None,
) -> Assignment:
    """Replaces the datapoint-scope label values on the assignment."""
    row = get_assignment(db, datapoint.id, target_user_id(principal, role, user_id))
    schema = load_schema(db, datapoint.project_id)
    cleaned = clean_values(schema, values, scope=LabelScope.datapoint.value)
    changes: dict[str, Any] = {"values": cleaned}
    if row.status == AssignmentStatus.todo.value:
        changes["status"] = AssignmentStatus.in_progress.value
    return _change(
        db,
        datapoint,
        row,
        changes,
        actor_id=principal.actor_id,
        action="assignment.values",
        version=_version(version),
    )
