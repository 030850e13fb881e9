"""Chance-corrected agreement coefficients from counts that add up across items.

Cohen's κ rests on a confusion table (A's category, B's category) -> units; Fleiss' κ on
per-category totals and the summed per-unit agreement; Krippendorff's α (nominal) on the
coincidence matrix. Each is a sum over units, so a project's figure is the same function
applied to its items' counts added together: pooled over all units, never a mean of
per-item coefficients (an item where everybody chose one category has no κ of its own,
but its units still count in the project's).

The formulas are the textbook ones (Cohen 1960; Fleiss 1971; Krippendorff 2011) and the
tests check them against published worked examples and the `krippendorff` package. They
are written out here because no light library takes added-up counts: `krippendorff`
wants one row per unit (a project's 10 ms frames are millions), statsmodels brings pandas
and patsy, scikit-learn has no Fleiss' κ.
Undefined figures (no units, one category only) are None with a reason, never NaN.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from audino.quality.items import Category


@dataclass(frozen=True, slots=True)
class Coefficient:
    value: float | None
    observed: float | None  # observed agreement, 0..1
    expected: float | None  # agreement expected by chance, 0..1
    units: int  # units (segments or frames) it rests on
    reason: str | None = None


def _undefined(units: int, reason: str) -> Coefficient:
    return Coefficient(None, None, None, units, reason)


def _one_category(used: Iterable[Category]) -> str:
    names = sorted({"none" if c is None else c for c in used})
    return f"only one category ({names[0]})" if names else "no units"


def cohen_kappa(confusion: Mapping[tuple[Category, Category], int]) -> Coefficient:
    """Cohen's κ for two annotators: (p_o - p_e) / (1 - p_e), with p_e from each
    annotator's own marginals."""
    n = sum(confusion.values())
    if n == 0:
        return _undefined(0, "no units")
    rows: Counter[Category] = Counter()
    cols: Counter[Category] = Counter()
    agree = 0
    for (a, b), count in confusion.items():
        rows[a] += count
        cols[b] += count
        if a == b:
            agree += count
    used = {c for c, k in rows.items() if k} | {c for c, k in cols.items() if k}
    if len(used) < 2:
        return _undefined(n, _one_category(used))
    p_o = agree / n
    p_e = sum(rows[c] * cols[c] for c in used) / (n * n)
    return Coefficient((p_o - p_e) / (1 - p_e), p_o, p_e, n)


@dataclass(frozen=True, slots=True)
class FleissCounts:
    """What Fleiss' κ needs, summed over units (a unit: one segment or frame, rated by
    every annotator of the item; raters may differ between units, as Fleiss allows)."""

    units: int = 0
    ratings: int = 0
    agreement: float = 0.0  # sum over units of P_i, the share of agreeing rater pairs
    totals: tuple[tuple[Category, int], ...] = ()  # category -> ratings

    def __add__(self, other: FleissCounts) -> FleissCounts:
        totals = Counter(dict(self.totals))
        totals.update(dict(other.totals))
        return FleissCounts(
            self.units + other.units,
            self.ratings + other.ratings,
            self.agreement + other.agreement,
            sorted_items(totals),
        )


def fleiss_counts(units: Iterable[Mapping[Category, int]]) -> FleissCounts:
    """Counts from units given as category -> raters; units with under two raters skipped."""
    n = ratings = 0
    agreement = 0.0
    totals: Counter[Category] = Counter()
    for unit in units:
        m = sum(unit.values())
        if m < 2:
            continue
        n += 1
        ratings += m
        agreement += (sum(k * k for k in unit.values()) - m) / (m * (m - 1))
        totals.update(unit)
    return FleissCounts(n, ratings, agreement, sorted_items(totals))


def fleiss_kappa(counts: FleissCounts) -> Coefficient:
    """Fleiss' κ: (P̄ - P̄_e) / (1 - P̄_e), P̄ the mean per-unit agreement, P̄_e the sum of
    squared category shares over all ratings."""
    if counts.units == 0:
        return _undefined(0, "no units")
    used = [c for c, k in counts.totals if k]
    if len(used) < 2:
        return _undefined(counts.units, _one_category(used))
    p_bar = counts.agreement / counts.units
    p_e = sum((k / counts.ratings) ** 2 for _, k in counts.totals)
    return Coefficient((p_bar - p_e) / (1 - p_e), p_bar, p_e, counts.units)


def coincidences(units: Iterable[Mapping[Category, int]]) -> dict[tuple[Category, Category], float]:
    """Krippendorff's coincidence matrix: each unit with m >= 2 values adds
    n_c * n_k / (m - 1) to (c, k), and n_c * (n_c - 1) / (m - 1) to (c, c)."""
    out: dict[tuple[Category, Category], float] = {}
    for unit in units:
        m = sum(unit.values())
        if m < 2:
            continue
        for c, nc in unit.items():
            for k, nk in unit.items():
                pairs = nc * (nc - 1) if c == k else nc * nk
                if pairs:
                    out[c, k] = out.get((c, k), 0.0) + pairs / (m - 1)
    return out


def coincidences_of_confusion(
    confusion: Mapping[tuple[Category, Category], int],
) -> dict[tuple[Category, Category], float]:
    """Two annotators: the coincidence matrix is the confusion table plus its transpose."""
    out: dict[tuple[Category, Category], float] = {}
    for (a, b), count in confusion.items():
        out[a, b] = out.get((a, b), 0.0) + count
        out[b, a] = out.get((b, a), 0.0) + count
    return out


def krippendorff_alpha(
    coincidence: Mapping[tuple[Category, Category], float], units: int
) -> Coefficient:
    """Krippendorff's α, nominal: 1 - D_o / D_e, with D_o the off-diagonal share of the
    coincidences and D_e what chance pairing of the same values would give."""
    totals: dict[Category, float] = {}
    disagree = 0.0
    for (c, k), o in coincidence.items():
        totals[c] = totals.get(c, 0.0) + o
        if c != k:
            disagree += o
    n = sum(totals.values())
    used = [c for c, t in totals.items() if t > 0]
    if n <= 1 or not used:
        return _undefined(units, "no unit with two values")
    if len(used) < 2:
        return _undefined(units, _one_category(used))
    chance = (n * n - sum(t * t for t in totals.values())) / (n * (n - 1))
    observed = disagree / n
    return Coefficient(1 - observed / chance, 1 - observed, 1 - chance, units)


def sorted_items(counts: Mapping[Category, int]) -> tuple[tuple[Category, int], ...]:
    return tuple(sorted(counts.items(), key=_item_key))


def sorted_cells(
    cells: Mapping[tuple[Category, Category], float],
) -> tuple[tuple[Category, Category, float], ...]:
    return tuple((a, b, v) for (a, b), v in sorted(cells.items(), key=_cell_key) if v)


# Sort keys inlined (no call per category): these run for every label of every item.
def _item_key(kv: tuple[Category, Any]) -> tuple[bool, str]:
    c = kv[0]
    return (c is None, c or "")


def _cell_key(kv: tuple[tuple[Category, Category], Any]) -> tuple[bool, str, bool, str]:
    a, b = kv[0]
    return (a is None, a or "", b is None, b or "")
