"""Many items at once (the grid's and the list's selection): set an item-level label, mark
for review. Assigning a selection is `POST /projects/{id}/assignments`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from audino.api.deps import DbDep, ProjectManager
from audino.services import selection

router = APIRouter(prefix="/api", tags=["datapoints"])

Ids = list[int]


class LabelSelectionIn(BaseModel):
    datapoint_ids: Ids = Field(min_length=1, max_length=selection.MAX_SELECTION)
    label: int | str = Field(description="An item-level label: id or name.")
    value: Any = Field(
        description="Its value: a value id or text for list labels, true/false, a number or "
        "text; null clears it. A list label gets the value added to those it has."
    )
    user: int | str | None = Field(
        default=None,
        description="The member whose labels these are (id or username); default: you.",
    )


class ReviewSelectionIn(BaseModel):
    datapoint_ids: Ids = Field(min_length=1, max_length=selection.MAX_SELECTION)
    marked: bool = True


class SelectionOut(BaseModel):
    changed: int
    unchanged: int
    skipped: list[int]
    message: str


def _out(result: selection.SelectionResult) -> SelectionOut:
    return SelectionOut(
        changed=result.changed,
        unchanged=result.unchanged,
        skipped=result.skipped,
        message=result.message,
    )


@router.post("/projects/{project_id}/selection/label", response_model=SelectionOut)
def label_selection(body: LabelSelectionIn, access: ProjectManager, db: DbDep) -> SelectionOut:
    """Sets one item-level label on every chosen item (assigning the member where needed)."""
    result = selection.set_label(
        db,
        access.project.id,
        body.datapoint_ids,
        body.label,
        body.value,
        principal=access.principal,
        role=access.role,
        user_ref=body.user,
    )
    return _out(result)


@router.post("/projects/{project_id}/selection/review", response_model=SelectionOut)
def review_selection(body: ReviewSelectionIn, access: ProjectManager, db: DbDep) -> SelectionOut:
    """Marks (or with `marked: false` unmarks) the work on every chosen item for review."""
    result = selection.set_marked(
        db,
        access.project.id,
        body.datapoint_ids,
        body.marked,
        principal=access.principal,
        role=access.role,
    )
    return _out(result)
