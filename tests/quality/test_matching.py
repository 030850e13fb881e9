from __future__ import annotations

import pytest

from audino.quality.matching import iou, match_segments
from tests.quality.segments import seg


def test_iou_of_overlapping_disjoint_and_nested_segments() -> None:
    assert iou(seg(0, 2), seg(1, 3)) == pytest.approx(1 / 3)
    assert iou(seg(0, 1), seg(1, 2)) == 0.0
    assert iou(seg(0, 4), seg(1, 2)) == pytest.approx(0.25)
    assert iou(seg(0, 1, channel=0), seg(0, 1, channel=1)) == 0.0
    assert iou(seg(0, 1, channel=0), seg(0, 1)) == 1.0  # no channel: any channel


def test_threshold_is_inclusive_and_defaults_to_0_4() -> None:
    # IoU of [0, 2] and [0, 0.8] is 0.4 exactly; [0, 0.7] is 0.35
    assert match_segments([seg(0, 2)], [seg(0, 0.8)]).matched == 1
    assert match_segments([seg(0, 2)], [seg(0, 0.7)]).matched == 0
    assert match_segments([seg(0, 2)], [seg(0, 0.7)], threshold=0.3).matched == 1


def test_assignment_is_optimal_not_greedy() -> None:
    # Greedy by IoU takes a0-b0 (0.9) first and leaves a1 (0.36 with b1, under 0.4) alone;
    # the optimum pairs a0-b1 (0.8) and a1-b0 (0.62): two matches, total IoU 1.42.
    a = [seg(0.0, 10.0), seg(0.0, 5.6)]
    b = [seg(0.0, 9.0), seg(2.0, 10.0)]
    assert iou(a[0], b[0]) == pytest.approx(0.9)
    assert iou(a[0], b[1]) == pytest.approx(0.8)
    assert iou(a[1], b[0]) == pytest.approx(5.6 / 9)
    assert iou(a[1], b[1]) == pytest.approx(0.36)
    found = match_segments(a, b)
    assert {(i, j) for i, j, _ in found.pairs} == {(0, 1), (1, 0)}
    assert found.unmatched_a == () and found.unmatched_b == ()


def test_unmatched_on_each_side_and_empty_sides() -> None:
    found = match_segments([seg(0, 1), seg(5, 6)], [seg(0.1, 1), seg(8, 9), seg(9, 10)])
    assert [(i, j) for i, j, _ in found.pairs] == [(0, 0)]
    assert found.unmatched_a == (1,)
    assert found.unmatched_b == (1, 2)
    empty = match_segments([], [seg(0, 1)])
    assert empty.matched == 0 and empty.unmatched_b == (0,)
    assert match_segments([], []).pairs == ()
