"""How formats see a segment: its speaker, its label values as tags, its ids.

Formats with speakers take them from a label (the export option, else a segment label
named "speaker"), else a segment attribute "speaker", else the recording's metadata.
A segment's text is its transcript and nothing else: label values go where a format has
a place for them (tiers, columns, speaker fields) or nowhere, never into the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from audino.formats.files import stem
from audino.formats.options import ExportOptions
from audino.formats.records import AnnotatedRecording, Dataset, Recording, SegmentRecord

SPEAKER_NAMES = ("speaker", "speaker_id", "spk", "talker")
_SPACE = re.compile(r"\s+")
_UNSAFE = re.compile(r"[^\w.\-]+")


def ident(text: str, default: str = "unknown") -> str:
    """An id without spaces (RTTM, Kaldi, STM fields are space-separated)."""
    out = _SPACE.sub("_", text.strip())
    return out or default


def file_safe(text: str, default: str = "unknown") -> str:
    """A file-name part: letters, digits, `.`, `-`, `_` only."""
    out = _UNSAFE.sub("_", text.strip()).strip("._")
    return out or default


def seconds(value: float, places: int = 3) -> str:
    """Seconds with fixed decimals and no trailing noise: 1.5 -> "1.500"."""
    return f"{value:.{places}f}"


class Projection:
    def __init__(self, dataset: Dataset, options: ExportOptions) -> None:
        labels = [spec for spec in dataset.labels if spec.scope == "segment"]
        name = options.speaker_label
        if name is None:
            name = next((s.name for s in labels if s.name.lower() in SPEAKER_NAMES), None)
        self.speaker_label = name
        self.tag_labels = tuple(
            s.name for s in labels if s.kind in ("single", "multi") and s.name != name
        )
        self.field_labels = tuple(
            s.name for s in labels if s.kind in ("text", "number", "boolean") and s.name != name
        )
        self.options = options
        self._names: dict[str, int | None] = {}

    def speaker(self, seg: SegmentRecord, rec: Recording | None = None) -> str | None:
        if self.speaker_label is not None:
            value = seg.values.get(self.speaker_label)
            if isinstance(value, list):
                value = value[0] if value else None
            if value not in (None, ""):
                return str(value)
        value = seg.attributes.get("speaker")
        if value in (None, "") and rec is not None:
            value = rec.metadata.get("speaker")
        return None if value in (None, "") else str(value)

    def speaker_id(self, seg: SegmentRecord, rec: Recording) -> str:
        """A speaker id without spaces; the recording's name when nobody is named."""
        found = self.speaker(seg, rec)
        return ident(found) if found is not None else ident(self.recording_id(rec))

    def tags(self, seg: SegmentRecord) -> list[str]:
        """Every single- and multi-choice value of the segment, label by label."""
        return [v for name in self.tag_labels for v in self.values_of(seg, name)]

    @staticmethod
    def values_of(seg: SegmentRecord, label: str) -> list[str]:
        """The segment's values of one label as texts (none, one, or a multi label's)."""
        value = seg.values.get(label)
        if isinstance(value, list):
            return [str(v) for v in value if v not in (None, "")]
        return [] if value in (None, "") else [str(value)]

    def fields(self, seg: SegmentRecord) -> dict[str, Any]:
        return {name: seg.values[name] for name in self.field_labels if name in seg.values}

    def recording_id(self, rec: Recording) -> str:
        """The recording's file name without its suffix and spaces, unique in the export
        (a clash gets the datapoint id appended)."""
        base = ident(stem(rec.name))
        owner = self._names.setdefault(base, rec.id)
        return base if owner == rec.id else f"{base}_{rec.id}"

    @staticmethod
    def audio_name(rec: Recording) -> str:
        return rec.name.replace("\\", "/").rsplit("/", 1)[-1]

    def segments(self, item: AnnotatedRecording) -> Sequence[SegmentRecord]:
        return item.segments
