"""Datapoints: upload, list, read, edit, delete and assign."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from audino.api import openapi
from audino.api.deps import (
    DatapointManager,
    DatapointReader,
    DbDep,
    ProjectAccess,
    ProjectReader,
    ProjectUploader,
    SettingsDep,
    StorageDep,
)
from audino.api.multipart import ParsedUpload, parse_upload
from audino.audio.probe import content_type
from audino.config import Settings
from audino.db.models import Assignment, Datapoint
from audino.services import assignments, comments, datapoints, review, windows
from audino.services.access import Principal, sees_all_datapoints
from audino.services.counts import StatusCounts, status_counts
from audino.services.errors import AudinoError, InvalidInput, Unprocessable
from audino.services.ingest import uploads
from audino.services.item_filters import ItemFilter
from audino.storage.blobs import BlobStore

router = APIRouter(prefix="/api", tags=["datapoints"])

FILE_FIELDS = ("file", "files", "file[]", "files[]")
CHUNK = 256 * 1024


class AssignmentPublic(BaseModel):
    user_id: int
    username: str
    status: str
    # todo, in_progress, submitted, accepted or rejected (see the review workflow).
    state: Literal["todo", "in_progress", "submitted", "accepted", "rejected"]
    marked_for_review: bool
    completed_at: datetime | None = None
    # Item-level (datapoint-scope) label values this user chose: {"<label id>": value}.
    values: dict[str, Any] = Field(default_factory=dict)


class DatapointPublic(BaseModel):
    id: int
    project_id: int
    original_name: str
    duration: float
    sample_rate: int
    channels: int
    codec: str
    container: str
    content_type: str
    size: int
    sha256: str | None
    reference_transcript: str
    metadata: dict[str, Any]
    # For annotators: their own assignment's status and review mark.
    status: str
    marked_for_review: bool
    # A window of a long recording: parent_id is the recording, offset where the window
    # starts in it (s), window_index its place (1-based) and window_count how many windows
    # the recording has. A recording split into windows has window_count > 0.
    parent_id: int | None
    offset: float
    window_index: int | None
    window_count: int
    created_at: datetime
    updated_at: datetime
    audio_url: str
    # Ingest (peaks, playback copy): processing until ready, or failed with a reason.
    ingest_status: str
    ingest_error: str | None
    ingest_job_id: int | None
    assignments: list[AssignmentPublic]
    my_assignment: AssignmentPublic | None
    # Open comment threads on the item (replies count with their thread).
    unresolved_comments: int = 0
    # Reviewers and managers: whether it is a gold item (annotators are not told: null).
    gold: bool | None = None
    # Reviewers and managers: whose segments are the gold reference (null otherwise).
    gold_user_id: int | None = None


class DatapointPage(BaseModel):
    items: list[DatapointPublic]
    next_cursor: str | None
    counts: StatusCounts


class UploadResult(BaseModel):
    filename: str
    status: str  # created | assigned | duplicate | error
    datapoint: DatapointPublic | None = None
    detail: str | None = None
    code: str | None = None


# Checked by the service (400), shown to clients.
Transcript = Annotated[str, Field(json_schema_extra={"maxLength": datapoints.MAX_TEXT})]


class DatapointUpdate(BaseModel):
    original_name: str | None = Field(default=None, max_length=512)
    reference_transcript: Transcript | None = None
    metadata: dict[str, Any] | None = Field(
        default=None,
        description=f"At most {datapoints.MAX_METADATA_BYTES // 1024} KiB as JSON, nested at "
        f"most {datapoints.MAX_METADATA_DEPTH} levels.",
    )


class AssignIn(BaseModel):
    users: list[int | str] = Field(max_length=1000)


def _assignment(a: Assignment) -> AssignmentPublic:
    return AssignmentPublic(
        user_id=a.user_id,
        username=a.user.username,
        status=a.status,
        state=review.work_state(a.status, a.review_status),
        marked_for_review=a.marked_for_review,
        values=a.values or {},
        completed_at=a.completed_at,
    )


def public_many(
    db: Session, rows: list[tuple[Datapoint, Assignment | None]], role: str, principal: Principal
) -> list[DatapointPublic]:
    """Datapoints as JSON; annotators see only their own assignment and its status."""
    user_id = principal.user.id if principal.user else None
    everyone = sees_all_datapoints(role)
    by_dp = assignments.list_assignments(db, [dp.id for dp, _ in rows]) if everyone else {}
    counts = windows.window_counts(db, {dp.parent_id for dp, _ in rows if dp.parent_id})
    open_threads = comments.unresolved_counts(db, [dp.id for dp, _ in rows])
    out = []
    for dp, mine in rows:
        if everyone:
            assigned = by_dp.get(dp.id, [])
            mine = next((a for a in assigned if a.user_id == user_id), None)
        else:
            mine = mine or datapoints.own_assignment(db, dp.id, user_id)
            assigned = [mine] if mine else []
        own = _assignment(mine) if mine else None
        out.append(
            DatapointPublic(
                id=dp.id,
                project_id=dp.project_id,
                original_name=dp.original_name,
                duration=dp.duration,
                sample_rate=dp.sample_rate,
                channels=dp.channels,
                codec=dp.codec,
                container=dp.container,
                content_type=content_type(dp.container),
                size=dp.size,
                sha256=dp.sha256,
                reference_transcript=dp.reference_transcript,
                metadata=dp.metadata_ or {},
                status=dp.status if everyone or own is None else own.status,
                marked_for_review=(
                    dp.marked_for_review if everyone or own is None else own.marked_for_review
                ),
                parent_id=dp.parent_id,
                offset=dp.offset,
                window_index=dp.window_index,
                window_count=counts.get(dp.parent_id, 0) if dp.parent_id else dp.window_count,
                created_at=dp.created_at,
                updated_at=dp.updated_at,
                audio_url=f"/api/datapoints/{dp.id}/audio",
                ingest_status=dp.ingest_status,
                ingest_error=dp.ingest_error,
                ingest_job_id=dp.ingest_job_id,
                assignments=[_assignment(a) for a in assigned],
                my_assignment=own,
                unresolved_comments=open_threads.get(dp.id, 0),
                gold=(dp.gold_user_id is not None) if everyone else None,
                gold_user_id=dp.gold_user_id if everyone else None,
            )
        )
    return out


def public(db: Session, dp: Datapoint, role: str, principal: Principal) -> DatapointPublic:
    return public_many(db, [(dp, None)], role, principal)[0]


# --- upload -------------------------------------------------------------------------------


def _split_users(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _ingest_all(
    db: Session,
    storage: BlobStore,
    settings: Settings,
    access: ProjectAccess,
    parsed: ParsedUpload,
) -> JSONResponse:
    files = [f for f in parsed.files if f.field in FILE_FIELDS]
    if not files:
        others = sorted({f.field for f in parsed.files})
        hint = f" (found file parts named {', '.join(map(repr, others))})" if others else ""
        raise InvalidInput(
            f"No audio in the upload: send each file as a multipart part named 'file'{hint}.",
            code="no_file",
        )
    project = access.project
    users = assignments.resolve_members(
        db, project.id, _split_users(parsed.fields.get("assign_to", []))
    )
    transcript = parsed.first("reference_transcript")
    if transcript is not None:
        transcript = datapoints.check_text(transcript, "reference_transcript")
    metadata = datapoints.parse_metadata(parsed.first("metadata"))
    results: list[UploadResult] = []
    for temp in files:
        try:
            outcome = uploads.ingest_file(
                db,
                storage,
                settings,
                project,
                temp,
                original_name=temp.filename,
                assign_to=users,
                reference_transcript=transcript,
                metadata=metadata,
                actor_id=access.principal.actor_id,
            )
        except AudinoError as exc:
            db.rollback()
            if len(files) == 1:
                raise
            results.append(
                UploadResult(
                    filename=temp.filename, status="error", detail=exc.detail, code=exc.code
                )
            )
            continue
        try:
            db.commit()
        except BaseException:
            uploads.forget_stored(storage, [outcome])
            raise
        dp = public(db, outcome.datapoint, access.role, access.principal)
        results.append(UploadResult(filename=temp.filename, status=outcome.status, datapoint=dp))
    if len(files) == 1:
        code = 201 if results[0].status == "created" else 200
        return JSONResponse(results[0].model_dump(mode="json", exclude_none=True), code)
    body = [r.model_dump(mode="json", exclude_none=True) for r in results]
    if all(r.status == "error" for r in results):
        raise Unprocessable(
            f"None of the {len(files)} files could be added.",
            code="all_failed",
            extra={"results": body},
        )
    return JSONResponse(body, 200)


_UPLOAD_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "One part per audio file (also files, file[]).",
                        },
                        "assign_to": {
                            "type": "string",
                            "description": "Usernames or ids, comma-separated.",
                        },
                        "reference_transcript": {"type": "string"},
                        "metadata": {"type": "string", "description": "A JSON object."},
                    },
                }
            }
        },
    }
}


@router.post(
    "/projects/{project_id}/datapoints",
    status_code=201,
    responses={
        200: {
            "model": list[UploadResult] | UploadResult,
            "description": "Several files: one result each; one file: already there.",
        },
        201: {"model": UploadResult, "description": "One file, added."},
        **openapi.answers(413),
    },
    openapi_extra=_UPLOAD_FORM,
)
async def upload_datapoints(
    request: Request,
    access: ProjectUploader,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> JSONResponse:
    """Multipart upload: `file` parts, optional `assign_to`, `reference_transcript`, `metadata`."""
    # End the auth transaction: on SQLite it would hold the write lock while the body streams.
    await run_in_threadpool(db.commit)
    with await parse_upload(request, settings) as parsed:
        return await run_in_threadpool(_ingest_all, db, storage, settings, access, parsed)


# --- list, read, edit, delete -------------------------------------------------------------


@router.get("/projects/{project_id}/datapoints", response_model=DatapointPage)
def list_datapoints(
    access: ProjectReader,
    db: DbDep,
    status: str | None = None,
    review: bool | None = None,
    assignee: str | None = Query(default=None, max_length=150),
    filename: str | None = Query(default=None, max_length=512),
    state: Annotated[
        str | None,
        Query(
            max_length=32,
            description="A work state: todo, in_progress, submitted, accepted or rejected "
            "(of the assignee's assignment with `assignee`, else of any on the item).",
        ),
    ] = None,
    sort: str = "id",
    limit: int = Query(default=datapoints.DEFAULT_LIMIT, ge=1, le=datapoints.MAX_LIMIT),
    cursor: str | None = Query(default=None, max_length=2048),
    label: Annotated[
        str | None,
        Query(max_length=200, description="An item-level label (id or name) to filter by."),
    ] = None,
    value: Annotated[
        str | None,
        Query(
            max_length=200,
            description="With `label`: one of its values (id or text), true/false for a "
            "yes/no label, or `none` for items where it has no value yet.",
        ),
    ] = None,
    meta_key: Annotated[
        str | None, Query(max_length=100, description="A top-level metadata field.")
    ] = None,
    meta_value: Annotated[
        str | None,
        Query(max_length=200, description="With `meta_key`: its value (any when left out)."),
    ] = None,
    min_duration: Annotated[float | None, Query(description="Seconds, at least.")] = None,
    max_duration: Annotated[float | None, Query(description="Seconds, at most.")] = None,
    text: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words in the reference transcript or in a segment's transcript.",
        ),
    ] = None,
    ids: Annotated[
        str | None,
        Query(
            max_length=40_000,
            description="Only these items: comma-separated ids (at most 2,000), e.g. a "
            "lasso on the dataset map.",
        ),
    ] = None,
) -> DatapointPage:
    user_id = access.principal.user.id if access.principal.user else None
    filters = ItemFilter(
        label=label,
        value=value,
        meta_key=meta_key,
        meta_value=meta_value,
        min_duration=min_duration,
        max_duration=max_duration,
        text=text,
        ids=ids,
    )
    page = datapoints.list_datapoints(
        db,
        access.project.id,
        role=access.role,
        user_id=user_id,
        status=status,
        review=review,
        assignee=assignee,
        filename=filename,
        state=state,
        sort=sort,
        limit=limit,
        cursor=cursor,
        filters=filters,
    )
    return DatapointPage(
        items=public_many(db, page.items, access.role, access.principal),
        next_cursor=page.next_cursor,
        counts=status_counts(db, access.project.id, user_id=user_id, role=access.role),
    )


@router.get("/datapoints/{datapoint_id}", response_model=DatapointPublic)
def get_datapoint(access: DatapointReader, db: DbDep) -> DatapointPublic:
    return public(db, access.datapoint, access.role, access.principal)


@router.patch("/datapoints/{datapoint_id}", response_model=DatapointPublic)
def update_datapoint(body: DatapointUpdate, access: DatapointManager, db: DbDep) -> DatapointPublic:
    sent = body.model_fields_set
    datapoints.update_datapoint(
        db,
        access.datapoint,
        original_name=body.original_name if "original_name" in sent else ...,
        reference_transcript=(body.reference_transcript if "reference_transcript" in sent else ...),
        metadata=body.metadata if "metadata" in sent else ...,
        actor_id=access.principal.actor_id,
    )
    return public(db, access.datapoint, access.role, access.principal)


@router.delete("/datapoints/{datapoint_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_datapoint(
    access: DatapointManager, db: DbDep, storage: StorageDep, settings: SettingsDep
) -> None:
    windows.check_deletable(access.datapoint)
    unused = datapoints.delete_datapoint(db, access.datapoint, actor_id=access.principal.actor_id)
    db.commit()
    unused.remove(storage, settings)


@router.post("/datapoints/{datapoint_id}/assignments", response_model=DatapointPublic)
def add_assignments(body: AssignIn, access: DatapointManager, db: DbDep) -> DatapointPublic:
    dp = access.datapoint
    users = assignments.resolve_members(db, dp.project_id, body.users)
    assignments.assign(db, dp, users, actor_id=access.principal.actor_id)
    return public(db, dp, access.role, access.principal)


@router.delete(
    "/datapoints/{datapoint_id}/assignments/{user_id}", status_code=status.HTTP_204_NO_CONTENT
)
def remove_assignment(user_id: int, access: DatapointManager, db: DbDep) -> None:
    assignments.unassign(db, access.datapoint, user_id, actor_id=access.principal.actor_id)
