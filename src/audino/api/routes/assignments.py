"""Handing out work and finding the next item: bulk assignment, the queue, neighbours."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from audino.api.deps import DatapointReader, DbDep, ProjectManager, ProjectReader
from audino.services import assignments, distribution, queue, quick
from audino.services.errors import InvalidInput

router = APIRouter(prefix="/api", tags=["assignments"])


class BulkAssignIn(BaseModel):
    users: list[int | str] = Field(min_length=1, max_length=1000)
    # Either these datapoints to every user, or `per_user` new datapoints to each.
    datapoint_ids: list[int] | None = Field(default=None, max_length=distribution.MAX_SELECTION)
    per_user: int | None = Field(default=None, ge=1, le=1_000_000)
    overlap: float = Field(default=0.0, ge=0.0, le=1.0)


class BulkAssignOut(BaseModel):
    datapoints: int
    assignments: int
    per_user: dict[str, int]


class NextOut(BaseModel):
    datapoint_id: int | None


class QuickOut(BaseModel):
    """The project's quick mode (null: none) and the caller's progress through their queue."""

    mode: str | None
    label: str | None
    over: str | None = Field(description="items, or predictions: each predicted region decided.")
    total: int
    done: int
    left: int
    counts: dict[str, int]


class NeighboursOut(BaseModel):
    previous: int | None
    next: int | None
    next_in_queue: int | None


@router.post("/projects/{project_id}/assignments", response_model=BulkAssignOut)
def bulk_assign(body: BulkAssignIn, access: ProjectManager, db: DbDep) -> BulkAssignOut:
    """Assign a selection to every chosen user, or spread N each with an optional overlap."""
    project_id = access.project.id
    users = assignments.resolve_members(db, project_id, body.users)
    actor = access.principal.actor_id
    if (body.datapoint_ids is None) == (body.per_user is None):
        raise InvalidInput(
            "Send either datapoint_ids (assign these) or per_user (spread new ones).",
            code="bad_assignment",
        )
    if body.datapoint_ids is not None:
        result = distribution.assign_selection(
            db, project_id, body.datapoint_ids, users, actor_id=actor
        )
    else:
        assert body.per_user is not None
        result = distribution.spread(
            db, project_id, users, per_user=body.per_user, overlap=body.overlap, actor_id=actor
        )
    return BulkAssignOut(
        datapoints=result.datapoints, assignments=result.assignments, per_user=result.per_user
    )


@router.get("/projects/{project_id}/next", response_model=NextOut)
def next_item(
    access: ProjectReader, db: DbDep, after: int | None = Query(default=None, ge=1, le=2**31 - 1)
) -> NextOut:
    """The caller's next unfinished datapoint (in progress first), after `after` if given."""
    user = access.principal.user
    found = queue.next_in_queue(db, access.project.id, user.id, after) if user else None
    return NextOut(datapoint_id=found)


@router.get("/projects/{project_id}/quick", response_model=QuickOut)
def quick_progress(access: ProjectReader, db: DbDep) -> QuickOut:
    """The quick mode and the caller's counts: done (by value of the quick label) and left."""
    setting = quick.setting_of(access.project.settings)
    mode = setting["mode"] if setting else None
    label = setting.get("label") if setting else None
    over = setting.get("over", "items") if setting else None
    user = access.principal.user
    if user is None:
        found = quick.Progress()
    elif quick.over_predictions(setting):
        found = quick.prediction_progress(db, access.project.id, user.id)
    else:
        found = quick.progress(db, access.project.id, user.id, label)
    return QuickOut(
        mode=mode,
        label=label,
        over=over,
        total=found.total,
        done=found.done,
        left=found.left,
        counts=found.counts,
    )


@router.get("/datapoints/{datapoint_id}/neighbours", response_model=NeighboursOut)
def neighbours(access: DatapointReader, db: DbDep) -> NeighboursOut:
    """Previous and next datapoint in the caller's list, and the next one still to do."""
    user = access.principal.user
    found = queue.neighbours(
        db, access.datapoint, user_id=user.id if user else None, role=access.role
    )
    return NeighboursOut(
        previous=found.previous, next=found.next, next_in_queue=found.next_in_queue
    )
