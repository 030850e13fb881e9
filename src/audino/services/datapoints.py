"""Datapoints: listing by keyset, reading, editing and deleting them."""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from types import EllipsisType
from typing import Any

from sqlalchemy import Select, and_, literal, select, tuple_
from sqlalchemy.orm import Session, aliased

from audino.db.models import Assignment, AssignmentStatus, Datapoint, User
from audino.services import audit, item_filters
from audino.services.access import sees_all_datapoints
from audino.services.errors import InvalidInput
from audino.services.ingest import unused_blobs
from audino.services.ingest.uploads import clean_filename
from audino.services.item_filters import ItemFilter
from audino.services.review import state_condition

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_TEXT = 1_000_000
MAX_METADATA_BYTES = 256 * 1024
MAX_METADATA_DEPTH = 32
# "created" pages by id: ids are handed out in creation order, and id has an index.
SORTS: dict[str, tuple[str, bool]] = {
    "id": ("id", False),
    "-id": ("id", True),
    "created": ("id", False),
    "-created": ("id", True),
    "name": ("name", False),
    "-name": ("name", True),
}
STATUSES = tuple(s.value for s in AssignmentStatus)


@dataclass
class DatapointPage:
    """One page of datapoints; `mine` holds the caller's own assignment where joined."""

    items: list[tuple[Datapoint, Assignment | None]]
    next_cursor: str | None


def check_text(value: str, what: str, *, max_length: int = MAX_TEXT) -> str:
    """Text PostgreSQL and SQLite both store: no NUL characters or lone surrogates."""
    if "\x00" in value:
        raise InvalidInput(f"{what} contains a NUL character.", code="bad_text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} is not valid Unicode.", code="bad_text") from None
    if len(value) > max_length:
        raise InvalidInput(f"{what} is longer than {max_length} characters.", code="bad_text")
    return value


def check_metadata(value: Any) -> dict[str, Any]:
    """A JSON object of plain JSON values (no NaN or infinities) within a size bound."""
    if not isinstance(value, dict):
        raise InvalidInput("metadata must be a JSON object.", code="bad_metadata")

    def walk(node: Any, depth: int = 0) -> None:
        if depth > MAX_METADATA_DEPTH:
            raise InvalidInput(
                f"metadata is nested deeper than {MAX_METADATA_DEPTH} levels.", code="bad_metadata"
            )
        if isinstance(node, dict):
            for key, item in node.items():
                if not isinstance(key, str):
                    raise InvalidInput("metadata keys must be strings.", code="bad_metadata")
                check_text(key, "A metadata key")
                walk(item, depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif isinstance(node, str):
            check_text(node, "A metadata value")
        elif isinstance(node, float) and not math.isfinite(node):
            raise InvalidInput("metadata numbers must be finite.", code="bad_metadata")
        elif node is not None and not isinstance(node, bool | int | float):
            raise InvalidInput("metadata must be plain JSON.", code="bad_metadata")

    walk(value)
    if len(json.dumps(value)) > MAX_METADATA_BYTES:
        raise InvalidInput(
            f"metadata is larger than {MAX_METADATA_BYTES // 1024} KiB.", code="bad_metadata"
        )
    return value


def parse_metadata(text: str | None) -> dict[str, Any] | None:
    """A metadata form field: a JSON object string."""
    if text is None or not text.strip():
        return None

    def no_constants(name: str) -> None:
        raise ValueError(name)

    try:
        value = json.loads(text, parse_constant=no_constants)
    except (ValueError, RecursionError):
        raise InvalidInput("metadata is not valid JSON.", code="bad_metadata") from None
    return check_metadata(value)


def _encode_cursor(sort: str, key: Any, last_id: int) -> str:
    raw = json.dumps([sort, key, last_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        kind, key, last_id = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, RecursionError):
        raise InvalidInput("The cursor is not valid.", code="bad_cursor") from None
    if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 <= last_id < 2**62:
        raise InvalidInput("The cursor is not valid.", code="bad_cursor")
    if kind != sort:
        raise InvalidInput(
            "The cursor belongs to another sort order; start again without a cursor.",
            code="bad_cursor",
        )
    valid_key = isinstance(key, str) if SORTS[sort][0] == "name" else key == last_id
    if not valid_key:
        raise InvalidInput("The cursor is not valid.", code="bad_cursor")
    if isinstance(key, str):
        check_text(key, "The cursor", max_length=512)
    return key, last_id


def resolve_user_ref(db: Session, ref: str) -> int | None:
    """A user id from an id or a username (None when there is no such user)."""
    ref = ref.strip()
    if "\x00" in ref:
        return None
    if ref.isdecimal() and len(ref) < 19:
        found = db.scalar(select(User.id).where(User.id == int(ref)))
        if found is not None:
            return found
    return db.scalar(select(User.id).where(User.username == ref))


def list_datapoints(
    db: Session,
    project_id: int,
    *,
    role: str,
    user_id: int | None,
    status: str | None = None,
    review: bool | None = None,
    assignee: str | None = None,
    filename: str | None = None,
    state: str | None = None,
    sort: str = "id",
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    filters: ItemFilter | None = None,
) -> DatapointPage:
    """Top-level datapoints the caller may see, one keyset page at a time.

    Annotators see only datapoints assigned to them, and `status`/`review` filter their
    own assignment. For the others these filter the datapoint, or the assignee's
    assignment when `assignee` is given. `state` (to do, in progress, submitted, accepted,
    rejected) is a work state: of that assignment, or else of any assignment on the item.
    `filters` narrow by label value, metadata, duration and text (see item_filters); label
    values and segment text are the assignee's own when there is one.
    """
    if sort not in SORTS:
        raise InvalidInput(
            f"Unknown sort {sort!r}; use one of: {', '.join(SORTS)}.", code="bad_sort"
        )
    if status is not None and status not in STATUSES:
        raise InvalidInput(
            f"Unknown status {status!r}; use one of: {', '.join(STATUSES)}.", code="bad_status"
        )
    # Checked before anything is read (unknown states are a 400 in words).
    state_of = None if state is None else (lambda a: state_condition(state, a))
    if state_of is not None:
        state_of(Assignment)
    limit = max(1, min(limit, MAX_LIMIT))
    column, descending = SORTS[sort]
    order_col = Datapoint.original_name if column == "name" else Datapoint.id

    mine = aliased(Assignment)
    if not sees_all_datapoints(role):
        if user_id is None:
            return DatapointPage([], None)
        target: int | None = user_id
        if assignee is not None and resolve_user_ref(db, assignee) != user_id:
            return DatapointPage([], None)
    elif assignee is not None:
        target = resolve_user_ref(db, assignee)
        if target is None:
            return DatapointPage([], None)
    else:
        target = None

    stmt: Select[*tuple[Any, ...]]
    if target is not None:
        stmt = select(Datapoint, mine).join(
            mine, and_(mine.datapoint_id == Datapoint.id, mine.user_id == target)
        )
        # The assignment index (user, status, datapoint) gives this order.
        id_col, status_col, review_col = mine.datapoint_id, mine.status, mine.marked_for_review
    else:
        stmt = select(Datapoint)
        id_col, status_col, review_col = Datapoint.id, Datapoint.status, Datapoint.marked_for_review
    stmt = stmt.where(Datapoint.project_id == project_id, Datapoint.window_count == 0)
    if status is not None:
        stmt = stmt.where(status_col == status)
    if review is not None:
        stmt = stmt.where(review_col.is_(review))
    if state_of is not None:
        if target is not None:
            stmt = stmt.where(state_of(mine))
        else:
            stmt = stmt.where(
                select(Assignment.id)
                .where(Assignment.datapoint_id == Datapoint.id, state_of(Assignment))
                .exists()
            )
    if filename:
        text = check_text(filename, "The filename filter", max_length=512)
        stmt = stmt.where(Datapoint.original_name.icontains(text, autoescape=True))
    stmt = item_filters.apply(stmt, db, project_id, filters, author_id=target)
    if cursor:
        key, last_id = _decode_cursor(cursor, sort)
        if column == "name":
            pair, bound = tuple_(order_col, Datapoint.id), tuple_(literal(key), literal(last_id))
            stmt = stmt.where(pair < bound if descending else pair > bound)
        else:
            stmt = stmt.where(id_col < last_id if descending else id_col > last_id)
    columns = (order_col, Datapoint.id) if column == "name" else (id_col,)
    stmt = stmt.order_by(*(c.desc() if descending else c.asc() for c in columns)).limit(limit + 1)
    if column == "id" and status is None and (review is None or target is not None):
        # No index orders a project's datapoints by id across statuses, but each
        # (project|user, status, id) index does: page each status, then merge.
        rows = [row for s in STATUSES for row in db.execute(stmt.where(status_col == s))]
        rows.sort(key=lambda row: row[0].id, reverse=descending)
        rows = rows[: limit + 1]
    else:
        rows = list(db.execute(stmt))
    own = target is not None and target == user_id
    items: list[tuple[Datapoint, Assignment | None]] = [
        (row[0], row[1] if own else None) for row in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1][0]
        next_cursor = _encode_cursor(
            sort, last.original_name if column == "name" else last.id, last.id
        )
    return DatapointPage(items, next_cursor)


def own_assignment(db: Session, datapoint_id: int, user_id: int | None) -> Assignment | None:
    if user_id is None:
        return None
    return db.scalar(
        select(Assignment).where(
            Assignment.datapoint_id == datapoint_id, Assignment.user_id == user_id
        )
    )


def update_datapoint(
    db: Session,
    datapoint: Datapoint,
    *,
    original_name: str | None | EllipsisType = ...,
    reference_transcript: str | None | EllipsisType = ...,
    metadata: dict[str, Any] | None | EllipsisType = ...,
    actor_id: int | None = None,
) -> Datapoint:
    """Changes the given fields; `...` leaves a field as it is, None clears it."""
    before = _editable(datapoint)
    if not isinstance(original_name, EllipsisType):
        name = check_text(original_name or "", "original_name", max_length=512)
        cleaned = clean_filename(name, default="")
        if not cleaned:
            raise InvalidInput("original_name cannot be empty.", code="bad_name")
        datapoint.original_name = cleaned
    if not isinstance(reference_transcript, EllipsisType):
        datapoint.reference_transcript = check_text(
            reference_transcript or "", "reference_transcript"
        )
    if not isinstance(metadata, EllipsisType):
        datapoint.metadata_ = check_metadata(metadata if metadata is not None else {})
    after = _editable(datapoint)
    if after != before:
        db.flush()
        audit.record(
            db,
            user_id=actor_id,
            action="datapoint.update",
            entity_type="datapoint",
            entity_id=datapoint.id,
            project_id=datapoint.project_id,
            before=before,
            after=after,
        )
    return datapoint


def _editable(datapoint: Datapoint) -> dict[str, Any]:
    return {
        "original_name": datapoint.original_name,
        "reference_transcript": datapoint.reference_transcript,
        "metadata": dict(datapoint.metadata_ or {}),
    }


def delete_datapoint(
    db: Session, datapoint: Datapoint, *, actor_id: int | None = None
) -> unused_blobs.Unused:
    """Deletes a datapoint and its chunks; returns the blobs nothing uses any more.

    Remove those only after the transaction has committed.
    """
    held = unused_blobs.held_by(
        db, (Datapoint.id == datapoint.id) | (Datapoint.parent_id == datapoint.id)
    )
    audit.record(
        db,
        user_id=actor_id,
        action="datapoint.delete",
        entity_type="datapoint",
        entity_id=datapoint.id,
        project_id=datapoint.project_id,
        before={
            "original_name": datapoint.original_name,
            "sha256": datapoint.sha256,
            "storage_key": datapoint.storage_key,
        },
    )
    db.delete(datapoint)
    db.flush()
    return unused_blobs.left_unused(db, held)
