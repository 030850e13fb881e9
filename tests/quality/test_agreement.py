from __future__ import annotations

import pytest

from audino.formats.records import SegmentRecord
from audino.quality.agreement import item_agreement, pair_agreement
from audino.quality.items import AgreementOptions, OverlapItem, group_by_author
from tests.quality.segments import seg

# A hand-made overlap item, every figure below worked out by hand.
#
#   ann: [0, 2]  "hello world"  x happy      bob: [0.1, 2]   "hello word"   p happy
#        [3, 5]  "good morning" y sad             [3, 4]     "good morning" q happy
#        [6, 8]  "see you"      x happy           [6, 8]     "see you"      p happy
#        [9, 10] "bye"          y sad             [9, 10.15] "bye"          q sad
#                                                 [10.5, 11] "okay"         p neutral
# Recording: 12 s.
ANN = [
    seg(0, 2, "hello world", speaker="x", mood="happy"),
    seg(3, 5, "good morning", speaker="y", mood="sad"),
    seg(6, 8, "see you", speaker="x", mood="happy"),
    seg(9, 10, "bye", speaker="y", mood="sad"),
]
BOB = [
    seg(0.1, 2, "hello word", speaker="p", mood="happy"),
    seg(3, 4, "good morning", speaker="q", mood="happy"),
    seg(6, 8, "see you", speaker="p", mood="happy"),
    seg(9, 10.15, "bye", speaker="q", mood="sad"),
    seg(10.5, 11, "okay", speaker="p", mood="neutral"),
]
ITEM = OverlapItem(7, {"bob": BOB, "ann": ANN}, 12.0)


def test_hand_made_item() -> None:
    result = item_agreement(ITEM)
    assert result.annotators == ("ann", "bob") and result.reason is None
    (pair,) = result.pairs
    assert (pair.annotator_a, pair.annotator_b) == ("ann", "bob")

    # Matching, IoU >= 0.4: .95, .5, 1, 1/1.15; bob's "okay" is left over.
    assert [(i, j) for i, j, _ in pair.matching.pairs] == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert pair.matching.unmatched_a == () and pair.matching.unmatched_b == (4,)

    # WER on matched pairs: world -> word, 1 edit over 7 words each side.
    wer = pair.transcripts.matched_wer
    assert (wer.errors, wer.length_a, wer.length_b) == (1, 7, 7)
    # Whole item: ann's 7 words against bob's 8: world -> word and "okay" inserted.
    whole = pair.transcripts.item_wer
    assert (whole.a_ref, whole.b_ref) == (pytest.approx(2 / 7), 0.25)

    # κ on matched segments: (happy, happy) 2, (sad, happy) 1, (sad, sad) 1.
    # p_o = 3/4; ann happy 2 sad 2, bob happy 3 sad 1: p_e = (2*3 + 2*1)/16 = 1/2; κ = 1/2.
    # α: coincidences happy-happy 4, sad-sad 2, happy-sad 1 + 1; n_happy 5, n_sad 3, n 8;
    # D_o = 2/8, D_e = (64 - 25 - 9)/(8*7) = 30/56; α = 1 - (1/4)/(30/56) = 8/15.
    (mood,) = pair.labels
    assert mood.label == "mood"
    assert mood.matched.kappa.value == pytest.approx(0.5)
    assert mood.matched.alpha.value == pytest.approx(8 / 15)

    # κ on 10 ms frames covered by someone (765 of 1,200):
    #   [0, .1) happy/none 10, [.1, 2) happy/happy 190, [3, 4) sad/happy 100,
    #   [4, 5) sad/none 100, [6, 8) happy/happy 200, [9, 10) sad/sad 100,
    #   [10, 10.15) none/sad 15, [10.5, 11) none/neutral 50.
    # p_o = 490/765; ann happy 400 sad 300 none 65; bob happy 490 sad 115 none 110
    # neutral 50: p_e = (400*490 + 300*115 + 65*110)/765² = 237650/585225;
    # κ = (490*765 - 237650)/(765² - 237650) = 137200/347575.
    assert mood.frames.kappa.units == 765
    assert mood.frames.kappa.value == pytest.approx(137200 / 347575)

    # Boundaries, 0.2 s: ann 0 2 3 5 6 8 9 10, bob 0.1 2 3 4 6 8 9 10.15 10.5 11;
    # 7 hits (all but ann's 5 and bob's 4, 10.5, 11): precision 7/10, recall 7/8,
    # F1 14/18; offsets 0.1 + 0.15 over 7 hits.
    bounds = pair.boundaries
    assert (bounds.matched, bounds.precision, bounds.recall) == (7, 0.7, 0.875)
    assert bounds.f1 == pytest.approx(14 / 18)
    assert bounds.mean_offset == pytest.approx(0.25 / 7)

    # DER: x <-> p, y <-> q; missed 0.1 + 1 s, false alarm 0.15 + 0.5 s, no confusion;
    # ann spoke 7 s: 1.75 / 7 = 0.25 (test_diarization checks the rest against pyannote).
    assert pair.diarization.der_a_ref == pytest.approx(0.25)

    # All annotators together (two here): Fleiss' κ is Scott's π, α the same as the pair's.
    (group,) = result.labels
    assert group.matched.alpha.value == pytest.approx(8 / 15)
    assert group.matched.kappa.value == pytest.approx(
        (0.75 - (5 / 8) ** 2 - (3 / 8) ** 2) / (1 - (5 / 8) ** 2 - (3 / 8) ** 2)
    )


def test_identical_annotations() -> None:
    same = [seg(0, 1, "a b", speaker="x", mood="calm"), seg(2, 3, "c", speaker="y", mood="calm")]
    item = OverlapItem(1, {"a": same, "b": list(same)}, 4.0)
    (pair,) = item_agreement(item).pairs
    assert pair.matching.matched == 2
    assert pair.transcripts.matched_wer.mean == 0.0 and pair.boundaries.f1 == 1.0
    assert pair.diarization.der_mean == 0.0 and pair.diarization.jer_mean == 0.0
    (mood,) = pair.labels
    # one category: κ and α are undefined, not NaN and not an error
    assert mood.matched.kappa.value is None
    assert mood.matched.kappa.reason == "only one category (calm)"
    assert mood.matched.alpha.value is None and mood.frames.kappa.value is None
    two = [seg(0, 1, mood="calm"), seg(2, 3, mood="loud")]
    (pair,) = item_agreement(OverlapItem(1, {"a": two, "b": list(two)})).pairs
    assert pair.labels[0].matched.kappa.value == 1.0 and pair.labels[0].frames.alpha.value == 1.0


def test_one_annotator_and_none() -> None:
    one = item_agreement(OverlapItem(1, {"a": [seg(0, 1)]}))
    assert one.pairs == () and one.reason == "one annotator"
    assert item_agreement(OverlapItem(1, {})).reason == "no annotator"


def test_annotators_without_segments() -> None:
    (pair,) = item_agreement(OverlapItem(1, {"a": [], "b": []}, 5.0)).pairs
    assert pair.matching.matched == 0
    assert pair.transcripts.item_wer.reason == "no transcript on either side"
    assert pair.boundaries.reason == "no segments on either side"
    assert pair.diarization.reason == "no speaker named"
    assert pair.labels == ()


def test_three_annotators() -> None:
    c = [
        seg(0, 2, "hello world", mood="happy"),
        seg(3, 5, "good morning", mood="sad"),
        seg(6, 8, "see you", mood="sad"),
    ]
    result = item_agreement(OverlapItem(1, {"ann": ANN, "bob": BOB, "cat": c}, 12.0))
    assert [(p.annotator_a, p.annotator_b) for p in result.pairs] == [
        ("ann", "bob"),
        ("ann", "cat"),
        ("bob", "cat"),
    ]
    (mood,) = result.labels
    # groups: [0, 2] x3, [3, 5] x3, [6, 8] x3, ann/bob's [9, 10]; bob's "okay" alone
    assert mood.matched.units == 4 and mood.matched.fleiss.units == 3
    assert mood.matched.kappa.value is not None and mood.frames.alpha.value is not None
    assert result.pairs[1].diarization.reason == "B named no speaker"


def test_options_and_explicit_labels() -> None:
    options = AgreementOptions(iou_threshold=0.96, boundary_tolerance=0.05, labels=("mood", "x"))
    (pair,) = item_agreement(ITEM, options).pairs
    assert pair.matching.matched == 1  # only [6, 8] has IoU >= 0.96
    assert [lab.label for lab in pair.labels] == ["mood", "x"]
    assert pair.labels[1].matched.kappa.reason == "only one category (none)"


def test_pair_agreement_and_grouping_by_author() -> None:
    pair = pair_agreement(ANN, BOB, duration=12.0, names=("gold", "ann"))
    assert pair.annotator_a == "gold" and pair.labels[0].matched.kappa.value == pytest.approx(0.5)
    mixed = [
        SegmentRecord(None, 3, "ann", 0, 1),
        SegmentRecord(None, 3, None, 0, 1, source="model"),
        SegmentRecord(None, 3, "bob", 0, 1),
    ]
    item = group_by_author(mixed, recording_id=3, duration=2.0)
    assert item.annotators == ("ann", "bob") and item.extent == 2.0
