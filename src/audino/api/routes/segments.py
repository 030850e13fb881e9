"""Segments of a datapoint, batch saves, and each user's review/complete state and values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from audino.api import openapi
from audino.api.deps import DatapointAnnotator, DatapointReader, DbDep, PrincipalDep
from audino.db.models import Datapoint, Segment
from audino.services import review, segments
from audino.services.access import Can, Principal, check_datapoint
from audino.services.errors import InvalidInput
from audino.services.labels.validation import MAX_TEXT

router = APIRouter(tags=["segments"])

MAX_INT = 2**31 - 1
Finite = Annotated[float, Field(allow_inf_nan=False)]
Version = Annotated[int, Field(ge=1, le=MAX_INT)]
Source = Literal["human", "model", "import"]


class Fast(JSONResponse):
    """JSON via orjson: segment lists are the largest payloads the editor loads."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class SegmentIn(BaseModel):
    """A segment to create or save; `values` keys may be label ids or names."""

    model_config = ConfigDict(strict=True)

    id: str | None = Field(default=None, max_length=64)
    version: Version | None = None
    start: Finite
    end: Finite
    channel: Annotated[int, Field(ge=0, le=MAX_INT)] | None = None
    low_hz: Finite | None = None
    high_hz: Finite | None = None
    transcript: str = Field(default="", max_length=MAX_TEXT)
    values: dict[str, Any] = Field(default_factory=dict)
    attributes: dict[str, Any] = Field(default_factory=dict)
    source: Source = "human"
    model: str | None = Field(default=None, max_length=200)
    model_version: str | None = Field(default=None, max_length=100)
    confidence: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] | None = None

    def content(self) -> dict[str, Any]:
        return self.model_dump(exclude={"id", "version"})


class SegmentPatch(BaseModel):
    """Only the fields sent change; `version` is the one you read."""

    model_config = ConfigDict(strict=True)

    version: Version
    start: Finite | None = None
    end: Finite | None = None
    channel: Annotated[int, Field(ge=0, le=MAX_INT)] | None = None
    low_hz: Finite | None = None
    high_hz: Finite | None = None
    transcript: str | None = Field(default=None, max_length=MAX_TEXT)
    values: dict[str, Any] | None = None
    attributes: dict[str, Any] | None = None
    source: Source | None = None
    model: str | None = Field(default=None, max_length=200)
    model_version: str | None = Field(default=None, max_length=100)
    confidence: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] | None = None


class DeleteRef(BaseModel):
    model_config = ConfigDict(strict=True)

    id: str = Field(max_length=64)
    version: Version


class BatchIn(BaseModel):
    model_config = ConfigDict(strict=True)

    # Capped together, so the cap is a 413 rather than a per-list maxItems.
    upserts: list[SegmentIn] = Field(
        default_factory=list, description="With deletes, at most 1000 (413 beyond)."
    )
    deletes: list[DeleteRef] = Field(
        default_factory=list, description="With upserts, at most 1000 (413 beyond)."
    )
    user_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None = Field(
        default=None,
        description="Reviewers and managers: whose work the new segments belong to (an "
        "assignee of the item); each change is kept as the caller's (`edited_by`).",
    )


class SegmentPublic(BaseModel):
    id: str
    datapoint_id: int
    author_id: int | None
    author: str | None
    edited_by_id: int | None = Field(
        default=None, description="Who last changed it when not its author (a reviewer)."
    )
    edited_by: str | None = None
    start: float
    end: float
    channel: int | None
    low_hz: float | None
    high_hz: float | None
    transcript: str
    values: dict[str, Any]
    attributes: dict[str, Any]
    source: str
    model: str | None
    model_version: str | None
    confidence: float | None
    version: int
    created_at: str
    updated_at: str


class AssignmentPublic(BaseModel):
    datapoint_id: int
    user_id: int
    username: str | None
    status: str
    # What people see: todo, in_progress, submitted (done, not reviewed since), accepted, or
    # rejected (back with its annotator, with a comment, until they submit it again).
    state: Literal["todo", "in_progress", "submitted", "accepted", "rejected"]
    review_status: Literal["accepted", "rejected"] | None
    reviewed_at: str | None
    marked_for_review: bool
    values: dict[str, Any]
    version: int
    # The version this request's change went on top of; null when it changed nothing. A
    # client that held that version holds this one now (no false conflict on its next save).
    previous_version: int | None
    completed_at: str | None
    updated_at: str | None
    datapoint_status: str
    datapoint_marked_for_review: bool


class BatchOut(BaseModel):
    segments: list[SegmentPublic]
    deleted: list[str]
    # The caller's assignment after the save, when they have one on this datapoint.
    assignment: AssignmentPublic | None = None


class SegmentAccess:
    def __init__(
        self, segment: Segment, datapoint: Datapoint, role: str, principal: Principal
    ) -> None:
        self.segment = segment
        self.datapoint = datapoint
        self.role = role
        self.principal = principal


def segment_access(need: Can) -> Callable[..., SegmentAccess]:
    """The segment from the path and its datapoint, checked like DatapointAccess."""

    def dependency(segment_id: str, db: DbDep, principal: PrincipalDep) -> SegmentAccess:
        segment = segments.get_segment(db, segment_id)
        datapoint, role = check_datapoint(db, principal, segment.datapoint_id, need)
        segments.check_may_read(segment, principal, role)
        return SegmentAccess(segment, datapoint, role, principal)

    return dependency


SegmentReader = Annotated[SegmentAccess, Depends(segment_access(Can.read))]
SegmentWriter = Annotated[SegmentAccess, Depends(segment_access(Can.annotate))]


@router.get("/api/datapoints/{datapoint_id}/segments", response_model=list[SegmentPublic])
def list_segments(
    access: DatapointReader,
    db: DbDep,
    author_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> Fast:
    found = segments.list_segments(
        db, access.datapoint, access.principal, access.role, author_id=author_id
    )
    return Fast(found)


@router.post(
    "/api/datapoints/{datapoint_id}/segments", response_model=SegmentPublic, status_code=201
)
def create_segment(body: SegmentIn, access: DatapointAnnotator, db: DbDep) -> Fast:
    if body.version is not None:
        raise InvalidInput(
            "To change a segment, PATCH /api/segments/{id} with its version.",
            code="use_patch",
        )
    result = segments.save_batch(
        db,
        access.datapoint,
        [segments.Upsert(body.content(), id=body.id)],
        principal=access.principal,
        role=access.role,
    )
    return Fast(result.segments[0], status_code=201)


@router.post(
    "/api/datapoints/{datapoint_id}/segments/batch",
    response_model=BatchOut,
    responses=openapi.answers(413),
)
def save_batch(body: BatchIn, access: DatapointAnnotator, db: DbDep) -> Fast:
    whose = None
    if body.user_id is not None:
        whose = review.target_user_id(access.principal, access.role, body.user_id)
    correcting = whose is not None and whose != access.principal.actor_id
    if whose is not None and correcting:
        review.get_assignment(db, access.datapoint.id, whose)  # 404 in words if not assigned
    result = segments.save_batch(
        db,
        access.datapoint,
        [segments.Upsert(s.content(), id=s.id, version=s.version) for s in body.upserts],
        [segments.Removal(d.id, d.version) for d in body.deletes],
        principal=access.principal,
        role=access.role,
        author_id=whose if correcting else None,
        # A correction leaves the annotator's work where it stands (submitted stays so).
        start_work=not correcting,
    )
    out: dict[str, Any] = {"segments": result.segments, "deleted": result.deleted}
    if result.assignment is not None:
        out["assignment"] = result.assignment
    return Fast(out)


@router.get("/api/segments/{segment_id}", response_model=SegmentPublic)
def get_segment(access: SegmentReader, db: DbDep) -> Fast:
    return Fast(segments.one_segment_json(db, access.segment, access.principal))


@router.patch("/api/segments/{segment_id}", response_model=SegmentPublic)
def update_segment(body: SegmentPatch, access: SegmentWriter, db: DbDep) -> Fast:
    changes = body.model_dump(include=body.model_fields_set - {"version"})
    saved = segments.update_segment(
        db,
        access.segment,
        changes,
        body.version,
        principal=access.principal,
        role=access.role,
        datapoint=access.datapoint,
    )
    return Fast(saved)


@router.delete("/api/segments/{segment_id}", status_code=204)
def delete_segment(
    access: SegmentWriter, db: DbDep, version: Annotated[int, Query(ge=1, le=MAX_INT)]
) -> None:
    segments.delete_segment(
        db,
        access.segment,
        version,
        principal=access.principal,
        role=access.role,
        datapoint=access.datapoint,
    )


# --- a user's assignment: review mark, complete/reopen, datapoint-scope values ---


class Target(BaseModel):
    """Reviewers and managers may name another user; by default it is the caller."""

    model_config = ConfigDict(strict=True)

    user_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None


class ReviewIn(Target):
    marked: bool


class ValuesIn(Target):
    values: dict[str, Any]
    version: Version | None = None


def assignment_response(row: Any, datapoint: Datapoint, *, changed: bool = True) -> Fast:
    # Every change to an assignment adds one to its version, atomically.
    previous = row.version - 1 if changed else None
    return Fast(review.assignment_json(row, datapoint, previous_version=previous))


@router.post("/api/datapoints/{datapoint_id}/review", response_model=AssignmentPublic)
def mark_for_review(body: ReviewIn, access: DatapointAnnotator, db: DbDep) -> Fast:
    row = review.set_marked(
        db, access.datapoint, access.principal, access.role, body.marked, user_id=body.user_id
    )
    return assignment_response(row, access.datapoint)


@router.post("/api/datapoints/{datapoint_id}/complete", response_model=AssignmentPublic)
def complete(access: DatapointAnnotator, db: DbDep, body: Target | None = None) -> Fast:
    user_id = body.user_id if body else None
    row = review.complete(db, access.datapoint, access.principal, access.role, user_id=user_id)
    return assignment_response(row, access.datapoint)


@router.post("/api/datapoints/{datapoint_id}/reopen", response_model=AssignmentPublic)
def reopen(access: DatapointAnnotator, db: DbDep, body: Target | None = None) -> Fast:
    user_id = body.user_id if body else None
    row = review.reopen(db, access.datapoint, access.principal, access.role, user_id=user_id)
    return assignment_response(row, access.datapoint)


@router.get("/api/datapoints/{datapoint_id}/values", response_model=AssignmentPublic)
def get_values(
    access: DatapointReader,
    db: DbDep,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> Fast:
    target = review.target_user_id(access.principal, access.role, user_id)
    row = review.get_assignment(db, access.datapoint.id, target, principal=access.principal)
    return assignment_response(row, access.datapoint, changed=False)


@router.put("/api/datapoints/{datapoint_id}/values", response_model=AssignmentPublic)
def set_values(body: ValuesIn, access: DatapointAnnotator, db: DbDep) -> Fast:
    row = review.set_values(
        db,
        access.datapoint,
        access.principal,
        access.role,
        body.values,
        user_id=body.user_id,
        version=body.version,
    )
    return assignment_response(row, access.datapoint)
