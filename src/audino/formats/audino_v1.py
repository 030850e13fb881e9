"""The `audino-v1` format: the JSON list the 2020 audino exported, one entry per datapoint
and assigned user (a datapoint nobody is assigned to appears once, `assigned_user` null).

    [{original_filename, filename, url, reference_transcription, is_marked_for_review,
      created_at, last_modified, assigned_user: {id, username, role} | null,
      segmentations: [{start_time, end_time, transcription, created_at, last_modified,
                       annotations: {<label name>: {id, values: [{id, value}] | {id, value}}}}]}]

Multi-valued labels hold a list of `{id, value}`, single-valued ones one `{id, value}`;
text, number and boolean labels (unknown to v1) hold `{id: null, value}`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson

from audino.formats.records import (
    AnnotatedRecording,
    AssignmentRecord,
    Dataset,
    LabelSpec,
    SegmentRecord,
    UserRef,
)
from audino.formats.registry import Format, register

NAME = "audino-v1"
CHUNK_BYTES = 1 << 16


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
    yield b"["
    parts: list[bytes] = []
    size = 0
    sep = b"\n"
    for item in dataset.items:
        for entry in _entries(item, users, annotations):
            line = orjson.dumps(entry)
            parts.append(sep)
            parts.append(line)
            sep = b",\n"
            size += len(line)
        if size >= CHUNK_BYTES:
            yield b"".join(parts)
            parts.clear()
            size = 0
    parts.append(b"\n]\n")
    yield b"".join(parts)


FORMAT = register(
    Format(
        name=NAME,
        description="The 2020 audino JSON export: one entry per datapoint and assigned "
        "user, segmentations with annotations by label name.",
        export=export,
    )
)
