"""Agreement over many items: per annotator pair, per label and for a whole project.

Every figure is pooled, never a mean of per-item figures: counts and seconds are added up
over items and the figure is computed once from the sums. So WER/CER weigh each item by its
reference words (jiwer's corpus WER), DER by the reference's speech seconds and JER by its
speakers (pyannote.metrics' accumulated figures), boundary F1 by boundaries, and κ/α by
units (matched segments, or frames: duration) — an item where everybody chose one
category has no κ of its own, but its units still count here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from audino.quality.agreement import ItemAgreement, PairAgreement
from audino.quality.boundaries import BoundaryAgreement, boundary_agreement
from audino.quality.coefficients import FleissCounts
from audino.quality.diarization import DiarizationAgreement, diarization_figures
from audino.quality.items import Category
from audino.quality.labels import (
    GroupTable,
    LabelPairAgreement,
    PairTable,
    group_table,
    pair_table,
)
from audino.quality.text import ErrorRate, error_rate


@dataclass(frozen=True, slots=True)
class PairSummary:
    annotators: tuple[str, str] | None  # None: every pair of every item together
    items: int
    segments_a: int
    segments_b: int
    matched: int
    matched_wer: ErrorRate
    matched_cer: ErrorRate
    item_wer: ErrorRate
    item_cer: ErrorRate
    boundaries: BoundaryAgreement
    diarization: DiarizationAgreement  # pairs where a side named no speaker add nothing
    labels: tuple[LabelPairAgreement, ...]


@dataclass(frozen=True, slots=True)
class LabelSummary:
    label: str
    items: int
    matched: GroupTable
    frames: GroupTable
    ambiguous: int


@dataclass(frozen=True, slots=True)
class ProjectSummary:
    items: int  # items with two annotators or more
    skipped: int  # items with fewer
    pairs: PairSummary
    labels: tuple[LabelSummary, ...]


def summarize_pairs(items: Iterable[ItemAgreement]) -> tuple[PairSummary, ...]:
    """One summary per annotator pair that shares an item, in name order."""
    by_pair: dict[tuple[str, str], list[PairAgreement]] = {}
    for item in items:
        for pair in item.pairs:
            by_pair.setdefault((pair.annotator_a, pair.annotator_b), []).append(pair)
    return tuple(pool_pairs(pairs, names) for names, pairs in sorted(by_pair.items()))


def summarize_labels(items: Iterable[ItemAgreement]) -> tuple[LabelSummary, ...]:
    """Per label, among all annotators of each item (Fleiss' κ, α)."""
    found: dict[str, list[tuple[GroupTable, GroupTable, int]]] = {}
    for item in items:
        for lab in item.labels:
            found.setdefault(lab.label, []).append((lab.matched, lab.frames, lab.ambiguous))
    return tuple(
        LabelSummary(
            label,
            len(rows),
            _pool_groups([m for m, _, _ in rows]),
            _pool_groups([f for _, f, _ in rows]),
            sum(a for _, _, a in rows),
        )
        for label, rows in sorted(found.items())
    )


def summarize_project(items: Iterable[ItemAgreement]) -> ProjectSummary:
    every = list(items)
    kept = [item for item in every if item.reason is None]
    return ProjectSummary(
        len(kept),
        len(every) - len(kept),
        pool_pairs([p for item in kept for p in item.pairs], None),
        summarize_labels(kept),
    )


def pool_pairs(pairs: Sequence[PairAgreement], annotators: tuple[str, str] | None) -> PairSummary:
    """Pairs (of one annotator pair, or any) pooled into one set of figures."""
    return PairSummary(
        annotators,
        len(pairs),
        sum(p.segments_a for p in pairs),
        sum(p.segments_b for p in pairs),
        sum(p.matching.matched for p in pairs),
        _pool_rates([p.transcripts.matched_wer for p in pairs]),
        _pool_rates([p.transcripts.matched_cer for p in pairs]),
        _pool_rates([p.transcripts.item_wer for p in pairs]),
        _pool_rates([p.transcripts.item_cer for p in pairs]),
        _pool_boundaries([p.boundaries for p in pairs]),
        _pool_diarization([p.diarization for p in pairs]),
        _pool_pair_labels([lab for p in pairs for lab in p.labels]),
    )


def _pool_rates(rates: Sequence[ErrorRate]) -> ErrorRate:
    return error_rate(
        sum(r.errors for r in rates), sum(r.length_a for r in rates), sum(r.length_b for r in rates)
    )


def _pool_boundaries(found: Sequence[BoundaryAgreement]) -> BoundaryAgreement:
    return boundary_agreement(
        found[0].tolerance if found else 0.0,
        sum(b.boundaries_a for b in found),
        sum(b.boundaries_b for b in found),
        sum(b.matched for b in found),
        sum(b.offset for b in found),
    )


def _pool_diarization(found: Sequence[DiarizationAgreement]) -> DiarizationAgreement:
    """Undefined pairs add nothing but their unnamed segments (their sums are zeros)."""
    speech = sum(d.speech_a + d.speech_b for d in found)
    return diarization_figures(
        sum(d.speakers_a for d in found),
        sum(d.speakers_b for d in found),
        sum(d.unnamed_a for d in found),
        sum(d.unnamed_b for d in found),
        sum(d.speech_a for d in found),
        sum(d.speech_b for d in found),
        sum(d.missed for d in found),
        sum(d.false_alarm for d in found),
        sum(d.confusion for d in found),
        sum(d.jer_error_a for d in found),
        sum(d.jer_error_b for d in found),
        None if speech else "no speaker named",
    )


def _sum_cells(
    tables: Iterable[tuple[tuple[Category, Category, float], ...]],
) -> dict[tuple[Category, Category], float]:
    out: dict[tuple[Category, Category], float] = {}
    for cells in tables:
        for a, b, v in cells:
            out[a, b] = out.get((a, b), 0.0) + v
    return out


def _pool_pair_labels(found: Sequence[LabelPairAgreement]) -> tuple[LabelPairAgreement, ...]:
    by_label: dict[str, list[LabelPairAgreement]] = {}
    for lab in found:
        by_label.setdefault(lab.label, []).append(lab)
    return tuple(
        LabelPairAgreement(
            label,
            _pool_pair_tables([lab.matched for lab in labs]),
            _pool_pair_tables([lab.frames for lab in labs]),
        )
        for label, labs in sorted(by_label.items())
    )


def _pool_pair_tables(tables: Sequence[PairTable]) -> PairTable:
    cells = _sum_cells(t.confusion for t in tables)
    return pair_table({k: round(v) for k, v in cells.items()})


def _pool_groups(tables: Sequence[GroupTable]) -> GroupTable:
    fleiss = FleissCounts()
    for t in tables:
        fleiss = fleiss + t.fleiss
    return group_table(
        _sum_cells(t.coincidences for t in tables), fleiss, sum(t.units for t in tables)
    )
