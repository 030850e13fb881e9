"""Interval tiers as Praat TextGrids and ELAN documents carry a recording's segments.

    Ann Lee            Ann Lee's transcripts (empty where a segment has none)
    Ann Lee: emotion   the values of the label "emotion" on the same spans, ", "-joined
    Ann Lee (2)        overlapping segments of one speaker spill into numbered tiers
    segments           the segments nobody is named on (and "segments: emotion")
    Bo [channel 2]     Bo's segments on the recording's second channel (0-based 1); a
                       segment on all channels has no channel in its tier's name

A transcript tier holds transcripts only; each single- or multi-choice label has its own
tier beside its speaker's. On import, a tier is a label tier when its name is another
tier's name, ": " and a label name; its intervals join the segment of that speaker with
the same start and end (to the millisecond), or make one without a transcript. A tier
that depends on another (ELAN's PARENT_REF) is a label tier of its speaker too, whatever
its name: its values join the speaker's segment they fall within (`add_within`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from audino.formats.annotations import Annotations
from audino.formats.lanes import lanes, tier_base, tier_names
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, SegmentRecord

DEFAULT_TIER = "segments"
LABEL_SEPARATOR = ": "
VALUE_SEPARATOR = ", "

Span = tuple[float, float, str]
# "Bo [channel 2]": 1-based, as Praat and ELAN users count channels.
_CHANNEL = re.compile(r"^(?P<name>.*) \[channel (?P<n>[1-9][0-9]*)\]$")


def channel_tier(speaker: str, channel: int | None) -> str:
    """The tier of a speaker's segments on one channel (the speaker's own for all channels)."""
    return speaker if channel is None else f"{speaker} [channel {channel + 1}]"


def tier_channel(name: str) -> tuple[str, int | None]:
    """`Bo [channel 2]` -> (`Bo`, 1); a name without a channel -> (name, None)."""
    found = _CHANNEL.match(name)
    return (found["name"], int(found["n"]) - 1) if found else (name, None)


def tiers(item: AnnotatedRecording, view: Projection) -> list[tuple[str, list[Span]]]:
    """(tier name, non-overlapping (start, end, text) in order): per speaker, the
    transcript lanes, then a tier (or lanes) per label that has values there."""
    rec = item.recording
    by_speaker: dict[str, list[SegmentRecord]] = {}
    for seg in item.segments:
        speaker = view.speaker(seg, rec) or DEFAULT_TIER
        by_speaker.setdefault(channel_tier(speaker, seg.channel), []).append(seg)
    out: list[tuple[str, list[Span]]] = []
    for speaker, segs in by_speaker.items():
        layers: list[tuple[str, list[Span]]] = [
            (speaker, [(s.start, s.end, s.transcript) for s in segs])
        ]
        for label in view.tag_labels:
            spans = [
                (s.start, s.end, VALUE_SEPARATOR.join(values))
                for s in segs
                if (values := view.values_of(s, label))
            ]
            if spans:
                layers.append((f"{speaker}{LABEL_SEPARATOR}{label}", spans))
        for name, spans in layers:
            split = lanes(spans)
            out.extend(zip(tier_names(name, len(split)), split, strict=True))
    return out


def carried(seg: SegmentRecord, view: Projection) -> bool:
    """Whether a tier holds anything of the segment where empty text reads as a gap."""
    return bool(seg.transcript.strip()) or any(view.values_of(seg, n) for n in view.tag_labels)


@dataclass(slots=True)
class _Read:
    speaker: str
    start: float
    end: float
    text: str = ""
    labels: dict[str, list[str]] = field(default_factory=dict)


class TierReader:
    """Intervals read from a file's tiers, merged into its segments."""

    def __init__(self, names: Iterable[str]) -> None:
        bases = list(dict.fromkeys(tier_base(str(name)) for name in names))
        self._label_of: dict[str, tuple[str, str]] = {}  # tier -> (speaker tier, label)
        for base in bases:
            owners = [s for s in bases if s != base and base.startswith(s + LABEL_SEPARATOR)]
            if owners:
                owner = max(owners, key=len)
                self._label_of[base] = (owner, base[len(owner) + len(LABEL_SEPARATOR) :])
        self._segments: list[_Read] = []
        self._labels: list[tuple[str, str, float, float, list[str]]] = []
        self._within: list[tuple[str, str, float, float, str]] = []

    def add(self, tier: str, start: float, end: float, text: str) -> None:
        base = tier_base(tier)
        found = self._label_of.get(base)
        if found is None:
            self._segments.append(_Read(base, start, end, text))
            return
        values = [v.strip() for v in text.split(VALUE_SEPARATOR) if v.strip()]
        if values:
            self._labels.append((*found, start, end, values))

    def add_within(self, speaker: str, label: str, start: float, end: float, text: str) -> None:
        """A dependent tier's annotation: `text` becomes a value of `label` on the
        `speaker` tier's segment that holds its middle (a new one when none does)."""
        if text.strip():
            self._within.append((tier_base(speaker), label, start, end, text.strip()))

    def into(self, out: Annotations, recording: str, path: str) -> None:
        for speaker, label, start, end, text in self._within:
            middle = (start + end) / 2
            owner = next(
                (s for s in self._segments if s.speaker == speaker and s.start <= middle <= s.end),
                None,
            )
            if owner is None:
                owner = _Read(speaker, start, end)
                self._segments.append(owner)
            owner.labels.setdefault(label, []).append(text)
        at: dict[tuple[str, int, int], list[_Read]] = {}
        for seg in self._segments:
            at.setdefault((seg.speaker, _ms(seg.start), _ms(seg.end)), []).append(seg)
        for speaker, label, start, end, values in self._labels:
            same = at.setdefault((speaker, _ms(start), _ms(end)), [])
            free = next((s for s in same if label not in s.labels), None)
            if free is None:
                free = _Read(speaker, start, end)
                same.append(free)
                self._segments.append(free)
            free.labels[label] = values
        for seg in self._segments:
            speaker, channel = tier_channel(seg.speaker)
            out.add(
                recording,
                seg.start,
                seg.end,
                speaker=None if speaker == DEFAULT_TIER else speaker,
                channel=channel,
                text=seg.text,
                labels=seg.labels,
                path=path,
            )


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
