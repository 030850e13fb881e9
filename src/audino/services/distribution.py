"""Handing out datapoints to annotators: a chosen selection, or N each with some overlap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from audino.db.models import Assignment, Datapoint, User
from audino.services import assignments, selection
from audino.services.errors import InvalidInput

MAX_SELECTION = 10_000


@dataclass(frozen=True, slots=True)
class Distribution:
    datapoints: int  # how many datapoints got at least one new assignee
    assignments: int  # how many assignments were added
    per_user: dict[str, int]


def _check_users(users: Sequence[User]) -> None:
    if not users:
        raise InvalidInput("Choose at least one annotator.", code="no_users")


def assign_selection(
    db: Session,
    project_id: int,
    datapoint_ids: Sequence[int],
    users: Sequence[User],
    *,
    actor_id: int | None,
) -> Distribution:
    """Every chosen user on every chosen datapoint (users already on one are kept)."""
    _check_users(users)
    if not datapoint_ids:
        raise InvalidInput("Choose at least one datapoint.", code="no_datapoints")
    if len(datapoint_ids) > MAX_SELECTION:
        raise InvalidInput(f"At most {MAX_SELECTION} datapoints at once.", code="too_many")
    per_user = {u.username: 0 for u in users}
    touched = added = 0
    for dp in selection.selected(db, project_id, datapoint_ids):
        new = assignments.assign(db, dp, users, actor_id=actor_id)
        touched += bool(new)
        added += len(new)
        for user in users:
            per_user[user.username] += user.id in new
    return Distribution(datapoints=touched, assignments=added, per_user=per_user)


def spread(
    db: Session,
    project_id: int,
    users: Sequence[User],
    *,
    per_user: int,
    overlap: float,
    actor_id: int | None,
) -> Distribution:
    """Give each user `per_user` datapoints nobody has yet; `overlap` of them go to two people.

    With overlap 0.2 and 100 each for 2 users, 167 datapoints are handed out and 33 of them
    are annotated twice (by two different people), so agreement can be measured.
    """
    _check_users(users)
    if per_user < 1:
        raise InvalidInput("Give each annotator at least one datapoint.", code="bad_count")
    if not 0 <= overlap <= 1:
        raise InvalidInput("Overlap is a fraction between 0 and 1.", code="bad_overlap")
    if overlap > 0 and len(users) < 2:
        raise InvalidInput("Overlap needs at least two annotators.", code="bad_overlap")
    slots = per_user * len(users)
    distinct = max(1, round(slots / (1 + overlap)))
    unassigned = (
        select(Datapoint)
        .where(
            Datapoint.project_id == project_id,
            Datapoint.window_count == 0,
            ~exists().where(Assignment.datapoint_id == Datapoint.id),
        )
        .order_by(Datapoint.id)
        .limit(distinct)
    )
    pool = list(db.scalars(unassigned))
    if not pool:
        raise InvalidInput(
            "Every datapoint in this project already has an annotator.", code="none_left"
        )
    if len(pool) == distinct:  # exactly per_user each
        doubles = min(distinct, slots - distinct)
    else:  # fewer free datapoints than asked for: scale down, keeping the overlap ratio
        doubles = min(len(pool), round(len(pool) * overlap))
    load = {u.id: 0 for u in users}
    plan: dict[int, list[User]] = {dp.id: [] for dp in pool}
    for position, dp in enumerate(pool + pool[:doubles]):
        taken = {u.id for u in plan[dp.id]}
        candidates = [u for u in users if u.id not in taken]
        # The least-loaded user; ties go round-robin so the first pass alternates.
        user = min(candidates, key=lambda u: (load[u.id], (users.index(u) - position) % len(users)))
        plan[dp.id].append(user)
        load[user.id] += 1
    added = 0
    for dp in pool:
        added += len(assignments.assign(db, dp, plan[dp.id], actor_id=actor_id))
    by_name = {u.username: load[u.id] for u in users}
    return Distribution(datapoints=len(pool), assignments=added, per_user=by_name)
