"""`POST /api/data`: the upload endpoint of the original audino (2020), so its client works.

The project API key comes as the raw Authorization header and decides the project. Form
fields: `audio_file`, `username`, `reference_transcription`, `is_marked_for_review`, and
`segmentations` (JSON). Unlike the original, booleans are parsed, times and labels are
checked, and the request is all or nothing. Errors carry `message` as the old client reads it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from audino.api import openapi
from audino.api.deps import DbDep, PrincipalDep, SettingsDep, StorageDep
from audino.api.errors import error_response
from audino.api.multipart import ParsedUpload, parse_upload
from audino.config import Settings
from audino.db.models import Datapoint, LabelKind, Project, Role, User
from audino.services import projects, review, segments, users
from audino.services.access import UPLOAD_WRITES_AS, Can, Principal, check_project
from audino.services.errors import AudinoError, InvalidInput, PermissionDenied
from audino.services.ingest import uploads
from audino.services.labels.validation import LabelSchema, check_text, clean_segment, load_schema
from audino.storage.blobs import BlobStore

TRUE, FALSE = {"true", "1"}, {"false", "0", ""}


class LegacyRoute(APIRoute):
    """Adds `message` to error bodies: the 2020 client prints `response.json()["message"]`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except AudinoError as exc:
                extra = exc.extra if isinstance(exc.extra, dict) else {}
                return error_response(exc.status, exc.detail, exc.code, message=exc.detail, **extra)

        return route


router = APIRouter(tags=["compat"], route_class=LegacyRoute)


def parse_bool(raw: str | None, name: str) -> bool:
    """Form booleans: the original treated any non-empty string, even "False", as true."""
    text = (raw or "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise InvalidInput(f"{name} must be true or false, got {raw!r}.", code="bad_boolean")


def _time(raw: object, what: str) -> object:
    if isinstance(raw, str):
        try:
            value = float(raw)
        except ValueError:
            raise InvalidInput(f"{what} must be a number, got {raw!r}.", code="bad_time") from None
        return value if math.isfinite(value) else raw
    return raw


def legacy_values(schema: LabelSchema, annotations: object, where: str) -> dict[str, Any]:
    """`{"<label name>": {"values": id | [ids]}}` as the values of a segment."""
    if annotations in (None, "", [], {}):
        return {}
    if not isinstance(annotations, dict):
        raise InvalidInput(
            f'{where}.annotations must map label names to {{"values": ...}}.',
            code="bad_annotations",
        )
    values: dict[str, Any] = {}
    for name, entry in annotations.items():
        value = entry.get("values") if isinstance(entry, dict) else entry
        if isinstance(entry, dict) and "values" not in entry:
            raise InvalidInput(
                f'{where}.annotations[{name!r}] needs a "values" key.', code="bad_annotations"
            )
        label = schema.find(name)
        if label is not None and label.kind == LabelKind.single.value and value in ("-1", -1):
            value = None  # the original client's "no value" for a single-choice label
        elif label is not None and label.kind == LabelKind.single.value and isinstance(value, list):
            if len(value) > 1:
                raise InvalidInput(
                    f"{where}: label {name!r} takes one value, got {len(value)}.",
                    code="bad_label_value",
                )
            value = value[0] if value else None
        elif label is not None and label.kind == LabelKind.multi.value and value is not None:
            value = value if isinstance(value, list) else [value]
        values[name] = value
    return values


def parse_segmentations(raw: str | None, schema: LabelSchema) -> list[dict[str, Any]]:
    """The `segmentations` field as segment dicts; raises on anything malformed."""
    if raw is None or not raw.strip():
        return []
    try:
        items = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput("segmentations is not valid JSON.", code="bad_segmentations") from None
    if not isinstance(items, list):
        raise InvalidInput("segmentations must be a JSON list.", code="bad_segmentations")
    if len(items) > segments.MAX_BATCH:
        raise InvalidInput(
            f"At most {segments.MAX_BATCH} segmentations per upload.", code="bad_segmentations"
        )
    found = []
    for i, item in enumerate(items):
        where = f"segmentations[{i}]"
        if not isinstance(item, dict):
            raise InvalidInput(f"{where} must be an object.", code="bad_segmentations")
        found.append(
            {
                "start": _time(item.get("start_time"), f"{where}.start_time"),
                "end": _time(item.get("end_time"), f"{where}.end_time"),
                "transcript": item.get("transcription") or "",
                "values": legacy_values(schema, item.get("annotations"), where),
            }
        )
    return found


def _check_segments(found: list[dict[str, Any]], schema: LabelSchema, duration: float) -> None:
    """Checks everything about the segments before anything is stored."""
    probe = Datapoint(duration=duration, channels=1, sample_rate=0)
    for i, data in enumerate(found):
        try:
            clean_segment(data, probe, schema)
        except InvalidInput as exc:
            exc.detail = f"segmentations[{i}]: {exc.detail}"
            raise


def _assignee(db: Session, project: Project, username: str | None, actor: int | None) -> User:
    if not username or not username.strip():
        raise InvalidInput("username is required: the user to assign this file to.")
    username = check_text(username, "username", limit=150)
    user = users.find_by_username(db, username.strip())
    if user is None:
        raise InvalidInput(f"No user named {username.strip()!r}.", code="unknown_user")
    if not user.is_active:
        raise InvalidInput(f"User {user.username!r} is deactivated.", code="inactive_user")
    if projects.get_membership(db, project.id, user.id) is None:
        projects.set_member(db, project, user, Role.annotator.value, actor_id=actor)
    return user


def _create(
    db: Session,
    storage: BlobStore,
    settings: Settings,
    project: Project,
    role: str,
    principal: Principal,
    parsed: ParsedUpload,
) -> JSONResponse:
    files = [f for f in parsed.files if f.field == "audio_file"]
    if len(files) != 1:
        others = sorted({f.field for f in parsed.files} - {"audio_file"})
        hint = f" (found file parts named {', '.join(map(repr, others))})" if others else ""
        raise InvalidInput(f"Send exactly one file in the audio_file field{hint}.", code="no_file")
    marked = parse_bool(parsed.first("is_marked_for_review"), "is_marked_for_review")
    transcript = check_text(
        parsed.first("reference_transcription") or "", "reference_transcription"
    )
    schema = load_schema(db, project.id)
    found = parse_segmentations(parsed.first("segmentations"), schema)
    _check_segments(found, schema, math.inf)
    outcome = None
    try:
        user = _assignee(db, project, parsed.first("username"), principal.actor_id)
        outcome = uploads.ingest_file(
            db,
            storage,
            settings,
            project,
            files[0],
            original_name=files[0].filename,
            assign_to=[user],
            reference_transcript=transcript,
            actor_id=principal.actor_id,
        )
        datapoint = outcome.datapoint
        if not outcome.created and user.id not in outcome.assigned_user_ids:
            db.rollback()
            return JSONResponse(
                {
                    "data_id": datapoint.id,
                    "message": f"This file is already in the project for {user.username!r} "
                    f"(data {datapoint.id}); nothing was changed.",
                    "type": "DATA_EXISTS",
                },
                status_code=200,
            )
        _check_segments(found, schema, datapoint.duration)
        # Pre-annotations count as the assigned user's own work (source human), so they
        # appear in that user's editor, as they did in the original audino. Writing them
        # (and the review mark) for that user is part of the upload the key may make.
        role = UPLOAD_WRITES_AS
        segments.save_batch(
            db,
            datapoint,
            [segments.Upsert(data) for data in found],
            principal=principal,
            role=role,
            author_id=user.id,
            schema=schema,
            start_work=False,
        )
        if marked:
            review.set_marked(db, datapoint, principal, role, True, user_id=user.id)
        db.commit()
    except BaseException:
        db.rollback()
        if outcome is not None:
            uploads.forget_stored(storage, [outcome])
        raise
    return JSONResponse(
        {
            "data_id": datapoint.id,
            "message": "Data uploaded, created and assigned successfully",
            "type": "DATA_CREATED",
        },
        status_code=201,
    )


_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["audio_file", "username"],
                    "properties": {
                        "audio_file": {"type": "string", "format": "binary"},
                        "username": {"type": "string"},
                        "reference_transcription": {"type": "string"},
                        "is_marked_for_review": {"type": "string", "enum": ["true", "false"]},
                        "segmentations": {"type": "string", "description": "JSON list"},
                    },
                }
            }
        },
    }
}


class LegacyUploadOut(BaseModel):
    """The 2020 protocol's answer; its errors carry `message` beside `detail`."""

    data_id: int
    message: str
    type: Literal["DATA_CREATED", "DATA_EXISTS"]


@router.post(
    "/api/data",
    status_code=201,
    responses={
        200: {"model": LegacyUploadOut, "description": "The file is already there (DATA_EXISTS)."},
        201: {"model": LegacyUploadOut, "description": "Added and assigned (DATA_CREATED)."},
        **openapi.answers(400, 404, 413, 422),
    },
    openapi_extra=_FORM,
)
async def upload_data(
    request: Request,
    principal: PrincipalDep,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> JSONResponse:
    """Upload one file with pre-annotations using a project API key (audino 2020 protocol)."""
    if principal.via != "project_key" or principal.api_key is None:
        raise PermissionDenied(
            "This endpoint takes a project API key in the Authorization header.",
            code="project_key_required",
        )
    project_id = principal.api_key.project_id or 0
    project, role = await run_in_threadpool(check_project, db, principal, project_id, Can.upload)
    # End the auth transaction: on SQLite it would hold the write lock while the body streams.
    await run_in_threadpool(db.commit)
    try:
        parsed = await parse_upload(request, settings)
    except InvalidInput as exc:
        if exc.code == "not_multipart":
            exc.detail = "Send multipart/form-data with the audio in the audio_file field."
        raise
    with parsed:
        return await run_in_threadpool(
            _create, db, storage, settings, project, role, principal, parsed
        )
