"""Exports as background jobs: start one, then download the file it wrote."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from audino.api import openapi
from audino.api.deps import DbDep, ProjectExporter, SettingsDep, StorageDep
from audino.api.routes.audio import ranged, ranged_file
from audino.api.routes.jobs import MAX_ID, JobPublic, job_public
from audino.formats import registry
from audino.formats.options import CODECS, PREDICTIONS, SPLIT_BY
from audino.services.errors import NotFound
from audino.services.exports import jobs as export_jobs
from audino.services.exports.dataset import (
    MAX_CHANNELS,
    MAX_SAMPLE_RATE,
    MIN_SAMPLE_RATE,
    STATUS_FILTERS,
)

router = APIRouter(prefix="/api/projects/{project_id}/exports", tags=["export"])
CHUNK = 256 * 1024
# What an export downloads as, whichever the format (zip for multi-file formats).
MEDIA_TYPES = sorted({f.download_media_type for f in registry.all_formats()})


def attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _extra(**schema: Any) -> Any:
    return Field(json_schema_extra=schema)


# Checked when the export is planned (400), shown to clients. Formats are not listed: a
# plugin may register more (GET /api/formats names them all).
StatusFilter = Annotated[str, _extra(enum=list(STATUS_FILTERS))]
SplitBy = Annotated[str, _extra(enum=list(SPLIT_BY))]
Codec = Annotated[str, _extra(enum=list(CODECS))]
SampleRate = Annotated[int, _extra(minimum=MIN_SAMPLE_RATE, maximum=MAX_SAMPLE_RATE)]
Channels = Annotated[int, _extra(minimum=1, maximum=MAX_CHANNELS)]
Predictions = Annotated[str, _extra(enum=list(PREDICTIONS))]


class ExportJobIn(BaseModel):
    """The streamed export's choices (`GET /api/projects/{id}/export`), as a JSON body."""

    format: str = Field(default="audino", min_length=1, max_length=64)
    # all, todo, in_progress, done, review (marked), reviewed (done by a reviewer or manager)
    status: StatusFilter | None = Field(default=None, max_length=32)
    author: str | None = Field(default=None, max_length=150)
    speaker_label: str | None = Field(default=None, max_length=200)
    gender_label: str | None = Field(default=None, max_length=200)
    splits: str | None = Field(default=None, max_length=500)  # train=0.8,dev=0.1,test=0.1
    split_by: SplitBy = Field(default="recording", max_length=32)
    sample_rate: SampleRate | None = None
    channels: Channels | None = None
    codec: Codec | None = Field(default=None, max_length=16)
    locale: str | None = Field(default=None, max_length=64)
    audio_root: str | None = Field(default=None, max_length=1000)  # see GET …/export
    one_annotator: bool = False
    # A model's segments: exclude, include (as predictions), as_annotator (model:<name>@<v>)
    predictions: Predictions = Field(default="exclude", max_length=32)


@router.post("", response_model=JobPublic, status_code=202)
def start_export(body: ExportJobIn, access: ProjectExporter, db: DbDep) -> JobPublic:
    """Queues the export as a job; follow it at `/api/jobs/{id}`, then fetch its file
    from the `download_url` in the job's result. A project keeps its newest five
    finished exports."""
    job = export_jobs.start_export(
        db,
        access.project,
        body.format,
        status=body.status,
        author=body.author,
        options=body.model_dump(include=set(export_jobs.OPTION_FIELDS)),
        actor_id=access.principal.actor_id,
    )
    db.refresh(job)
    return job_public(job)


@router.head("/{job_id}/download", include_in_schema=False)
@router.get(
    "/{job_id}/download",
    response_class=FileResponse,
    responses={**ranged(*MEDIA_TYPES, "application/octet-stream"), **openapi.answers(409)},
    openapi_extra={"parameters": [openapi.RANGE]},
)
def download_export(
    request: Request,
    access: ProjectExporter,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
    job_id: int = Path(ge=1, le=MAX_ID),
) -> Response:
    """The finished export's file (Range requests answered); 409 while the job runs or
    after it failed, 404 when it was deleted to make room for newer exports."""
    job = export_jobs.finished_export(db, access.project.id, job_id)
    result = job.result or {}
    filename = str(result.get("filename") or f"export-{job_id}")
    media_type = str(result.get("media_type") or "application/octet-stream")
    store = export_jobs.export_store(settings, storage)
    key = export_jobs.export_key(access.project.id, job_id)
    path = store.local_path(key)
    if path is not None:
        if not path.is_file():
            raise NotFound(f"The file of export {job_id} is missing.", code="export_missing")
        return ranged_file(request, str(path), media_type=media_type, filename=filename)
    if not store.exists(key):
        raise NotFound(f"The file of export {job_id} is missing.", code="export_missing")
    size = store.size(key)
    return StreamingResponse(
        store.stream(key, 0, size, CHUNK),
        media_type=media_type,
        headers={
            "Content-Length": str(size),
            "Content-Disposition": attachment(filename),
        },
    )
