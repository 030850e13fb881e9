"""Imports: a dataset file becomes a new project (or joins an existing one), all or nothing.

Everything is checked before the first row is written; rows then go in with one bulk
insert per table inside the caller's transaction (executemany on SQLite, COPY on
PostgreSQL), with label names mapped to this instance's ids once, not per row. Formats
without audio metadata (audino-v1) add annotations to datapoints matched by file name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from audino.config import Settings
from audino.db.bulk import gc_paused
from audino.db.models import (
    Assignment,
    Datapoint,
    Membership,
    Project,
    User,
)
from audino.formats import registry
from audino.formats.files import ArchiveLimits, ArchiveTooLarge, read_upload
from audino.formats.records import AnnotatedRecording, AssignmentRecord, Dataset, FormatError
from audino.services import assignments, audit, projects, users, windows
from audino.services.errors import InvalidInput, TooLarge, Unprocessable
from audino.services.imports import checks
from audino.services.imports.matching import fit_to_project, match_recordings
from audino.services.imports.rows import Rows
from audino.services.labels.mapping import BadValue, ValueIds
from audino.storage.blobs import BlobStore


@dataclass(frozen=True)
class AnnotationOptions:
    """How annotation files (RTTM, TextGrid, …) join a project: as segments of `author`,
    or as predictions (source=import, no author) when no author is named; the file's
    "speaker" and "label" labels renamed to the project's; unknown labels and values
    created, or reported."""

    author: str | None = None
    speaker_label: str | None = None
    label: str | None = None
    create_labels: bool = True


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
    # Datapoints already in the project that the file added annotations to (an import
    # into a project); `datapoints` counts those it created.
    datapoints_annotated: int = 0


def importer(format_name: str) -> registry.Format:
    try:
        fmt = registry.get(format_name)
    except registry.UnknownFormat as exc:
        raise InvalidInput(str(exc), code="unknown_format") from None
    if fmt.import_ is None:
        raise InvalidInput(f"The {fmt.name!r} format cannot be imported.", code="not_importable")
    return fmt


def archive_limits(settings: Settings) -> ArchiveLimits:
    """How far an uploaded zip may unpack, from the AUDINO_MAX_IMPORT_* settings."""
    return ArchiveLimits(
        files=settings.max_import_files,
        file_bytes=settings.max_import_file_bytes,
        total_bytes=settings.max_import_unpacked_bytes,
        ratio=settings.max_import_ratio,
    )


def parse_file(
    source: bytes | Path,
    format_name: str = "audino",
    filename: str = "upload",
    *,
    limits: ArchiveLimits | None = None,
) -> Dataset:
    """The file's records (a zip holds a multi-file format's files), or a 422 that says
    where the file is wrong (a 413 when a zip would unpack past `limits`)."""
    fmt = importer(format_name)
    assert fmt.import_ is not None
    try:
        if fmt.files:
            dataset = fmt.read(read_upload(filename, source, limits=limits))
        else:
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
            dataset = fmt.import_(data)
    except ArchiveTooLarge as exc:
        raise TooLarge(
            f"{exc.message[:1].upper()}{exc.message[1:]}; nothing was imported.",
            code="archive_too_large",
            extra={"path": exc.path},
        ) from None
    except FormatError as exc:
        raise Unprocessable(
            str(exc),
            code="bad_file",
            extra={"line": exc.line, "column": exc.column, "path": exc.path},
        ) from None
    if fmt.matches_files:
        dataset = replace(dataset, items=list(dataset.items))
    if fmt.matches_files and not dataset.items:
        raise Unprocessable(
            f"{filename!r} holds no {fmt.name} annotations: nothing was imported. Check the "
            "format chosen, and that the file (or the files in the zip) is not empty.",
            code="nothing_to_import",
        )
    return dataset


def import_file(
    db: Session,
    storage: BlobStore,
    data: bytes | Path,
    *,
    format_name: str = "audino",
    into: Project | None = None,
    name: str | None = None,
    create_users: bool = False,
    allow_missing_audio: bool = False,
    actor_id: int | None = None,
    filename: str = "upload",
    annotations: AnnotationOptions | None = None,
    limits: ArchiveLimits | None = None,
) -> ImportResult:
    """Parses and imports one file (bytes, or a path to it): a new project, or `into` an
    existing one. A zip unpacks within `limits` (defaults: ArchiveLimits())."""
    fmt = importer(format_name)
    if fmt.matches_files and into is None:
        raise InvalidInput(
            f"{fmt.name} files carry annotations but no audio: import them into the project "
            "that holds the audio (POST /api/projects/{id}/import).",
            code="needs_project",
        )
    with gc_paused():
        dataset = parse_file(data, format_name, filename, limits=limits)
        if fmt.matches_files:
            assert into is not None
            if fmt.files:
                dataset = _as_annotations(db, dataset, into, annotations or AnnotationOptions())
            result = attach_annotations(
                db, dataset, into, create_users=create_users, actor_id=actor_id
            )
        else:
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
    checks.check_items(items)
    missing_audio = checks.missing_audio(storage, items)
    if missing_audio and not allow_missing_audio:
        raise Unprocessable(
            f"{len(missing_audio)} audio file(s) are not in this instance's storage: "
            f"{checks.listing(missing_audio)}. Copy the audio first, or import metadata only.",
            code="missing_audio",
            extra={"missing": missing_audio[:1000]},
        )
    with _refusals(db):
        user_ids, created_users = _resolve_users(db, dataset, items, create_users, actor_id)
        project = into or _new_project(db, dataset, name, actor_id)
        if into is not None:
            checks.check_new_audio(db, project.id, items)
        schema = ValueIds(db, project, dataset.labels, fresh=into is None)
        _add_members(db, project, dataset, user_ids)
        db.flush()
        rows = Rows(db.connection(), user_ids, schema)
        ids = rows.new_datapoint_ids(len(items))
        new_id = {it.recording.id: i for it, i in zip(items, ids, strict=True) if it.recording.id}
        for index, (dp_id, item) in enumerate(zip(ids, items, strict=True)):
            r = item.recording
            try:
                rows.datapoint(dp_id, project.id, r, new_id.get(r.parent_id or 0))
                for a in r.assignments:
                    rows.assignment(dp_id, a)
                rows.segments_of(dp_id, item.segments)
            except BadValue as exc:
                raise Unprocessable(
                    f"{checks.where(index, item)}: {exc}.", code="bad_value"
                ) from None
        renewed = rows.write()
        windows.renumber(db, project.id)
    result = ImportResult(
        project.id,
        project.name,
        into is None,
        datapoints=len(rows.datapoints),
        assignments=len(rows.assignments),
        segments=len(rows.segments),
        labels_created=schema.created,
        users_created=created_users,
        audio_missing=missing_audio,
        segment_ids_renewed=renewed,
    )
    _audit(db, result, actor_id)
    return result


def attach_annotations(
    db: Session,
    dataset: Dataset,
    project: Project,
    *,
    create_users: bool = False,
    actor_id: int | None = None,
) -> ImportResult:
    """Adds the file's assignments and segments to datapoints of `project` found by file
    name (the original name, else the storage file name); every file must be found."""
    items = list(dataset.items)
    checks.check_items(items)
    with _refusals(db):
        user_ids, created_users = _resolve_users(db, dataset, items, create_users, actor_id)
        targets = match_recordings(db, project.id, items)
        schema = ValueIds(db, project, dataset.labels, fresh=False)
        db.flush()
        query = (
            select(Assignment.datapoint_id, Assignment.user_id)
            .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
            .where(Datapoint.project_id == project.id)
        )
        assigned = {(dp_id, user_id) for dp_id, user_id in db.execute(query)}
        rows = Rows(db.connection(), user_ids, schema)
        touched: set[int] = set()  # datapoints (recordings) that got something
        updates: list[tuple[int, int, str]] = []  # existing assignments' new values
        for index, (recording_id, item) in enumerate(zip(targets, items, strict=True)):
            try:
                # A recording presented as windows: each segment goes to the window it
                # starts in (times stay the recording's); assignments to every window.
                for dp_id, segments in windows.spread(db, recording_id, item.segments):
                    added = bool(segments)
                    for a in item.recording.assignments:
                        if (dp_id, user_ids[a.user]) not in assigned:
                            rows.assignment(dp_id, a)
                            added = True
                        elif a.values:
                            updates.append((dp_id, user_ids[a.user], rows.encode(a.values)))
                            added = True
                    rows.segments_of(dp_id, segments)
                    if added:
                        touched.add(recording_id)
            except BadValue as exc:
                raise Unprocessable(
                    f"{checks.where(index, item)}: {exc}.", code="bad_value"
                ) from None
        renewed = rows.write()
        _update_values(db, updates)
        for dp_id in sorted({row[0] for row in rows.assignments}):
            assignments.refresh_status(db, dp_id)
    result = ImportResult(
        project.id,
        project.name,
        False,
        assignments=len(rows.assignments),
        datapoints_annotated=len(touched),
        segments=len(rows.segments),
        labels_created=schema.created,
        users_created=created_users,
        segment_ids_renewed=renewed,
    )
    _audit(db, result, actor_id)
    return result


def _update_values(db: Session, updates: list[tuple[int, int, str]]) -> None:
    """Recording-level values from the file on assignments the project already has: the
    file's labels replace those labels' values, others stay."""
    for dp_id, user_id, stored in updates:
        found = db.scalar(
            select(Assignment).where(
                Assignment.datapoint_id == dp_id, Assignment.user_id == user_id
            )
        )
        if found is not None:
            found.values = {**(found.values or {}), **orjson.loads(stored)}
            found.version += 1
    db.flush()


def _as_annotations(
    db: Session, dataset: Dataset, project: Project, options: AnnotationOptions
) -> Dataset:
    """Segments of an annotation file: owned by the chosen author (else predictions), with
    labels fitted to the project's."""
    author = options.author
    if author is not None:
        if db.scalar(select(User.id).where(User.username == author)) is None:
            raise InvalidInput(f"No user named {author!r}.", code="unknown_author")
        if author not in _members(db, project.id, [author]):
            raise InvalidInput(
                f"{author!r} is not a member of project {project.name!r}: add them to the "
                "project first, or name a member as the author.",
                code="author_not_member",
            )
    unnamed = 0
    for item in dataset.items:
        for seg in item.segments:
            if author is not None and seg.source != "model" and seg.author is None:
                seg.author = author
                seg.source = "human"
        if any(not a.user for a in item.recording.assignments):
            if author is None:
                unnamed += 1
                continue
            named = [a if a.user else replace(a, user=author) for a in item.recording.assignments]
            item.recording.assignments = tuple(_merged(named))
    if unnamed:
        raise InvalidInput(
            f"{unnamed} recording(s) in the file have annotations that name no annotator: "
            "name the author to import them as theirs.",
            code="needs_author",
        )
    _check_file_authors(db, dataset, project)
    renames = {
        name: target
        for name, target in (("speaker", options.speaker_label), ("label", options.label))
        if target
    }
    return fit_to_project(
        db, dataset, project.id, renames=renames, create_labels=options.create_labels
    )


def _merged(found: list[AssignmentRecord]) -> list[AssignmentRecord]:
    """One assignment per user: the values of a user's several annotations together."""
    by_user: dict[str, AssignmentRecord] = {}
    for a in found:
        if a.user in by_user:
            before = by_user[a.user]
            a = replace(before, values={**before.values, **a.values})
        by_user[a.user] = a
    return list(by_user.values())


def _members(db: Session, project_id: int, usernames: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in checks.chunks(usernames):
        rows = db.execute(
            select(User.username)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.project_id == project_id, User.username.in_(chunk))
        )
        found.update(name for (name,) in rows)
    return found


def _check_file_authors(db: Session, dataset: Dataset, project: Project) -> None:
    """Annotators an annotation file names must be members of the project (their work
    lands on its datapoints); users missing here are refused later, or created."""
    named: dict[str, None] = {}
    for item in dataset.items:
        named.update((a.user, None) for a in item.recording.assignments)
        named.update((s.author, None) for s in item.segments if s.author)
    if not named:
        return
    wanted = list(named)
    existing: set[str] = set()
    for chunk in checks.chunks(wanted):
        existing.update(db.scalars(select(User.username).where(User.username.in_(chunk))))
    members = _members(db, project.id, wanted)
    outsiders = [n for n in wanted if n in existing and n not in members]
    if outsiders:
        raise InvalidInput(
            f"{len(outsiders)} annotator(s) named in the file are not members of project "
            f"{project.name!r}: {checks.listing(outsiders)}. Add them to the project first.",
            code="author_not_member",
            extra={"usernames": outsiders[:1000]},
        )


@contextmanager
def _refusals(db: Session) -> Iterator[None]:
    """Whatever slipped past the checks (say a value too long for its column) is the file's
    fault: a 422 quoting the database, never a 500."""
    driver_error = db.connection().dialect.loaded_dbapi.Error
    try:
        yield
    except (DBAPIError, driver_error) as exc:
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise Unprocessable(
            f"The database refused a value in the file: {detail}", code="bad_file"
        ) from None


def _audit(db: Session, result: ImportResult, actor_id: int | None) -> None:
    audit.record(
        db,
        user_id=actor_id,
        action="project.import",
        entity_type="project",
        entity_id=result.project_id,
        project_id=result.project_id,
        after={
            "datapoints": result.datapoints,
            "segments": result.segments,
            "assignments": result.assignments,
            "users_created": result.users_created,
            "audio_missing": len(result.audio_missing),
        },
    )


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
    for chunk in checks.chunks(wanted):
        rows = db.execute(select(User.username, User.id).where(User.username.in_(chunk)))
        found.update((username, uid) for username, uid in rows)
    missing = [n for n in wanted if n not in found]
    if missing and not create:
        raise Unprocessable(
            f"{len(missing)} user(s) named in the file do not exist here: "
            f"{checks.listing(missing)}. Create them first, or import with the option to "
            "create them inactive.",
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
