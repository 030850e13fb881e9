"""Segments read from annotation files, grouped by the recording they name, as records.

Importers add one segment at a time (speaker, text, tags, box); `dataset()` then names
the speakers as values of a "speaker" label and the tags as values of a "label" label
(multi-valued when some segment has several), for the service to map onto a project.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from audino.formats.records import (
    AnnotatedRecording,
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


class Annotations:
    def __init__(self) -> None:
        self._items: dict[str, list[tuple[SegmentRecord, dict[str, tuple[str, ...]]]]] = {}
        self._values: dict[str, dict[str, None]] = {}  # label -> its values, in order seen
        self._multi: set[str] = set()

    def recording(self, name: str) -> None:
        """Names a recording even when no segment of it follows (an empty annotation)."""
        self._items.setdefault(name, [])

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
        source: str = "import",
        model: str | None = None,
        model_version: str | None = None,
        confidence: float | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        """One segment; `tags` are values of the "label" label, `labels` values of others."""
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
        named: dict[str, tuple[str, ...]] = {}
        for name, chosen in (
            (SPEAKER, (speaker,) if speaker else ()),
            (TAG, tags),
            *(labels or {}).items(),
        ):
            kept = tuple(v for v in chosen if v)
            if not kept:
                continue
            named[name] = kept
            self._values.setdefault(name, {}).update(dict.fromkeys(kept))
            if len(kept) > 1:
                self._multi.add(name)
        seg = SegmentRecord(
            id=None,
            recording_id=None,
            author=None,
            start=start,
            end=end,
            channel=channel,
            low_hz=low_hz,
            high_hz=high_hz,
            transcript=text,
            attributes=dict(attributes or {}),
            source=source,
            model=model,
            model_version=model_version,
            confidence=confidence,
        )
        self._items.setdefault(recording, []).append((seg, named))

    def dataset(self) -> Dataset:
        labels = tuple(
            _label(name, "multi" if name in self._multi else "single", values, i)
            for i, (name, values) in enumerate(self._values.items())
        )
        multi = self._multi
        items = []
        for name, entries in self._items.items():
            segments = []
            for seg, named in entries:
                seg.values = {
                    label: list(chosen) if label in multi else chosen[0]
                    for label, chosen in named.items()
                }
                segments.append(seg)
            duration = max((s.end for s in segments), default=0.0)
            recording = Recording(
                id=None, name=name, storage_key="", duration=duration, sample_rate=0, channels=0
            )
            items.append(AnnotatedRecording(recording, tuple(segments)))
        return Dataset(ProjectInfo(name=""), labels, (), items)


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
