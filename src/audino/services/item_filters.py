"""Filters of the data list and grid beyond status: a datapoint-scope label's value, a
metadata field, a duration range and free text over transcripts.

Label values and metadata are JSON columns; the few JSON tests needed here are written for
SQLite (json_extract, json_each) and PostgreSQL (->, ->>, jsonb containment), the two
databases audino runs on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from audino.db.models import Assignment, Datapoint, Label, Segment, SegmentSource
from audino.services.errors import InvalidInput

MAX_TEXT_FILTER = 200
MAX_IDS = 2_000  # a lasso on the dataset map, sent in the URL
MAX_KEY = 100
# Seconds: longer than any recording anyone keeps (a year), so a bound past it is a typo.
MAX_DURATION = 366 * 24 * 3600.0


@dataclass(frozen=True)
class ItemFilter:
    """What the list is narrowed to; None leaves a criterion out."""

    label: str | None = None  # a datapoint-scope label: id or name
    value: str | None = None  # one of its values (id or text); "none" for "no value yet"
    meta_key: str | None = None
    meta_value: str | None = None  # None or "": the field is present with any value
    min_duration: float | None = None
    max_duration: float | None = None
    text: str | None = None  # in the reference transcript or anyone's (visible) segments
    ids: str | None = None  # comma-separated datapoint ids (a selection made elsewhere)

    @property
    def empty(self) -> bool:
        return all(
            v is None or v == ""
            for v in (
                self.label,
                self.value,
                self.meta_key,
                self.min_duration,
                self.max_duration,
                self.text,
                self.ids,
            )
        )


@dataclass(frozen=True)
class _LabelTest:
    label_id: int
    kind: str
    value: Any  # a value id, True/False, or None for "no value"


def conditions(
    db: Session, project_id: int, spec: ItemFilter, *, author_id: int | None
) -> list[ColumnElement[bool]]:
    """SQL conditions on Datapoint for `spec`; `author_id` limits label values and segment
    text to that user's own work (annotators see only theirs). Bad filters are a 400."""
    out: list[ColumnElement[bool]] = []
    dialect = db.get_bind().dialect.name
    if spec.label not in (None, ""):
        test = _label_test(db, project_id, spec.label, spec.value)
        out.append(_label_condition(test, author_id, dialect))
    elif spec.value not in (None, ""):
        raise InvalidInput("Choose the label whose value to filter by.", code="bad_filter")
    if spec.meta_key not in (None, ""):
        out.append(_meta_condition(spec.meta_key, spec.meta_value, dialect))
    low, high = _duration(spec.min_duration, "shortest"), _duration(spec.max_duration, "longest")
    if low is not None and high is not None and low > high:
        raise InvalidInput(
            "The shortest duration is longer than the longest one: swap them.", code="bad_filter"
        )
    if low is not None:
        out.append(Datapoint.duration >= low)
    if high is not None:
        out.append(Datapoint.duration <= high)
    if spec.text not in (None, ""):
        out.append(_text_condition(spec.text, author_id))
    if spec.ids not in (None, ""):
        out.append(Datapoint.id.in_(_ids(spec.ids)))
    return out


def _ids(raw: str) -> list[int]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > MAX_IDS:
        raise InvalidInput(
            f"At most {MAX_IDS:,} items can be picked by id at once.", code="bad_filter"
        )
    if not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
        raise InvalidInput("ids is a comma-separated list of item numbers.", code="bad_filter")
    return sorted({int(p) for p in parts})


def apply(
    stmt: Select[Any] | Select[*tuple[Any, ...]],
    db: Session,
    project_id: int,
    spec: ItemFilter | None,
    *,
    author_id: int | None,
) -> Any:
    if spec is None or spec.empty:
        return stmt
    for condition in conditions(db, project_id, spec, author_id=author_id):
        stmt = stmt.where(condition)
    return stmt


# --- label values -------------------------------------------------------------------------


def _label_test(db: Session, project_id: int, ref: str, raw: str | None) -> _LabelTest:
    ref = ref.strip()
    label = None
    if ref.isascii() and ref.isdigit() and len(ref) < 19:
        label = db.scalar(select(Label).where(Label.project_id == project_id, Label.id == int(ref)))
    if label is None:
        label = db.scalar(select(Label).where(Label.project_id == project_id, Label.name == ref))
    if label is None:
        raise InvalidInput(f"This project has no label {ref!r}.", code="unknown_label")
    if label.scope != "datapoint":
        raise InvalidInput(
            f"“{label.name}” is set on segments, not on whole items: the grid filters by "
            "item-level labels.",
            code="bad_filter",
        )
    value = (raw or "").strip()
    if value == "" or value.lower() == "none":
        return _LabelTest(label.id, label.kind, None)
    if label.kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise InvalidInput(f"“{label.name}” is yes or no: filter by true or false.")
        return _LabelTest(label.id, label.kind, value.lower() == "true")
    if label.kind not in ("single", "multi"):
        raise InvalidInput(
            f"“{label.name}” holds {label.kind} values; filter by a label with a list of values "
            "(or by whether it is set: value none).",
            code="bad_filter",
        )
    found = next((v for v in label.values if v.value == value), None)
    if found is None and value.isascii() and value.isdigit() and len(value) < 19:
        found = next((v for v in label.values if v.id == int(value)), None)
    if found is None:
        raise InvalidInput(
            f"“{value}” is not a value of “{label.name}”.", code="unknown_label_value"
        )
    return _LabelTest(label.id, label.kind, found.id)


def _label_condition(test: _LabelTest, author_id: int | None, dialect: str) -> ColumnElement[bool]:
    key = str(test.label_id)  # digits only: safe inside the JSON path
    where: list[ColumnElement[bool]] = [Assignment.datapoint_id == Datapoint.id]
    if author_id is not None:
        where.append(Assignment.user_id == author_id)
    if test.value is None:
        has_any = _has_value(key, dialect)
        return ~exists(select(Assignment.id).where(*where, has_any))
    where.append(_holds(key, test.value, dialect))
    return exists(select(Assignment.id).where(*where))


def _has_value(key: str, dialect: str) -> ColumnElement[bool]:
    """The assignment has a non-empty value for label `key`."""
    if dialect == "postgresql":
        element: ColumnClause[Any] = literal_column(f"(assignments.\"values\"::jsonb -> '{key}')")
        return and_(
            element.isnot(None),
            element != literal_column("'null'::jsonb"),
            element != literal_column("'[]'::jsonb"),
        )
    element = literal_column(f'json_extract(assignments."values", \'$."{key}"\')')
    return and_(element.isnot(None), element != literal_column("'[]'"))


def _holds(key: str, value: int | bool, dialect: str) -> ColumnElement[bool]:
    """The assignment's value of label `key` is `value`, or a list that contains it."""
    if dialect == "postgresql":
        # jsonb containment: 34 @> 34 and [34, 35] @> 34 are both true.
        wanted = cast(
            bindparam(
                None, "true" if value is True else "false" if value is False else str(int(value))
            ),
            JSONB,
        )
        element: ColumnClause[Any] = literal_column(f"(assignments.\"values\"::jsonb -> '{key}')")
        return element.op("@>", is_comparison=True)(wanted)
    # json_each over a scalar yields that scalar; over a list, its items (true/false: 1/0).
    each = func.json_each(Assignment.values, f'$."{key}"').table_valued("value")
    return exists(select(literal_column("1")).select_from(each).where(each.c.value == int(value)))


# --- metadata, duration, text -------------------------------------------------------------


def _meta_condition(key: str, raw: str | None, dialect: str) -> ColumnElement[bool]:
    key = key.strip()
    if len(key) > MAX_KEY or not key.isprintable() or any(c in key for c in "\"\\'$.[]"):
        raise InvalidInput(
            "Metadata fields are filtered by a top-level name of at most 100 characters "
            "without quotes, dots, brackets, backslashes or $.",
            code="bad_filter",
        )
    value = None if raw is None or raw == "" else raw
    if value is not None and len(value) > MAX_TEXT_FILTER:
        raise InvalidInput(
            f"The metadata value filter is at most {MAX_TEXT_FILTER} characters.",
            code="bad_filter",
        )
    text: ColumnClause[Any]
    if dialect == "postgresql":
        text = literal_column(f"(datapoints.metadata::jsonb ->> '{key}')")
    else:
        # A JSON true reads as 'true' as on PostgreSQL, not as SQLite's 1.
        text = literal_column(
            f"(CASE json_type(datapoints.metadata, '$.\"{key}\"') "
            f"WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
            f"ELSE CAST(json_extract(datapoints.metadata, '$.\"{key}\"') AS TEXT) END)"
        )
    if value is None:
        return text.isnot(None)
    return text == bindparam(None, value)


def _duration(value: float | None, which: str) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or value < 0 or value > MAX_DURATION:
        raise InvalidInput(
            f"The {which} duration must be a number of seconds from 0 to {MAX_DURATION:.0f}.",
            code="bad_filter",
        )
    return value


def _text_condition(raw: str, author_id: int | None) -> ColumnElement[bool]:
    text = raw.strip()
    if len(text) > MAX_TEXT_FILTER or "\x00" in text:
        raise InvalidInput(
            f"The text filter is at most {MAX_TEXT_FILTER} characters.", code="bad_filter"
        )
    where: list[ColumnElement[bool]] = [
        Segment.datapoint_id == Datapoint.id,
        Segment.source == SegmentSource.human.value,
        Segment.transcript.icontains(text, autoescape=True),
    ]
    if author_id is not None:
        where.append(Segment.author_id == author_id)
    return or_(
        Datapoint.reference_transcript.icontains(text, autoescape=True),
        exists(select(Segment.id).where(*where)),
    )
