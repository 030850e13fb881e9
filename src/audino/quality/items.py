"""What agreement is computed on: one recording, each annotator's segments, the options."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from audino.formats.records import SegmentRecord

# A label's value on a segment, as a category: the value text, "true"/"false" for a boolean,
# the sorted values joined by "|" for a multi-choice label, None when the segment has none.
Category = str | None


@dataclass(frozen=True, slots=True)
class OverlapItem:
    """One recording annotated independently by two or more annotators."""

    recording_id: int | None
    annotations: Mapping[str, Sequence[SegmentRecord]]  # annotator -> their segments
    duration: float | None = None  # the recording's; None: the latest segment end

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(sorted(self.annotations))

    @property
    def extent(self) -> float:
        """The seconds frame-level figures cover: the duration, else the last segment end."""
        if self.duration is not None:
            return self.duration
        return max((s.end for segs in self.annotations.values() for s in segs), default=0.0)


@dataclass(frozen=True, slots=True)
class AgreementOptions:
    iou_threshold: float = 0.4  # Audino 2025's gold rule: a segment matches at IoU >= 0.4
    boundary_tolerance: float = 0.2  # seconds a boundary may move and still count as the same
    frame: float = 0.01  # seconds per frame for frame-level label agreement
    # Labels compared as categories; None: every label whose values on this item are texts,
    # booleans or lists (single, boolean, multi). The server passes its schema's names, as a
    # free-text label looks like a single-choice one here.
    labels: tuple[str, ...] | None = None
    speaker_label: str = "speaker"  # else the segment attribute "speaker"
    normalize_text: bool = True  # lower case, no punctuation, single spaces before WER/CER
    # Frame-level figures count frames at least one annotator covered; True adds the frames
    # nobody covered (they agree on "none" and raise every coefficient).
    include_silence: bool = False


def group_by_author(
    segments: Iterable[SegmentRecord],
    *,
    recording_id: int | None = None,
    duration: float | None = None,
) -> OverlapItem:
    """An item from a recording's segments; segments without an author are left out."""
    annotations: dict[str, list[SegmentRecord]] = {}
    for seg in segments:
        if seg.author is not None:
            annotations.setdefault(seg.author, []).append(seg)
    return OverlapItem(recording_id, annotations, duration)


def speaker_of(seg: SegmentRecord, label: str) -> str | None:
    """The segment's speaker: the speaker label's value, else its "speaker" attribute."""
    value = seg.values.get(label)
    if isinstance(value, list):
        value = value[0] if value else None
    if value in (None, ""):
        value = seg.attributes.get("speaker")
    return None if value in (None, "") else str(value)


def category_of(seg: SegmentRecord, label: str) -> Category:
    value = seg.values.get(label)
    if type(value) is str:  # the common case first: called for every segment and label
        return value or None
    if value is None or value == []:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(sorted(str(v) for v in value))
    return str(value)


def categorical_labels(item: OverlapItem, options: AgreementOptions) -> tuple[str, ...]:
    if options.labels is not None:
        return options.labels
    found: set[str] = set()
    for segs in item.annotations.values():
        for seg in segs:
            for name, value in seg.values.items():
                if isinstance(value, str | bool | list):
                    found.add(name)
    found.discard(options.speaker_label)
    return tuple(sorted(found))
