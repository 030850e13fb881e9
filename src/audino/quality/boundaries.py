"""Boundary agreement: precision, recall and F1 of segment starts and ends within a tolerance.

A boundary is any segment start or end; boundaries of one annotator closer than 1 ms
are one (two adjacent segments share theirs). A boundary of B is a hit when it lies within
the tolerance of a boundary of A, one-to-one; the sweep below finds the largest such
matching (for points on a line, pairing the earliest compatible ones is optimal).
Precision is B's boundaries that hit, recall A's: A is the reference, and F1 is the same
either way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from audino.formats.records import SegmentRecord

_SAME = 0.001  # seconds: closer boundaries of one annotator are one boundary
_EPS = 1e-9  # so that 1.2 - 1.0 counts as within 0.2


@dataclass(frozen=True, slots=True)
class BoundaryAgreement:
    tolerance: float
    boundaries_a: int
    boundaries_b: int
    matched: int
    offset: float  # summed |A - B| over matched boundaries, seconds
    precision: float | None  # matched / boundaries_b
    recall: float | None  # matched / boundaries_a
    f1: float | None  # 2 * matched / (boundaries_a + boundaries_b)
    mean_offset: float | None  # offset / matched
    reason: str | None = None


def boundary_agreement(
    tolerance: float, boundaries_a: int, boundaries_b: int, matched: int, offset: float
) -> BoundaryAgreement:
    """The figures from the counts; pooled figures add counts up and call this again."""
    total = boundaries_a + boundaries_b
    return BoundaryAgreement(
        tolerance,
        boundaries_a,
        boundaries_b,
        matched,
        offset,
        matched / boundaries_b if boundaries_b else None,
        matched / boundaries_a if boundaries_a else None,
        2 * matched / total if total else None,
        offset / matched if matched else None,
        None if total else "no segments on either side",
    )


def boundaries(segments: Sequence[SegmentRecord]) -> list[float]:
    points = sorted(t for s in segments for t in (s.start, s.end))
    out: list[float] = []
    for t in points:
        if not out or t - out[-1] >= _SAME:
            out.append(t)
    return out


def match_boundaries(
    a: Sequence[float], b: Sequence[float], tolerance: float
) -> list[tuple[int, int]]:
    """The largest one-to-one matching of sorted points within `tolerance` of each other."""
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        if abs(a[i] - b[j]) <= tolerance + _EPS:
            pairs.append((i, j))
            i += 1
            j += 1
        elif a[i] < b[j]:
            i += 1
        else:
            j += 1
    return pairs


def boundary_f1(
    a: Sequence[SegmentRecord], b: Sequence[SegmentRecord], tolerance: float = 0.2
) -> BoundaryAgreement:
    pa, pb = boundaries(a), boundaries(b)
    pairs = match_boundaries(pa, pb, tolerance)
    offset = sum(abs(pa[i] - pb[j]) for i, j in pairs)
    return boundary_agreement(tolerance, len(pa), len(pb), len(pairs), offset)
