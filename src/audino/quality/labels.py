"""Categorical label agreement on matched segments and on frames (κ and α per label).

On matched segments a unit is a matched pair (two annotators) or a group of segments
matched together, one per annotator (three or more). On frames a unit is a frame
(10 ms by default): each annotator's value is the label's value on the segment covering
the frame's centre (the latest-starting one where their segments overlap), or "none".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from audino.formats.records import SegmentRecord
from audino.quality.coefficients import (
    Coefficient,
    FleissCounts,
    cohen_kappa,
    coincidences,
    coincidences_of_confusion,
    fleiss_counts,
    fleiss_kappa,
    krippendorff_alpha,
    sorted_cells,
    sorted_items,
)
from audino.quality.items import Category, OverlapItem, category_of
from audino.quality.matching import Matching

Cells = Mapping[tuple[Category, Category], float]


@dataclass(frozen=True, slots=True)
class PairTable:
    """One label between two annotators over one kind of unit."""

    confusion: tuple[tuple[Category, Category, float], ...]  # (A's value, B's value, units)
    kappa: Coefficient  # Cohen's
    alpha: Coefficient  # Krippendorff's, nominal


def pair_table(confusion: Mapping[tuple[Category, Category], int]) -> PairTable:
    n = sum(confusion.values())
    return PairTable(
        sorted_cells(confusion),
        cohen_kappa(confusion),
        krippendorff_alpha(coincidences_of_confusion(confusion), n),
    )


@dataclass(frozen=True, slots=True)
class GroupTable:
    """One label among all of an item's annotators over one kind of unit."""

    coincidences: tuple[tuple[Category, Category, float], ...]
    fleiss: FleissCounts  # complete units only: every annotator rated them
    units: int  # units with two ratings or more, what α rests on
    kappa: Coefficient  # Fleiss', on complete units
    alpha: Coefficient  # Krippendorff's, nominal, on every unit with two ratings or more


def group_table(cells: Cells, fleiss: FleissCounts, units: int) -> GroupTable:
    return GroupTable(
        sorted_cells(cells),
        fleiss,
        units,
        fleiss_kappa(fleiss),
        krippendorff_alpha(cells, units),
    )


@dataclass(frozen=True, slots=True)
class LabelPairAgreement:
    label: str
    matched: PairTable
    frames: PairTable


@dataclass(frozen=True, slots=True)
class LabelGroupAgreement:
    label: str
    matched: GroupTable
    frames: GroupTable
    ambiguous: int  # groups left out: one annotator's two segments matched into one group


def matched_confusion(
    label: str, a: Sequence[SegmentRecord], b: Sequence[SegmentRecord], matching: Matching
) -> dict[tuple[Category, Category], int]:
    out: Counter[tuple[Category, Category]] = Counter()
    for i, j, _ in matching.pairs:
        out[category_of(a[i], label), category_of(b[j], label)] += 1
    return dict(out)


def matched_group(
    label: str, groups: Sequence[Mapping[str, SegmentRecord]], annotators: int
) -> GroupTable:
    """Groups of matched segments (annotator -> segment); Fleiss' κ takes the complete ones."""
    # Plain dicts counted in a loop: Counter's constructor costs more than the counting here.
    pairable: list[dict[Category, int]] = []
    complete: list[dict[Category, int]] = []
    for group in groups:
        if len(group) < 2:
            continue
        unit: dict[Category, int] = {}
        for seg in group.values():
            c = category_of(seg, label)
            unit[c] = unit.get(c, 0) + 1
        pairable.append(unit)
        if len(group) == annotators:
            complete.append(unit)
    return group_table(coincidences(pairable), fleiss_counts(complete), len(pairable))


@dataclass(slots=True)
class FrameGrid:
    """Every annotator's coverage and label values on runs of frames where none changes
    (so a minute of audio is a few dozen runs, each weighing its frames, not 6,000 rows)."""

    frame: float
    count: int  # frames in the item
    weights: np.ndarray  # frames in each run
    covered: dict[str, np.ndarray]  # annotator -> bool per run
    codes: dict[str, dict[str, np.ndarray]]  # label -> annotator -> category code per run
    categories: dict[str, list[Category]]  # label -> categories by code; code 0 is None


def frame_span(seg: SegmentRecord, frame: float, count: int) -> tuple[int, int]:
    """The frames whose centre (i + 0.5) * frame lies in [start, end): range(lo, hi)."""
    lo = min(count, max(0, math.ceil(seg.start / frame - 0.5)))
    hi = min(count, max(0, math.ceil(seg.end / frame - 0.5)))
    return lo, hi


def frame_grid(item: OverlapItem, labels: Sequence[str], frame: float) -> FrameGrid:
    count = max(0, math.ceil(item.extent / frame - 1e-9))
    spans: dict[str, list[tuple[int, int, SegmentRecord]]] = {}
    cuts = {0, count}
    for annotator in item.annotators:
        found = []
        for seg in sorted(item.annotations[annotator], key=lambda s: (s.start, s.end)):
            lo, hi = frame_span(seg, frame, count)
            if hi > lo:
                found.append((lo, hi, seg))
                cuts.update((lo, hi))
        spans[annotator] = found
    edges = sorted(cuts)
    run_of = {edge: k for k, edge in enumerate(edges)}
    runs = len(edges) - 1
    grid = FrameGrid(
        frame, count, np.diff(np.array(edges)), {}, {label: {} for label in labels}, {}
    )
    lookup: dict[str, dict[Category, int]] = {label: {None: 0} for label in labels}
    for annotator, found in spans.items():
        covered = np.zeros(runs, dtype=bool)
        codes = {label: np.zeros(runs, dtype=np.intp) for label in labels}
        # in start order: where one annotator's segments overlap, the later one wins
        for lo, hi, seg in found:
            first, last = run_of[lo], run_of[hi]
            covered[first:last] = True
            for label in labels:
                known = lookup[label]
                codes[label][first:last] = known.setdefault(category_of(seg, label), len(known))
        grid.covered[annotator] = covered
        for label in labels:
            grid.codes[label][annotator] = codes[label]
    grid.categories = {label: list(known) for label, known in lookup.items()}
    return grid


def frame_confusion(
    grid: FrameGrid, label: str, a: str, b: str, include_silence: bool
) -> dict[tuple[Category, Category], int]:
    ca, cb, w = grid.codes[label][a], grid.codes[label][b], grid.weights
    if not include_silence:
        mask = grid.covered[a] | grid.covered[b]
        ca, cb, w = ca[mask], cb[mask], w[mask]
    names = grid.categories[label]
    v = len(names)
    counts = np.bincount(ca * v + cb, weights=w, minlength=v * v)
    return {(names[k // v], names[k % v]): round(counts[k]) for k in np.flatnonzero(counts)}


def frame_group(
    grid: FrameGrid, label: str, annotators: Sequence[str], include_silence: bool
) -> GroupTable:
    """Every frame is rated by every annotator ("none" where they drew nothing)."""
    names = grid.categories[label]
    v, m = len(names), len(annotators)
    w = grid.weights
    table = np.zeros((len(w), v))  # run -> raters per category
    rows = np.arange(len(w))
    for annotator in annotators:
        table[rows, grid.codes[label][annotator]] += 1
    if not include_silence and annotators:
        covered = np.logical_or.reduce([grid.covered[x] for x in annotators])
        table, w = table[covered], w[covered]
    frames = int(w.sum())
    if m < 2 or frames == 0:
        return group_table({}, FleissCounts(), 0)
    weighted = table * w[:, None]
    totals = weighted.sum(axis=0)
    matrix = (table.T @ weighted - np.diag(totals)) / (m - 1)
    cells = {
        (names[c], names[k]): float(matrix[c, k]) for c, k in zip(*np.nonzero(matrix), strict=True)
    }
    agreement = (float((weighted * table).sum()) - frames * m) / (m * (m - 1))
    fleiss = FleissCounts(
        frames,
        frames * m,
        agreement,
        sorted_items({names[c]: round(t) for c, t in enumerate(totals) if t}),
    )
    return group_table(cells, fleiss, frames)
