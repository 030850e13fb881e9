from __future__ import annotations

import random
from collections import Counter

import krippendorff
import numpy as np
import pytest

from audino.quality.coefficients import (
    FleissCounts,
    cohen_kappa,
    coincidences,
    coincidences_of_confusion,
    fleiss_counts,
    fleiss_kappa,
    krippendorff_alpha,
)

# Wikipedia, "Fleiss' kappa", worked example (after Fleiss 1971): 10 subjects, 14 raters
# each, 5 categories; p_j = .143 .200 .279 .150 .229, P̄ = .378, P̄e = .213, κ = .210.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# The krippendorff package's documented example (3 coders, 15 units, nan = missing):
# alpha(reliability_data, level_of_measurement="nominal") == 0.691358 (6 decimals).
NAN = float("nan")
KRIPPENDORFF_DATA = [
    [NAN, NAN, NAN, NAN, NAN, 3, 4, 1, 2, 1, 1, 3, 3, NAN, 3],
    [1, NAN, 2, 1, 3, 3, 4, 3, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
    [NAN, NAN, 2, 1, 3, 4, 4, NAN, 2, 1, 1, 3, 3, NAN, 4],
]


def test_cohen_wikipedia_grant_example() -> None:
    # Wikipedia, "Cohen's kappa": 50 proposals, both yes 20, A yes/B no 5, A no/B yes 10,
    # both no 15: p_o = 0.7, p_e = 0.5*0.6 + 0.5*0.4 = 0.5, κ = 0.4.
    k = cohen_kappa({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})
    assert k.value == pytest.approx(0.4)
    assert (k.observed, k.expected, k.units) == (pytest.approx(0.7), pytest.approx(0.5), 50)


def test_cohen_wikipedia_same_agreement_different_kappa() -> None:
    # Wikipedia's two tables with 60% agreement: κ = 0.1304 and κ = 0.2593.
    first = cohen_kappa({("y", "y"): 45, ("y", "n"): 15, ("n", "y"): 25, ("n", "n"): 15})
    second = cohen_kappa({("y", "y"): 25, ("y", "n"): 35, ("n", "y"): 5, ("n", "n"): 35})
    assert first.value == pytest.approx(0.1304, abs=5e-5)
    assert second.value == pytest.approx(0.2593, abs=5e-5)


def test_cohen_undefined_and_degenerate() -> None:
    assert cohen_kappa({}).value is None and cohen_kappa({}).reason == "no units"
    same = cohen_kappa({("a", "a"): 7})
    assert same.value is None and same.reason == "only one category (a)" and same.units == 7
    assert cohen_kappa({(None, None): 3}).reason == "only one category (none)"
    assert cohen_kappa({("a", "a"): 3, ("b", "b"): 2}).value == 1.0
    assert cohen_kappa({("a", "b"): 4}).value == 0.0  # never agree, chance says never either


def test_fleiss_wikipedia_example() -> None:
    units = [{c: n for c, n in zip("12345", row, strict=True) if n} for row in FLEISS_TABLE]
    counts = fleiss_counts(units)
    k = fleiss_kappa(counts)
    assert k.value == pytest.approx(0.210, abs=5e-4)
    assert k.observed == pytest.approx(0.378, abs=5e-4)
    assert k.expected == pytest.approx(0.213, abs=5e-4)
    shares = {c: n / counts.ratings for c, n in counts.totals}
    assert [round(shares[c], 3) for c in "12345"] == [0.143, 0.200, 0.279, 0.150, 0.229]


def test_fleiss_counts_add_up() -> None:
    units = [{c: n for c, n in zip("12345", row, strict=True) if n} for row in FLEISS_TABLE]
    whole = fleiss_counts(units)
    halves = fleiss_counts(units[:4]) + fleiss_counts(units[4:])
    assert halves.units == whole.units and halves.totals == whole.totals
    assert halves.agreement == pytest.approx(whole.agreement)
    assert fleiss_kappa(FleissCounts()).reason == "no units"
    assert fleiss_kappa(fleiss_counts([{"x": 3}, {"x": 2}])).reason == "only one category (x)"


def test_fleiss_of_two_raters_is_scotts_pi() -> None:
    # Scott's π for the grant table: p_yes = (25 + 30) / 100, p_e = .55² + .45² = .505
    units = [{"yes": 2}] * 20 + [{"yes": 1, "no": 1}] * 15 + [{"no": 2}] * 15
    assert fleiss_kappa(fleiss_counts(units)).value == pytest.approx((0.7 - 0.505) / 0.495)


def _units_of(data: list[list[float]]) -> list[Counter[str | None]]:
    columns = zip(*data, strict=True)
    return [Counter(str(int(v)) for v in col if v == v) for col in columns]


def test_alpha_krippendorff_package_example() -> None:
    units = _units_of(KRIPPENDORFF_DATA)
    pairable = sum(1 for u in units if u.total() >= 2)
    a = krippendorff_alpha(coincidences(units), pairable)
    assert round(a.value or 0.0, 6) == 0.691358
    assert a.value == pytest.approx(
        krippendorff.alpha(reliability_data=KRIPPENDORFF_DATA, level_of_measurement="nominal")
    )


def test_alpha_matches_the_package_on_random_data() -> None:
    rng = np.random.default_rng(3)
    for _ in range(100):
        coders, n, values = (
            int(rng.integers(2, 6)),
            int(rng.integers(2, 40)),
            int(rng.integers(2, 5)),
        )
        data = rng.integers(0, values, size=(coders, n)).astype(float)
        data[rng.random((coders, n)) < 0.2] = np.nan
        counts = [Counter(str(int(v)) for v in col if v == v) for col in data.T]
        if sum(1 for c in counts if c.total() >= 2) == 0:
            continue
        if len({v for c in counts if c.total() >= 2 for v in c}) < 2:
            continue
        ours = krippendorff_alpha(coincidences(counts), 0).value
        theirs = krippendorff.alpha(
            value_counts=np.array([[c[str(v)] for v in range(values)] for c in counts]),
            level_of_measurement="nominal",
        )
        assert ours == pytest.approx(theirs)


def test_alpha_of_two_coders_from_the_confusion_table() -> None:
    rng = random.Random(5)
    for _ in range(50):
        pairs = [(rng.choice("abc"), rng.choice("abcd")) for _ in range(rng.randint(2, 30))]
        confusion = Counter(pairs)
        units = [Counter([a, b]) for a, b in pairs]
        direct = coincidences(units)
        assert coincidences_of_confusion(confusion) == pytest.approx(direct)


def test_alpha_undefined() -> None:
    assert krippendorff_alpha({}, 0).reason == "no unit with two values"
    assert krippendorff_alpha({("x", "x"): 4.0}, 2).reason == "only one category (x)"
