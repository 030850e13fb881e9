"""The `audino-v1` format: the JSON list the 2020 audino exported, one entry per datapoint
and assigned user (a datapoint nobody is assigned to appears once, `assigned_user` null).

    [{original_filename, filename, url, reference_transcription, is_marked_for_review,
      created_at, last_modified, assigned_user: {id, username, role} | null,
      segmentations: [{start_time, end_time, transcription, created_at, last_modified,
                       annotations: {<label name>: {id, values: [{id, value}] | {id, value}}}}]}]

Multi-valued labels hold a list of `{id, value}`, single-valued ones one `{id, value}`;
text, number and boolean labels (unknown to v1) hold `{id: null, value}`.

Importing reads the same list back as annotations for datapoints already in a project,
matched by file name (the file carries no audio): each entry's segmentations become
segments by its assigned user (or by nobody, for an unassigned entry).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from audino.formats.json_fields import (
    BOOL,
    NUM,
    OBJ,
    STR,
    Field,
    json_type,
    obj,
    parse_json,
    read,
    timestamp,
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

NAME = "audino-v1"


class _Annotations:
    """Label names and value texts back to the ids v1 consumers expect."""

    def __init__(self, labels: Sequence[LabelSpec]) -> None:
        self.labels = {spec.name: spec for spec in labels}
        self.value_ids = {spec.name: {v.value: v.id for v in spec.values} for spec in labels}

    def __call__(self, values: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in values.items():
            spec = self.labels.get(name)
            if spec is None:
                continue
            ids = self.value_ids[name]
            if spec.kind == "multi":
                chosen: Any = [{"id": ids.get(v), "value": v} for v in value]
            elif spec.kind == "single":
                chosen = {"id": ids.get(value), "value": value}
            else:
                chosen = {"id": None, "value": value}
            out[name] = {"id": spec.id, "values": chosen}
        return out


def _segmentation(s: SegmentRecord, annotations: _Annotations) -> dict[str, Any]:
    return {
        "start_time": s.start,
        "end_time": s.end,
        "transcription": s.transcript,
        "created_at": s.created_at,
        "last_modified": s.updated_at,
        "annotations": annotations(s.values),
    }


def _entries(
    item: AnnotatedRecording, users: dict[str, UserRef], annotations: _Annotations
) -> Iterator[dict[str, Any]]:
    r = item.recording
    per_user: list[tuple[AssignmentRecord | None, Sequence[SegmentRecord]]]
    if r.assignments:
        per_user = [(a, [s for s in item.segments if s.author == a.user]) for a in r.assignments]
    else:
        per_user = [(None, item.segments)]
    for assignment, segments in per_user:
        user = users.get(assignment.user) if assignment else None
        yield {
            "original_filename": r.name,
            "filename": r.storage_key.rsplit("/", 1)[-1],
            "url": r.url,
            "reference_transcription": r.reference_transcript,
            "is_marked_for_review": (
                assignment.marked_for_review if assignment else r.marked_for_review
            ),
            "created_at": r.created_at,
            "last_modified": r.updated_at,
            "assigned_user": (
                {
                    "id": user.id if user else None,
                    "username": assignment.user,
                    "role": user.role if user else None,
                }
                if assignment
                else None
            ),
            "segmentations": [_segmentation(s, annotations) for s in segments],
        }


def export(dataset: Dataset) -> Iterator[bytes]:
    annotations = _Annotations(dataset.labels)
    users = {u.username: u for u in dataset.users}
    entries = (entry for item in dataset.items for entry in _entries(item, users, annotations))
    yield from json_lines(entries, head=b"[", tail=b"]\n")


# ---- import ---------------------------------------------------------------------------

_ENTRY = (
    Field("original_filename", STR), Field("filename", STR, ""),
    Field("reference_transcription", STR, ""), Field("is_marked_for_review", BOOL, False),
    Field("created_at", STR, None), Field("last_modified", STR, None),
)  # fmt: skip
_SEGMENTATION = (
    Field("start_time", NUM), Field("end_time", NUM), Field("transcription", STR, ""),
    Field("created_at", STR, None), Field("last_modified", STR, None),
    Field("annotations", OBJ, dict),
)  # fmt: skip


def _when(value: str | None, path: str) -> datetime | None:
    """ISO 8601 as audino writes it, or the RFC 1123 dates of the 2020 Flask server."""
    if value is None:
        return None
    try:
        return timestamp(value)
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise FormatError(f"{value!r} is not a date", path=path) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


class _Schema:
    """Labels and values as the file uses them, kinds guessed from the value shapes."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.values: dict[str, dict[str, None]] = {}

    def values_of(self, annotations: dict[str, Any], path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, entry in annotations.items():
            chosen = obj(entry, f"{path}.annotations[{name!r}]").get("values")
            if isinstance(chosen, list):
                kind, texts = "multi", [self._text(v, name, path) for v in chosen]
                out[name] = texts
            elif isinstance(chosen, dict) and chosen.get("id") is not None:
                kind, texts = "single", [self._text(chosen, name, path)]
                out[name] = texts[0]
            elif isinstance(chosen, dict):
                value = chosen.get("value")
                kind, texts = _free_kind(value), []
                out[name] = value
            else:
                raise FormatError(
                    f"label {name!r}: 'values' must be a list or an object, not "
                    f"{json_type(chosen)}",
                    path=path,
                )
            if self.kinds.setdefault(name, kind) != kind:
                raise FormatError(f"label {name!r} is used as both {kind} and "
                                  f"{self.kinds[name]}", path=path)  # fmt: skip
            self.values.setdefault(name, {}).update(dict.fromkeys(texts))
        return out

    @staticmethod
    def _text(choice: Any, name: str, path: str) -> str:
        value = obj(choice, path).get("value")
        if not isinstance(value, str):
            raise FormatError(f"label {name!r}: a value must be text, not {json_type(value)}",
                              path=path)  # fmt: skip
        return value

    def labels(self) -> tuple[LabelSpec, ...]:
        return tuple(
            LabelSpec(
                name=name,
                kind=kind,
                position=i,
                values=tuple(
                    LabelValueSpec(value=v, position=j) for j, v in enumerate(self.values[name])
                ),
            )
            for i, (name, kind) in enumerate(self.kinds.items())
        )


def _free_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "text"


def _assignee(raw: dict[str, Any], path: str) -> str | None:
    user = raw.get("assigned_user")
    if user is None:
        return None
    username: str = read(user, (Field("username", STR),), f"{path}.assigned_user")["username"]
    return username


def import_(data: bytes) -> Dataset:
    entries = parse_json(data)
    if not isinstance(entries, list):
        raise FormatError(f"expected a list of datapoints, got {json_type(entries)}", path="$")
    schema = _Schema()
    users: dict[str, None] = {}
    # One recording per file; each entry adds its user's assignment and segments.
    files: dict[str, tuple[Recording, list[AssignmentRecord], list[SegmentRecord]]] = {}
    for i, raw in enumerate(entries):
        path = f"[{i}]"
        entry = read(raw, _ENTRY, path)
        username = _assignee(raw, path)
        name = entry["original_filename"]
        if name not in files:
            recording = Recording(
                id=None, name=name, storage_key=entry["filename"], duration=0.0, sample_rate=0,
                channels=0, reference_transcript=entry["reference_transcription"],
                marked_for_review=entry["is_marked_for_review"],
                created_at=_when(entry["created_at"], path),
                updated_at=_when(entry["last_modified"], path),
            )  # fmt: skip
            files[name] = (recording, [], [])
        _, assignments, segments = files[name]
        if username is not None:
            users[username] = None
            assignments.append(
                AssignmentRecord(username, marked_for_review=entry["is_marked_for_review"])
            )
        for k, seg in enumerate(_listed(raw, "segmentations", path)):
            spath = f"{path}.segmentations[{k}]"
            fields = read(seg, _SEGMENTATION, spath)
            if not 0 <= fields["start_time"] <= fields["end_time"]:
                raise FormatError("needs 0 <= start_time <= end_time", path=spath)
            segments.append(
                SegmentRecord(
                    id=None, recording_id=None, author=username, start=fields["start_time"],
                    end=fields["end_time"], transcript=fields["transcription"],
                    values=schema.values_of(fields["annotations"], spath),
                    created_at=_when(fields["created_at"], spath),
                    updated_at=_when(fields["last_modified"], spath),
                )
            )  # fmt: skip
    items = []
    for recording, assignments, segments in files.values():
        recording.assignments = tuple(assignments)
        items.append(AnnotatedRecording(recording, tuple(segments)))
    return Dataset(
        project=ProjectInfo(name=""),
        labels=schema.labels(),
        users=tuple(UserRef(u) for u in users),
        items=items,
    )


def _listed(raw: dict[str, Any], key: str, path: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(f"{key!r} must be a list, not {json_type(value)}", path=path)
    return value


FORMAT = register(
    Format(
        name=NAME,
        description="The 2020 audino JSON export: one entry per datapoint and assigned "
        "user, segmentations with annotations by label name.",
        export=export,
        import_=import_,
        matches_files=True,
    )
)
