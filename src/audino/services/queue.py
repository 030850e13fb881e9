"""An annotator's queue: what to open next, and the items before and after the current one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from audino.db.models import Assignment, Datapoint, Project
from audino.services import active_learning, skips
from audino.services.access import sees_all_datapoints

OPEN = ("in_progress", "todo")


def next_in_queue(
    db: Session, project_id: int, user_id: int, after: int | None = None
) -> int | None:
    """The caller's next unfinished item: in progress first, then to do, by id after `after`,
    and the items they skipped last (services.skips).

    Wraps around to the start of the queue, and never answers `after` itself. A project
    ordered by model uncertainty serves its running round first instead (active_learning).
    """
    project = db.get(Project, project_id)
    config = active_learning.stored_config(project) if project else None
    if config is not None and config.order != "id":
        return active_learning.next_item(db, project_id, config, user_id, after)
    base = (
        select(Assignment.datapoint_id)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(
            Datapoint.project_id == project_id,
            Assignment.user_id == user_id,
            Assignment.skipped_at.is_(None),
        )
        .order_by(Assignment.datapoint_id)
        .limit(1)
    )
    for status in OPEN:
        mine = base.where(Assignment.status == status)
        if after is not None:
            found = db.scalar(mine.where(Assignment.datapoint_id > after))
            if found is None:
                found = db.scalar(mine.where(Assignment.datapoint_id < after))
        else:
            found = db.scalar(mine)
        if found is not None:
            return found
    return skips.next_skipped(db, project_id, user_id, after)


@dataclass(frozen=True, slots=True)
class Neighbours:
    previous: int | None
    next: int | None
    next_in_queue: int | None


def neighbours(db: Session, datapoint: Datapoint, *, user_id: int | None, role: str) -> Neighbours:
    """The items before and after this one in the caller's list (by id), and the next to do."""
    visible: Select[int]
    if sees_all_datapoints(role) or user_id is None:
        visible = select(Datapoint.id).where(
            Datapoint.project_id == datapoint.project_id, Datapoint.window_count == 0
        )
        col = Datapoint.id
    else:
        visible = (
            select(Assignment.datapoint_id)
            .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
            .where(Datapoint.project_id == datapoint.project_id, Assignment.user_id == user_id)
        )
        col = Assignment.datapoint_id  # type: ignore[assignment]
    previous = db.scalar(visible.where(col < datapoint.id).order_by(col.desc()).limit(1))
    following = db.scalar(visible.where(col > datapoint.id).order_by(col).limit(1))
    queued = (
        next_in_queue(db, datapoint.project_id, user_id, after=datapoint.id)
        if user_id is not None
        else None
    )
    return Neighbours(previous=previous, next=following, next_in_queue=queued)
