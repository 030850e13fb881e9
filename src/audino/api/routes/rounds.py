"""Active-learning rounds: a manager starts one over the most uncertain items, everyone sees
its progress, annotators skip an item to the end of it."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from audino.api import openapi
from audino.api.deps import DatapointAnnotator, DbDep, ProjectManager, ProjectReader
from audino.db.models import QueueRound
from audino.services import active_learning
from audino.services.access import sees_all_datapoints

router = APIRouter(prefix="/api", tags=["active learning"])


class RoundIn(BaseModel):
    size: int = Field(ge=1, le=active_learning.MAX_ROUND, description="How many items.")


class ProgressOut(BaseModel):
    items: int
    submitted: int
    # Skipped and not submitted since.
    skipped: int


class PersonProgressOut(ProgressOut):
    user_id: int
    username: str


class RoundPublic(BaseModel):
    id: int
    number: int
    # The items it holds: the most uncertain open ones when it was started.
    size: int
    order: active_learning.Order  # uncertainty or disagreement
    models: list[str]
    created_by: str | None
    created_at: datetime
    closed_at: datetime | None
    # Submitted: every assignment on the item is done.
    progress: ProgressOut
    # The caller's own items in the round (null when they have none).
    mine: ProgressOut | None
    # The caller's items in the order their queue serves them (skipped ones last).
    my_items: list[int]
    # Everyone's progress: shown to managers and reviewers, empty for annotators.
    people: list[PersonProgressOut]


class QueueStateOut(BaseModel):
    # The project's queue order (settings.queue) and the round running now, if any.
    order: active_learning.Order
    models: list[str]
    round: RoundPublic | None


class SkipOut(BaseModel):
    # The caller's next item (null: nothing else is left to them).
    datapoint_id: int | None


def _public(db: Session, row: QueueRound, user_id: int | None, role: str) -> RoundPublic:
    found = active_learning.progress(db, row, user_id)
    everyone = sees_all_datapoints(role)
    return RoundPublic(
        id=row.id,
        number=row.number,
        size=row.size,
        order=cast(active_learning.Order, row.order),
        models=list(row.models or []),
        created_by=found.created_by,
        created_at=row.created_at,
        closed_at=row.closed_at,
        progress=ProgressOut(**_counts(found.total)),
        mine=ProgressOut(**_counts(found.mine)) if found.mine else None,
        my_items=found.item_ids,
        people=[
            PersonProgressOut(user_id=p.user_id, username=p.username, **_counts(p))
            for p in found.people
        ]
        if everyone
        else [],
    )


def _counts(p: active_learning.Progress) -> dict[str, int]:
    return {"items": p.items, "submitted": p.submitted, "skipped": p.skipped}


@router.get("/projects/{project_id}/rounds/current", response_model=QueueStateOut)
def current_round(access: ProjectReader, db: DbDep) -> QueueStateOut:
    """The project's queue order and the round running now (null when none is)."""
    config = active_learning.stored_config(access.project)
    row = active_learning.current_round(db, access.project.id)
    user = access.principal.user
    return QueueStateOut(
        order=config.order,
        models=list(config.models),
        round=_public(db, row, user.id if user else None, access.role) if row else None,
    )


@router.post(
    "/projects/{project_id}/rounds",
    response_model=RoundPublic,
    status_code=201,
    responses=openapi.answers(409),
)
def start_round(body: RoundIn, access: ProjectManager, db: DbDep) -> RoundPublic:
    """Starts a round of the `size` most uncertain open items (fewer when fewer are open),
    by the project's queue order; one round runs at a time."""
    actor = access.principal.actor_id
    row = active_learning.start_round(db, access.project, body.size, actor_id=actor)
    user = access.principal.user
    return _public(db, row, user.id if user else None, access.role)


@router.post(
    "/projects/{project_id}/rounds/current/close",
    response_model=RoundPublic,
    responses=openapi.answers(404),
)
def close_round(access: ProjectManager, db: DbDep) -> RoundPublic:
    """Ends the running round; the queue follows the project's order again."""
    row = active_learning.close_round(db, access.project, actor_id=access.principal.actor_id)
    user = access.principal.user
    return _public(db, row, user.id if user else None, access.role)


@router.post(
    "/datapoints/{datapoint_id}/skip", response_model=SkipOut, responses=openapi.answers(409)
)
def skip_item(access: DatapointAnnotator, db: DbDep) -> SkipOut:
    """Skips the item without submitting it: it comes back at the end of the caller's round
    (outside a running round: at the end of their queue).
    Answers the caller's next item."""
    user = access.principal.require_user()
    return SkipOut(datapoint_id=active_learning.skip(db, access.datapoint, user.id))
