"""What the dataset map colours its points by: each item's item-level label values (the one
most people chose, per label) and its metadata fields, with the choices a map offers.

A label counts when it has a list of values or is yes/no (single, multi, boolean); a
metadata field when it has few distinct values (a category each) or only numbers (a scale).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.db.models import Assignment, Datapoint, Label, LabelScope

BATCH = 2000  # ids per IN (...)
COLOURED_KINDS = ("single", "multi", "boolean")
MAX_CATEGORIES = 20  # a field with more distinct texts is not a category
MAX_FIELDS = 12  # metadata fields offered, the most common first
MAX_TEXT = 80  # characters of a metadata value shown


@dataclass
class Item:
    name: str
    duration: float
    windows: list[int] = field(default_factory=list)  # a recording shown as windows: theirs


@dataclass
class Colours:
    items: dict[int, Item] = field(default_factory=dict)
    labels: dict[int, dict[str, str]] = field(default_factory=dict)  # id -> {label id: value}
    metadata: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> {field: value}
    label_names: dict[str, str] = field(default_factory=dict)
    options: list[dict[str, Any]] = field(default_factory=list)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for first in range(0, len(ids), BATCH):
        yield ids[first : first + BATCH]


def read(db: Session, project_id: int, ids: Sequence[int], *, author_id: int | None) -> Colours:
    """Names, durations, label values and metadata of the items `ids`; `author_id` limits
    the label values to that person's own (an annotator sees only theirs)."""
    out = Colours()
    raw_metadata: dict[int, dict[str, Any]] = {}
    split: list[int] = []
    for chunk in _chunks(sorted(ids)):
        rows = db.execute(
            select(
                Datapoint.id,
                Datapoint.original_name,
                Datapoint.duration,
                Datapoint.metadata_,
                Datapoint.window_count,
            ).where(Datapoint.project_id == project_id, Datapoint.id.in_(chunk))
        )
        for dp_id, name, duration, metadata, windows in rows:
            out.items[dp_id] = Item(name, round(float(duration), 3))
            if isinstance(metadata, dict) and metadata:
                raw_metadata[dp_id] = metadata
            if windows:
                split.append(dp_id)
    for chunk in _chunks(split):  # the lists show their windows, not them
        windows = db.execute(
            select(Datapoint.parent_id, Datapoint.id)
            .where(Datapoint.parent_id.in_(chunk))
            .order_by(Datapoint.parent_id, Datapoint.window_index)
        )
        for parent_id, window_id in windows:
            out.items[parent_id].windows.append(window_id)
    _label_values(db, project_id, out, author_id)
    _metadata(raw_metadata, out)
    return out


def _value_texts(names: dict[int, str] | None, raw: Any) -> list[str]:
    """The texts of a stored value; `names` by value id (None: a yes/no label)."""
    if names is None:
        return ["yes" if raw else "no"] if isinstance(raw, bool) else []
    chosen = raw if isinstance(raw, list) else [raw]
    return [names[v] for v in chosen if isinstance(v, int) and v in names]


def _label_values(db: Session, project_id: int, out: Colours, author_id: int | None) -> None:
    labels = list(
        db.scalars(
            select(Label)
            .where(
                Label.project_id == project_id,
                Label.scope == LabelScope.datapoint.value,
                Label.kind.in_(COLOURED_KINDS),
            )
            .order_by(Label.position, Label.id)
        )
    )
    if not labels:
        return
    by_key = {str(label.id): label for label in labels}
    out.label_names = {key: label.name for key, label in by_key.items()}
    stmt = (
        select(Assignment.datapoint_id, Datapoint.parent_id, Assignment.values)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(Datapoint.project_id == project_id)
    )
    if author_id is not None:
        stmt = stmt.where(Assignment.user_id == author_id)
    names = {
        key: None if label.kind == "boolean" else {v.id: v.value for v in label.values}
        for key, label in by_key.items()
    }
    chosen: dict[tuple[int, str], Counter[str]] = {}
    for dp_id, parent_id, values in db.execute(stmt):
        item = parent_id or dp_id  # a window's label is its recording's
        if item not in out.items or not values:
            continue
        for key, raw in values.items():
            if key in names:
                chosen.setdefault((item, key), Counter()).update(_value_texts(names[key], raw))
    order = {
        key: {v: i for i, v in enumerate(_value_order(label))} for key, label in by_key.items()
    }
    totals: dict[str, Counter[str]] = {key: Counter() for key in by_key}
    for (item, key), counts in chosen.items():
        if not counts:
            continue
        rank = order[key]
        value = min(counts, key=lambda v: (-counts[v], rank.get(v, len(rank))))
        out.labels.setdefault(item, {})[key] = value
        totals[key][value] += 1
    for key, label in by_key.items():
        colours = {v.value: v.color for v in label.values}
        values = [
            {"value": v, "color": colours.get(v) or None, "count": totals[key][v]}
            for v in _value_order(label)
        ]
        out.options.append(
            {
                "key": f"label:{key}",
                "kind": "label",
                "name": label.name,
                "field": key,
                "color": label.color,
                "values": values,
                "numeric": None,
            }
        )


def _value_order(label: Label) -> list[str]:
    if label.kind == "boolean":
        return ["yes", "no"]
    return [v.value for v in label.values]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:MAX_TEXT]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _metadata(raw: dict[int, dict[str, Any]], out: Colours) -> None:
    """The fields worth colouring by, and each item's value of them."""
    present: Counter[str] = Counter()
    texts: dict[str, Counter[str]] = {}
    numeric: dict[str, bool] = {}
    for metadata in raw.values():
        for key, value in metadata.items():
            if not isinstance(value, str | int | float | bool) or len(key) > MAX_TEXT:
                continue
            present[key] += 1
            seen = texts.setdefault(key, Counter())
            if len(seen) <= MAX_CATEGORIES:
                seen[_text(value)] += 1
            numeric[key] = numeric.get(key, True) and _is_number(value)
    chosen: dict[str, str] = {}  # field -> "category" | "number"
    for key, _ in present.most_common():
        if len(chosen) == MAX_FIELDS:
            break
        if len(texts[key]) <= MAX_CATEGORIES:
            chosen[key] = "category"
        elif numeric[key]:
            chosen[key] = "number"
    for dp_id, metadata in raw.items():
        shown: dict[str, Any] = {}
        for key, how in chosen.items():
            value = metadata.get(key)
            if how == "number" and _is_number(value):
                shown[key] = value
            elif how == "category" and isinstance(value, str | int | float | bool):
                shown[key] = _text(value)
        if shown:
            out.metadata[dp_id] = shown
    for key, how in chosen.items():
        option: dict[str, Any] = {
            "key": f"meta:{key}",
            "kind": "metadata",
            "name": key,
            "field": key,
            "color": None,
            "values": [],
            "numeric": None,
        }
        if how == "category":
            option["values"] = [
                {"value": v, "color": None, "count": n} for v, n in texts[key].most_common()
            ]
        else:
            numbers = [m[key] for m in out.metadata.values() if key in m]
            option["numeric"] = {"min": min(numbers), "max": max(numbers)}
        out.options.append(option)
