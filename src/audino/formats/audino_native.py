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
from typing import Any

import orjson

from audino.formats.json_fields import (
    BOOL,
    INT,
    NUM,
    OBJ,
    STR,
    TIME,
    Field,
    Reader,
    json_type,
    obj,
    parse_json,
    read,
)
from audino.formats.json_stream import json_lines
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
    yield from json_lines(
        (_datapoint(item) for item in dataset.items),
        head=orjson.dumps(head)[:-1] + b',\n"datapoints":[',
        tail=b"]}\n",
    )


# ---- import ---------------------------------------------------------------------------

_LABEL = (
    Field("name", STR), Field("kind", STR), Field("scope", STR, "segment"),
    Field("required", BOOL, False), Field("color", STR, None), Field("hotkey", STR, None),
    Field("position", INT, 0), Field("created_at", TIME, None),
)  # fmt: skip
_VALUE = (
    Field("value", STR), Field("color", STR, None), Field("hotkey", STR, None),
    Field("position", INT, 0),
)  # fmt: skip
_USER = (Field("username", STR), Field("role", STR, None))
_PROJECT = (
    Field("name", STR), Field("description", STR, ""), Field("settings", OBJ, dict),
    Field("created_at", TIME, None), Field("updated_at", TIME, None),
)  # fmt: skip
_ASSIGNMENT = (
    Field("user", STR), Field("status", STR, "todo"), Field("marked_for_review", BOOL, False),
    Field("values", OBJ, dict), Field("version", INT, 1), Field("created_at", TIME, None),
    Field("updated_at", TIME, None), Field("completed_at", TIME, None),
)  # fmt: skip
_DATAPOINT = (
    Field("id", INT, None), Field("name", STR), Field("storage_key", STR),
    Field("duration", NUM), Field("sample_rate", INT), Field("channels", INT),
    Field("codec", STR, ""), Field("container", STR, ""), Field("size", INT, 0),
    Field("sha256", STR, None), Field("reference_transcript", STR, ""),
    Field("metadata", OBJ, dict), Field("status", STR, "todo"),
    Field("marked_for_review", BOOL, False), Field("parent_id", INT, None),
    Field("offset", NUM, 0.0), Field("created_at", TIME, None), Field("updated_at", TIME, None),
)  # fmt: skip
_SEGMENT = (
    Field("id", STR, None), Field("author", STR, None), Field("start", NUM), Field("end", NUM),
    Field("channel", INT, None), Field("low_hz", NUM, None), Field("high_hz", NUM, None),
    Field("transcript", STR, ""), Field("values", OBJ, dict), Field("attributes", OBJ, dict),
    Field("source", STR, "human"), Field("model", STR, None), Field("model_version", STR, None),
    Field("confidence", NUM, None), Field("version", INT, 1), Field("created_at", TIME, None),
    Field("updated_at", TIME, None),
)  # fmt: skip

_SEGMENT_READER = Reader(_SEGMENT)
_DATAPOINT_READER = Reader(_DATAPOINT)
_ASSIGNMENT_READER = Reader(_ASSIGNMENT)


def _segments(raw: Any, recording_id: int | None, path: str) -> tuple[SegmentRecord, ...]:
    if raw is None:
        return ()
    if type(raw) is not list:
        raise FormatError(f"'segments' must be a list, not {json_type(raw)}", path=path)
    out = []
    check, ts = _SEGMENT_READER.raw, _SEGMENT_READER.timestamp
    for k, d in enumerate(raw):
        # The common case inline (100k segments must read in a fraction of a second);
        # the field order is SegmentRecord's, less recording_id.
        v: Any = check(d)
        try:
            if v is None:
                raise ValueError
            created, updated = v[15], v[16]
            if created is not None:
                created = ts(created)
            if updated is not None:
                updated = ts(updated)
        except ValueError:
            v = tuple(read(d, _SEGMENT, f"{path}.segments[{k}]").values())
            created, updated = v[15], v[16]
        rec = SegmentRecord(*(v[0], recording_id, *v[1:15], created, updated))
        if not 0 <= rec.start <= rec.end:
            raise FormatError(
                f"needs 0 <= start <= end, got start={rec.start}, end={rec.end}",
                path=f"{path}.segments[{k}]",
            )
        out.append(rec)
    return tuple(out)


def _listed(d: dict[str, Any], key: str, path: str) -> list[Any]:
    value = d.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise FormatError(f"{key!r} must be a list, not {json_type(value)}", path=path)
    return value


def _assignment_record(d: Any, path: str) -> AssignmentRecord:
    v = _ASSIGNMENT_READER.values(d)
    if v is None:
        return AssignmentRecord(**read(d, _ASSIGNMENT, path))
    return AssignmentRecord(*v)


def _item(d: Any, path: str) -> AnnotatedRecording:
    v = _DATAPOINT_READER.values(d)
    if v is None:
        v = list(read(d, _DATAPOINT, path).values())
    assignments = tuple(
        _assignment_record(a, f"{path}.assignments[{k}]")
        for k, a in enumerate(_listed(d, "assignments", path))
    )
    recording = Recording(*v)
    recording.assignments = assignments
    return AnnotatedRecording(recording, _segments(d.get("segments"), recording.id, path))


def _label_spec(d: Any, path: str) -> LabelSpec:
    values = tuple(
        LabelValueSpec(**read(v, _VALUE, f"{path}.values[{j}]"))
        for j, v in enumerate(_listed(obj(d, path), "values", path))
    )
    return LabelSpec(**read(d, _LABEL, path), values=values)


def import_(data: bytes) -> Dataset:
    doc = obj(parse_json(data), "$")
    if doc.get("format") != NAME:
        raise FormatError(f'not an audino export: "format" must be "{NAME}"', path="format")
    if doc.get("version") != VERSION:
        raise FormatError(
            f"unsupported version {doc.get('version')!r}; this audino reads version {VERSION}",
            path="version",
        )
    return Dataset(
        project=ProjectInfo(**read(doc.get("project"), _PROJECT, "project")),
        labels=tuple(
            _label_spec(d, f"labels[{i}]") for i, d in enumerate(_listed(doc, "labels", "$"))
        ),
        users=tuple(
            UserRef(**read(u, _USER, f"users[{i}]"))
            for i, u in enumerate(_listed(doc, "users", "$"))
        ),
        items=[_item(d, f"datapoints[{i}]") for i, d in enumerate(_listed(doc, "datapoints", "$"))],
    )


FORMAT = register(
    Format(
        name=NAME,
        description="Native audino JSON: project, label schema, audio metadata, every "
        "author's segments and review state; imports back exactly.",
        export=export,
        import_=import_,
        windows=True,
    )
)
