from __future__ import annotations

import pytest

from audino.quality.agreement import item_agreement
from audino.quality.coefficients import cohen_kappa
from audino.quality.items import OverlapItem
from audino.quality.summary import summarize_labels, summarize_pairs, summarize_project
from tests.quality.segments import seg


def _item(n: int, a: list, b: list, c: list | None = None) -> OverlapItem:
    annotations = {"ann": a, "bob": b} if c is None else {"ann": a, "bob": b, "cat": c}
    return OverlapItem(n, annotations, 10.0)


def test_kappa_is_pooled_over_units_not_averaged_over_items() -> None:
    # Item 1: both say calm twice (κ undefined on its own); item 2: calm/loud disagree.
    one = _item(
        1,
        [seg(0, 1, mood="calm"), seg(2, 3, mood="calm")],
        [seg(0, 1, mood="calm"), seg(2, 3, mood="calm")],
    )
    two = _item(
        2,
        [seg(0, 1, mood="calm"), seg(2, 3, mood="loud")],
        [seg(0, 1, mood="loud"), seg(2, 3, mood="loud")],
    )
    results = [item_agreement(one), item_agreement(two)]
    assert results[0].pairs[0].labels[0].matched.kappa.value is None
    (pair,) = summarize_pairs(results)
    # pooled table: calm/calm 2 (item 1), calm/loud 1 and loud/loud 1 (item 2)
    expected = cohen_kappa({("calm", "calm"): 2, ("calm", "loud"): 1, ("loud", "loud"): 1})
    assert pair.labels[0].matched.kappa.value == pytest.approx(expected.value)
    assert pair.labels[0].matched.kappa.units == 4


def test_rates_are_pooled_from_counts() -> None:
    one = _item(1, [seg(0, 1, "a b c d")], [seg(0, 1, "a b c x")])  # 1 edit / 4 words
    two = _item(2, [seg(0, 1, "a b")], [seg(0, 1, "x y")])  # 2 edits / 2 words
    (pair,) = summarize_pairs([item_agreement(one), item_agreement(two)])
    assert pair.matched_wer.a_ref == pytest.approx(3 / 6)  # not the mean of 0.25 and 1.0
    assert pair.items == 2 and pair.matched == 2
    # boundary F1 pools boundaries, DER speech seconds
    assert pair.boundaries.f1 == 1.0
    assert pair.diarization.reason == "no speaker named"


def test_der_is_weighted_by_speech() -> None:
    one = _item(1, [seg(0, 4, speaker="x")], [seg(0, 3, speaker="p")])  # 1 s missed of 4
    two = _item(2, [seg(0, 1, speaker="x")], [seg(0, 1, speaker="p")])  # perfect, 1 s
    (pair,) = summarize_pairs([item_agreement(one), item_agreement(two)])
    assert pair.diarization.der_a_ref == pytest.approx(1 / 5)
    assert pair.diarization.jer_a_ref == pytest.approx((0.25 + 0.0) / 2)


def test_pairs_and_labels_across_items_with_different_annotators() -> None:
    a = [seg(0, 1, mood="calm"), seg(2, 3, mood="loud")]
    items = [
        item_agreement(_item(1, a, list(a))),
        item_agreement(_item(2, a, list(a), [seg(0, 1, mood="loud"), seg(2, 3, mood="loud")])),
        item_agreement(OverlapItem(3, {"ann": a}, 5.0)),
    ]
    pairs = summarize_pairs(items)
    assert [(p.annotators, p.items) for p in pairs] == [
        (("ann", "bob"), 2),
        (("ann", "cat"), 1),
        (("bob", "cat"), 1),
    ]
    (mood,) = summarize_labels(items)
    assert mood.items == 2 and mood.matched.units == 4
    project = summarize_project(items)
    assert (project.items, project.skipped) == (2, 1)
    assert project.pairs.annotators is None and project.pairs.items == 4
    assert project.labels == (mood,)


def test_nothing_to_summarize() -> None:
    project = summarize_project([])
    assert project.items == 0 and project.pairs.matched_wer.mean is None
    assert project.pairs.boundaries.f1 is None and project.labels == ()
