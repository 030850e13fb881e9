"""Dataset formats: list them, stream a project out, import a file as a project."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from audino.api.deps import (
    AdminDep,
    DbDep,
    PrincipalDep,
    ProjectManager,
    SettingsDep,
    StorageDep,
    get_database,
)
from audino.db.engine import Database
from audino.formats import registry
from audino.services import exports, imports
from audino.services.errors import InvalidInput, PermissionDenied, TooLarge

router = APIRouter(tags=["export"])
DatabaseDep = Annotated[Database, Depends(get_database)]


class FormatPublic(BaseModel):
    name: str
    description: str
    can_import: bool
    # Importing adds annotations to a project's datapoints, matched by file name.
    matches_files: bool
    media_type: str
    extension: str


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
            media_type=f.media_type,
            extension=f.extension,
        )
        for f in registry.all_formats()
    ]


def _attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@router.get("/api/projects/{project_id}/export")
def export_project(
    access: ProjectManager,
    db: DbDep,
    database: DatabaseDep,
    format: str = "audino",
    status: str | None = None,
    author: str | None = None,
) -> StreamingResponse:
    """Streams the project in `format`; `status` (all, todo, in_progress, done, review)
    picks datapoints, `author` keeps one user's annotations."""
    plan = exports.plan_export(db, access.project, format, status=status, author=author)
    return StreamingResponse(
        exports.stream_export(database, plan),
        media_type=plan.format.media_type,
        headers={"Content-Disposition": _attachment(plan.filename)},
    )


async def import_file_body(request: Request, settings: SettingsDep) -> bytes:
    """The uploaded file: a multipart `file` field or the raw request body. Read before
    the database is touched, so a slow upload holds no lock."""
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"The file is larger than the {limit} byte limit.")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=20)
        try:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise InvalidInput(
                    "Send the file in a multipart field named 'file'.", code="no_file"
                )
            data = await upload.read()
        finally:
            await form.close()
    else:
        parts, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"The file is larger than the {limit} byte limit.")
            parts.append(chunk)
        data = b"".join(parts)
    if len(data) > limit:
        raise TooLarge(f"The file is larger than the {limit} byte limit.")
    if not data:
        raise InvalidInput("The file is empty.", code="no_file")
    return data


FileBody = Annotated[bytes, Depends(import_file_body)]


def _public(result: imports.ImportResult) -> ImportPublic:
    return ImportPublic.model_validate(result, from_attributes=True)


@router.post("/api/projects/import", response_model=ImportPublic, status_code=201)
async def import_project(
    data: FileBody,
    principal: AdminDep,
    db: DbDep,
    storage: StorageDep,
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
        data,
        format_name=format,
        name=name,
        create_users=create_users,
        allow_missing_audio=allow_missing_audio,
        actor_id=principal.actor_id,
    )
    return _public(result)


@router.post("/api/projects/{project_id}/import", response_model=ImportPublic)
async def import_into_project(
    data: FileBody,
    access: ProjectManager,
    db: DbDep,
    storage: StorageDep,
    format: str = "audino",
    create_users: bool = False,
    allow_missing_audio: bool = False,
) -> ImportPublic:
    """Adds a file's labels, datapoints and annotations to this project (audino-v1: its
    annotations, to the datapoints with the same file names); all or nothing."""
    if create_users and not access.principal.is_admin:
        raise PermissionDenied("Only administrators may create users.", code="admin_required")
    result = await run_in_threadpool(
        imports.import_file,
        db,
        storage,
        data,
        format_name=format,
        into=access.project,
        create_users=create_users,
        allow_missing_audio=allow_missing_audio,
        actor_id=access.principal.actor_id,
    )
    return _public(result)
