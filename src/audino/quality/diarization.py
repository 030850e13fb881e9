"""Diarization agreement: DER and JER between two annotators' speaker turns.

The definitions are pyannote.metrics' (DiarizationErrorRate and JaccardErrorRate with no
collar, overlap scored, the recording as the scored region), computed here on numpy arrays:
pyannote.metrics takes ~9 ms an item, five times the whole agreement budget, and brings
pandas, scikit-learn and seconds of import. The tests check these figures against
pyannote.metrics on hand-made and random items.

Speakers are mapped one-to-one to maximise the time they share (Hungarian). The errors
(missed speech, false alarm, confusion) are the same whichever annotator is the reference,
except that missed and false alarm swap; the DER divides them by the reference's speech.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from audino.formats.records import SegmentRecord
from audino.quality.items import speaker_of


@dataclass(frozen=True, slots=True)
class DiarizationAgreement:
    speakers_a: int
    speakers_b: int
    unnamed_a: int  # segments without a speaker, left out
    unnamed_b: int
    speech_a: float  # seconds of A's speech, each speaker's counted (DER's total with A as ref)
    speech_b: float
    missed: float  # seconds, A as reference (B as reference: this is the false alarm)
    false_alarm: float
    confusion: float
    jer_error_a: float  # summed per-speaker Jaccard error over A's speakers
    jer_error_b: float
    der_a_ref: float | None
    der_b_ref: float | None
    der_mean: float | None
    jer_a_ref: float | None
    jer_b_ref: float | None
    jer_mean: float | None
    reason: str | None = None


def diarization_figures(
    speakers_a: int,
    speakers_b: int,
    unnamed_a: int,
    unnamed_b: int,
    speech_a: float,
    speech_b: float,
    missed: float,
    false_alarm: float,
    confusion: float,
    jer_error_a: float,
    jer_error_b: float,
    reason: str | None = None,
) -> DiarizationAgreement:
    """The rates from the sums; pooled figures add sums up and call this again."""
    errors = missed + false_alarm + confusion
    der_a = errors / speech_a if speech_a > 0 and reason is None else None
    der_b = errors / speech_b if speech_b > 0 and reason is None else None
    jer_a = jer_error_a / speakers_a if speakers_a and reason is None else None
    jer_b = jer_error_b / speakers_b if speakers_b and reason is None else None
    if reason is None and (der_a is None or der_b is None):
        reason = f"no speech from {'A' if der_a is None else 'B'}"
    return DiarizationAgreement(
        speakers_a,
        speakers_b,
        unnamed_a,
        unnamed_b,
        speech_a,
        speech_b,
        missed,
        false_alarm,
        confusion,
        jer_error_a,
        jer_error_b,
        der_a,
        der_b,
        _mean(der_a, der_b),
        jer_a,
        jer_b,
        _mean(jer_a, jer_b),
        reason,
    )


def _mean(x: float | None, y: float | None) -> float | None:
    return (x + y) / 2 if x is not None and y is not None else None


Turns = tuple[list[tuple[float, float]], list[str]]


def speaker_turns(
    segments: Sequence[SegmentRecord], label: str, extent: float | None
) -> tuple[Turns, int]:
    """((start, end) and speaker of each named turn, clipped to [0, extent]), unnamed count."""
    spans: list[tuple[float, float]] = []
    names: list[str] = []
    unnamed = 0
    for seg in segments:
        speaker = speaker_of(seg, label)
        if speaker is None:
            unnamed += 1
            continue
        start = max(seg.start, 0.0)
        end = seg.end if extent is None else min(seg.end, extent)
        if end > start:
            spans.append((start, end))
            names.append(speaker)
    return (spans, names), unnamed


def _coverage(turns: Turns, bounds: np.ndarray) -> np.ndarray:
    """(regions x speakers) how many of a speaker's turns cover each elementary region."""
    spans, names = turns
    speakers = sorted(set(names))
    column = {name: k for k, name in enumerate(speakers)}
    out = np.zeros((len(bounds), len(speakers)), dtype=np.int64)
    if spans:
        edges = np.array(spans)
        cols = np.array([column[n] for n in names])
        np.add.at(out, (np.searchsorted(bounds, edges[:, 0]), cols), 1)
        np.add.at(out, (np.searchsorted(bounds, edges[:, 1]), cols), -1)
    return np.cumsum(out, axis=0)[:-1]


def diarization_agreement(
    a: Sequence[SegmentRecord],
    b: Sequence[SegmentRecord],
    speaker_label: str = "speaker",
    extent: float | None = None,
) -> DiarizationAgreement:
    turns_a, unnamed_a = speaker_turns(a, speaker_label, extent)
    turns_b, unnamed_b = speaker_turns(b, speaker_label, extent)
    reason = None
    if not turns_a[0] and not turns_b[0]:
        reason = "no speaker named"
    elif not turns_a[0] and unnamed_a:
        reason = "A named no speaker"
    elif not turns_b[0] and unnamed_b:
        reason = "B named no speaker"
    if reason is not None:
        return diarization_figures(0, 0, unnamed_a, unnamed_b, 0, 0, 0, 0, 0, 0, 0, reason)

    bounds = np.unique(
        np.array([t for spans in (turns_a[0], turns_b[0]) for s in spans for t in s])
    )
    d = np.diff(bounds)
    r = _coverage(turns_a, bounds)  # regions x A's speakers
    h = _coverage(turns_b, bounds)
    ra, hb = r.sum(axis=1), h.sum(axis=1)
    shared = r.T @ (h * d[:, None])  # seconds each pair of speakers talk together
    mapped: list[tuple[int, int]] = []
    if shared.size:
        rows, cols = linear_sum_assignment(shared, maximize=True)
        mapped = [(i, j) for i, j in zip(rows, cols, strict=True) if shared[i, j] > 0]
    correct = sum(float(d @ np.minimum(r[:, i], h[:, j])) for i, j in mapped)
    jaccard = 0.0  # summed Jaccard error of the mapped speakers (the same either way round)
    for i, j in mapped:
        ri, hj = r[:, i] > 0, h[:, j] > 0
        jaccard += float(d @ (ri ^ hj)) / float(d @ (ri | hj))
    speakers_a, speakers_b = r.shape[1], h.shape[1]
    return diarization_figures(
        speakers_a,
        speakers_b,
        unnamed_a,
        unnamed_b,
        float(d @ ra),
        float(d @ hb),
        float(d @ np.maximum(ra - hb, 0)),
        float(d @ np.maximum(hb - ra, 0)),
        float(d @ np.minimum(ra, hb)) - correct,
        jaccard + speakers_a - len(mapped),
        jaccard + speakers_b - len(mapped),
    )
