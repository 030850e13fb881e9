"""audino.models.vad: frame scores to segments, and audio cut into whole frames."""

from __future__ import annotations

import numpy as np
import pytest

from audino.models.vad import Rules, frame_blocks, speech_segments

HOP = 0.01


def spans(scores: list[float], rules: Rules, duration: float | None = None) -> list[tuple]:
    got = speech_segments(np.array(scores), HOP, duration or len(scores) * HOP, rules)
    return [(round(p.start, 3), round(p.end, 3), p.confidence) for p in got]


def test_runs_of_voiced_frames_become_segments() -> None:
    voiced = [0, 1, 1, 0, 0, 0, 1, 1, 1, 0]
    assert spans(voiced, Rules(0.5, 0.5)) == [(0.01, 0.03, 1.0), (0.06, 0.09, 1.0)]


def test_short_pauses_join_and_the_confidence_counts_them() -> None:
    voiced = [0, 1, 1, 0, 1, 1, 0, 0, 0, 0]
    got = spans(voiced, Rules(0.5, 0.5, min_silence=0.02))
    assert got == [(0.01, 0.06, 0.8)]  # 4 of 5 frames voiced


def test_short_speech_is_dropped() -> None:
    voiced = [1, 0, 0, 0, 1, 1, 1, 0]
    assert spans(voiced, Rules(0.5, 0.5, min_speech=0.02)) == [(0.04, 0.07, 1.0)]


def test_padding_is_clipped_to_the_recording_and_merges_neighbours() -> None:
    voiced = [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1]
    got = spans(voiced, Rules(0.5, 0.5, padding=0.015))
    assert got == [(0.0, 0.075, 1.0), (0.095, 0.12, 1.0)]


def test_hysteresis_starts_at_the_threshold_and_ends_below_the_release() -> None:
    scores = [0.1, 0.4, 0.6, 0.4, 0.2, 0.45, 0.1]
    assert spans(scores, Rules(0.5, 0.3)) == [(0.02, 0.04, 0.5)]
    assert spans([0.1, 0.45, 0.1], Rules(0.5, 0.3)) == []  # never reached the threshold


def test_nothing_voiced_gives_nothing() -> None:
    assert spans([0.0] * 50, Rules()) == []
    assert spans([], Rules()) == []


def test_predictions_never_pass_the_declared_duration() -> None:
    got = speech_segments(np.ones(10), 0.032, 0.3, Rules(padding=0.5))
    assert [(p.start, p.end) for p in got] == [(0.0, 0.3)]


@pytest.mark.parametrize("sizes", [[1000], [7, 993], [512, 1, 487], [300] * 3 + [100]])
def test_frames_do_not_depend_on_how_the_chunks_fall(sizes: list[int]) -> None:
    signal = np.arange(1000, dtype=np.float32)
    chunks, at = [], 0
    for n in sizes:
        chunks.append(signal[at : at + n])
        at += n
    blocks = np.concatenate(list(frame_blocks(chunks, 64)))
    assert blocks.shape == (16, 64)
    assert np.array_equal(blocks.reshape(-1)[:1000], signal)
    assert not blocks.reshape(-1)[1000:].any()  # the last frame completed with zeros
