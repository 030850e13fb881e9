"""Imports: a dataset file becomes a new project (or joins an existing one), all or nothing.

Everything is checked before the first row is written; rows then go in with one bulk
insert per table inside the caller's transaction (executemany on SQLite, COPY on
PostgreSQL), with label names mapped to this instance's ids once, not per row.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    Membership,
    Project,
    Segment,
    SegmentSource,
    User,
    utcnow,
)
from audino.formats import registry
from audino.formats.records import AnnotatedRecording, Dataset, FormatError
from audino.services import audit, projects, users
from audino.services.bulk import BulkWriter, gc_paused
from audino.services.errors import Conflict, InvalidInput, Unprocessable
from audino.services.label_mapping import BadValue, ValueIds
from audino.storage.blobs import BlobStore

STATUSES = frozenset(s.value for s in AssignmentStatus)
SOURCES = frozenset(s.value for s in SegmentSource)
LISTED = 20  # names quoted in an error message; the full list goes in the JSON body


@dataclass
class ImportResult:
    project_id: int
    project_name: str
    created_project: bool
    datapoints: int = 0
    assignments: int = 0
    segments: int = 0
    labels_created: int = 0
    users_created: list[str] = field(default_factory=list)
    audio_missing: list[str] = field(default_factory=list)
    segment_ids_renewed: int = 0


def parse_file(data: bytes, format_name: str = "audino") -> Dataset:
    """The file's records, or a 422 that says where the file is wrong."""
    try:
        fmt = registry.get(format_name)
    except registry.UnknownFormat as exc:
        raise InvalidInput(str(exc), code="unknown_format") from None
    if fmt.import_ is None:
        raise InvalidInput(f"The {fmt.name!r} format cannot be imported.", code="not_importable")
    try:
        return fmt.import_(data)
    except FormatError as exc:
        raise Unprocessable(
            str(exc),
            code="bad_file",
            extra={"line": exc.line, "column": exc.column, "path": exc.path},
        ) from None


def import_file(
    db: Session,
    storage: BlobStore,
    data: bytes,
    *,
    format_name: str = "audino",
    into: Project | None = None,
    name: str | None = None,
    create_users: bool = False,
    allow_missing_audio: bool = False,
    actor_id: int | None = None,
) -> ImportResult:
    with gc_paused():
        dataset = parse_file(data, format_name)
        result = import_dataset(
            db,
            storage,
            dataset,
            into=into,
            name=name,
            create_users=create_users,
            allow_missing_audio=allow_missing_audio,
            actor_id=actor_id,
        )
        del dataset  # freed while collection is still paused, so it is never traversed
    return result


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:LISTED])
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


def _where(index: int, item: AnnotatedRecording) -> str:
    return f"datapoint #{index + 1} ({item.recording.name!r})"


def import_dataset(
    db: Session,
    storage: BlobStore,
    dataset: Dataset,
    *,
    into: Project | None = None,
    name: str | None = None,
    create_users: bool = False,
    allow_missing_audio: bool = False,
    actor_id: int | None = None,
) -> ImportResult:
    """Creates a project from `dataset` (or adds to `into`); raises before writing anything
    when a user, an audio file, a label or a value is missing or the data is inconsistent."""
    items = list(dataset.items)
    _check_items(items)
    missing_audio = _missing_audio(storage, items)
    if missing_audio and not allow_missing_audio:
        raise Unprocessable(
            f"{len(missing_audio)} audio file(s) are not in this instance's storage: "
            f"{_listing(missing_audio)}. Copy the audio first, or import metadata only.",
            code="missing_audio",
            extra={"missing": missing_audio[:1000]},
        )
    driver_error = db.connection().dialect.loaded_dbapi.Error
    try:
        user_ids, created_users = _resolve_users(db, dataset, items, create_users, actor_id)
        project = into or _new_project(db, dataset, name, actor_id)
        if into is not None:
            _check_new_audio(db, project.id, items)
        schema = ValueIds(db, project, dataset.labels, fresh=into is None)
        _add_members(db, project, dataset, user_ids)
        db.flush()
        result = ImportResult(
            project.id,
            project.name,
            into is None,
            labels_created=schema.created,
            users_created=created_users,
            audio_missing=missing_audio,
        )
        _write_rows(db.connection(), project.id, items, user_ids, schema, result)
    except (DBAPIError, driver_error) as exc:
        # Whatever slipped past the checks (say a colour too long for its column) is the
        # file's fault: a 422 that quotes the database, never a 500.
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise Unprocessable(
            f"The database refused a value in the file: {detail}", code="bad_file"
        ) from None
    audit.record(
        db,
        user_id=actor_id,
        action="project.import",
        entity_type="project",
        entity_id=project.id,
        project_id=project.id,
        after={
            "datapoints": result.datapoints,
            "segments": result.segments,
            "assignments": result.assignments,
            "users_created": created_users,
            "audio_missing": len(missing_audio),
        },
    )
    return result


def _new_project(db: Session, dataset: Dataset, name: str | None, actor_id: int | None) -> Project:
    project = projects.create_project(
        db,
        name or dataset.project.name,
        description=dataset.project.description,
        settings=dict(dataset.project.settings),
        actor_id=actor_id,
    )
    # A restored project keeps its history; the audit log records the import itself.
    project.created_at = dataset.project.created_at or project.created_at
    project.updated_at = dataset.project.updated_at or project.updated_at
    return project


def _check_items(items: list[AnnotatedRecording]) -> None:
    seen_sha: set[str] = set()
    seen_segments: set[str] = set()
    for i, item in enumerate(items):
        r = item.recording
        if r.status not in STATUSES:
            raise Unprocessable(f"{_where(i, item)}: unknown status {r.status!r}.", code="bad_file")
        if r.sha256 is not None:
            if r.sha256 in seen_sha:
                raise Unprocessable(
                    f"{_where(i, item)}: the same audio (sha256 {r.sha256[:12]}…) is listed twice.",
                    code="duplicate_audio",
                )
            seen_sha.add(r.sha256)
        if "\x00" in r.name or "\x00" in r.reference_transcript:
            raise Unprocessable(
                f"{_where(i, item)}: text contains a NUL character.", code="bad_file"
            )
        assignees = [a.user for a in r.assignments]
        if len(set(assignees)) != len(assignees):
            raise Unprocessable(
                f"{_where(i, item)}: a user is assigned more than once.", code="bad_file"
            )
        for a in r.assignments:
            if a.status not in STATUSES:
                raise Unprocessable(
                    f"{_where(i, item)}: assignment of {a.user!r} has unknown status {a.status!r}.",
                    code="bad_file",
                )
        for s in item.segments:
            if "\x00" in s.transcript:
                raise Unprocessable(
                    f"{_where(i, item)}: a transcript contains a NUL character.", code="bad_file"
                )
            if s.source not in SOURCES:
                raise Unprocessable(
                    f"{_where(i, item)}: segment source must be human, model or import, "
                    f"not {s.source!r}.",
                    code="bad_file",
                )
            if s.id is not None:
                if s.id in seen_segments:
                    raise Unprocessable(
                        f"{_where(i, item)}: segment id {s.id!r} appears twice in the file.",
                        code="duplicate_segment",
                    )
                seen_segments.add(s.id)


def _missing_audio(storage: BlobStore, items: list[AnnotatedRecording]) -> list[str]:
    missing = []
    for i, item in enumerate(items):
        key = item.recording.storage_key
        try:
            path = storage.local_path(key)
        except ValueError:
            raise Unprocessable(
                f"{_where(i, item)}: invalid storage key {key!r}.", code="bad_file"
            ) from None
        if not (os.path.exists(path) if path is not None else storage.exists(key)):
            missing.append(item.recording.name)
    return missing


def _check_new_audio(db: Session, project_id: int, items: list[AnnotatedRecording]) -> None:
    hashes = [item.recording.sha256 for item in items if item.recording.sha256]
    clash: list[str] = []
    for chunk in _chunks(hashes):
        clash.extend(
            db.scalars(
                select(Datapoint.original_name).where(
                    Datapoint.project_id == project_id, Datapoint.sha256.in_(chunk)
                )
            )
        )
    if clash:
        raise Conflict(
            f"{len(clash)} file(s) are already in this project: {_listing(clash)}.",
            code="duplicate_audio",
            extra={"existing": clash[:1000]},
        )


def _resolve_users(
    db: Session,
    dataset: Dataset,
    items: list[AnnotatedRecording],
    create: bool,
    actor_id: int | None,
) -> tuple[dict[str, int], list[str]]:
    names: dict[str, None] = {u.username: None for u in dataset.users}
    for item in items:
        for a in item.recording.assignments:
            names[a.user] = None
        for s in item.segments:
            if s.author is not None:
                names[s.author] = None
    wanted = list(names)
    found: dict[str, int] = {}
    for chunk in _chunks(wanted):
        rows = db.execute(select(User.username, User.id).where(User.username.in_(chunk)))
        found.update((username, uid) for username, uid in rows)
    missing = [n for n in wanted if n not in found]
    if missing and not create:
        raise Unprocessable(
            f"{len(missing)} user(s) named in the file do not exist here: {_listing(missing)}. "
            "Create them first, or import with the option to create them inactive.",
            code="unknown_users",
            extra={"usernames": missing[:1000]},
        )
    for username in missing:
        user = User(
            username=users.check_username(username),
            password_hash="!",  # matches no password: an admin sets one to activate them
            is_admin=False,
            is_active=False,
        )
        db.add(user)
        db.flush()
        found[username] = user.id
        audit.record(
            db,
            user_id=actor_id,
            action="user.create",
            entity_type="user",
            entity_id=user.id,
            after={"username": username, "is_active": False, "via": "import"},
        )
    return found, missing


def _add_members(db: Session, project: Project, dataset: Dataset, user_ids: dict[str, int]) -> None:
    current = {m.user_id for m in projects.list_members(db, project.id)}
    for ref in dataset.users:
        if ref.role is None or user_ids[ref.username] in current:
            continue
        db.add(
            Membership(
                project_id=project.id,
                user_id=user_ids[ref.username],
                role=projects.check_role(ref.role),
            )
        )
        current.add(user_ids[ref.username])


_DP = (
    "id", "project_id", "storage_key", "original_name", "duration", "sample_rate", "channels",
    "codec", "container", "size", "sha256", "reference_transcript", "metadata", "status",
    "marked_for_review", "parent_id", "offset", "created_at", "updated_at",
)  # fmt: skip
_ASSIGNMENT = (
    "datapoint_id", "user_id", "status", "marked_for_review", "values", "version",
    "created_at", "updated_at", "completed_at",
)  # fmt: skip
_SEGMENT = (
    "id", "datapoint_id", "author_id", "start", "end", "channel", "low_hz", "high_hz",
    "transcript", "values", "attributes", "source", "model", "model_version", "confidence",
    "version", "created_at", "updated_at",
)  # fmt: skip


def _renew_taken_ids(conn: Connection, rows: list[tuple[Any, ...]]) -> tuple[list[Any], int]:
    """Segment rows with a fresh uuid wherever the file's id is already in use here."""
    taken: set[str] = set()
    for chunk in _chunks([r[0] for r in rows], 900):
        taken.update(conn.scalars(select(Segment.id).where(Segment.id.in_(chunk))))
    renewed = [(str(uuid.uuid4()), *r[1:]) if r[0] in taken else r for r in rows]
    return renewed, len(taken)


def _write_rows(
    conn: Connection,
    project_id: int,
    items: list[AnnotatedRecording],
    user_ids: dict[str, int],
    schema: ValueIds,
    result: ImportResult,
) -> None:
    bulk = BulkWriter(conn)
    ts = bulk.ts
    dumps = orjson.dumps
    now = utcnow()
    ids = bulk.next_ids(Datapoint.__table__, len(items))  # type: ignore[arg-type]
    new_id: dict[int | None, int] = {
        item.recording.id: i for item, i in zip(items, ids, strict=True) if item.recording.id
    }
    author_id: dict[str | None, int | None] = {None: None, **user_ids}
    encode = schema.encode
    datapoints, assignments, segments = [], [], []
    for index, (dp_id, item) in enumerate(zip(ids, items, strict=True)):
        r = item.recording
        created = r.created_at or now
        try:
            datapoints.append((
                dp_id, project_id, r.storage_key, r.name, r.duration, r.sample_rate, r.channels,
                r.codec, r.container, r.size, r.sha256, r.reference_transcript,
                dumps(r.metadata).decode(), r.status, r.marked_for_review,
                new_id.get(r.parent_id), r.offset, ts(created), ts(r.updated_at or created),
            ))  # fmt: skip
            for a in r.assignments:
                made = a.created_at or now
                assignments.append((
                    dp_id, user_ids[a.user], a.status, a.marked_for_review,
                    schema.encode(a.values), a.version, ts(made), ts(a.updated_at or made),
                    ts(a.completed_at),
                ))  # fmt: skip
            for s in item.segments:
                sid = s.id if s.id is not None and len(s.id) <= 36 else str(uuid.uuid4())
                made = s.created_at or now
                segments.append((
                    sid, dp_id, author_id[s.author], s.start, s.end, s.channel, s.low_hz,
                    s.high_hz, s.transcript, encode(s.values),
                    dumps(s.attributes).decode() if s.attributes else "{}", s.source, s.model,
                    s.model_version, s.confidence, s.version, ts(made), ts(s.updated_at or made),
                ))  # fmt: skip
        except BadValue as exc:
            raise Unprocessable(f"{_where(index, item)}: {exc}.", code="bad_value") from None
    with bulk.roomy_cache():
        bulk.insert(Datapoint.__table__, _DP, datapoints)  # type: ignore[arg-type]
        bulk.insert(Assignment.__table__, _ASSIGNMENT, assignments)  # type: ignore[arg-type]
        try:
            # Keep the file's segment ids (a restore); look up clashes only if one fails.
            with conn.begin_nested():
                bulk.insert(Segment.__table__, _SEGMENT, segments)  # type: ignore[arg-type]
        except (IntegrityError, conn.dialect.loaded_dbapi.IntegrityError):
            segments, result.segment_ids_renewed = _renew_taken_ids(conn, segments)
            if not result.segment_ids_renewed:
                raise
            bulk.insert(Segment.__table__, _SEGMENT, segments)  # type: ignore[arg-type]
    result.datapoints = len(datapoints)
    result.assignments = len(assignments)
    result.segments = len(segments)
