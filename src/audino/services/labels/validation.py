"""Checks annotation content: segments against their datapoint, label values against the
project's label schema, and the text and JSON they carry. Nothing here writes."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from audino.db.models import Datapoint, Label, LabelKind, LabelScope, LabelValue, SegmentSource
from audino.formats import words
from audino.services.errors import InvalidInput

MAX_TEXT = 100_000
MAX_JSON_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32
# Numbers beyond 2**53 lose precision in JavaScript clients and in JSON columns.
MAX_SAFE_NUMBER = 2**53
# The content columns of a segment, as clean_segment returns them.
CONTENT = (
    "start",
    "end",
    "channel",
    "low_hz",
    "high_hz",
    "transcript",
    "values",
    "attributes",
    "source",
    "model",
    "model_version",
    "confidence",
)
# Clients round times to the millisecond; an end a hair past the duration is still the end.
TIME_TOLERANCE = 0.001
MAX_VERSION = 2**31 - 1
SOURCES = {s.value for s in SegmentSource}


@dataclass(frozen=True)
class LabelInfo:
    """What validation needs of a label."""

    id: int
    name: str
    kind: str
    scope: str
    required: bool


@dataclass
class LabelSchema:
    """A project's labels, loaded once per request and looked up by id or name."""

    by_id: dict[int, LabelInfo] = field(default_factory=dict)
    by_name: dict[str, LabelInfo] = field(default_factory=dict)
    value_ids: dict[int, set[int]] = field(default_factory=dict)

    def add(self, label: LabelInfo, value_ids: Iterable[int]) -> None:
        self.by_id[label.id] = label
        self.by_name[label.name] = label
        self.value_ids.setdefault(label.id, set()).update(value_ids)

    @classmethod
    def of(cls, labels: Iterable[Label]) -> LabelSchema:
        schema = cls()
        for lb in labels:
            info = LabelInfo(lb.id, lb.name, lb.kind, lb.scope, bool(lb.required))
            schema.add(info, (v.id for v in lb.values))
        return schema

    def find(self, key: object) -> LabelInfo | None:
        """A label by id (int or digit string) or by name; ids win over names."""
        if isinstance(key, int) and not isinstance(key, bool):
            return self.by_id.get(key)
        if not isinstance(key, str):
            return None
        if key.isascii() and key.isdigit() and len(key) < 19 and int(key) in self.by_id:
            return self.by_id[int(key)]
        return self.by_name.get(key)

    def required(self, scope: str) -> list[LabelInfo]:
        return [lb for lb in self.by_id.values() if lb.required and lb.scope == scope]


# Built once: statements are bound, not rebuilt, on the segment-save hot path.
_SCHEMA = (
    select(Label.id, Label.name, Label.kind, Label.scope, Label.required, LabelValue.id)
    .outerjoin(LabelValue, LabelValue.label_id == Label.id)
    .where(Label.project_id == bindparam("project_id"))
)


def load_schema(db: Session, project_id: int) -> LabelSchema:
    """All labels of a project with their value ids, in one query of plain rows."""
    rows = db.execute(_SCHEMA, {"project_id": project_id})
    schema = LabelSchema()
    for label_id, name, kind, scope, required, value_id in rows:
        info = LabelInfo(label_id, name, kind, scope, bool(required))
        schema.add(info, () if value_id is None else (value_id,))
    return schema


def check_text(text: object, what: str, *, limit: int = MAX_TEXT) -> str:
    """A string any database stores byte-exact: no NUL, no lone surrogates, bounded length."""
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be a string.", code="bad_text")
    if len(text) > limit:
        raise InvalidInput(
            f"{what} is {len(text)} characters long; the limit is {limit}.", code="text_too_long"
        )
    if "\x00" in text:
        raise InvalidInput(f"{what} contains a NUL character.", code="bad_text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            f"{what} is not valid Unicode (lone surrogate).", code="bad_text"
        ) from None
    return text


def check_number(value: object, what: str) -> int | float:
    """A finite JSON number (not a bool) within the range clients can represent exactly."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{what} must be a number.", code="bad_number")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"{what} must be a finite number.", code="bad_number")
    if abs(value) > MAX_SAFE_NUMBER and isinstance(value, int):
        raise InvalidInput(f"{what} is too large.", code="bad_number")
    return value


def check_json(value: object, what: str) -> dict[str, Any]:
    """A free-form JSON object with finite numbers and clean strings, at most 64 KiB."""
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be a JSON object.", code="bad_json")
    budget = [MAX_JSON_BYTES]

    def walk(node: object, path: str, depth: int = 0) -> None:
        budget[0] -= 8
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(
                f"{what} nests deeper than {MAX_JSON_DEPTH} levels.", code="bad_json"
            )
        if budget[0] < 0:
            raise InvalidInput(f"{what} is larger than {MAX_JSON_BYTES} bytes.", code="too_large")
        if node is None or isinstance(node, bool):
            return
        if isinstance(node, int | float):
            check_number(node, f"{what}{path}")
        elif isinstance(node, str):
            budget[0] -= len(node)
            check_text(node, f"{what}{path}", limit=MAX_JSON_BYTES)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]", depth + 1)
        elif isinstance(node, dict):
            for key, item in node.items():
                if not isinstance(key, str):
                    raise InvalidInput(f"{what}{path} has a non-string key.", code="bad_json")
                budget[0] -= len(key)
                check_text(key, f"{what}{path} key", limit=MAX_JSON_BYTES)
                walk(item, f"{path}.{key}", depth + 1)
        else:
            raise InvalidInput(f"{what}{path} is not JSON.", code="bad_json")

    walk(value, "")
    return value


def _value_id(raw: object, label: LabelInfo, schema: LabelSchema) -> int:
    """A value id of `label`, given as an int or a string of digits."""
    vid: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        vid = raw
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        vid = int(raw.strip()) if len(raw.strip()) < 19 else -1
    if vid is None:
        raise InvalidInput(
            f"Label {label.name!r} takes value ids; got {raw!r}.", code="bad_label_value"
        )
    if vid not in schema.value_ids[label.id]:
        raise InvalidInput(
            f"Value {raw!r} is not one of the values of label {label.name!r}.",
            code="unknown_label_value",
        )
    return vid


def _clean_one(label: LabelInfo, raw: object, schema: LabelSchema) -> Any:
    what = f"Label {label.name!r}"
    kind = label.kind
    if kind == LabelKind.single.value:
        return _value_id(raw, label, schema)
    if kind == LabelKind.multi.value:
        if not isinstance(raw, list):
            raise InvalidInput(f"{what} takes a list of value ids.", code="bad_label_value")
        ids = [_value_id(item, label, schema) for item in raw]
        if len(set(ids)) != len(ids):
            raise InvalidInput(f"{what} lists a value twice.", code="bad_label_value")
        return ids
    if kind == LabelKind.text.value:
        return check_text(raw, what)
    if kind == LabelKind.number.value:
        return check_number(raw, what)
    if kind == LabelKind.boolean.value:
        if not isinstance(raw, bool):
            raise InvalidInput(f"{what} takes true or false.", code="bad_label_value")
        return raw
    raise InvalidInput(f"{what} has an unknown kind {kind!r}.", code="bad_label_value")


def clean_values(schema: LabelSchema, raw: object, *, scope: str) -> dict[str, Any]:
    """Validated values keyed by label id string; null entries are dropped (unset)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInput(
            "values must be an object mapping label ids or names to values.", code="bad_values"
        )
    out: dict[str, Any] = {}
    seen: set[int] = set()
    for key, value in raw.items():
        label = schema.find(key)
        if label is None:
            raise InvalidInput(f"Unknown label {key!r} in this project.", code="unknown_label")
        if label.scope != scope:
            raise InvalidInput(
                f"Label {label.name!r} is a {label.scope}-scope label; "
                f"it cannot be set on a {scope}.",
                code="wrong_label_scope",
            )
        if label.id in seen:
            raise InvalidInput(f"Label {label.name!r} is given twice.", code="bad_values")
        seen.add(label.id)
        if value is not None:
            out[str(label.id)] = _clean_one(label, value, schema)
    return out


def missing_required(schema: LabelSchema, values: dict[str, Any], scope: str) -> list[str]:
    """Names of required labels of `scope` that have no value (an empty list counts as none)."""
    missing = []
    for label in schema.required(scope):
        value = values.get(str(label.id))
        if value is None or value == [] or value == "":
            missing.append(label.name)
    return missing


def parse_id(raw: object) -> str:
    """A segment id in canonical lower-case uuid form."""
    if isinstance(raw, str) and len(raw) <= 64:
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            pass
    raise InvalidInput(f"Segment id {raw!r} is not a UUID.", code="bad_segment_id")


def check_version(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_VERSION:
        raise InvalidInput(f"version must be a positive integer, got {raw!r}.", code="bad_version")
    return raw


def _optional_number(raw: Mapping[str, Any], key: str) -> int | float | None:
    value = raw.get(key)
    return None if value is None else check_number(value, key)


def _checked_words(attributes: Any, start: float, end: float) -> Any:
    """Attributes with their word timings checked (see formats/words.py)."""
    if not isinstance(attributes, dict) or "words" not in attributes:
        return attributes
    try:
        found = words.check(attributes["words"], start, end)
    except words.WordsError as exc:
        raise InvalidInput(f"attributes.words: {exc}", code="bad_words") from None
    return {**attributes, "words": found}


def clean_segment(
    raw: Mapping[str, Any], datapoint: Datapoint, schema: LabelSchema
) -> dict[str, Any]:
    """The content columns of a segment, checked against the datapoint and label schema."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("A segment must be a JSON object.", code="bad_segment")
    for key in ("start", "end"):
        if raw.get(key) is None:
            raise InvalidInput(f"{key} is required.", code="bad_time")
    start = check_number(raw["start"], "start")
    end = check_number(raw["end"], "end")
    if start < 0:
        raise InvalidInput(f"start ({start}) must not be negative.", code="bad_time")
    if start >= end:
        raise InvalidInput(f"start ({start}) must be before end ({end}).", code="bad_time")
    if datapoint.parent_id is not None:
        # A window of a long recording: times are the recording's, inside the window.
        first, last = datapoint.offset, datapoint.offset + datapoint.duration
        if start < first - TIME_TOLERANCE or end > last + TIME_TOLERANCE:
            raise InvalidInput(
                f"The segment {start:g}–{end:g} s is outside this window of the recording "
                f"({first:g}–{last:g} s); times are the recording's.",
                code="outside_window",
            )
    elif end > datapoint.duration + TIME_TOLERANCE:
        raise InvalidInput(
            f"end ({end}) is past the end of the recording ({datapoint.duration} s).",
            code="bad_time",
        )
    channel = raw.get("channel")
    if channel is not None and (
        isinstance(channel, bool)
        or not isinstance(channel, int)
        or not 0 <= channel < datapoint.channels
    ):
        raise InvalidInput(
            f"channel {channel!r} does not exist; this recording has channels "
            f"0..{datapoint.channels - 1}.",
            code="bad_channel",
        )
    low, high = _optional_number(raw, "low_hz"), _optional_number(raw, "high_hz")
    if (low is None) != (high is None):
        raise InvalidInput("Give both low_hz and high_hz, or neither.", code="bad_frequency")
    nyquist = datapoint.sample_rate / 2
    if low is not None and high is not None and not 0 <= low < high <= nyquist:
        raise InvalidInput(
            f"Frequencies must satisfy 0 <= low_hz < high_hz <= {nyquist:g} "
            f"(half the sample rate); got {low}..{high}.",
            code="bad_frequency",
        )
    source = raw.get("source") or SegmentSource.human.value
    if not isinstance(source, str) or source not in SOURCES:
        raise InvalidInput(
            f"source {source!r} is not one of human, model, import.", code="bad_source"
        )
    confidence = _optional_number(raw, "confidence")
    if confidence is not None and not 0 <= confidence <= 1:
        raise InvalidInput(
            f"confidence ({confidence}) must be between 0 and 1.", code="bad_confidence"
        )
    model, model_version = raw.get("model"), raw.get("model_version")
    return {
        "start": start,
        "end": end,
        "channel": channel,
        "low_hz": low,
        "high_hz": high,
        "transcript": check_text(raw.get("transcript") or "", "transcript"),
        "values": clean_values(schema, raw.get("values"), scope=LabelScope.segment.value),
        "attributes": _checked_words(
            check_json(raw.get("attributes") or {}, "attributes"), start, end
        ),
        "source": source,
        "model": None if model is None else check_text(model, "model", limit=200),
        "model_version": (
            None if model_version is None else check_text(model_version, "model_version", limit=100)
        ),
        "confidence": confidence,
    }
