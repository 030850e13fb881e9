"""A model's predictions against people's finished work on the same items: segment-level
precision / recall / F1 (one-to-one matches at IoU ≥ 0.5), frame-level (10 ms) speech
precision / recall / F1, WER/CER of the transcripts of matched segments, and how far the
matched boundaries are off (median |Δstart|, |Δend|). Counts are pooled over items, so the
figures are corpus figures, not means of per-item ones."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from audino.formats.records import SegmentRecord
from audino.quality.matching import match_segments
from audino.quality.text import character_errors, normalized, word_errors

SEGMENT_IOU = 0.5
FRAME = 0.01


def _prf(tp: float, fp: float, fn: float) -> tuple[float | None, float | None, float | None]:
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None or precision + recall == 0:
        return precision, recall, None if precision is None or recall is None else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall)


@dataclass
class Evaluation:
    """Pooled counts of one model version against the human work it was compared with."""

    items: int = 0
    comparisons: int = 0  # (item, person) pairs
    predicted: int = 0
    human: int = 0
    matched: int = 0
    frame_tp: int = 0
    frame_fp: int = 0
    frame_fn: int = 0
    text_pairs: list[tuple[str, str]] = field(default_factory=list)
    start_offsets: list[float] = field(default_factory=list)
    end_offsets: list[float] = field(default_factory=list)

    def add(
        self, predicted: Sequence[SegmentRecord], human: Sequence[SegmentRecord], extent: float
    ) -> None:
        """One person's work on an item against the model's predictions there."""
        self.comparisons += 1
        self.predicted += len(predicted)
        self.human += len(human)
        matching = match_segments(human, predicted, SEGMENT_IOU)
        self.matched += matching.matched
        for i, j, _ in matching.pairs:
            h, p = human[i], predicted[j]
            self.start_offsets.append(abs(h.start - p.start))
            self.end_offsets.append(abs(h.end - p.end))
            if h.transcript or p.transcript:
                self.text_pairs.append((normalized(h.transcript), normalized(p.transcript)))
        covered_h, covered_p = _frames(human, extent), _frames(predicted, extent)
        self.frame_tp += int(np.count_nonzero(covered_h & covered_p))
        self.frame_fp += int(np.count_nonzero(~covered_h & covered_p))
        self.frame_fn += int(np.count_nonzero(covered_h & ~covered_p))

    def json(self) -> dict[str, object]:
        p, r, f = _prf(self.matched, self.predicted - self.matched, self.human - self.matched)
        fp, fr, ff = _prf(self.frame_tp, self.frame_fp, self.frame_fn)
        wer = word_errors(self.text_pairs) if self.text_pairs else None
        cer = character_errors(self.text_pairs) if self.text_pairs else None

        def median(xs: list[float]) -> float | None:
            return round(statistics.median(xs), 4) if xs else None

        return {
            "items": self.items,
            "comparisons": self.comparisons,
            "predicted": self.predicted,
            "human": self.human,
            "matched": self.matched,
            "precision": _r(p),
            "recall": _r(r),
            "f1": _r(f),
            "frame_precision": _r(fp),
            "frame_recall": _r(fr),
            "frame_f1": _r(ff),
            # The person's text is the reference.
            "wer": None if wer is None else _r(wer.a_ref),
            "cer": None if cer is None else _r(cer.a_ref),
            "median_start_error": median(self.start_offsets),
            "median_end_error": median(self.end_offsets),
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _frames(segments: Sequence[SegmentRecord], extent: float) -> np.ndarray:
    """Which 10 ms frames (by their centres) a segment covers."""
    count = max(0, math.ceil(extent / FRAME - 1e-9))
    covered = np.zeros(count, dtype=bool)
    for s in segments:
        lo = min(count, max(0, math.ceil(s.start / FRAME - 0.5)))
        hi = min(count, max(0, math.ceil(s.end / FRAME - 0.5)))
        covered[lo:hi] = True
    return covered


def speech_iou(
    a: Sequence[SegmentRecord], b: Sequence[SegmentRecord], extent: float
) -> float | None:
    """How far two sets of segments mark the same 10 ms frames as speech: intersection over
    union of the frames they cover, or None when neither covers any."""
    covered_a, covered_b = _frames(a, extent), _frames(b, extent)
    union = int(np.count_nonzero(covered_a | covered_b))
    return int(np.count_nonzero(covered_a & covered_b)) / union if union else None
