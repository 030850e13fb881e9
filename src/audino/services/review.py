"""A user's work on a datapoint: started, done or reopened, marked for review, its values,
and a reviewer's verdict on it (accepted, or rejected with a comment back to its author)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Comment,
    Datapoint,
    LabelScope,
    Project,
    ReviewStatus,
    Segment,
    User,
    utcnow,
)
from audino.services import audit, comments, gold, validation
from audino.services.access import Can, Principal, allowed
from audino.services.assignments import refresh_status
from audino.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from audino.services.labels.validation import clean_values, load_schema, missing_required

MAX_VERSION = 2**31 - 1


def assignment_json(
    row: Assignment, datapoint: Datapoint | None = None, *, previous_version: int | None = None
) -> dict[str, Any]:
    """The public shape; `previous_version` is the version a write of this request went on
    top of (None when it changed nothing), so a client that knew that version knows this one."""

    def iso(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat().replace("+00:00", "Z")

    out: dict[str, Any] = {
        "datapoint_id": row.datapoint_id,
        "user_id": row.user_id,
        "username": row.user.username if row.user else None,
        "status": row.status,
        "state": work_state(row.status, row.review_status),
        "review_status": row.review_status,
        "reviewed_at": iso(row.reviewed_at),
        "marked_for_review": row.marked_for_review,
        "values": row.values or {},
        "version": row.version,
        "previous_version": previous_version,
        "completed_at": iso(row.completed_at),
        "updated_at": iso(row.updated_at),
    }
    if datapoint is not None:
        out["datapoint_status"] = datapoint.status
        out["datapoint_marked_for_review"] = datapoint.marked_for_review
    return out


WorkState = Literal["todo", "in_progress", "submitted", "accepted", "rejected"]


def work_state(status: str, review_status: str | None) -> WorkState:
    """What people see: to do, in progress, submitted, accepted or rejected.

    Rejected work is back with its annotator (in progress) until they submit it again;
    accepted work is done work a reviewer accepted.
    """
    done = status == AssignmentStatus.done.value
    if done:
        return "accepted" if review_status == ReviewStatus.accepted.value else "submitted"
    if review_status == ReviewStatus.rejected.value:
        return "rejected"
    return "in_progress" if status == AssignmentStatus.in_progress.value else "todo"


WORK_STATES: tuple[WorkState, ...] = ("todo", "in_progress", "submitted", "accepted", "rejected")


def state_condition(state: str, assignment: Any = Assignment) -> ColumnElement[bool]:
    """SQL for "this assignment is in `state`" (the inverse of work_state), on `assignment`
    (the Assignment class or an alias of it)."""
    done = assignment.status == AssignmentStatus.done.value
    rejected = assignment.review_status == ReviewStatus.rejected.value
    accepted = assignment.review_status == ReviewStatus.accepted.value
    not_rejected = or_(assignment.review_status.is_(None), ~rejected)
    if state == "accepted":
        return and_(done, accepted)
    if state == "submitted":
        return and_(done, or_(assignment.review_status.is_(None), ~accepted))
    if state == "rejected":
        return and_(~done, rejected)
    if state == "in_progress":
        return and_(assignment.status == AssignmentStatus.in_progress.value, not_rejected)
    if state == "todo":
        return and_(assignment.status == AssignmentStatus.todo.value, not_rejected)
    raise InvalidInput(
        f"Unknown state {state!r}; use one of: {', '.join(WORK_STATES)}.", code="bad_state"
    )


def _snapshot(row: Assignment) -> dict[str, Any]:
    return {
        "user_id": row.user_id,
        "status": row.status,
        "review_status": row.review_status,
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


def get_assignment(
    db: Session, datapoint_id: int, user_id: int, *, principal: Principal | None = None
) -> Assignment:
    """The user's assignment; 404 `not_assigned` in words for the caller (`principal`)."""
    row = _find(db, datapoint_id, user_id)
    if row is None:
        if principal is not None and principal.user is not None and principal.user.id == user_id:
            raise NotFound(
                "This item is not assigned to you, so its review mark, status and labels "
                "cannot be changed. Ask a project manager to assign it to you.",
                code="not_assigned",
            )
        name = db.scalar(select(User.username).where(User.id == user_id))
        who = repr(name) if name else f"User {user_id}"
        raise NotFound(f"{who} is not assigned to this item.", code="not_assigned")
    return row


def _find(db: Session, datapoint_id: int, user_id: int) -> Assignment | None:
    return db.scalar(
        select(Assignment)
        .where(Assignment.datapoint_id == datapoint_id, Assignment.user_id == user_id)
        .execution_options(populate_existing=True)
    )


_ASSIGNMENTS = cast(Table, Assignment.__table__)
# Built once: the batch-save hot path binds these. Bind names differ from column names,
# which an UPDATE would SET.
_SET_WORK_STATUS = (
    update(_ASSIGNMENTS)
    .where(
        _ASSIGNMENTS.c.id == bindparam("work_id"),
        _ASSIGNMENTS.c.version == bindparam("work_version"),
    )
    .values(status=bindparam("work_status"), version=_ASSIGNMENTS.c.version + 1)
)
_HAS_SEGMENTS = (
    select(Segment.id)
    .where(
        Segment.datapoint_id == bindparam("work_datapoint_id"),
        Segment.author_id == bindparam("work_user_id"),
    )
    .limit(1)
)


def _has_segments(db: Session, datapoint_id: int, user_id: int) -> bool:
    found = db.scalar(_HAS_SEGMENTS, {"work_datapoint_id": datapoint_id, "work_user_id": user_id})
    return found is not None


def work_status(status: str, *, has_work: bool) -> str:
    """The status work implies: done stays done; otherwise in progress while the user has
    segments or labels on the item, to do when they have none left."""
    if status == AssignmentStatus.done.value:
        return status
    return AssignmentStatus.in_progress.value if has_work else AssignmentStatus.todo.value


@dataclass
class Work:
    """The caller's assignment after a save, and the version it had before (None: unchanged)."""

    assignment: Assignment
    previous_version: int | None

    def json(self, datapoint: Datapoint) -> dict[str, Any]:
        return assignment_json(self.assignment, datapoint, previous_version=self.previous_version)


def sync_work(db: Session, datapoint_id: int, user_id: int) -> Work | None:
    """After the user's segments changed: todo -> in_progress with their first segment, back
    to todo when their last one is gone and they set no labels (done stays done).

    None when the user is not assigned to the datapoint.
    """
    row = _find(db, datapoint_id, user_id)
    if row is None:
        return None
    if row.status == AssignmentStatus.done.value:
        return Work(row, None)
    has_work = bool(row.values) or _has_segments(db, datapoint_id, user_id)
    status = work_status(row.status, has_work=has_work)
    if status == row.status:
        return Work(row, None)
    previous = row.version
    done = db.execute(
        _SET_WORK_STATUS,
        {"work_id": row.id, "work_version": previous, "work_status": status},
    )
    fresh = _find(db, datapoint_id, user_id)
    if fresh is None:
        return None
    refresh_status(db, datapoint_id)
    # Changed meanwhile by another request: this save did not write it.
    return Work(fresh, previous if done.rowcount == 1 else None)  # type: ignore[attr-defined]


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
        datapoint_id=datapoint.id,
        before=before,
        after=_snapshot(fresh),
    )
    refresh_status(db, datapoint.id)
    return fresh


def _target(
    db: Session, datapoint: Datapoint, principal: Principal, role: str, user_id: int | None
) -> Assignment:
    target = target_user_id(principal, role, user_id)
    return get_assignment(db, datapoint.id, target, principal=principal)


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
    row = _target(db, datapoint, principal, role, user_id)
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
    row = _target(db, datapoint, principal, role, user_id)
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
    validation.require_valid(db, datapoint, row.user_id)
    # Submitting again (after a rejection, or after reopening) asks for a new review.
    done = _change(
        db,
        datapoint,
        row,
        {"status": AssignmentStatus.done.value, "completed_at": utcnow(), "review_status": None},
        actor_id=principal.actor_id,
        action="assignment.complete",
    )
    project = db.get(Project, datapoint.project_id)
    if project is not None and datapoint.gold_user_id is None:
        gold.maybe_assign_gold(db, project, row.user_id)  # due a gold item: it joins the queue
    return done


def reopen(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    *,
    user_id: int | None = None,
) -> Assignment:
    row = _target(db, datapoint, principal, role, user_id)
    changes: dict[str, Any] = {"status": AssignmentStatus.in_progress.value, "completed_at": None}
    if row.review_status == ReviewStatus.accepted.value:
        changes["review_status"] = None  # reopened work is no longer what was accepted
    return _change(
        db, datapoint, row, changes, actor_id=principal.actor_id, action="assignment.reopen"
    )


def _reviewed(
    db: Session, datapoint: Datapoint, principal: Principal, role: str, user_id: int
) -> Assignment:
    """The annotator's assignment a reviewer (or manager) may give a verdict on."""
    reviewer = principal.require_user()
    if not allowed(role, Can.review):
        raise PermissionDenied(
            "Only reviewers and managers may accept or reject work.", code="review_required"
        )
    if user_id == reviewer.id:
        raise PermissionDenied(
            "You cannot review your own work; another reviewer or a manager can.",
            code="own_work",
        )
    row = get_assignment(db, datapoint.id, user_id, principal=principal)
    if row.status != AssignmentStatus.done.value and not row.marked_for_review:
        who = row.user.username if row.user else f"User {user_id}"
        raise Conflict(
            f"{who!r} has not submitted this item yet (it is {row.status.replace('_', ' ')}); "
            "work can be reviewed once it is completed or marked for review.",
            code="not_submitted",
            extra={"current": assignment_json(row)},
        )
    return row


def accept(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    *,
    user_id: int,
    version: int | None = None,
) -> Assignment:
    """Accepts the user's work: done, reviewed, no longer waiting for review."""
    row = _reviewed(db, datapoint, principal, role, user_id)
    now = utcnow()
    changes: dict[str, Any] = {
        "status": AssignmentStatus.done.value,
        "completed_at": row.completed_at or now,
        "review_status": ReviewStatus.accepted.value,
        "reviewed_by_id": principal.actor_id,
        "reviewed_at": now,
        "marked_for_review": False,
    }
    return _change(
        db,
        datapoint,
        row,
        changes,
        actor_id=principal.actor_id,
        action="assignment.accept",
        version=_version(version),
    )


def reject(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    *,
    user_id: int,
    comment: object,
    version: int | None = None,
) -> tuple[Assignment, Comment]:
    """Sends the user's work back to them with a comment saying what to fix."""
    row = _reviewed(db, datapoint, principal, role, user_id)
    comments.clean_body(comment)  # refused before anything changes
    changes: dict[str, Any] = {
        "status": AssignmentStatus.in_progress.value,
        "completed_at": None,
        "review_status": ReviewStatus.rejected.value,
        "reviewed_by_id": principal.actor_id,
        "reviewed_at": utcnow(),
        "marked_for_review": False,
    }
    fresh = _change(
        db,
        datapoint,
        row,
        changes,
        actor_id=principal.actor_id,
        action="assignment.reject",
        version=_version(version),
    )
    note = comments.add_comment(
        db, datapoint, principal, comment, kind="rejection", about_user_id=user_id
    )
    return fresh, note


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
    row = _target(db, datapoint, principal, role, user_id)
    schema = load_schema(db, datapoint.project_id)
    cleaned = clean_values(schema, values, scope=LabelScope.datapoint.value)
    changes: dict[str, Any] = {"values": cleaned}
    has_work = bool(cleaned) or _has_segments(db, datapoint.id, row.user_id)
    status = work_status(row.status, has_work=has_work)
    if status != row.status:
        changes["status"] = status
    return _change(
        db,
        datapoint,
        row,
        changes,
        actor_id=principal.actor_id,
        action="assignment.values",
        version=_version(version),
    )
