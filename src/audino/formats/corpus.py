"""What corpus layouts share: one utterance per segment, with its speaker, split,
attributes and clip, walked recording by recording so clips stream out in order.
An utterance's text is the segment's transcript on one line, never its label values."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from audino.formats.clipping import clip_files
from audino.formats.files import OutputFile
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, file_safe, word_char
from audino.formats.records import Dataset, Recording, SegmentRecord
from audino.formats.report import NO_TRANSCRIPT
from audino.formats.splits import speaker_key

ATTRIBUTES = ("gender", "age", "accent", "locale", "emotion", "language")


@dataclass(slots=True)
class Utterance:
    recording: Recording
    segment: SegmentRecord
    speaker: str | None  # as annotated (None: nobody named)
    speaker_key: str  # the speaker, else the recording's audio (formats.splits)
    split: str
    text: str
    gender_value: str | None = None  # as annotated (see Projection.gender_value)
    sex: str | None = None  # "f" or "m", when the format asked (utterances' `genders`)

    @property
    def duration(self) -> float:
        return self.segment.end - self.segment.start

    def attribute(self, name: str) -> Any:
        """A segment attribute, else a segment label of that name, else recording metadata;
        the gender is the export's (its `gender_label`)."""
        if name == "gender":
            return self.gender_value
        seg = self.segment
        for source in (seg.attributes, seg.values, self.recording.metadata):
            value = source.get(name)
            if value not in (None, "", []):
                return value
        return None

    def gender(self) -> str:
        """ "female", "male", or "" (unknown, or not asked for)."""
        return {"m": "male", "f": "female"}.get(self.sex or "", "")


class Numbering:
    """Stable small ids for names, in order of first appearance: 1, 2, 3…"""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        return self.ids.setdefault(name, len(self.ids) + 1)


def utterances(
    dataset: Dataset,
    options: ExportOptions,
    view: Projection,
    default_split: str,
    *,
    transcribed: bool = False,
    genders: bool = False,
    carried: Collection[str] | None = None,
    speakers: bool = True,
    where: str = "",
) -> Iterator[tuple[Recording, list[Utterance]]]:
    """Each recording with its utterances; with `transcribed` (a corpus of transcripts),
    segments without a transcript are left out and counted in the export's report; with
    `genders` (a format that knows only male and female), genders are mapped to m/f and
    other values counted as left out. With `carried` (the labels the layout has a place
    for, besides gender and, unless `speakers` is false, speaker), other label values of
    the utterances written, and recording-level values, are counted as left out of `where`."""
    report = options.counts
    for item in dataset.items:
        rec = item.recording
        if carried is not None:
            view.count_recording_values(rec, where)
        out = []
        for seg in item.segments:
            if seg.end <= seg.start:
                continue  # an instant has no audio to cut
            text = " ".join(seg.transcript.split())
            if transcribed and not text:
                report.skip(NO_TRANSCRIPT)
                continue
            speaker = view.speaker(seg, rec)
            key = speaker_key(speaker, rec)
            gender = view.gender_value(seg, rec)
            sex = view.gender_code(gender) if genders else None
            split = view.split_of(rec, seg, default_split)
            if carried is not None:
                view.count_left_out(seg, view.carried(*carried, speaker=speakers), where)
            out.append(Utterance(rec, seg, speaker, key, split, text, gender, sex))
        yield rec, out


def clips(
    options: ExportOptions,
    spec: AudioSpec,
    recording: Recording,
    utts: list[Utterance],
    paths: list[str],
) -> Iterator[OutputFile]:
    spans = [(u.segment.start, u.segment.end, u.segment.channel) for u in utts]
    yield from clip_files(options, spec, recording, spans, paths)


def speaker_name(utt: Utterance) -> str:
    return utt.speaker if utt.speaker is not None else utt.recording.name


def alnum(text: str, default: str) -> str:
    """Letters, digits and their combining marks only (ids whose parts are joined by "_"
    or "-")."""
    out = "".join(c for c in file_safe(text, "") if word_char(c))
    return out or default
