from __future__ import annotations

import random
from collections import Counter

import krippendorff
import numpy as np
import pytest

from audino.formats.records import SegmentRecord
from audino.quality.agreement import matched_groups
from audino.quality.items import OverlapItem, category_of
from audino.quality.labels import (
    frame_confusion,
    frame_grid,
    frame_group,
    matched_confusion,
    matched_group,
    pair_table,
)
from audino.quality.matching import match_segments
from tests.quality.segments import seg


def test_categories_of_each_label_kind() -> None:
    s = seg(0, 1, mood="calm", tags=["b", "a"], loud=False, empty="", none=[])
    assert category_of(s, "mood") == "calm"
    assert category_of(s, "tags") == "a|b"
    assert category_of(s, "loud") == "false"
    assert category_of(s, "empty") is None and category_of(s, "none") is None
    assert category_of(s, "missing") is None


def test_frames_of_a_hand_made_pair() -> None:
    # 10 ms frames, a frame belongs to the segment covering its centre.
    # A: happy [0, 2]            B: happy [0.1, 2]
    #    sad   [3, 5]               happy [3, 4]
    # Frames (A, B): happy/none 10, happy/happy 190, sad/happy 100, sad/none 100;
    # the 100 frames of [2, 3] nobody covered are left out.
    a = [seg(0, 2, mood="happy"), seg(3, 5, mood="sad")]
    b = [seg(0.1, 2, mood="happy"), seg(3, 4, mood="happy")]
    item = OverlapItem(1, {"a": a, "b": b}, 5.0)
    grid = frame_grid(item, ["mood"], 0.01)
    assert grid.count == 500 and int(grid.weights.sum()) == 500
    confusion = frame_confusion(grid, "mood", "a", "b", include_silence=False)
    assert confusion == {
        ("happy", None): 10,
        ("happy", "happy"): 190,
        ("sad", "happy"): 100,
        ("sad", None): 100,
    }
    with_silence = frame_confusion(grid, "mood", "a", "b", include_silence=True)
    assert with_silence[None, None] == 100
    # κ by hand: p_o = 190/400; A: happy 200, sad 200; B: happy 290, none 110;
    # p_e = 200*290/400² = 0.3625; κ = (0.475 - 0.3625) / 0.6375
    table = pair_table(confusion)
    assert table.kappa.value == pytest.approx((0.475 - 0.3625) / 0.6375)
    assert table.kappa.units == 400


def test_overlapping_segments_of_one_annotator_later_start_wins() -> None:
    a = [seg(0, 2, mood="x"), seg(1, 3, mood="y")]
    item = OverlapItem(1, {"a": a, "b": []}, 3.0)
    grid = frame_grid(item, ["mood"], 0.5)
    assert frame_confusion(grid, "mood", "a", "b", False) == {("x", None): 2, ("y", None): 4}


def _random_annotations(rng: random.Random, annotators: int) -> dict[str, list[SegmentRecord]]:
    base = []
    t = 0.0
    for _ in range(rng.randint(1, 8)):
        start = t + rng.uniform(0.0, 1.0)
        end = start + rng.uniform(0.3, 2.0)
        base.append((start, end, rng.choice("abc")))
        t = end
    out = {}
    for k in range(annotators):
        segs = []
        for start, end, mood in base:
            if rng.random() < 0.15:
                continue
            value = mood if rng.random() < 0.7 else rng.choice(["a", "b", "c", None])
            segs.append(
                seg(
                    round(start + rng.gauss(0, 0.1), 2),
                    round(end + rng.gauss(0, 0.1), 2),
                    **({"mood": value} if value else {}),
                )
            )
        out[f"ann{k}"] = segs
    return out


def _frame_values(segments: list[SegmentRecord], frames: int, frame: float) -> list[str | None]:
    """Frame by frame, the plain way: the latest-starting segment covering the centre."""
    out: list[str | None] = []
    for i in range(frames):
        centre = (i + 0.5) * frame
        covering = [s for s in segments if s.start <= centre < s.end]
        best = max(covering, key=lambda s: (s.start, s.end)) if covering else None
        out.append(None if best is None else category_of(best, "mood"))
    return out


def _covered(segments: list[SegmentRecord], frames: int, frame: float) -> list[bool]:
    return [any(s.start <= (i + 0.5) * frame < s.end for s in segments) for i in range(frames)]


@pytest.mark.parametrize("seed", range(15))
def test_frame_figures_match_a_frame_by_frame_count_and_the_package(seed: int) -> None:
    rng = random.Random(seed)
    annotations = _random_annotations(rng, 3)
    item = OverlapItem(1, annotations, None)
    frame = 0.05
    grid = frame_grid(item, ["mood"], frame)
    names = item.annotators
    values = {n: _frame_values(list(annotations[n]), grid.count, frame) for n in names}
    covered = {n: _covered(list(annotations[n]), grid.count, frame) for n in names}
    # pair: Cohen's table
    a, b = names[0], names[1]
    keep = [i for i in range(grid.count) if covered[a][i] or covered[b][i]]
    expected = Counter((values[a][i], values[b][i]) for i in keep)
    assert frame_confusion(grid, "mood", a, b, False) == dict(expected)
    # group: α against the krippendorff package, frame by frame
    keep = [i for i in range(grid.count) if any(covered[n][i] for n in names)]
    codes = {None: 0, "a": 1, "b": 2, "c": 3}
    data = [[codes[values[n][i]] for i in keep] for n in names]
    group = frame_group(grid, "mood", names, False)
    assert group.units == len(keep)
    if len({v for row in data for v in row}) > 1:
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert group.alpha.value == pytest.approx(theirs)


def test_three_annotators_on_matched_groups() -> None:
    # ann0-ann1-ann2 all match on [0, 1] and [2, 3]; ann2 misses [4, 5]
    segs = {
        "ann0": [seg(0, 1, mood="a"), seg(2, 3, mood="b"), seg(4, 5, mood="a")],
        "ann1": [seg(0, 1, mood="a"), seg(2, 3, mood="b"), seg(4, 5, mood="b")],
        "ann2": [seg(0, 1, mood="a"), seg(2, 3, mood="a")],
    }
    names = sorted(segs)
    matchings = {
        (x, y): match_segments(segs[x], segs[y])
        for i, x in enumerate(names)
        for y in names[i + 1 :]
    }
    groups, ambiguous = matched_groups(segs, matchings)
    assert ambiguous == 0 and sorted(len(g) for g in groups) == [2, 3, 3]
    table = matched_group("mood", groups, 3)
    assert table.units == 3 and table.fleiss.units == 2  # Fleiss takes complete groups only
    data = [[1, 2, 1], [1, 2, 2], [1, 1, np.nan]]  # a = 1, b = 2; ann2 missing on the third
    assert table.alpha.value == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )
    # Fleiss on the two complete groups: {a: 3} agrees fully, {b: 2, a: 1} a third
    p_bar = (1 + 1 / 3) / 2
    p_e = (4 / 6) ** 2 + (2 / 6) ** 2
    assert table.kappa.value == pytest.approx((p_bar - p_e) / (1 - p_e))


def test_chained_matches_are_ambiguous() -> None:
    # ann0[0]-ann1 (IoU .56), ann0[1]-ann2 (.91) and ann1-ann2 (.45) chain ann0's two
    # segments into one group: no group can stand for one unit
    segs = {
        "ann0": [seg(0, 1), seg(1, 2)],
        "ann1": [seg(0, 1.8)],
        "ann2": [seg(0.9, 2)],
    }
    names = sorted(segs)
    matchings = {
        (x, y): match_segments(segs[x], segs[y])
        for i, x in enumerate(names)
        for y in names[i + 1 :]
    }
    groups, ambiguous = matched_groups(segs, matchings)
    assert ambiguous == 1 and groups == []


def test_matched_confusion_uses_the_matching() -> None:
    a = [seg(0, 1, mood="x"), seg(2, 3, mood="y")]
    b = [seg(0, 1, mood="x"), seg(2, 3)]
    assert matched_confusion("mood", a, b, match_segments(a, b)) == {("x", "x"): 1, ("y", None): 1}
