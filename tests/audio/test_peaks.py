"""The peaks pyramid: right min/max per block, halving levels, .dat v2 sections."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from audino.audio.analysis import analyse
from audino.audio.decode import chunk_length
from audino.audio.peaks import (
    HEADER_SIZE,
    OVERVIEW_PIXELS,
    PeaksBuilder,
    finest_samples_per_pixel,
    plan_levels,
    read_level,
)
from tests.audio.signals import write


def build(samples: np.ndarray, rate: int) -> tuple[bytes, list, PeaksBuilder]:
    builder = PeaksBuilder(rate, samples.shape[0])
    step = chunk_length(rate, 1.0)
    for i in range(0, samples.shape[1], step):
        builder.add(samples[:, i : i + step])
    blob, levels = builder.finish()
    return blob, levels, builder


@pytest.mark.parametrize(("rate", "spp"), [(8000, 64), (16000, 128), (44100, 512), (48000, 512)])
def test_finest_level_is_about_10_ms(rate: int, spp: int) -> None:
    assert finest_samples_per_pixel(rate) == spp


def test_tone_and_noise_blocks_hold_their_min_and_max() -> None:
    rate = 16000
    rng = np.random.default_rng(7)
    t = np.arange(rate * 3) / rate
    tone = 0.5 * np.sin(2 * np.pi * 250 * t)
    noise = rng.uniform(-0.9, 0.9, t.size)
    noise[rate : rate + 1000] = 0.0  # a silent stretch
    samples = np.stack([tone, noise]).astype(np.float32)
    blob, levels, builder = build(samples, rate)
    spp = builder.samples_per_pixel
    level0 = read_level(blob, levels[0], 2)
    assert level0.shape == (int(np.ceil(samples.shape[1] / spp)), 2, 2)
    for pixel in (0, 5, 124, 125, 200, len(level0) - 1):
        block = samples[:, pixel * spp : (pixel + 1) * spp]
        for ch in (0, 1):
            lo, hi = level0[pixel, ch] / 127.0
            assert block[ch].min() - 1 / 127 <= lo <= block[ch].min() + 1e-6
            assert block[ch].max() - 1e-6 <= hi <= block[ch].max() + 1 / 127
    # The 250 Hz tone fills every 8 ms block from -0.5 to 0.5: -64..64 after rounding out.
    assert set(level0[:-1, 0, 0]) == {-64} and set(level0[:-1, 0, 1]) == {64}
    silent = level0[rate // spp + 1 : (rate + 1000) // spp, 1]
    assert silent.size and not silent.any()


def test_each_level_halves_the_one_before() -> None:
    rate = 8000
    samples = np.random.default_rng(1).uniform(-1, 1, (1, rate * 60)).astype(np.float32)
    blob, levels, builder = build(samples, rate)
    assert [lv.samples_per_pixel for lv in levels] == [64 * 2**i for i in range(len(levels))]
    assert levels[-1].length <= OVERVIEW_PIXELS < levels[-2].length
    for finer, coarser in zip(levels, levels[1:], strict=False):
        a, b = read_level(blob, finer, 1), read_level(blob, coarser, 1)
        assert len(b) == -(-len(a) // 2)
        padded = np.concatenate([a, a[-1:]]) if len(a) % 2 else a
        assert (b[:, :, 0] == np.minimum(padded[0::2, :, 0], padded[1::2, :, 0])).all()
        assert (b[:, :, 1] == np.maximum(padded[0::2, :, 1], padded[1::2, :, 1])).all()


def test_levels_are_audiowaveform_dat_v2_sections() -> None:
    rate = 44100
    samples = np.zeros((2, rate * 30), np.float32)
    blob, levels, _ = build(samples, rate)
    assert len(blob) == levels[-1].offset + HEADER_SIZE + levels[-1].length * 4
    for level in levels:
        header = struct.unpack_from("<iIiiIi", blob, level.offset)
        assert header == (2, 1, rate, level.samples_per_pixel, level.length, 2)


def test_plan_of_a_three_hour_file_ends_in_an_overview() -> None:
    levels = plan_levels(3 * 3600 * 44100, 512, 2)
    assert levels[0].length == 930235 and levels[-1].length <= OVERVIEW_PIXELS
    assert len(levels) == 10


def test_analysis_of_a_file_matches_its_samples(tmp_path: Path) -> None:
    rate = 16000
    t = np.arange(rate * 12) / rate
    samples = (0.25 * np.sin(2 * np.pi * 250 * t))[None, :].astype(np.float32)
    samples[0, rate * 5 :] *= 2.0  # louder after 5 s
    path = write(tmp_path / "tone.wav", samples, rate, container="wav", codec="pcm_s16le")
    result = analyse(path, container="wav", codec="pcm_s16le")
    assert result.samples == samples.shape[1] and result.playback_path is None
    level0 = read_level(result.peaks, result.levels[0], 1)
    at = rate * 5 // result.levels[0].samples_per_pixel
    assert level0[: at - 1, 0, 1].max() == 32 and level0[at + 1 :, 0, 1].min() == 64
    assert result.thumbnail.startswith(b"\x89PNG")
