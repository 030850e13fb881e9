"""The native `audino` JSON format: a whole project with full fidelity, streamed.

Layout (one datapoint per line inside `datapoints`):

    {"format": "audino", "version": 1,
     "project": {name, description, settings, created_at, updated_at},
     "labels": [{name, kind, scope, required, color, hotkey, position, created_at,
                 values: [{value, color, hotkey, position}]}],
     "users": [{username, role}],
     "datapoints": [
       {id, name, storage_key, sha256, size, duration, sample_rate, channels, codec,
        container, reference_transcript, metadata, status, marked_for_review, parent_id,
        offset, created_at, updated_at,
        assignments: [{user, status, marked_for_review, values, version, created_at,
                       updated_at, completed_at}],
        segments: [{id, author, start, end, channel, low_hz, high_hz, transcript, values,
                    attributes, source, model, model_version, confidence, version,
                    created_at, updated_at}]}
     ]}

Label values are keyed by label name and hold value text (see records.Values).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from audino.formats.records import (
    AnnotatedRecording,
    AssignmentRecord,
    Dataset,
    FormatError,
    LabelSpec,
    LabelValueSpec,
    ProjectInfo,
    Recording,
    SegmentRecord,
    UserRef,
)
from audino.formats.registry import Format, register

NAME = "audino"
VERSION = 1
CHUNK_BYTES = 1 << 16


def _label(spec: LabelSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "kind": spec.kind,
        "scope": spec.scope,
        "required": spec.required,
        "color": spec.color,
        "hotkey": spec.hotkey,
        "position": spec.position,
        "created_at": spec.created_at,
        "values": [
            {"value": v.value, "color": v.color, "hotkey": v.hotkey, "position": v.position}
            for v in spec.values
        ],
    }


def _assignment(a: AssignmentRecord) -> dict[str, Any]:
    return {
        "user": a.user,
        "status": a.status,
        "marked_for_review": a.marked_for_review,
        "values": a.values,
        "version": a.version,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "completed_at": a.completed_at,
    }


def _segment(s: SegmentRecord) -> dict[str, Any]:
    return {
        "id": s.id,
        "author": s.author,
        "start": s.start,
        "end": s.end,
        "channel": s.channel,
        "low_hz": s.low_hz,
        "high_hz": s.high_hz,
        "transcript": s.transcript,
        "values": s.values,
        "attributes": s.attributes,
        "source": s.source,
        "model": s.model,
        "model_version": s.model_version,
        "confidence": s.confidence,
        "version": s.version,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def _datapoint(item: AnnotatedRecording) -> dict[str, Any]:
    r = item.recording
    return {
        "id": r.id,
        "name": r.name,
        "storage_key": r.storage_key,
        "sha256": r.sha256,
        "size": r.size,
        "duration": r.duration,
        "sample_rate": r.sample_rate,
        "channels": r.channels,
        "codec": r.codec,
        "container": r.container,
        "reference_transcript": r.reference_transcript,
        "metadata": r.metadata,
        "status": r.status,
        "marked_for_review": r.marked_for_review,
        "parent_id": r.parent_id,
        "offset": r.offset,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "assignments": [_assignment(a) for a in r.assignments],
        "segments": [_segment(s) for s in item.segments],
    }


def export(dataset: Dataset) -> Iterator[bytes]:
    """Streams the JSON document: the header first, then one datapoint per line."""
    p = dataset.project
    head = {
        "format": NAME,
        "version": VERSION,
        "project": {
            "name": p.name,
            "description": p.description,
            "settings": p.settings,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
        },
        "labels": [_label(spec) for spec in dataset.labels],
        "users": [{"username": u.username, "role": u.role} for u in dataset.users],
    }
    yield orjson.dumps(head)[:-1] + b',\n"datapoints":['
    parts: list[bytes] = []
    size = 0
    sep = b"\n"
    for item in dataset.items:
        line = orjson.dumps(_datapoint(item))
        parts.append(sep)
        parts.append(line)
        sep = b",\n"
        size += len(line)
        if size >= CHUNK_BYTES:
            yield b"".join(parts)
            parts.clear()
            size = 0
    parts.append(b"\n]}\n")
    yield b"".join(parts)


# ---- import ---------------------------------------------------------------------------

_NUM = (int, float)


def _fail(message: str, path: str) -> FormatError:
    return FormatError(message, path=path)


def _get(
    d: dict[str, Any], key: str, kinds: tuple[type, ...], path: str, default: Any = ...
) -> Any:
    """One field, type-checked; `default` is used when the key is absent (or None allowed)."""
    if key not in d:
        if default is ...:
            raise _fail(f"missing field {key!r}", path)
        return default
    value = d[key]
    if value is None and (default is None or type(None) in kinds):
        return None
    if isinstance(value, bool) and bool not in kinds:
        raise _fail(f"{key!r} must be {_kinds(kinds)}, not a boolean", path)
    if not isinstance(value, kinds):
        raise _fail(f"{key!r} must be {_kinds(kinds)}, not {_json_type(value)}", path)
    return value


def _kinds(kinds: tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true or false",
        dict: "an object",
        list: "a list",
    }
    return " or ".join(
        dict.fromkeys(names.get(k, k.__name__) for k in kinds if k is not type(None))
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    return names.get(type(value), "a number")


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(f"expected an object, got {_json_type(value)}", path)
    return value


def _list(d: dict[str, Any], key: str, path: str) -> list[Any]:
    value = _get(d, key, (list,), path, default=[])
    return value if value is not None else []


def _time(d: dict[str, Any], key: str, path: str) -> datetime | None:
    value = _get(d, key, (str,), path, default=None)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"{key!r} is not an ISO 8601 timestamp: {value!r}", path) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _label_spec(d: Any, path: str) -> LabelSpec:
    d = _obj(d, path)
    values = []
    for j, v in enumerate(_list(d, "values", path)):
        vpath = f"{path}.values[{j}]"
        v = _obj(v, vpath)
        values.append(
            LabelValueSpec(
                value=_get(v, "value", (str,), vpath),
                color=_get(v, "color", (str,), vpath, None),
                hotkey=_get(v, "hotkey", (str,), vpath, None),
                position=_get(v, "position", (int,), vpath, j),
            )
        )
    return LabelSpec(
        name=_get(d, "name", (str,), path),
        kind=_get(d, "kind", (str,), path),
        scope=_get(d, "scope", (str,), path, "segment"),
        required=_get(d, "required", (bool,), path, False),
        color=_get(d, "color", (str,), path, None),
        hotkey=_get(d, "hotkey", (str,), path, None),
        position=_get(d, "position", (int,), path, 0),
        values=tuple(values),
        created_at=_time(d, "created_at", path),
    )


def _assignment_record(d: Any, path: str) -> AssignmentRecord:
    d = _obj(d, path)
    return AssignmentRecord(
        user=_get(d, "user", (str,), path),
        status=_get(d, "status", (str,), path, "todo"),
        marked_for_review=_get(d, "marked_for_review", (bool,), path, False),
        values=_get(d, "values", (dict,), path, None) or {},
        version=_get(d, "version", (int,), path, 1),
        created_at=_time(d, "created_at", path),
        updated_at=_time(d, "updated_at", path),
        completed_at=_time(d, "completed_at", path),
    )


_STR_OR_NONE = frozenset({str, type(None)})
_INT_OR_NONE = frozenset({int, type(None)})
_NUM_OR_NONE = frozenset({int, float, type(None)})
_NUMBER = frozenset({int, float})
_DICT_OR_NONE = frozenset({dict, type(None)})
_LIST_OR_NONE = frozenset({list, type(None)})


def _ts(value: Any) -> datetime | None:
    """Fast timestamp parse; anything odd raises and is explained by the slow path."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _segment_record(d: Any, recording_id: int | None, path: str) -> SegmentRecord:
    d = _obj(d, path)
    start = _get(d, "start", _NUM, path)
    end = _get(d, "end", _NUM, path)
    if not 0 <= start <= end:
        raise _fail(f"needs 0 <= start <= end, got start={start}, end={end}", path)
    return SegmentRecord(
        id=_get(d, "id", (str,), path, None),
        recording_id=recording_id,
        author=_get(d, "author", (str,), path, None),
        start=float(start),
        end=float(end),
        channel=_get(d, "channel", (int,), path, None),
        low_hz=_get(d, "low_hz", _NUM, path, None),
        high_hz=_get(d, "high_hz", _NUM, path, None),
        transcript=_get(d, "transcript", (str,), path, None) or "",
        values=_get(d, "values", (dict,), path, None) or {},
        attributes=_get(d, "attributes", (dict,), path, None) or {},
        source=_get(d, "source", (str,), path, "human"),
        model=_get(d, "model", (str,), path, None),
        model_version=_get(d, "model_version", (str,), path, None),
        confidence=_get(d, "confidence", _NUM, path, None),
        version=_get(d, "version", (int,), path, 1),
        created_at=_time(d, "created_at", path),
        updated_at=_time(d, "updated_at", path),
    )


def _fast_segment(d: Any, recording_id: int | None) -> SegmentRecord | None:
    """The common case without per-field calls (100k segments must parse in well under
    a second); returns None when anything is off, and the slow path says what."""
    if type(d) is not dict:
        return None
    get = d.get
    try:
        start, end = d["start"], d["end"]
        rec = SegmentRecord(
            get("id"),
            recording_id,
            get("author"),
            float(start),
            float(end),
            get("channel"),
            get("low_hz"),
            get("high_hz"),
            get("transcript") or "",
            get("values") or {},
            get("attributes") or {},
            get("source", "human"),
            get("model"),
            get("model_version"),
            get("confidence"),
            get("version", 1),
            _ts(get("created_at")),
            _ts(get("updated_at")),
        )
    except (KeyError, TypeError, ValueError):
        return None
    ok = (
        type(start) in _NUMBER
        and type(end) in _NUMBER
        and 0 <= start <= end
        and type(rec.id) in _STR_OR_NONE
        and type(rec.author) in _STR_OR_NONE
        and type(rec.channel) in _INT_OR_NONE
        and type(rec.low_hz) in _NUM_OR_NONE
        and type(rec.high_hz) in _NUM_OR_NONE
        and type(rec.transcript) is str
        and type(rec.values) is dict
        and type(rec.attributes) is dict
        and type(rec.source) is str
        and type(rec.model) in _STR_OR_NONE
        and type(rec.model_version) in _STR_OR_NONE
        and type(rec.confidence) in _NUM_OR_NONE
        and type(rec.version) is int
    )
    return rec if ok else None


def _segments(raw: Any, recording_id: int | None, path: str) -> tuple[SegmentRecord, ...]:
    if type(raw) not in _LIST_OR_NONE:
        raise _fail(f"'segments' must be a list, not {_json_type(raw)}", path)
    out = []
    for k, d in enumerate(raw or ()):
        rec = _fast_segment(d, recording_id)
        if rec is None:
            rec = _segment_record(d, recording_id, f"{path}.segments[{k}]")
        out.append(rec)
    return tuple(out)


def _item(d: Any, path: str) -> AnnotatedRecording:
    d = _obj(d, path)
    rid = _get(d, "id", (int,), path, None)
    recording = Recording(
        id=rid,
        name=_get(d, "name", (str,), path),
        storage_key=_get(d, "storage_key", (str,), path),
        duration=float(_get(d, "duration", _NUM, path)),
        sample_rate=_get(d, "sample_rate", (int,), path),
        channels=_get(d, "channels", (int,), path),
        codec=_get(d, "codec", (str,), path, None) or "",
        container=_get(d, "container", (str,), path, None) or "",
        size=_get(d, "size", (int,), path, None) or 0,
        sha256=_get(d, "sha256", (str,), path, None),
        reference_transcript=_get(d, "reference_transcript", (str,), path, None) or "",
        metadata=_get(d, "metadata", (dict,), path, None) or {},
        status=_get(d, "status", (str,), path, "todo"),
        marked_for_review=_get(d, "marked_for_review", (bool,), path, False),
        parent_id=_get(d, "parent_id", (int,), path, None),
        offset=float(_get(d, "offset", _NUM, path, None) or 0.0),
        created_at=_time(d, "created_at", path),
        updated_at=_time(d, "updated_at", path),
        assignments=tuple(
            _assignment_record(a, f"{path}.assignments[{k}]")
            for k, a in enumerate(_list(d, "assignments", path))
        ),
    )
    return AnnotatedRecording(recording, _segments(d.get("segments"), rid, path))


def parse_json(data: bytes) -> Any:
    """orjson.loads with the line and column of the first error."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FormatError(
            f"The file is not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno
        ) from None


def import_(data: bytes) -> Dataset:
    doc = _obj(parse_json(data), "$")
    if doc.get("format") != NAME:
        raise _fail(f'not an audino export: "format" must be "{NAME}"', "format")
    version = doc.get("version")
    if version != VERSION:
        raise _fail(
            f"unsupported version {version!r}; this audino reads version {VERSION}", "version"
        )
    project = _obj(doc.get("project"), "project")
    info = ProjectInfo(
        name=_get(project, "name", (str,), "project"),
        description=_get(project, "description", (str,), "project", None) or "",
        settings=_get(project, "settings", (dict,), "project", None) or {},
        created_at=_time(project, "created_at", "project"),
        updated_at=_time(project, "updated_at", "project"),
    )
    labels = tuple(_label_spec(d, f"labels[{i}]") for i, d in enumerate(_list(doc, "labels", "$")))
    users = []
    for i, u in enumerate(_list(doc, "users", "$")):
        u = _obj(u, f"users[{i}]")
        users.append(
            UserRef(
                username=_get(u, "username", (str,), f"users[{i}]"),
                role=_get(u, "role", (str,), f"users[{i}]", None),
            )
        )
    items = [_item(d, f"datapoints[{i}]") for i, d in enumerate(_list(doc, "datapoints", "$"))]
    return Dataset(project=info, labels=labels, users=tuple(users), items=items)


FORMAT = register(
    Format(
        name=NAME,
        description="Native audino JSON: project, label schema, audio metadata, every "
        "author's segments and review state; imports back exactly.",
        export=export,
        import_=import_,
    )
)
