"""Segments read from annotation files, grouped by the recording they name, as records.

Importers add one segment at a time (speaker, text, tags, box, author); `dataset()` then
names the speakers as values of a "speaker" label and the tags as values of a "label" label
(multi-valued when some segment has several), for the service to map onto a project.
Values of other labels come by name: choices (`labels`) and texts, numbers or booleans
(`fields`, whose label kind follows the value's type). A file that names who annotated a
recording adds an `assignment` for them, with their recording-level (datapoint-scope)
values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

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
)

SPEAKER = "speaker"
TAG = "label"

_Chosen = dict[str, tuple[str, ...]]


def field_kind(value: Any) -> str:
    """The label kind of a text, number or boolean value."""
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, int | float) else "text"


class Annotations:
    def __init__(self) -> None:
        self._items: dict[str, list[tuple[SegmentRecord, _Chosen, dict[str, Any]]]] = {}
        self._values: dict[str, dict[str, None]] = {}  # label -> its values, in order seen
        self._multi: set[str] = set()
        self._kinds: dict[str, str] = {}  # text, number and boolean labels
        self._scopes: dict[str, str] = {}  # label -> segment | datapoint
        self._assignments: dict[str, dict[str, tuple[str, _Chosen, dict[str, Any]]]] = {}

    def recording(self, name: str) -> None:
        """Names a recording even when no segment of it follows (an empty annotation)."""
        self._items.setdefault(name, [])

    def _scope(self, name: str, scope: str, line: int | None, path: str | None) -> None:
        if self._scopes.setdefault(name, scope) != scope:
            raise FormatError(
                f"label {name!r} is used both for segments and for whole recordings",
                line=line,
                path=path,
            )

    def _choices(
        self,
        pairs: Sequence[tuple[str, Sequence[str]]],
        scope: str,
        line: int | None,
        path: str | None,
    ) -> _Chosen:
        named: _Chosen = {}
        for name, chosen in pairs:
            kept = tuple(v for v in chosen if v)
            if not kept:
                continue
            self._scope(name, scope, line, path)
            if name in self._kinds:
                raise FormatError(
                    f"label {name!r} has both choices and {self._kinds[name]} values",
                    line=line,
                    path=path,
                )
            named[name] = kept
            self._values.setdefault(name, {}).update(dict.fromkeys(kept))
            if len(kept) > 1:
                self._multi.add(name)
        return named

    def _fields(
        self, fields: Mapping[str, Any] | None, scope: str, line: int | None, path: str | None
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in (fields or {}).items():
            if value is None or value == "":
                continue
            self._scope(name, scope, line, path)
            kind = field_kind(value)
            if self._kinds.setdefault(name, kind) != kind or name in self._values:
                raise FormatError(
                    f"label {name!r} has values of different kinds", line=line, path=path
                )
            out[name] = value
        return out

    def assignment(
        self,
        recording: str,
        user: str,
        *,
        status: str = "done",
        labels: Mapping[str, Sequence[str]] | None = None,
        fields: Mapping[str, Any] | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        """`user` annotated `recording` (their work is `status`), with recording-level
        values: choices (`labels`) and texts, numbers or booleans (`fields`). An empty
        `user` is an annotation that names nobody: the import names its author."""
        self.recording(recording)
        chosen = self._choices(list((labels or {}).items()), "datapoint", line, path)
        values = self._fields(fields, "datapoint", line, path)
        mine = self._assignments.setdefault(recording, {})
        if user in mine:  # a second annotation by the same person: one assignment
            _, before, before_fields = mine[user]
            chosen, values = {**before, **chosen}, {**before_fields, **values}
        mine[user] = (status, chosen, values)

    def add(
        self,
        recording: str,
        start: float,
        end: float,
        *,
        speaker: str | None = None,
        text: str = "",
        tags: Sequence[str] = (),
        labels: Mapping[str, Sequence[str]] | None = None,
        channel: int | None = None,
        low_hz: float | None = None,
        high_hz: float | None = None,
        attributes: Mapping[str, Any] | None = None,
        fields: Mapping[str, Any] | None = None,
        author: str | None = None,
        source: str = "import",
        model: str | None = None,
        model_version: str | None = None,
        confidence: float | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        """One segment; `tags` are values of the "label" label, `labels` choices of others,
        `fields` their texts, numbers or booleans. A segment with an `author` is theirs
        (source human), else it is `source`'s."""
        if not (math.isfinite(start) and math.isfinite(end)) or not 0 <= start <= end:
            raise FormatError(
                f"a segment needs 0 <= start <= end, got start={start}, end={end}",
                line=line,
                path=path,
            )
        if channel is not None and channel < 0:
            raise FormatError(f"channel {channel + 1} is not a channel", line=line, path=path)
        if not recording:
            raise FormatError("a segment names no recording", line=line, path=path)
        pairs = [(SPEAKER, (speaker,) if speaker else ()), (TAG, tags), *(labels or {}).items()]
        named = self._choices(pairs, "segment", line, path)
        values = self._fields(fields, "segment", line, path)
        seg = SegmentRecord(
            id=None,
            recording_id=None,
            author=author or None,
            start=start,
            end=end,
            channel=channel,
            low_hz=low_hz,
            high_hz=high_hz,
            transcript=text,
            attributes=dict(attributes or {}),
            source="human" if author else source,
            model=model,
            model_version=model_version,
            confidence=confidence,
        )
        self._items.setdefault(recording, []).append((seg, named, values))

    def first_channel_alone_is_all(self) -> None:
        """For 1-based channel columns (RTTM, CTM, Raven), read with channel 1 as 0: channel 1
        is the first of several only where a recording has segments on others too; alone it
        is what a mono file or a segment on all channels is written as, so it reads as None."""
        for entries in self._items.values():
            if all(seg.channel in (None, 0) for seg, _, _ in entries):
                for seg, _, _ in entries:
                    seg.channel = None

    def _shaped(self, named: _Chosen, fields: dict[str, Any]) -> dict[str, Any]:
        multi = self._multi
        out: dict[str, Any] = {
            label: list(chosen) if label in multi else chosen[0] for label, chosen in named.items()
        }
        out.update(fields)
        return out

    def dataset(self) -> Dataset:
        labels = [
            _label(name, "multi" if name in self._multi else "single", values, i)
            for i, (name, values) in enumerate(self._values.items())
        ]
        labels.extend(_label(name, kind, {}, 0) for name, kind in self._kinds.items())
        labels = [
            LabelSpec(
                name=spec.name,
                kind=spec.kind,
                scope=self._scopes.get(spec.name, "segment"),
                position=i,
                values=spec.values,
            )
            for i, spec in enumerate(labels)
        ]
        items = []
        for name, entries in self._items.items():
            segments = []
            for seg, named, fields in entries:
                seg.values = self._shaped(named, fields)
                segments.append(seg)
            duration = max((s.end for s in segments), default=0.0)
            assignments = tuple(
                AssignmentRecord(user, status, values=self._shaped(named, fields))
                for user, (status, named, fields) in self._assignments.get(name, {}).items()
            )
            recording = Recording(
                id=None,
                name=name,
                storage_key="",
                duration=duration,
                sample_rate=0,
                channels=0,
                assignments=assignments,
            )
            items.append(AnnotatedRecording(recording, tuple(segments)))
        return Dataset(ProjectInfo(name=""), tuple(labels), (), items)


def _label(name: str, kind: str, values: Mapping[str, None], position: int) -> LabelSpec:
    return LabelSpec(
        name=name,
        kind=kind,
        position=position,
        values=tuple(LabelValueSpec(value=v, position=i) for i, v in enumerate(values)),
    )


def number(text: str, what: str, *, line: int | None = None, path: str | None = None) -> float:
    """A float from a file field, or a FormatError naming the field and line."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise FormatError(f"{what} {text!r} is not a number", line=line, path=path) from None
    if not math.isfinite(value):
        raise FormatError(f"{what} {text!r} is not a finite number", line=line, path=path)
    return value
