"""Cutting long recordings into windows: fixed lengths, and cuts at the quietest moment."""

from __future__ import annotations

import numpy as np
import pytest

from audino.audio.windows import fixed_windows, peak_loudness, silence_windows


def test_fixed_windows_are_consecutive_and_a_short_tail_joins_the_last() -> None:
    assert fixed_windows(120, 30) == [(0, 30), (30, 60), (60, 90), (90, 120)]
    assert fixed_windows(125, 30) == [(0, 30), (30, 60), (60, 90), (90, 125)]
    assert fixed_windows(140, 30) == [(0, 30), (30, 60), (60, 90), (90, 120), (120, 140)]
    assert fixed_windows(20, 30) == [(0, 20)]
    assert fixed_windows(0, 30) == []


def test_silence_windows_cut_in_the_quiet_gaps() -> None:
    step = 0.01  # one loudness value per 10 ms
    loudness = np.full(12_000, 100, dtype=np.int16)  # 120 s of sound
    gaps = [(22.0, 22.6), (51.0, 51.4), (95.0, 95.5)]
    for a, b in gaps:
        loudness[round(a / step) : round(b / step)] = 1
    spans = silence_windows(120.0, 30.0, loudness, step)
    cuts = [end for _, end in spans[:-1]]
    assert len(cuts) == 3
    for cut, (a, b) in zip(cuts, gaps, strict=True):
        assert a <= cut <= b
    assert spans[0][0] == 0 and spans[-1][1] == 120.0
    assert all(b > a for a, b in spans)
    assert all(s[1] == t[0] for s, t in zip(spans, spans[1:], strict=False))


def test_silence_windows_stay_between_half_and_one_and_a_half_lengths() -> None:
    rng = np.random.default_rng(1)
    loudness = rng.integers(50, 100, 60_000)  # 10 min of steady noise, no silence at all
    spans = silence_windows(600.0, 60.0, loudness, 0.01)
    for a, b in spans:
        assert 30.0 - 1e-6 <= b - a <= 90.0 + 1e-6
    assert spans[-1][1] == 600.0


def test_without_loudness_silence_falls_back_to_fixed() -> None:
    assert silence_windows(90, 30, np.array([]), 0.01) == fixed_windows(90, 30)


@pytest.mark.parametrize("channels", [1, 2])
def test_peak_loudness_takes_the_loudest_channel_and_sign(channels: int) -> None:
    pixels = np.array([[-5, 3] * channels, [-1, 9] * channels], dtype=np.int8)
    if channels == 2:
        pixels[0, 2:] = [-100, 0]
    got = peak_loudness(pixels.tobytes(), channels)
    assert got.tolist() == ([100, 9] if channels == 2 else [5, 9])
