"""Who works on which datapoint, and the datapoint status derived from that."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.db.models import Assignment, AssignmentStatus, Datapoint, Membership, User
from audino.services import audit
from audino.services.errors import InvalidInput, NotFound


def _storable(text: str) -> bool:
    """Text a database query can carry (PostgreSQL refuses NUL and lone surrogates)."""
    return "\x00" not in text and not any("\ud800" <= c <= "\udfff" for c in text)


def resolve_members(db: Session, project_id: int, refs: Iterable[int | str]) -> list[User]:
    """Users by id or username who are members of the project; 400 naming any who are not."""
    wanted: list[str] = []
    for ref in refs:
        text = str(ref).strip()
        if text and text not in wanted:
            wanted.append(text)
    if not wanted:
        return []
    ids = [int(w) for w in wanted if w.isdecimal() and len(w) < 19]
    names = [w for w in wanted if _storable(w)]
    rows = db.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.project_id == project_id,
            User.id.in_(ids) | User.username.in_(names),
        )
    ).all()
    by_id = {u.id: u for u in rows}
    by_name = {u.username: u for u in rows}
    users: list[User] = []
    missing: list[str] = []
    for w in wanted:
        user = by_id.get(int(w)) if w.isdecimal() and len(w) < 19 else None
        user = user or by_name.get(w)
        if user is None:
            missing.append(w.encode("utf-8", "backslashreplace").decode())
        elif user not in users:
            users.append(user)
    if missing:
        raise InvalidInput(
            "Not members of this project: "
            + ", ".join(map(repr, missing))
            + ". Add them to the project "
            "before assigning work to them.",
            code="unknown_assignee",
            extra={"unknown": missing},
        )
    return users


def assign(
    db: Session, datapoint: Datapoint, users: Sequence[User], *, actor_id: int | None = None
) -> list[int]:
    """Assigns each user not yet assigned; returns the ids of the new assignees."""
    if not users:
        return []
    if datapoint.window_count:
        # A recording presented as windows: its assignees get every window.
        added_any: set[int] = set()
        for window in db.scalars(select(Datapoint).where(Datapoint.parent_id == datapoint.id)):
            added_any.update(assign(db, window, users, actor_id=actor_id))
        return sorted(added_any)
    existing = set(
        db.scalars(select(Assignment.user_id).where(Assignment.datapoint_id == datapoint.id))
    )
    added = [u.id for u in users if u.id not in existing]
    for user_id in added:
        db.add(Assignment(datapoint_id=datapoint.id, user_id=user_id))
    if added:
        db.flush()
        audit.record(
            db,
            user_id=actor_id,
            action="datapoint.assign",
            entity_type="datapoint",
            entity_id=datapoint.id,
            project_id=datapoint.project_id,
            datapoint_id=datapoint.id,
            after={"user_ids": added},
        )
        refresh_status(db, datapoint.id)
    return added


def unassign(
    db: Session, datapoint: Datapoint, user_id: int, *, actor_id: int | None = None
) -> None:
    """Removes a user's assignment (their segments stay); 404 when they were not assigned."""
    row = db.scalar(
        select(Assignment).where(
            Assignment.datapoint_id == datapoint.id, Assignment.user_id == user_id
        )
    )
    if row is None:
        name = db.scalar(select(User.username).where(User.id == user_id))
        who = repr(name) if name else f"User {user_id}"
        raise NotFound(f"{who} is not assigned to this item.", code="not_assigned")
    before = {"user_id": user_id, "status": row.status}
    db.delete(row)
    db.flush()
    audit.record(
        db,
        user_id=actor_id,
        action="datapoint.unassign",
        entity_type="datapoint",
        entity_id=datapoint.id,
        project_id=datapoint.project_id,
        datapoint_id=datapoint.id,
        before=before,
    )
    refresh_status(db, datapoint.id)


def list_assignments(db: Session, datapoint_ids: Sequence[int]) -> dict[int, list[Assignment]]:
    """The assignments of several datapoints at once, ordered by assignment id."""
    found: dict[int, list[Assignment]] = {i: [] for i in datapoint_ids}
    if not datapoint_ids:
        return found
    rows = db.scalars(
        select(Assignment).where(Assignment.datapoint_id.in_(datapoint_ids)).order_by(Assignment.id)
    )
    for row in rows:
        found[row.datapoint_id].append(row)
    return found


def derived_status(statuses: Sequence[str]) -> str:
    if statuses and all(s == AssignmentStatus.done.value for s in statuses):
        return AssignmentStatus.done.value
    if any(
        s in (AssignmentStatus.in_progress.value, AssignmentStatus.done.value) for s in statuses
    ):
        return AssignmentStatus.in_progress.value
    return AssignmentStatus.todo.value


def refresh_status(db: Session, datapoint_id: int) -> Datapoint | None:
    """Recomputes Datapoint.status and marked_for_review from its assignments."""
    datapoint = db.get(Datapoint, datapoint_id)
    if datapoint is None:
        return None
    db.flush()
    rows = db.execute(
        select(Assignment.status, Assignment.marked_for_review).where(
            Assignment.datapoint_id == datapoint_id
        )
    ).all()
    status = derived_status([s for s, _ in rows])
    marked = any(m for _, m in rows)
    if datapoint.status != status:
        datapoint.status = status
    if datapoint.marked_for_review != marked:
        datapoint.marked_for_review = marked
    if datapoint.parent_id is not None:
        _refresh_recording(db, datapoint.parent_id)
    return datapoint


def _refresh_recording(db: Session, recording_id: int) -> None:
    """A recording presented as windows takes its status from them (for exports and
    filters): done when all are, in progress once any is started."""
    recording = db.get(Datapoint, recording_id)
    if recording is None or not recording.window_count:
        return
    db.flush()
    rows = db.execute(
        select(Datapoint.status, Datapoint.marked_for_review).where(
            Datapoint.parent_id == recording_id
        )
    ).all()
    recording.status = derived_status([s for s, _ in rows])
    recording.marked_for_review = any(m for _, m in rows)
