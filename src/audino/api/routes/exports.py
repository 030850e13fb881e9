"""Dataset formats: list them, stream a project out, import a file as a project."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from audino.api import openapi
from audino.api.deps import (
    AdminDep,
    DbDep,
    PrincipalDep,
    ProjectExporter,
    ProjectManager,
    SettingsDep,
    StorageDep,
    get_database,
)
from audino.api.multipart import FIELDS_ALLOWANCE, parse_upload
from audino.api.routes.export_jobs import (
    MEDIA_TYPES,
    Channels,
    Codec,
    Predictions,
    SampleRate,
    SplitBy,
    StatusFilter,
    attachment,
)
from audino.api.routes.export_jobs import router as jobs_router
from audino.db.engine import Database
from audino.formats import registry
from audino.services.errors import InvalidInput, PermissionDenied
from audino.services.exports import dataset as exports
from audino.services.exports import jobs as export_jobs
from audino.services.imports import dataset as imports
from audino.services.ingest import uploads

router = APIRouter(tags=["export"])
router.include_router(jobs_router)  # exports as background jobs, then downloads
DatabaseDep = Annotated[Database, Depends(get_database)]


class FormatPublic(BaseModel):
    name: str
    description: str
    can_import: bool
    # Importing adds annotations to a project's datapoints, matched by file name.
    matches_files: bool
    media_type: str  # of the download: application/zip for multi-file formats
    extension: str  # of the download
    multi_file: bool  # downloads as a zip (the CLI can also write a folder)
    audio: bool  # writes audio (clips or whole recordings) with the annotations
    # The export options it uses beyond status, author and one_annotator (audio: sample
    # rate, channels, codec):
    speakers: bool  # speaker_label
    genders: bool  # gender_label
    splits: bool  # splits, split_by
    locale: bool  # locale
    audio_root: bool  # audio_root
    audio_urls: bool = False  # audio_root may also be an http(s) base URL (Label Studio, Prodigy)


class ImportPublic(BaseModel):
    project_id: int
    project_name: str
    created_project: bool
    datapoints: int
    assignments: int
    segments: int
    labels_created: int
    users_created: list[str]
    audio_missing: list[str]
    segment_ids_renewed: int


@router.get("/api/formats", response_model=list[FormatPublic])
def list_formats(_: PrincipalDep) -> list[FormatPublic]:
    return [
        FormatPublic(
            name=f.name,
            description=f.description,
            can_import=f.can_import,
            matches_files=f.matches_files,
            media_type=f.download_media_type,
            extension=f.download_extension,
            multi_file=f.files and not f.single_file,
            audio=f.clips,
            speakers=f.speakers,
            genders=f.genders,
            splits=f.splits,
            locale=f.locale,
            audio_root=f.audio_root,
            audio_urls=f.audio_urls,
        )
        for f in registry.all_formats()
    ]


@router.get(
    "/api/projects/{project_id}/export",
    response_class=StreamingResponse,
    responses={200: openapi.binary(*MEDIA_TYPES, description="The export, as it is written.")},
)
def export_project(
    access: ProjectExporter,
    db: DbDep,
    database: DatabaseDep,
    storage: StorageDep,
    format: str = "audino",
    status: StatusFilter | None = None,
    author: str | None = None,
    speaker_label: str | None = None,
    gender_label: str | None = None,
    splits: str | None = None,
    split_by: SplitBy = "recording",
    sample_rate: SampleRate | None = None,
    channels: Channels | None = None,
    codec: Codec | None = None,
    locale: str | None = None,
    audio_root: str | None = None,
    one_annotator: bool = False,
    predictions: Predictions = "exclude",
) -> StreamingResponse:
    """Streams the project in `format` (a zip for multi-file formats); `status` (all,
    todo, in_progress, done, review: marked for review, reviewed: completed by a
    reviewer or manager of the project) picks datapoints, `author` keeps one user's
    annotations, `speaker_label` names the label that holds speakers and `gender_label`
    the one that holds their genders (female/f/woman, male/m/man), `splits`
    (`train=0.8,dev=0.1,test=0.1`) assigns splits stable by `split_by` (recording or
    speaker), `one_annotator` keeps one person's segments per datapoint (the furthest
    along, then the most), `sample_rate`, `channels`, `codec` (flac, wav, mp3, ogg)
    set the audio of formats that write it, and `audio_root` (the absolute folder the
    zip will be unpacked into, or for Label Studio and Prodigy also the http(s) address
    its audio/ folder is served from) makes the audio paths of formats with
    `audio_root` absolute. `predictions` says what becomes of a model's segments:
    exclude (the default; counted in the report), include (marked as predictions where
    the format has a place: audino's `source`, Label Studio's `predictions`, CSV's
    `source`), or as_annotator (each model version as an annotator of its own,
    `model:<name>@<version>`, for evaluation). A zip ends with
    export-report.json when the format could not carry everything; a single-file
    format's report is in the export job's result only."""
    options = export_jobs.options_from(
        {
            "speaker_label": speaker_label,
            "gender_label": gender_label,
            "splits": splits,
            "split_by": split_by,
            "sample_rate": sample_rate,
            "channels": channels,
            "codec": codec,
            "locale": locale,
            "audio_root": audio_root,
            "one_annotator": one_annotator,
            "predictions": predictions,
        }
    )
    plan = exports.plan_export(
        db, access.project, format, status=status, author=author, options=options
    )
    return StreamingResponse(
        exports.stream_export(database, plan, storage=storage),
        media_type=plan.media_type,
        headers={"Content-Disposition": attachment(plan.filename)},
    )


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    path: Path  # a temp file, deleted after the request


async def import_file_body(
    request: Request, settings: SettingsDep, filename: str | None = None
) -> AsyncIterator[Upload]:
    """The uploaded file: a multipart `file` field or the raw request body (named by
    `filename`), streamed to a temp file within AUDINO_MAX_IMPORT_BYTES. Read before the
    database is touched, so a slow upload holds no lock; memory stays flat whatever is
    sent."""
    limit = uploads.import_limit(settings)
    refuse = uploads.import_too_large
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FIELDS_ALLOWANCE:
        raise refuse(settings, "")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        parsed = await parse_upload(request, settings, limit=limit, refuse=refuse)
        with parsed:
            temp = next((f for f in parsed.files if f.field == "file"), None)
            if temp is None:
                raise InvalidInput(
                    "Send the file in a multipart field named 'file'.", code="no_file"
                )
            yield _checked(temp, filename)
        return
    temp = await uploads.receive(
        request.stream(),
        settings,
        filename=filename,
        limit=limit,
        refuse=lambda s, name: refuse(s, name if filename else ""),
    )
    try:
        yield _checked(temp, filename)
    finally:
        temp.discard()


def _checked(temp: uploads.TempAudio, filename: str | None) -> Upload:
    if temp.size == 0:
        raise InvalidInput("The file is empty.", code="no_file")
    return Upload(name=filename or temp.filename, path=temp.path)


FileBody = Annotated[Upload, Depends(import_file_body)]


def _public(result: imports.ImportResult) -> ImportPublic:
    return ImportPublic.model_validate(result, from_attributes=True)


# The file as a multipart `file` part or as the whole body (named by `filename`).
_IMPORT_FILE = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/api/projects/import",
    response_model=ImportPublic,
    status_code=201,
    responses=openapi.answers(413),
    openapi_extra=_IMPORT_FILE,
)
async def import_project(
    data: FileBody,
    principal: AdminDep,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
    format: str = "audino",
    name: str | None = None,
    create_users: bool = False,
    allow_missing_audio: bool = False,
) -> ImportPublic:
    """Creates a project from an exported file (admins only); all or nothing. Formats that
    carry no audio (audino-v1) are imported into a project instead."""
    result = await run_in_threadpool(
        imports.import_file,
        db,
        storage,
        data.path,
        format_name=format,
        filename=data.name,
        name=name,
        create_users=create_users,
        allow_missing_audio=allow_missing_audio,
        actor_id=principal.actor_id,
        limits=imports.archive_limits(settings),
    )
    return _public(result)


@router.post(
    "/api/projects/{project_id}/import",
    response_model=ImportPublic,
    responses=openapi.answers(413),
    openapi_extra=_IMPORT_FILE,
)
async def import_into_project(
    data: FileBody,
    access: ProjectManager,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
    format: str = "audino",
    create_users: bool = False,
    allow_missing_audio: bool = False,
    author: str | None = None,
    speaker_label: str | None = None,
    label: str | None = None,
    create_labels: bool = True,
) -> ImportPublic:
    """Adds a file's labels, datapoints and annotations to this project; all or nothing.
    Annotation formats (RTTM, TextGrid, EAF, …; a zip for several files) attach segments
    to the datapoints with the same file names: as `author`'s work, or as predictions
    (source=import) when no author is named. Their speakers become values of
    `speaker_label` and their labels values of `label` (default "speaker" and "label");
    unknown labels and values are created, or reported with `create_labels=false`."""
    if create_users and not access.principal.is_admin:
        raise PermissionDenied("Only administrators may create users.", code="admin_required")
    result = await run_in_threadpool(
        imports.import_file,
        db,
        storage,
        data.path,
        format_name=format,
        filename=data.name,
        into=access.project,
        create_users=create_users,
        allow_missing_audio=allow_missing_audio,
        actor_id=access.principal.actor_id,
        annotations=imports.AnnotationOptions(
            author=author or None,
            speaker_label=speaker_label or None,
            label=label or None,
            create_labels=create_labels,
        ),
        limits=imports.archive_limits(settings),
    )
    return _public(result)
