"""Predictions pushed from a script: a batch of a model's segments, checked as a whole.

Each pushed prediction may carry a client key; its segment id is derived from (project, model,
key), so sending the same batch again updates those segments in place instead of adding
copies, and the decisions people made on them (`prediction_decisions`, keyed by segment id)
stay. Pushes never touch human segments and never replace a model's other predictions. A batch
is all or nothing: one bad item is a 400 naming its index, and nothing is written.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from audino.db.models import (
    Datapoint,
    Label,
    LabelKind,
    LabelScope,
    Project,
    Segment,
    SegmentSource,
    utcnow,
)
from audino.services import audit, segments
from audino.services.errors import InvalidInput
from audino.services.predictions import _encode, _value_ids, _windows

MAX_PREDICTIONS = 5000
# Segment ids of keyed predictions: uuid5 in this namespace of "project/model/key".
NAMESPACE = uuid.UUID("5b0c6f3e-8d0a-4f43-9a43-6f0d3f1f7a21")
_SLACK = 1e-6  # float noise allowed past the recording's end


@dataclass(frozen=True)
class PushedPrediction:
    """One prediction as a script sends it: the item by id or by name, times in seconds."""

    start: float
    end: float
    id: str | None = None
    datapoint_id: int | None = None
    datapoint: str | None = None
    confidence: float | None = None
    transcript: str = ""
    labels: Mapping[str, Any] = field(default_factory=dict)
    channel: int | None = None


@dataclass
class Pushed:
    created: int = 0
    updated: int = 0


def segment_id(project_id: int, model: str, key: str) -> str:
    """The stable segment id of a keyed prediction (never another project's or model's)."""
    return str(uuid.uuid5(NAMESPACE, f"{project_id}/{model}/{key}"))


def _bad(index: int, message: str, code: str) -> InvalidInput:
    # `index` lets a client pushing in batches name the item in its own list.
    return InvalidInput(f"Prediction {index}: {message}", code=code, extra={"index": index})


def _items(
    db: Session, project_id: int, pushed: Sequence[PushedPrediction]
) -> dict[int, Datapoint]:
    """Each prediction's index -> the item it names (400 on the first it cannot find)."""
    ids = {p.datapoint_id for p in pushed if p.datapoint_id is not None}
    names = {p.datapoint for p in pushed if p.datapoint_id is None and p.datapoint is not None}
    by_id: dict[int, Datapoint] = {}
    by_name: dict[str, list[Datapoint]] = {}
    if ids or names:
        found = db.scalars(
            select(Datapoint).where(
                Datapoint.project_id == project_id,
                or_(
                    Datapoint.id.in_(ids),
                    Datapoint.original_name.in_(names) & Datapoint.parent_id.is_(None),
                ),
            )
        )
        for dp in found:
            if dp.id in ids:
                by_id[dp.id] = dp
            if dp.parent_id is None and dp.original_name in names:
                by_name.setdefault(dp.original_name, []).append(dp)
    out: dict[int, Datapoint] = {}
    for i, p in enumerate(pushed):
        if p.datapoint_id is not None:
            if p.datapoint_id not in by_id:
                raise _bad(i, f"item {p.datapoint_id} is not in this project.", "unknown_datapoint")
            out[i] = by_id[p.datapoint_id]
        elif p.datapoint is not None:
            named = by_name.get(p.datapoint, [])
            if not named:
                raise _bad(
                    i, f"no item of this project is named {p.datapoint[:200]!r}.",
                    "unknown_datapoint",
                )  # fmt: skip
            if len(named) > 1:
                raise _bad(
                    i, f"{len(named)} items are named {p.datapoint[:200]!r}; "
                    "give its datapoint_id instead.", "ambiguous_datapoint",
                )  # fmt: skip
            out[i] = named[0]
        else:
            raise _bad(i, "say which item it is on: datapoint_id or datapoint.", "no_datapoint")
    return out


def _check_value(index: int, name: str, value: Any, kind: str, texts: Mapping[str, int]) -> None:
    def wrong(expected: str) -> InvalidInput:
        return _bad(index, f"label {name!r} takes {expected}, not {value!r}.", "bad_value")

    if kind == LabelKind.single.value:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise wrong("one of its values")
        if str(value) not in texts:
            raise _bad(index, f"label {name!r} has no value {str(value)[:200]!r}.", "bad_value")
    elif kind == LabelKind.multi.value:
        items = value if isinstance(value, list) else [value]
        for v in items:
            if str(v) not in texts:
                raise _bad(index, f"label {name!r} has no value {str(v)[:200]!r}.", "bad_value")
    elif kind == LabelKind.text.value:
        if not isinstance(value, str):
            raise wrong("text")
    elif kind == LabelKind.number.value:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise wrong("a number")
    elif kind == LabelKind.boolean.value and not isinstance(value, bool):
        raise wrong("true or false")


def _check(
    index: int,
    p: PushedPrediction,
    dp: Datapoint,
    labels: Mapping[str, tuple[int, str, dict[str, int]]],
    whole_item: set[str],
) -> None:
    start, end = float(p.start), float(p.end)
    if not start < end:
        raise _bad(index, f"it starts at {start} s, not before its end ({end} s).", "bad_times")
    if round(end, 3) <= round(start, 3):  # stored to the millisecond, like a model's
        raise _bad(index, "it is shorter than a millisecond.", "bad_times")
    # A window's times are its recording's: it spans offset .. offset + duration.
    first, last = dp.offset, dp.offset + dp.duration
    if start < first - _SLACK or end > last + _SLACK:
        raise _bad(
            index, f"{start}–{end} s is outside the recording ({first}–{last} s).",
            "outside_recording",
        )  # fmt: skip
    if p.confidence is not None and not 0.0 <= p.confidence <= 1.0:
        raise _bad(index, f"confidence {p.confidence} is not between 0 and 1.", "bad_confidence")
    if p.channel is not None and not 0 <= p.channel < dp.channels:
        raise _bad(
            index, f"channel {p.channel} does not exist (the recording has {dp.channels}, "
            "counted from 0).", "bad_channel",
        )  # fmt: skip
    for name, value in p.labels.items():
        if name in whole_item:
            raise _bad(index, f"label {name!r} is for whole items, not segments.", "bad_label")
        found = labels.get(name)
        if found is None:
            raise _bad(index, f"this project has no label {name[:200]!r}.", "unknown_label")
        _check_value(index, name, value, found[1], found[2])


def push_predictions(
    db: Session,
    project: Project,
    model: str,
    version: str,
    pushed: Sequence[PushedPrediction],
    *,
    actor_id: int | None = None,
) -> Pushed:
    """Writes the batch as `model` `version`'s segments: keyed ones already there are
    updated (their decisions kept), the rest created. Checks every item before writing."""
    if len(pushed) > MAX_PREDICTIONS:
        raise InvalidInput(
            f"Send at most {MAX_PREDICTIONS} predictions per request.", code="too_many"
        )
    items = _items(db, project.id, pushed)
    labels = _value_ids(db, project.id)
    whole_item = set(
        db.scalars(
            select(Label.name).where(
                Label.project_id == project.id, Label.scope == LabelScope.datapoint.value
            )
        )
    )
    ids: list[str] = []
    first_of: dict[str, int] = {}
    for i, p in enumerate(pushed):
        _check(i, p, items[i], labels, whole_item)
        if p.id is None:
            ids.append(str(uuid.uuid4()))
            continue
        sid = segment_id(project.id, model, p.id)
        if sid in first_of:
            raise _bad(i, f"its id {p.id[:200]!r} is also prediction {first_of[sid]}'s.", "dup")
        first_of[sid] = i
        ids.append(sid)
    existing = {
        sid: (source, version_)
        for sid, source, version_ in db.execute(
            select(Segment.id, Segment.source, Segment.version).where(
                Segment.id.in_(list(first_of))
            )
        )
    } if first_of else {}  # fmt: skip
    for sid, (source, _v) in existing.items():
        if source != SegmentSource.model.value:  # a uuid5 never collides with a uuid4 in use
            raise _bad(first_of[sid], "its id belongs to a person's segment.", "not_a_prediction")
    windows: dict[int, list[Datapoint]] = {}
    now = utcnow()
    created: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for i, p in enumerate(pushed):
        dp = items[i]
        start, end = float(p.start), float(p.end)
        target = dp
        if dp.window_count > 0:  # a split recording: the window its start falls in
            targets = windows.setdefault(dp.id, _windows(db, dp))
            target = next((t for t in reversed(targets) if t.offset <= start + 1e-9), targets[0])
            end = min(end, target.offset + target.duration)
        values, _whole = _encode(p.labels, labels)
        row: dict[str, Any] = {
            "id": ids[i],
            "datapoint_id": target.id,
            "start": round(max(start, dp.offset), 3),
            "end": round(min(end, dp.offset + dp.duration), 3),
            "channel": p.channel,
            "transcript": p.transcript,
            "values": values,
            "model": model,
            "model_version": version,
            "confidence": p.confidence,
            "updated_at": now,
        }
        if ids[i] in existing:
            changed.append(row | {"version": existing[ids[i]][1] + 1})
        else:
            created.append(
                row
                | {
                    "author_id": None,
                    "edited_by_id": None,
                    "low_hz": None,
                    "high_hz": None,
                    "attributes": {},
                    "source": SegmentSource.model.value,
                    "version": 1,
                    "created_at": now,
                }
            )
    if created:
        db.execute(segments.SEGMENTS.insert(), created)
    if changed:
        db.execute(update(Segment), changed)  # by primary key, one statement per batch
    audit.record(
        db,
        user_id=actor_id,
        action="predictions.push",
        entity_type="project",
        entity_id=project.id,
        project_id=project.id,
        after={
            "model": model,
            "version": version,
            "created": len(created),
            "updated": len(changed),
        },
    )
    return Pushed(created=len(created), updated=len(changed))
