"""Segments: checked against their datapoint and label schema, saved with versions, in batches.

Every write goes through `save_batch`, one transaction: versions are checked atomically with
`UPDATE/DELETE … WHERE id = :id AND version = :v`, so a stale write is a 409, never a silent
overwrite, also when PostgreSQL runs requests concurrently.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session, aliased

from audino.db.models import (
    AuditEvent,
    Datapoint,
    Segment,
    User,
    utcnow,
)
from audino.services import review
from audino.services.access import Can, Principal, allowed
from audino.services.errors import (
    AudinoError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooLarge,
)
from audino.services.labels.validation import (
    CONTENT,
    LabelSchema,
    check_version,
    clean_segment,
    load_schema,
    parse_id,
)

SEGMENTS = cast(Table, Segment.__table__)
MAX_BATCH = 1000
# Built once: the batch-save hot path binds these instead of rebuilding statements.
_EXISTING = (
    select(Segment)
    .where(Segment.id.in_(bindparam("ids", expanding=True)))
    .execution_options(populate_existing=True)
)
_INSERT_SEGMENTS = insert(SEGMENTS)
# Core, not ORM bulk insert: the audit rows are plain dicts of column values.
_INSERT_AUDIT = insert(cast(Table, AuditEvent.__table__))


@dataclass
class Upsert:
    """One segment to save: new without `id` (or with a fresh one), an update with `version`."""

    data: Mapping[str, Any]
    id: object = None
    version: object = None
    checked: bool = False  # `data` already passed clean_segment


@dataclass
class Removal:
    id: object
    version: object


@dataclass
class BatchResult:
    segments: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    created: list[bool] = field(default_factory=list)
    # The caller's assignment after the save (its status may have moved), when they have one.
    assignment: dict[str, Any] | None = None


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def segment_json(
    row: Mapping[str, Any] | Segment, author: str | None, editor: str | None = None
) -> dict[str, Any]:
    """The public JSON shape of a segment (docs/API-CONTRACTS.md), JSON-safe.

    `edited_by`: who last created or changed it when that was not its author (a reviewer's
    correction); null when the author's own hand is the last.
    """
    get: Callable[[str], Any] = (
        row.__getitem__ if isinstance(row, Mapping) else lambda k: getattr(row, k)
    )
    edited_by_id = row.get("edited_by_id") if isinstance(row, Mapping) else row.edited_by_id
    out: dict[str, Any] = {
        "id": get("id"),
        "datapoint_id": get("datapoint_id"),
        "author_id": get("author_id"),
        "author": author,
        "edited_by_id": edited_by_id,
        "edited_by": editor if edited_by_id is not None else None,
    }
    for key in CONTENT:
        out[key] = get(key)
    out["version"] = get("version")
    out["created_at"] = _iso(get("created_at"))
    out["updated_at"] = _iso(get("updated_at"))
    return out


def _snapshot(row: Mapping[str, Any] | Segment) -> dict[str, Any]:
    """What the audit trail keeps of a segment."""
    get = row.get if isinstance(row, Mapping) else lambda k: getattr(row, k)
    return {k: get(k) for k in ("datapoint_id", "author_id", *CONTENT, "version")} | {
        "edited_by_id": get("edited_by_id")
    }


def may_see_all(role: str) -> bool:
    """Reviewers, managers and admins see and correct everyone's segments."""
    return allowed(role, Can.review)


def check_may_write(author_id: int | None, principal: Principal, role: str) -> None:
    if not may_see_all(role) and author_id != principal.actor_id:
        raise PermissionDenied(
            "Annotators may only change their own segments.", code="not_your_segment"
        )


def _authors(db: Session, ids: set[int | None], principal: Principal) -> dict[int, str]:
    names: dict[int, str] = {}
    if principal.user is not None:
        names[principal.user.id] = principal.user.username
    wanted = {i for i in ids if i is not None and i not in names}
    if wanted:
        names.update(db.execute(select(User.id, User.username).where(User.id.in_(wanted))).all())
    return names


def get_segment(db: Session, segment_id: str) -> Segment:
    try:
        sid = parse_id(segment_id)
    except InvalidInput:
        raise NotFound(f"Segment {segment_id[:80]!r} does not exist.") from None
    segment = db.get(Segment, sid)
    if segment is None:
        raise NotFound(f"Segment {sid} does not exist.")
    return segment


def check_may_read(segment: Segment, principal: Principal, role: str) -> None:
    if not may_see_all(role) and segment.author_id != principal.actor_id:
        raise NotFound(f"Segment {segment.id} does not exist.")


def one_segment_json(db: Session, segment: Segment, principal: Principal) -> dict[str, Any]:
    names = _authors(db, {segment.author_id, segment.edited_by_id}, principal)
    return segment_json(
        segment, names.get(segment.author_id or 0), names.get(segment.edited_by_id or 0)
    )


def list_segments(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    *,
    author_id: int | None = None,
) -> list[dict[str, Any]]:
    """The datapoint's segments by start time; annotators get only their own."""
    if not may_see_all(role):
        if author_id is not None and author_id != principal.actor_id:
            raise PermissionDenied(
                "Annotators may only read their own segments.", code="not_your_segment"
            )
        author_id = principal.actor_id
        if author_id is None:
            return []
    editor = aliased(User)
    stmt = (
        select(Segment, User.username, editor.username)
        .outerjoin(User, User.id == Segment.author_id)
        .outerjoin(editor, editor.id == Segment.edited_by_id)
        .where(Segment.datapoint_id == datapoint.id)
        .order_by(Segment.start, Segment.end, Segment.id)
    )
    if author_id is not None:
        stmt = stmt.where(Segment.author_id == author_id)
    return [segment_json(seg, name, edited) for seg, name, edited in db.execute(stmt)]


def _current(db: Session, sid: str) -> Segment | None:
    stmt = select(Segment).where(Segment.id == sid).execution_options(populate_existing=True)
    return db.scalar(stmt)


def _stale(db: Session, sid: str, principal: Principal) -> AudinoError:
    current = _current(db, sid)
    if current is None:
        return NotFound(f"Segment {sid} does not exist (it may have been deleted).")
    return Conflict(
        f"Segment {sid} was changed by someone else (now version {current.version}); "
        "reload it and apply your change again.",
        code="stale_version",
        extra={"current": one_segment_json(db, current, principal)},
    )


def _at(where: str, exc: AudinoError) -> AudinoError:
    exc.detail = f"{where}: {exc.detail}"
    return exc


def _insert_statement(db: Session) -> Any:
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(SEGMENTS)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(SEGMENTS)


def _same(row: Segment, content: Mapping[str, Any], author_id: int | None) -> bool:
    return row.author_id == author_id and all(getattr(row, k) == content[k] for k in CONTENT)


def save_batch(
    db: Session,
    datapoint: Datapoint,
    upserts: Sequence[Upsert],
    removals: Sequence[Removal] = (),
    *,
    principal: Principal,
    role: str,
    author_id: int | None = None,
    schema: LabelSchema | None = None,
    start_work: bool = True,
) -> BatchResult:
    """Creates, updates and deletes segments of one datapoint, all or nothing.

    New segments are authored by `author_id` (default: the caller). An upsert with an id
    that exists and no version is a repeated create: fine when identical, else a 409.
    With `start_work`, the caller's assignment follows their work: todo to in_progress with
    a first segment, back to todo when none is left (see review.sync_work).
    """
    if len(upserts) + len(removals) > MAX_BATCH:
        raise TooLarge(
            f"A batch holds at most {MAX_BATCH} segments; this one has "
            f"{len(upserts) + len(removals)}. Split it.",
            code="batch_too_large",
        )
    author = principal.actor_id if author_id is None else author_id
    # A reviewer's hand on someone's segment is kept as the reviewer's (see segment_json).
    actor = principal.actor_id
    schema = schema or load_schema(db, datapoint.project_id)
    seen: set[str] = set()

    def unique(raw_id: object, where: str) -> str:
        sid = parse_id(raw_id)
        if sid in seen:
            raise InvalidInput(f"{where}: segment {sid} appears twice in the batch.")
        seen.add(sid)
        return sid

    planned: list[tuple[str | None, int | None, dict[str, Any]]] = []
    for i, up in enumerate(upserts):
        where = f"upserts[{i}]"
        try:
            sid = None if up.id is None else unique(up.id, where)
            version = None if up.version is None else check_version(up.version)
            content = dict(up.data) if up.checked else clean_segment(up.data, datapoint, schema)
            planned.append((sid, version, content))
        except InvalidInput as exc:
            raise _at(where, exc) from None
    gone: list[tuple[str, int]] = []
    for i, rm in enumerate(removals):
        try:
            gone.append((unique(rm.id, f"deletes[{i}]"), check_version(rm.version)))
        except InvalidInput as exc:
            raise _at(f"deletes[{i}]", exc) from None

    existing: dict[str, Segment] = {}
    if seen:
        rows = db.scalars(_EXISTING, {"ids": list(seen)})
        existing = {row.id: row for row in rows}

    def found(sid: str) -> Segment:
        row = existing[sid]
        if row.datapoint_id != datapoint.id:
            raise Conflict(f"Segment {sid} belongs to another datapoint.", code="wrong_datapoint")
        return row

    now = utcnow()
    result = BatchResult()
    events: list[dict[str, Any]] = []

    def _event(action: str, sid: str, before: Any, after: Any) -> dict[str, Any]:
        return {
            "user_id": principal.actor_id,
            "project_id": datapoint.project_id,
            "datapoint_id": datapoint.id,
            "action": action,
            "entity_type": "segment",
            "entity_id": sid,
            "before": before,
            "after": after,
            "created_at": now,
        }

    inserts: list[dict[str, Any]] = []
    for sid, version, content in planned:
        row = found(sid) if sid is not None and sid in existing else None
        if row is None:
            if version is not None:
                raise NotFound(f"Segment {sid} does not exist (it may have been deleted).")
            new = {"id": sid or str(uuid.uuid4()), "datapoint_id": datapoint.id}
            new.update(author_id=author, **content, version=1, created_at=now, updated_at=now)
            new["edited_by_id"] = actor if actor != author else None
            inserts.append(new)
            result.segments.append(new)
            result.created.append(True)
        elif version is None:
            check_may_write(row.author_id, principal, role)
            if not _same(row, content, author):
                raise Conflict(
                    f"Segment {row.id} already exists with other content; "
                    "send its version to update it.",
                    code="segment_exists",
                    extra={"current": one_segment_json(db, row, principal)},
                )
            result.segments.append(
                _snapshot(row)
                | {"id": row.id, "created_at": row.created_at, "updated_at": row.updated_at}
            )
            result.created.append(False)
        else:
            check_may_write(row.author_id, principal, role)
            if row.version != version:
                raise _stale(db, row.id, principal)
            changed = content | {
                "version": version + 1,
                "updated_at": now,
                "edited_by_id": actor if actor != row.author_id else None,
            }
            done = db.execute(
                update(SEGMENTS)
                .where(Segment.id == row.id, Segment.version == version)
                .values(changed)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise _stale(db, row.id, principal)
            saved = _snapshot(row) | changed | {"id": row.id, "created_at": row.created_at}
            events.append(_event("segment.update", row.id, _snapshot(row), _snapshot(saved)))
            result.segments.append(saved)
            result.created.append(False)

    for sid, version in gone:
        if sid not in existing:
            raise NotFound(f"Segment {sid} does not exist.")
        row = found(sid)
        check_may_write(row.author_id, principal, role)
        done = db.execute(delete(SEGMENTS).where(Segment.id == sid, Segment.version == version))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise _stale(db, sid, principal)
        events.append(_event("segment.delete", sid, _snapshot(row), None))
        result.deleted.append(sid)

    if inserts:
        inserted = _insert(db, inserts, principal, client_ids=any(up.id for up in upserts))
        events.extend(
            _event("segment.create", new["id"], None, _snapshot(new))
            for new in inserts
            if new["id"] in inserted
        )

    if events:
        # One multi-row insert: the audit trail of a batch, as audit.record would write it.
        db.execute(_INSERT_AUDIT, events)
    if start_work and (upserts or removals) and principal.actor_id is not None:
        work = review.sync_work(db, datapoint.id, principal.actor_id)
        result.assignment = work.json(datapoint) if work else None
    people = {s["author_id"] for s in result.segments} | {
        s.get("edited_by_id") for s in result.segments
    }
    names = _authors(db, people, principal)
    result.segments = [
        segment_json(s, names.get(s["author_id"] or 0), names.get(s.get("edited_by_id") or 0))
        for s in result.segments
    ]
    return result


def _insert(
    db: Session, rows: list[dict[str, Any]], principal: Principal, *, client_ids: bool
) -> set[str]:
    """Inserts new rows in one statement; an id created concurrently must be identical.

    Returns the ids this call inserted.
    """
    if not client_ids or db.get_bind().dialect.name == "sqlite":
        # Fresh uuids cannot collide; on SQLite a write transaction holds the write lock
        # from BEGIN IMMEDIATE, so no id checked above can have appeared since (and if a
        # caller used a deferred transaction, the primary key still refuses a duplicate).
        db.execute(_INSERT_SEGMENTS, rows)
        return {row["id"] for row in rows}
    stmt = _insert_statement(db).on_conflict_do_nothing(index_elements=["id"])
    inserted = set(db.scalars(stmt.returning(SEGMENTS.c.id), rows))
    for row in rows:
        if row["id"] in inserted:
            continue
        current = _current(db, row["id"])
        if (
            current is None
            or current.datapoint_id != row["datapoint_id"]
            or not _same(current, row, row["author_id"])
        ):
            visible = current is not None and current.author_id == row["author_id"]
            raise Conflict(
                f"Segment {row['id']} was just created with other content.",
                code="segment_exists",
                extra={
                    "current": one_segment_json(db, current, principal)
                    if visible and current is not None
                    else None
                },
            )
        # A concurrent identical create (a retried request) won the race: report its row.
        row.update(
            version=current.version, created_at=current.created_at, updated_at=current.updated_at
        )
    return inserted


def update_segment(
    db: Session,
    segment: Segment,
    changes: Mapping[str, Any],
    version: object,
    *,
    principal: Principal,
    role: str,
    datapoint: Datapoint,
) -> dict[str, Any]:
    """Applies the fields in `changes` (others keep their value) if `version` is current."""
    check_may_write(segment.author_id, principal, role)
    merged: dict[str, Any] = {k: getattr(segment, k) for k in CONTENT}
    unknown = set(changes) - set(CONTENT)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    merged.update(changes)
    keep_values = "values" not in changes
    if keep_values:
        # Stored values were checked when saved; a label deleted since must not block edits.
        merged["values"] = None
    schema = load_schema(db, datapoint.project_id)
    content = clean_segment(merged, datapoint, schema)
    if keep_values:
        content["values"] = segment.values
    result = save_batch(
        db,
        datapoint,
        [Upsert(content, id=segment.id, version=version, checked=True)],
        principal=principal,
        role=role,
        schema=schema,
    )
    return result.segments[0]


def delete_segment(
    db: Session,
    segment: Segment,
    version: object,
    *,
    principal: Principal,
    role: str,
    datapoint: Datapoint,
) -> None:
    save_batch(db, datapoint, [], [Removal(segment.id, version)], principal=principal, role=role)
