"""Streaming a datapoint's audio with HTTP Range, only to those allowed to see it."""

from __future__ import annotations

import os
from email.utils import format_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from audino.api import openapi
from audino.api.deps import DatapointReader, DbDep, SettingsDep, StorageDep
from audino.api.errors import error_response
from audino.audio.playback import PLAYBACK_SUFFIX
from audino.audio.probe import content_type
from audino.services import windows
from audino.services.errors import NotFound
from audino.services.ingest import derived as derived_audio

router = APIRouter(prefix="/api", tags=["audio"])

CHUNK = 256 * 1024


class _Unsatisfiable(Exception):
    pass


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one inclusive byte range asked for; None serves the whole file.

    Malformed or multi-range headers are ignored (RFC 9110 allows that);
    a range starting past the end raises _Unsatisfiable.
    """
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = (p.strip() for p in spec.partition("-"))
    if not dash or (first and not first.isdecimal()) or (last and not last.isdecimal()):
        return None
    if not first:
        if not last:
            return None
        if int(last) == 0 or size == 0:
            raise _Unsatisfiable
        return max(0, size - int(last)), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise _Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


class _AudioFile(FileResponse):
    """FileResponse that sees only the (already checked) range we pass it."""

    def __init__(self, path: str, *, byte_range: tuple[int, int] | None, **kw: Any) -> None:
        super().__init__(path, **kw)
        self.byte_range = byte_range

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k != b"range"]
        if self.byte_range is not None:
            start, end = self.byte_range
            headers.append((b"range", f"bytes={start}-{end}".encode()))
        await super().__call__({**scope, "headers": headers}, receive, send)


def unsatisfiable(size: int) -> Response:
    response = error_response(
        416, f"The range is outside the file ({size} bytes).", "range_not_satisfiable"
    )
    response.headers["Content-Range"] = f"bytes */{size}"
    return response


def ranged_file(request: Request, path: str, **kw: Any) -> Response:
    """A local file answering one byte range (206), or 416 as JSON: FileResponse alone
    answers a malformed range in plain text and several ranges as multipart."""
    size = os.path.getsize(path)
    try:
        wanted = byte_range(request.headers.get("range"), size)
    except _Unsatisfiable:
        return unsatisfiable(size)
    return _AudioFile(path, byte_range=wanted, **kw)


CONTENT_RANGE = {
    "Content-Range": {
        "description": "bytes START-END/SIZE of the part sent (bytes */SIZE on a 416).",
        "required": True,
        "schema": {"type": "string"},
    }
}


def ranged(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` of a file answered by ranged_file: whole, a part, or 416."""
    unsatisfiable = openapi.answers(416)
    unsatisfiable[416]["headers"] = CONTENT_RANGE
    return {
        200: openapi.binary(*media_types, description="The whole file."),
        206: {
            **openapi.binary(*media_types, description="The part the Range header asked for."),
            "headers": CONTENT_RANGE,
        },
        **unsatisfiable,
    }


@router.head("/datapoints/{datapoint_id}/audio", include_in_schema=False)
@router.get(
    "/datapoints/{datapoint_id}/audio",
    response_class=Response,
    responses={
        **ranged("audio/*", "application/octet-stream"),
        307: {"description": "The file at a presigned bucket URL (Location)."},
    },
    openapi_extra={"parameters": [openapi.RANGE]},
)
def get_audio(
    request: Request,
    access: DatapointReader,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
    original: Annotated[bool, Query(description="the uploaded file, not the browser copy")] = False,
) -> Response:
    """The audio with HTTP Range support for seeking in `<audio>`: the seek-exact browser
    copy when ingest made one (FLAC with a seek table), else the original file."""
    dp = access.datapoint
    # A window plays its recording's audio (the page maps times by the window's offset).
    copy = None if original else derived_audio.playback_copy(db, windows.parent_of(db, dp))
    key = copy.storage_key if copy is not None else dp.storage_key
    if copy is not None:
        storage = derived_audio.derived_store(settings, storage)
    media_type = copy.content_type if copy is not None else content_type(dp.container)
    filename = dp.original_name
    if copy is not None:
        filename = f"{filename.rsplit('.', 1)[0] or 'audio'}{PLAYBACK_SUFFIX}"
    # A bucket with presigning on: the permission check above is ours, the bytes are S3's.
    signed = storage.presigned_url(key, content_type=media_type)
    if signed is not None:
        return RedirectResponse(signed, 307, headers={"Cache-Control": "private, no-store"})
    path = storage.local_path(key)
    if path is not None:
        size: int | None = path.stat().st_size if path.is_file() else None
    else:
        size = storage.stored_size(key)  # one request to a bucket, not two
    if size is None:
        raise NotFound(
            f"The audio of datapoint {dp.id} is missing from storage.", code="blob_missing"
        )
    try:
        wanted = byte_range(request.headers.get("range"), size)
    except _Unsatisfiable:
        return unsatisfiable(size)
    if path is not None:
        return _AudioFile(
            str(path),
            byte_range=wanted,
            media_type=media_type,
            filename=filename,
            content_disposition_type="inline",
            headers={"Cache-Control": "private, max-age=3600"},
        )
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{key.rsplit("/", 1)[-1]}"',
        "Last-Modified": format_datetime(dp.created_at, usegmt=True),
        "Cache-Control": "private, max-age=3600",
    }
    start, end = wanted if wanted is not None else (0, size - 1)
    if wanted is not None:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1)
    code = 206 if wanted is not None else 200
    if request.method == "HEAD":
        return Response(b"", code, headers=headers, media_type=media_type)
    body = storage.stream(key, start, end - start + 1, CHUNK, size=size)
    return StreamingResponse(body, code, headers=headers, media_type=media_type)
