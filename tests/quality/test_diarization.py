from __future__ import annotations

import random

import pytest
from pyannote.core import Annotation, Segment, Timeline
from pyannote.metrics.diarization import DiarizationErrorRate, JaccardErrorRate

from audino.formats.records import SegmentRecord
from audino.quality.diarization import diarization_agreement
from tests.quality.segments import seg


def _annotation(segments: list[SegmentRecord]) -> Annotation:
    out = Annotation()
    for k, s in enumerate(segments):
        out[Segment(s.start, s.end), k] = s.values["speaker"]
    return out


def _pyannote(a: list[SegmentRecord], b: list[SegmentRecord], extent: float) -> dict[str, float]:
    ref, hyp = _annotation(a), _annotation(b)
    uem = Timeline([Segment(0, extent)])
    der = DiarizationErrorRate()(ref, hyp, uem=uem, detailed=True)
    jer = JaccardErrorRate()(ref, hyp, uem=uem, detailed=True)
    return {**der, **jer}


def test_hand_computed_item() -> None:
    # A: x [0, 2] [6, 8], y [3, 5] [9, 10]          speech 7 s
    # B: p [0.1, 2] [6, 8] [10.5, 11], q [3, 4] [9, 10.15]   speech 6.55 s
    # x <-> p and y <-> q. Missed (A talks, B not): [0, 0.1] + [4, 5] = 1.1 s;
    # false alarm: [10, 10.15] + [10.5, 11] = 0.65 s; no confusion.
    # DER with A as reference 1.75 / 7 = 0.25; with B 1.75 / 6.55.
    # JER: x-p (0.1 + 0.5) / 4.5, y-q (1 + 0.15) / 3.15; both ways the mean of the two.
    a = [
        seg(0, 2, speaker="x"),
        seg(3, 5, speaker="y"),
        seg(6, 8, speaker="x"),
        seg(9, 10, speaker="y"),
    ]
    b = [
        seg(0.1, 2, speaker="p"),
        seg(3, 4, speaker="q"),
        seg(6, 8, speaker="p"),
        seg(9, 10.15, speaker="q"),
        seg(10.5, 11, speaker="p"),
    ]
    out = diarization_agreement(a, b, extent=12)
    assert (out.speech_a, out.speech_b) == (pytest.approx(7), pytest.approx(6.55))
    assert (out.missed, out.false_alarm, out.confusion) == (
        pytest.approx(1.1),
        pytest.approx(0.65),
        pytest.approx(0),
    )
    assert out.der_a_ref == pytest.approx(0.25)
    assert out.der_b_ref == pytest.approx(1.75 / 6.55)
    jer = (0.6 / 4.5 + 1.15 / 3.15) / 2
    assert out.jer_a_ref == pytest.approx(jer) and out.jer_b_ref == pytest.approx(jer)
    ref = _pyannote(a, b, 12)
    assert ref["diarization error rate"] == pytest.approx(out.der_a_ref)
    assert ref["jaccard error rate"] == pytest.approx(out.jer_a_ref)


def test_confusion_and_unmapped_speakers() -> None:
    # B merges A's two speakers into one: y's 2 s become confusion; JER gives y 1.0
    a = [seg(0, 2, speaker="x"), seg(2, 4, speaker="y")]
    b = [seg(0, 4, speaker="p")]
    out = diarization_agreement(a, b)
    assert out.confusion == pytest.approx(2) and out.der_a_ref == pytest.approx(0.5)
    assert out.jer_a_ref == pytest.approx((0.5 + 1.0) / 2)
    assert out.jer_b_ref == pytest.approx(0.5)  # p maps to x: 2 s of 4 s differ


def _random_turns(rng: random.Random, names: str) -> list[SegmentRecord]:
    out = []
    t = 0.0
    for _ in range(rng.randint(1, 12)):
        start = round(t + rng.uniform(-1.0, 1.5), 3)  # may overlap the previous turn
        end = round(max(start, 0) + rng.uniform(0.2, 3.0), 3)
        out.append(seg(max(start, 0.0), end, speaker=rng.choice(names)))
        t = end
    return out


@pytest.mark.parametrize("seed", range(40))
def test_random_items_agree_with_pyannote_metrics(seed: int) -> None:
    rng = random.Random(seed)
    a, b = _random_turns(rng, "xyz"), _random_turns(rng, "pqrs")
    extent = max(s.end for s in a + b)
    out = diarization_agreement(a, b, extent=extent)
    forward, backward = _pyannote(a, b, extent), _pyannote(b, a, extent)
    assert out.speech_a == pytest.approx(forward["total"])
    assert out.missed == pytest.approx(forward["missed detection"], abs=1e-9)
    assert out.false_alarm == pytest.approx(forward["false alarm"], abs=1e-9)
    assert out.confusion == pytest.approx(forward["confusion"], abs=1e-9)
    assert out.der_a_ref == pytest.approx(forward["diarization error rate"])
    assert out.der_b_ref == pytest.approx(backward["diarization error rate"])
    assert out.jer_a_ref == pytest.approx(forward["jaccard error rate"])
    assert out.jer_b_ref == pytest.approx(backward["jaccard error rate"])


def test_speakers_from_the_attribute_and_unnamed_segments() -> None:
    a = [SegmentRecord(None, 1, "ann", 0, 1, attributes={"speaker": "x"}), seg(1, 2)]
    b = [seg(0, 1, spk="p")]
    out = diarization_agreement(a, b, speaker_label="spk")
    assert (out.unnamed_a, out.unnamed_b, out.der_a_ref) == (1, 0, 0.0)


def test_undefined_without_speakers() -> None:
    assert diarization_agreement([seg(0, 1)], [seg(0, 1)]).reason == "no speaker named"
    assert (
        diarization_agreement([seg(0, 1, speaker="x")], [seg(0, 1)]).reason == "B named no speaker"
    )
    # B drew nothing: all of A's speech is missed; B's own DER has nothing to divide by
    alone = diarization_agreement([seg(0, 1, speaker="x")], [])
    assert alone.der_a_ref == 1.0 and alone.der_b_ref is None and alone.reason == "no speech from B"
