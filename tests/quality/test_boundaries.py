from __future__ import annotations

import itertools
import random

import pytest

from audino.quality.boundaries import boundaries, boundary_f1, match_boundaries
from tests.quality.segments import seg


def test_hand_computed_f1() -> None:
    # A: [0, 2] [3, 5]        -> boundaries 0, 2, 3, 5
    # B: [0.1, 2] [3.3, 5.15] -> boundaries 0.1, 2, 3.3, 5.15
    # within 0.2 s: 0-0.1, 2-2, 5-5.15; 3 and 3.3 are 0.3 apart.
    # precision 3/4, recall 3/4, F1 0.75, mean offset (0.1 + 0 + 0.15) / 3
    out = boundary_f1([seg(0, 2), seg(3, 5)], [seg(0.1, 2), seg(3.3, 5.15)])
    assert (out.boundaries_a, out.boundaries_b, out.matched) == (4, 4, 3)
    assert (out.precision, out.recall, out.f1) == (0.75, 0.75, 0.75)
    assert out.mean_offset == pytest.approx(0.25 / 3)
    wider = boundary_f1([seg(0, 2), seg(3, 5)], [seg(0.1, 2), seg(3.3, 5.15)], tolerance=0.3)
    assert wider.f1 == 1.0


def test_tolerance_edge_counts_and_precision_recall_sides() -> None:
    # 1.2 - 1.0 is 0.19999999999999996 in floats, 5.2 - 5.0 is 0.20000000000000018
    assert boundary_f1([seg(1.0, 5.0)], [seg(1.2, 5.2)]).matched == 2
    # B has two extra boundaries: precision (B's) falls, recall (A's) does not
    out = boundary_f1([seg(0, 4)], [seg(0, 2), seg(2.5, 4)])
    assert (out.precision, out.recall) == (0.5, 1.0)


def test_adjacent_segments_share_a_boundary() -> None:
    assert boundaries([seg(0, 5), seg(5, 10)]) == [0, 5, 10]
    assert boundary_f1([seg(0, 5), seg(5, 10)], [seg(0, 10)]).recall == pytest.approx(2 / 3)


def test_empty_sides() -> None:
    none = boundary_f1([], [])
    assert none.f1 is None and none.reason == "no segments on either side"
    one = boundary_f1([seg(0, 1)], [])
    assert (one.precision, one.recall, one.f1) == (None, 0.0, 0.0)


def _best(a: list[float], b: list[float], tolerance: float) -> int:
    """The largest matching by trying every assignment of a's points (small cases only)."""
    for k in range(min(len(a), len(b)), 0, -1):
        for chosen in itertools.combinations(range(len(a)), k):
            for partners in itertools.permutations(range(len(b)), k):
                if all(
                    abs(a[i] - b[j]) <= tolerance + 1e-9
                    for i, j in zip(chosen, partners, strict=True)
                ):
                    return k
    return 0


def test_sweep_finds_the_largest_matching() -> None:
    rng = random.Random(9)
    for _ in range(300):
        a = sorted(round(rng.uniform(0, 3), 2) for _ in range(rng.randint(0, 5)))
        b = sorted(round(rng.uniform(0, 3), 2) for _ in range(rng.randint(0, 5)))
        pairs = match_boundaries(a, b, 0.4)
        assert all(abs(a[i] - b[j]) <= 0.4 + 1e-9 for i, j in pairs)
        assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
        assert len(pairs) == _best(a, b, 0.4)
