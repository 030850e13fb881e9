"""One-to-one segment matching between two annotators by temporal IoU (Hungarian)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from audino.formats.records import SegmentRecord


@dataclass(frozen=True, slots=True)
class Matching:
    """Pairs (index in A, index in B, IoU) and the indices left unmatched on each side."""

    pairs: tuple[tuple[int, int, float], ...]
    unmatched_a: tuple[int, ...]
    unmatched_b: tuple[int, ...]
    threshold: float

    @property
    def matched(self) -> int:
        return len(self.pairs)


def iou(a: SegmentRecord, b: SegmentRecord) -> float:
    """Temporal intersection over union; 0 for segments on different channels."""
    if a.channel is not None and b.channel is not None and a.channel != b.channel:
        return 0.0
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / ((a.end - a.start) + (b.end - b.start) - inter)


def iou_matrix(a: Sequence[SegmentRecord], b: Sequence[SegmentRecord]) -> np.ndarray:
    sa = np.array([s.start for s in a], dtype=float)[:, None]
    ea = np.array([s.end for s in a], dtype=float)[:, None]
    sb = np.array([s.start for s in b], dtype=float)[None, :]
    eb = np.array([s.end for s in b], dtype=float)[None, :]
    inter = np.clip(np.minimum(ea, eb) - np.maximum(sa, sb), 0.0, None)
    union = (ea - sa) + (eb - sb) - inter
    out: np.ndarray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    ca = [s.channel for s in a]
    cb = [s.channel for s in b]
    if any(c is not None for c in ca) and any(c is not None for c in cb):
        for i, x in enumerate(ca):
            for j, y in enumerate(cb):
                if x is not None and y is not None and x != y:
                    out[i, j] = 0.0
    return out


def match_segments(
    a: Sequence[SegmentRecord], b: Sequence[SegmentRecord], threshold: float = 0.4
) -> Matching:
    """The one-to-one matching of A's and B's segments with IoU >= threshold that has the
    largest total IoU (pairs under the threshold are worth nothing, so never chosen)."""
    pairs: list[tuple[int, int, float]] = []
    if a and b:
        scores = iou_matrix(a, b)
        scores[scores < threshold] = 0.0
        if scores.any():
            rows, cols = linear_sum_assignment(scores, maximize=True)
            pairs = [
                (int(i), int(j), float(scores[i, j]))
                for i, j in zip(rows, cols, strict=True)
                if scores[i, j] > 0.0
            ]
    in_a = {i for i, _, _ in pairs}
    in_b = {j for _, j, _ in pairs}
    return Matching(
        tuple(pairs),
        tuple(i for i in range(len(a)) if i not in in_a),
        tuple(j for j in range(len(b)) if j not in in_b),
        threshold,
    )
