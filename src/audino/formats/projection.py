"""How formats see a segment: its speaker, its label values as tags, its ids.

Formats with speakers take them from a label (the export option, else a segment label
named "speaker"), else a segment attribute "speaker", else the recording's metadata.
Genders come the same way (the `gender_label` option, else a label named "gender" or
"sex", else the "gender" attribute or metadata); formats that know only m/f map
female/f/woman and male/m/man in any case, and count any other value as left out.
A segment's text is its transcript and nothing else: label values go where a format has
a place for them (tiers, columns, speaker fields) or nowhere, never into the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any

from audino.formats.files import stem
from audino.formats.options import ExportOptions
from audino.formats.records import AnnotatedRecording, Dataset, Recording, SegmentRecord
from audino.formats.report import no_place, no_place_for_recordings
from audino.formats.splits import key_of_recording, speaker_key

SPEAKER_NAMES = ("speaker", "speaker_id", "spk", "talker")
GENDER_NAMES = ("gender", "sex")
GENDERS = {"f": "f", "female": "f", "woman": "f", "m": "m", "male": "m", "man": "m"}
UNMAPPED_GENDER = "gender neither female (f, woman) nor male (m, man)"
_SPACE = re.compile(r"\s+")


def ident(text: str, default: str = "unknown") -> str:
    """An id without spaces (RTTM, Kaldi, STM fields are space-separated)."""
    out = _SPACE.sub("_", text.strip())
    return out or default


def word_char(c: str) -> bool:
    """A letter, a digit or a combining mark (Unicode L*, N*, M*): Devanagari vowel signs
    and the dot of Turkish İ (NFD) belong to their word."""
    return unicodedata.category(c)[0] in "LNM"


def file_safe(text: str, default: str = "unknown") -> str:
    """A file-name part (NFC): letters, digits, combining marks, `.`, `-`, `_` only."""
    kept = "".join(c if word_char(c) or c in "._-" else " " for c in text.strip())
    out = _SPACE.sub("_", kept.strip()).strip("._")
    return unicodedata.normalize("NFC", out) or default


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
        gender = options.gender_label
        if gender is None:
            gender = next((s.name for s in labels if s.name.lower() in GENDER_NAMES), None)
        self.gender_label = gender
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

    def gender_value(self, seg: SegmentRecord, rec: Recording | None = None) -> str | None:
        """The speaker's gender as annotated: any text, None when nobody said."""
        value: Any = None
        if self.gender_label is not None:
            found = self.values_of(seg, self.gender_label)
            value = found[0] if found else None
        if value in (None, ""):
            value = seg.attributes.get("gender")
        if value in (None, "") and rec is not None:
            value = rec.metadata.get("gender")
        return None if value in (None, "") else str(value)

    def gender_code(self, value: str | None) -> str | None:
        """ "f" or "m" for a gender value; another value is counted in the report as left
        out (None: nothing to count)."""
        if value is None:
            return None
        found = GENDERS.get(value.strip().casefold())
        if found is None:
            self.options.counts.leave_out(UNMAPPED_GENDER)
        return found

    def gender(self, seg: SegmentRecord, rec: Recording | None = None) -> str | None:
        """ "f", "m" or None; counts a value that is neither (see `gender_code`)."""
        return self.gender_code(self.gender_value(seg, rec))

    def split_of(
        self, rec: Recording, seg: SegmentRecord | None = None, default: str = "train"
    ) -> str:
        """The split of a recording, or of a segment's speaker with `split_by="speaker"`
        (formats.splits); `default` when the export is not split."""
        options = self.options
        if not options.splits:
            return default
        if options.split_plan is None:
            raise ValueError("a split export needs its SplitPlan (Format.output_files)")
        if options.split_by == "speaker" and seg is not None:
            return options.split_plan.split(speaker_key(self.speaker(seg, rec), rec))
        return options.split_plan.split(key_of_recording(rec))

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

    def count_left_out(self, seg: SegmentRecord, carried: Collection[str], where: str) -> None:
        """Counts the segment's label values that the format has no place for: those of
        labels other than the ones `carried` (by name, any case)."""
        keep = {n.casefold() for n in carried}
        left = sum(
            1
            for name, value in seg.values.items()
            if name.casefold() not in keep and value not in (None, "", [])
        )
        if left:
            self.options.counts.leave_out(no_place(where), left)

    def carried(self, *names: str, speaker: bool = True, gender: bool = True) -> set[str]:
        """Label names a format has a place for: `names`, and the speaker and gender
        labels when it has speakers and genders."""
        out = set(names)
        if speaker and self.speaker_label:
            out.add(self.speaker_label)
        if gender and self.gender_label:
            out.add(self.gender_label)
        return out

    def count_recording_values(self, rec: Recording, where: str) -> None:
        """Counts the recording-level values a format without a place for them drops."""
        left = sum(1 for a in rec.assignments for v in a.values.values() if v not in (None, "", []))
        if left:
            self.options.counts.leave_out(no_place_for_recordings(where), left)

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
