"""What an export should contain beyond the records: speakers, splits, audio clip settings.

Options are plain values; the audio itself reaches a format through a `ClipSource` the
caller provides, so formats cut clips without knowing where audio is stored.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from audino.formats.records import Recording
from audino.formats.report import ExportReport
from audino.formats.splits import SplitPlan

SPLIT_BY = ("recording", "speaker")
CODECS = ("flac", "wav", "mp3", "ogg")
# What an export does with a model's segments (source "model"): leave them out, keep them
# (marked as predictions where the format has a place: audino's `source`, Label Studio's
# `predictions`, the CSV `source` column), or write each model version as an annotator of
# its own, `model:<name>@<version>` (formats.selection).
PREDICTIONS = ("exclude", "include", "as_annotator")


class ClipSource(Protocol):
    """Cuts spans of a recording into encoded audio files, in the order given."""

    def __call__(
        self,
        recording: Recording,
        spans: Sequence[tuple[float, float, int | None]],  # start, end, channel (None: all)
        *,
        sample_rate: int,
        channels: int,
        codec: str,
    ) -> Iterator[bytes]: ...


@dataclass(frozen=True, slots=True)
class AudioSpec:
    """A format's audio: target sample rate, channel count and codec (file suffix)."""

    sample_rate: int = 16000
    channels: int = 1
    codec: str = "flac"


@dataclass(frozen=True, slots=True)
class ExportOptions:
    # The segment label whose value names the speaker; None: a label called "speaker".
    speaker_label: str | None = None
    # The segment label whose value is the speaker's gender (female/f/woman, male/m/man,
    # any case); None: a label called "gender" or "sex", else the "gender" attribute.
    gender_label: str | None = None
    # (name, ratio) pairs, e.g. (("train", 0.8), ("dev", 0.1), ("test", 0.1)); empty: one
    # split, named by the format's default.
    splits: tuple[tuple[str, float], ...] = ()
    split_by: str = "recording"  # a speaker never spans splits with "speaker"
    # Which split each key goes to (formats.splits): `Format.output_files` makes it from a
    # list of records; a caller that streams records from elsewhere gives it.
    split_plan: SplitPlan | None = field(default=None, compare=False)
    sample_rate: int | None = None  # None: the format's default
    channels: int | None = None
    codec: str | None = None
    locale: str | None = None  # Common Voice and friends; None: from the recording metadata
    # The absolute folder the export will be unpacked into (or was written to): Kaldi's
    # wav.scp paths start with it, so readers find the audio from any working directory.
    # None: paths relative to the data dir.
    audio_root: str | None = None
    # Keep one annotator's segments per datapoint (see selection.one_annotator), not all.
    one_annotator: bool = False
    predictions: str = "exclude"  # one of PREDICTIONS
    clips: ClipSource | None = field(default=None, compare=False)
    # Where the format counts what it could not carry; `Format.output_files` sets a fresh
    # one per export, so a format always finds one there.
    report: ExportReport | None = field(default=None, compare=False)

    @property
    def counts(self) -> ExportReport:
        """The export's report, or a throwaway one when the format is called directly."""
        return self.report if self.report is not None else ExportReport()

    def audio(self, default: AudioSpec) -> AudioSpec:
        return AudioSpec(
            self.sample_rate or default.sample_rate,
            self.channels or default.channels,
            self.codec or default.codec,
        )


def parse_splits(text: str | None) -> tuple[tuple[str, float], ...]:
    """`train=0.8,dev=0.1,test=0.1` (or `train:8,dev:1,test:1`) as (name, ratio) pairs."""
    if not text:
        return ()
    out = []
    for part in text.split(","):
        name, sep, ratio = part.replace(":", "=").partition("=")
        name = name.strip()
        try:
            value = float(ratio) if sep else -1.0
        except ValueError:
            value = -1.0
        if not math.isfinite(value):
            value = -1.0
        if not name or not name.replace("-", "").replace("_", "").isalnum() or value < 0:
            raise ValueError(f"bad split {part.strip()!r}: use name=ratio, e.g. train=0.8,test=0.2")
        out.append((name, value))
    if sum(r for _, r in out) <= 0:
        raise ValueError("split ratios must add up to more than zero")
    if len({n for n, _ in out}) != len(out):
        raise ValueError("a split name appears twice")
    return tuple(out)
