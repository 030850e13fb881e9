"""Where a label and its values are used, and what happens to those uses on delete.

Annotations hold labels by id: a segment's `values` and an assignment's `values` (the
whole-recording answers) map "<label id>" to a value id, a list of value ids, or text, a
number or a flag. Deleting a label or a value that is still used would leave ids nothing
resolves, so a delete either refuses (409 with the counts), moves the uses to another value
of the same label, or clears them — in the caller's transaction, with every changed row's
version bumped so an editor holding the old content gets a 409 instead of writing it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import String, Table, and_, bindparam, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    Label,
    LabelKind,
    LabelValue,
    Segment,
    utcnow,
)
from audino.services.errors import Conflict, InvalidInput

SEGMENTS = cast(Table, Segment.__table__)
ASSIGNMENTS = cast(Table, Assignment.__table__)
DONE = AssignmentStatus.done.value
BATCH = 500


class InUse(StrEnum):
    """What a delete does with the annotations that use what it deletes."""

    refuse = "refuse"  # 409 when anything uses it
    move = "move"  # a value's uses take another value of the same label
    clear = "clear"  # the uses are removed (a multiple choice keeps its other values)


@dataclass
class Count:
    """Uses of a label or of one value: segments, whole-recording answers, datapoints."""

    segments: int = 0
    assignments: int = 0
    datapoint_ids: set[int] = field(default_factory=set)

    @property
    def datapoints(self) -> int:
        return len(self.datapoint_ids)

    @property
    def total(self) -> int:
        return self.segments + self.assignments

    def public(self) -> dict[str, int]:
        return {
            "segments": self.segments,
            "assignments": self.assignments,
            "datapoints": self.datapoints,
        }


@dataclass
class Usage:
    label: Count = field(default_factory=Count)
    values: dict[int, Count] = field(default_factory=dict)

    def of(self, value_id: int) -> Count:
        return self.values.get(value_id, Count())


@dataclass(frozen=True)
class _Row:
    table: Table
    id: Any
    datapoint_id: int
    user_id: int | None  # the segment's author, the assignment's user
    status: str | None  # the assignment's status (segments: looked up when needed)
    values: dict[str, Any]
    version: int


def _rows(db: Session, label: Label) -> Iterator[_Row]:
    """Segments and assignments of the label's project whose values name the label."""
    key = str(label.id)
    # A cheap text prefilter that works on SQLite and PostgreSQL alike; the key is checked
    # exactly below (the text may also match a transcript-like value "7").
    like = f'%"{key}"%'
    in_project = select(Datapoint.id).where(Datapoint.project_id == label.project_id)
    segments = (
        select(
            Segment.id,
            Segment.datapoint_id,
            Segment.author_id,
            Segment.values,
            Segment.version,
        )
        .where(Segment.datapoint_id.in_(in_project))
        .where(sql_cast(Segment.values, String).like(like))
        .order_by(Segment.id)
    )
    for sid, dp, author, values, version in db.execute(segments.execution_options(yield_per=BATCH)):
        if isinstance(values, dict) and key in values:
            yield _Row(SEGMENTS, sid, dp, author, None, values, version)
    assignments = (
        select(
            Assignment.id,
            Assignment.datapoint_id,
            Assignment.user_id,
            Assignment.status,
            Assignment.values,
            Assignment.version,
        )
        .where(Assignment.datapoint_id.in_(in_project))
        .where(sql_cast(Assignment.values, String).like(like))
        .order_by(Assignment.id)
    )
    for aid, dp, user, status, values, version in db.execute(
        assignments.execution_options(yield_per=BATCH)
    ):
        if isinstance(values, dict) and key in values:
            yield _Row(ASSIGNMENTS, aid, dp, user, status, values, version)


def _value_ids(label: Label, stored: object) -> list[int]:
    if label.kind == LabelKind.single.value:
        return [stored] if isinstance(stored, int) and not isinstance(stored, bool) else []
    if label.kind == LabelKind.multi.value and isinstance(stored, list):
        return [v for v in stored if isinstance(v, int) and not isinstance(v, bool)]
    return []


def _add(count: Count, row: _Row) -> None:
    if row.table is SEGMENTS:
        count.segments += 1
    else:
        count.assignments += 1
    count.datapoint_ids.add(row.datapoint_id)


def label_usage(db: Session, label: Label) -> Usage:
    """How many segments and whole-recording answers use the label, and each of its values."""
    usage = Usage(values={v.id: Count() for v in label.values})
    for row in _rows(db, label):
        _add(usage.label, row)
        for vid in set(_value_ids(label, row.values[str(label.id)])):
            _add(usage.values.setdefault(vid, Count()), row)
    return usage


def describe(count: Count) -> str:
    """'3 segments and 1 whole-recording answer on 2 datapoints'."""
    parts = []
    if count.segments:
        parts.append(_plural(count.segments, "segment"))
    if count.assignments:
        parts.append(_plural(count.assignments, "whole-recording answer"))
    return f"{' and '.join(parts)} on {_plural(count.datapoints, 'datapoint')}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _rewritten(label: Label, stored: Any, value_id: int | None, move_to: int | None) -> Any:
    """The label's new entry in a row's values, or None to drop it."""
    if value_id is None:
        return None  # the whole label goes
    if label.kind == LabelKind.single.value:
        return move_to if stored == value_id else stored
    if not isinstance(stored, list):
        return stored
    out: list[Any] = []
    for item in stored:
        new = move_to if item == value_id else item
        if new is not None and new not in out:
            out.append(new)
    return out or None


def rewrite_uses(
    db: Session,
    label: Label,
    *,
    value_id: int | None = None,
    move_to: int | None = None,
) -> Count:
    """Moves or clears every use of `value_id` (or, with None, of the whole label).

    A cleared required value must not leave a Done item without an answer, so that case is
    refused (409) before anything is written; moving keeps the answer. Returns what changed.
    """
    key = str(label.id)
    changes: list[tuple[_Row, dict[str, Any]]] = []
    for row in _rows(db, label):
        stored = row.values[key]
        if value_id is not None and value_id not in _value_ids(label, stored):
            continue
        new = _rewritten(label, stored, value_id, move_to)
        values = {k: v for k, v in row.values.items() if k != key}
        if new is not None:
            values[key] = new
        changes.append((row, values))
    if value_id is not None and label.required:
        _refuse_breaking_required(db, label, [row for row, values in changes if key not in values])
    changed = Count()
    now = utcnow()
    for table in (SEGMENTS, ASSIGNMENTS):
        batch = [(row, values) for row, values in changes if row.table is table]
        for start in range(0, len(batch), BATCH):
            chunk = batch[start : start + BATCH]
            stmt = (
                update(table)
                .where(and_(table.c.id == bindparam("row_id"), table.c.version == bindparam("v")))
                .values(
                    values=bindparam("new_values"),
                    version=table.c.version + 1,
                    updated_at=bindparam("now"),
                )
                .execution_options(synchronize_session=False)
            )
            params = [
                {"row_id": row.id, "v": row.version, "new_values": values, "now": now}
                for row, values in chunk
            ]
            result = db.execute(stmt, params)
            if result.rowcount != len(chunk):  # type: ignore[attr-defined]
                raise Conflict(
                    "Some annotations changed while this ran; nothing was deleted. Try again.",
                    code="changed_meanwhile",
                )
        for row, _ in batch:
            _add(changed, row)
    db.expire_all()  # rows loaded earlier in this session now hold the old values
    return changed


def _refuse_breaking_required(db: Session, label: Label, emptied: list[_Row]) -> None:
    """409 when clearing would leave a Done item without the required label."""
    done: set[tuple[int, int | None]] = set()
    pairs = {(r.datapoint_id, r.user_id) for r in emptied if r.table is SEGMENTS}
    if pairs:
        dps = {dp for dp, _ in pairs}
        found = db.execute(
            select(Assignment.datapoint_id, Assignment.user_id).where(
                Assignment.datapoint_id.in_(dps), Assignment.status == DONE
            )
        )
        done = {(dp, user) for dp, user in found if (dp, user) in pairs}
    items = done | {(r.datapoint_id, r.user_id) for r in emptied if r.status == DONE}
    if items:
        raise Conflict(
            f"“{label.name}” is required and {_plural(len(items), 'done item')} would be "
            "left without it. Move those uses to another value instead, or make the label "
            "optional first.",
            code="required_label_in_use",
            extra={"done_items": len(items)},
        )


def check_move_target(label: Label, value: LabelValue, move_to: int | None) -> LabelValue:
    if move_to is None:
        raise InvalidInput(
            f"Choose the value of “{label.name}” that takes over the uses of "
            f"“{value.value}” (move_to).",
            code="move_target_missing",
        )
    target = next((v for v in label.values if v.id == move_to), None)
    if target is None or target.id == value.id:
        raise InvalidInput(
            f"Value {move_to} is not another value of “{label.name}”; uses can only move to "
            "another value of the same label.",
            code="bad_move_target",
        )
    return target
