"""Streaming multipart parser for uploads: files go straight to hashed temp files."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from audino.config import Settings
from audino.services.errors import InvalidInput, TooLarge
from audino.services.ingest.uploads import Refusal, TempAudio, TempWriter, too_large

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

MAX_FIELD_BYTES = 1024 * 1024
MAX_FIELDS = 1000
MAX_FILES = 1000
# Room in the body for form fields and part headers on top of the audio itself.
FIELDS_ALLOWANCE = 8 * 1024 * 1024
# One part header line: room for a long file name (it is cut to 255 characters later),
# where the parser's default (4 KiB) refuses a 5,000-character one.
MAX_HEADER_BYTES = 64 * 1024


@dataclass
class ParsedUpload:
    """Form fields as strings and files as temp files; `close()` deletes the temp files."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[TempAudio] = field(default_factory=list)

    def first(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None

    def close(self) -> None:
        for temp in self.files:
            temp.discard()

    def __enter__(self) -> ParsedUpload:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


class _Collector:
    """The parser callbacks: they route part data to a field buffer or a temp file."""

    def __init__(self, settings: Settings, limit: int, refuse: Refusal) -> None:
        self.settings = settings
        self.limit = limit
        self.refuse = refuse
        self.result = ParsedUpload()
        self.writers: list[TempWriter] = []
        self.unnamed: set[int] = set()
        self.pending: list[tuple[TempWriter, bytes]] = []
        self.file_bytes = 0
        self.field_bytes = 0
        self.n_fields = 0
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._data = bytearray()
        self._writer: TempWriter | None = None

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
        }

    def on_part_begin(self) -> None:
        self._headers = {}
        self._name = ""
        self._data = bytearray()
        self._writer = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_name.strip().lower()] = self._header_value.strip()
        self._header_name = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if b"name" not in options:
            raise InvalidInput(
                "Each multipart part needs a Content-Disposition header with a name.",
                code="bad_multipart",
            )
        self._name = _decode(options[b"name"])
        if b"filename" in options:
            if len(self.writers) >= MAX_FILES:
                raise InvalidInput(
                    f"Too many files in one upload (at most {MAX_FILES}).", code="too_many_files"
                )
            filename = _decode(options.get(b"filename", b""))
            content_type = _decode(self._headers.get(b"content-type", b"")) or None
            self._writer = TempWriter(
                self.settings,
                filename,
                field=self._name,
                content_type=content_type,
                budget=self.limit - self.file_bytes,
                refuse=self.refuse,
            )
            self.writers.append(self._writer)
            if not filename.strip():
                self.unnamed.add(id(self._writer))
        else:
            self.n_fields += 1
            if self.n_fields > MAX_FIELDS:
                raise InvalidInput(
                    f"Too many form fields (at most {MAX_FIELDS}).", code="too_many_fields"
                )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._writer is not None:
            self.file_bytes += len(chunk)
            if self.file_bytes > self.limit:
                raise self.refuse(self.settings, self._writer.filename)
            self.pending.append((self._writer, chunk))
            return
        self.field_bytes += len(chunk)
        if len(self._data) + len(chunk) > MAX_FIELD_BYTES or self.field_bytes > FIELDS_ALLOWANCE:
            raise TooLarge(
                f"The form field {self._name!r} is too long (at most {MAX_FIELD_BYTES} bytes "
                "per field).",
                code="field_too_large",
            )
        self._data.extend(chunk)

    def on_part_end(self) -> None:
        if self._writer is None:
            self.result.fields.setdefault(self._name, []).append(_decode(bytes(self._data)))
        self._writer = None

    def flush(self) -> None:
        """Writes the data gathered since the last call (run in a worker thread)."""
        pending, self.pending = self.pending, []
        for writer, chunk in pending:
            writer.write(chunk)

    def finish(self) -> ParsedUpload:
        for writer in self.writers:
            temp = writer.finish()
            # A browser form with no file chosen sends an empty part without a name.
            if temp.size == 0 and id(writer) in self.unnamed:
                temp.discard()
                continue
            self.result.files.append(temp)
        return self.result

    def abort(self) -> None:
        for writer in self.writers:
            writer.abort()


def _parse_error(exc: MultipartParseError) -> str:
    """The parser's complaint as a sentence that says what to change."""
    reason = str(exc).strip().rstrip(".")
    if "header size" in reason:
        return (
            f"A part header of the multipart body is longer than {MAX_HEADER_BYTES // 1024} "
            "KiB; shorten the file name."
        )
    if "header count" in reason:
        return "A part of the multipart body has too many headers."
    return f"The multipart body is malformed ({reason or 'unreadable'})."


async def parse_upload(
    request: Request,
    settings: Settings,
    *,
    limit: int | None = None,
    refuse: Refusal = too_large,
) -> ParsedUpload:
    """Reads a multipart/form-data body, streaming each file part to the temp dir.

    Refuses with `refuse`'s TooLarge as soon as the files pass `limit` (default
    settings.max_upload_bytes); on any error every temp file is deleted. The caller must
    `close()` the result.
    """
    limit = settings.max_upload_bytes if limit is None else limit
    content_type, params = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data":
        raise InvalidInput(
            "Send the audio as multipart/form-data with one or more 'file' parts.",
            code="not_multipart",
        )
    boundary = params.get(b"boundary")
    if not boundary:
        raise InvalidInput("The multipart Content-Type has no boundary.", code="bad_multipart")
    length = request.headers.get("content-length", "").strip()
    if length.isdecimal() and int(length) > limit + FIELDS_ALLOWANCE:
        raise refuse(settings, "")
    collector = _Collector(settings, limit, refuse)
    try:
        parser = MultipartParser(boundary, collector.callbacks(), max_header_size=MAX_HEADER_BYTES)
        async for chunk in request.stream():
            if not chunk:
                continue
            parser.write(chunk)
            if collector.pending:
                await run_in_threadpool(collector.flush)
        parser.finalize()
        if parser.state not in (MultipartState.START, MultipartState.END):
            raise InvalidInput(
                "The multipart body ended before its closing boundary; the upload was cut off.",
                code="bad_multipart",
            )
        collector.flush()
        return collector.finish()
    except MultipartParseError as exc:
        collector.abort()
        raise InvalidInput(_parse_error(exc), code="bad_multipart") from None
    except ClientDisconnect:
        collector.abort()
        raise InvalidInput("The upload was interrupted.", code="upload_interrupted") from None
    except BaseException:
        collector.abort()
        raise
