"""Receiving audio: streaming to a hashed temp file, probing, storing once, recording."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid
from collections.abc import AsyncIterable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audino.audio.probe import AudioInfo, AudioLimits, BadAudio, probe_quick
from audino.config import Settings
from audino.db.models import Datapoint, Project, User
from audino.services import assignments, audit
from audino.services.errors import TooLarge, Unprocessable
from audino.services.ingest import job as ingest
from audino.storage.blobs import BlobStore

MAX_NAME_LENGTH = 255
# Bidirectional overrides can make "evil\u202egnp.wav" display as "evilvaw.png".
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_filename(name: str | None, default: str = "upload") -> str:
    """A filename as metadata only: no directories, no control characters, bounded length."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cs"))
    name = _BIDI.sub("", name).strip()
    if name in ("", ".", ".."):
        return default
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = name[: MAX_NAME_LENGTH - len(keep) - 1] + ("." + keep if keep else "")
    return name


def describe_limit(limit: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if limit >= size:
            return f"{limit / size:.1f} {unit}".replace(".0 ", " ")
    return f"{limit} bytes"


def too_large(settings: Settings, name: str = "") -> TooLarge:
    what = f"{name!r} is" if name else "The upload is"
    return TooLarge(
        f"{what} larger than the limit of {describe_limit(settings.max_upload_bytes)} "
        f"({settings.max_upload_bytes} bytes) per upload.",
        code="too_large",
        extra={"limit": settings.max_upload_bytes},
    )


def import_limit(settings: Settings) -> int:
    """The largest file a project import takes: it is parsed in memory, so its own cap."""
    return min(settings.max_import_bytes, settings.max_upload_bytes)


def import_too_large(settings: Settings, name: str = "") -> TooLarge:
    limit = import_limit(settings)
    what = f"{name!r} is" if name else "The file is"
    return TooLarge(
        f"{what} larger than the limit of {describe_limit(limit)} ({limit} bytes) for a "
        "file to import (AUDINO_MAX_IMPORT_BYTES); nothing was imported.",
        code="too_large",
        extra={"limit": limit},
    )


Refusal = Callable[[Settings, str], TooLarge]


@dataclass
class TempAudio:
    """A received file waiting in the temp dir; `filename` is the cleaned original name."""

    path: Path
    size: int
    sha256: str
    filename: str
    field: str = "file"
    content_type: str | None = None

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], filename: str | None = None) -> TempAudio:
        """Describes an existing local file (for imports); discarding deletes it."""
        path = Path(path)
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        return cls(path, size, digest.hexdigest(), clean_filename(filename or path.name))


class TempWriter:
    """Writes one incoming file to the temp dir, hashing and counting as it goes."""

    def __init__(
        self,
        settings: Settings,
        filename: str | None,
        *,
        field: str = "file",
        content_type: str | None = None,
        budget: int | None = None,
        refuse: Refusal = too_large,
    ) -> None:
        self.settings = settings
        self.limit = settings.max_upload_bytes if budget is None else budget
        self.refuse = refuse
        self.filename = clean_filename(filename)
        self.field = field
        self.content_type = content_type
        temp_dir = settings.temp_dir
        temp_dir.mkdir(parents=True, exist_ok=True)
        self.path = temp_dir / f"upload-{uuid.uuid4().hex}.part"
        self._file: BinaryIO | None = self.path.open("xb")
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        if self._file is None:
            raise ValueError("the temp file is closed")
        self.size += len(data)
        if self.size > self.limit:
            self.abort()
            raise self.refuse(self.settings, self.filename)
        self._hash.update(data)
        self._file.write(data)

    def finish(self) -> TempAudio:
        if self._file is not None:
            self._file.close()
            self._file = None
        return TempAudio(
            self.path,
            self.size,
            self._hash.hexdigest(),
            self.filename,
            field=self.field,
            content_type=self.content_type,
        )

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


async def receive(
    stream: AsyncIterable[bytes],
    settings: Settings,
    *,
    filename: str | None = None,
    limit: int | None = None,
    refuse: Refusal = too_large,
) -> TempAudio:
    """Streams raw bytes to a temp file, refusing past `limit` (default
    settings.max_upload_bytes) with `refuse`'s error."""
    writer = TempWriter(settings, filename, budget=limit, refuse=refuse)
    try:
        async for chunk in stream:
            if chunk:
                writer.write(chunk)
        return writer.finish()
    except BaseException:
        writer.abort()
        raise


@dataclass
class UploadOutcome:
    datapoint: Datapoint
    created: bool
    stored: bool
    assigned_user_ids: list[int] = field(default_factory=list)
    duplicate: bool = False

    @property
    def status(self) -> str:
        """created | assigned | duplicate, as the upload API reports it."""
        if self.created:
            return "created"
        return "assigned" if self.assigned_user_ids else "duplicate"


def probe_upload(
    temp: TempAudio, original_name: str, limits: AudioLimits | None = None
) -> AudioInfo:
    """The file's audio format, or a 4xx before anything is stored: Unprocessable for
    audio that does not decode or has a sample rate out of bounds, TooLarge past the
    longest duration taken."""
    try:
        info = probe_quick(temp.path, original_name)
    except BadAudio as exc:
        raise Unprocessable(str(exc), code="bad_audio") from None
    limits = limits or AudioLimits()
    label = f"{original_name}: " if original_name else ""
    if problem := limits.rate_problem(info.sample_rate):
        raise Unprocessable(
            label + problem,
            code="unsupported_sample_rate",
            extra={
                "sample_rate": info.sample_rate,
                "min": limits.min_sample_rate,
                "max": limits.max_sample_rate,
            },
        )
    if problem := limits.duration_problem(info.duration):
        raise TooLarge(
            label + problem,
            code="too_long",
            extra={"duration": info.duration, "max": limits.max_seconds},
        )
    return info


def find_by_sha(db: Session, project_id: int, sha256: str) -> Datapoint | None:
    return db.scalar(
        select(Datapoint).where(Datapoint.project_id == project_id, Datapoint.sha256 == sha256)
    )


def ingest_file(
    db: Session,
    storage: BlobStore,
    settings: Settings,
    project: Project,
    temp: TempAudio,
    *,
    original_name: str,
    assign_to: Sequence[User],
    reference_transcript: str | None = None,
    metadata: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> UploadOutcome:
    """Adds a received file to the project, or assigns/reports it when already there.

    Bad audio raises Unprocessable before anything is stored (a long file is checked from
    its header here and fully by the ingest job, which the new datapoint is queued for).
    The blob is written before the row, so a row never points at a missing blob; if this
    fails after storing a new blob, the blob is removed again. Callers that fail later
    (e.g. on commit) should call `forget_stored`. The temp file stays with the caller.
    """
    if temp.size > settings.max_upload_bytes:
        raise too_large(settings, original_name)
    name = clean_filename(original_name)
    info = probe_upload(temp, name, ingest.audio_limits(settings))
    key = storage.key_for(temp.sha256, info.suffix)
    # Store before touching the database: on SQLite the first statement takes the write
    # lock, which should not be held while a large file is copied.
    stored = storage.put_file(temp.path, key)
    creating = False
    try:
        existing = find_by_sha(db, project.id, temp.sha256)
        if existing is not None:
            return _add_to_existing(db, storage, existing, assign_to, actor_id, key, stored)
        creating = True
        datapoint = Datapoint(
            project_id=project.id,
            storage_key=key,
            original_name=name,
            duration=info.duration,
            sample_rate=info.sample_rate,
            channels=info.channels,
            codec=info.codec,
            container=info.container,
            size=temp.size,
            sha256=temp.sha256,
            reference_transcript=reference_transcript or "",
            metadata_=metadata or {},
        )
        try:
            with db.begin_nested():
                db.add(datapoint)
        except IntegrityError:
            # The same file arrived concurrently and won the race.
            existing = find_by_sha(db, project.id, temp.sha256)
            if existing is None:
                raise
            creating = False
            return _add_to_existing(db, storage, existing, assign_to, actor_id, key, stored)
        audit.record(
            db,
            user_id=actor_id,
            action="datapoint.upload",
            entity_type="datapoint",
            entity_id=datapoint.id,
            project_id=project.id,
            after={
                "original_name": name,
                "sha256": temp.sha256,
                "size": temp.size,
                "duration": info.duration,
            },
        )
        added = assignments.assign(db, datapoint, assign_to, actor_id=actor_id)
        ingest.start(db, datapoint, actor_id=actor_id)
    except BaseException:
        if stored and creating:
            storage.delete(key)
        raise
    return UploadOutcome(datapoint, created=True, stored=stored, assigned_user_ids=added)


def _add_to_existing(
    db: Session,
    storage: BlobStore,
    datapoint: Datapoint,
    assign_to: Sequence[User],
    actor_id: int | None,
    key: str,
    stored: bool,
) -> UploadOutcome:
    if stored and datapoint.storage_key != key:
        storage.delete(key)  # only reachable when the existing row uses another suffix
    added = assignments.assign(db, datapoint, assign_to, actor_id=actor_id)
    return UploadOutcome(
        datapoint, created=False, stored=False, assigned_user_ids=added, duplicate=not added
    )


def forget_stored(storage: BlobStore, outcomes: Sequence[UploadOutcome]) -> None:
    """Removes blobs these outcomes newly stored, after their transaction failed."""
    for outcome in outcomes:
        if outcome.stored:
            storage.delete(outcome.datapoint.storage_key)
