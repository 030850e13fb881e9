"""The spectrogram overview made during ingest: frames every half second, and long tiles
drawn from it put a tone on the same row as a tile decoded on demand."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from audino.audio import overview
from audino.audio.analysis import analyse
from audino.audio.spectrogram import TileSpec, fraction_of, tile
from tests.audio.signals import write

RATE = 8000


@pytest.fixture
def tones(tmp_path: Path) -> Path:
    """1 kHz for 40 s, silence for 20 s, then 3 kHz for 40 s, on the right channel only."""
    t = np.arange(RATE * 40) / RATE
    right = np.concatenate(
        [
            0.5 * np.sin(2 * np.pi * 1000 * t),
            np.zeros(RATE * 20),
            0.5 * np.sin(2 * np.pi * 3000 * t),
        ]
    )
    samples = np.stack([np.zeros_like(right), right]).astype(np.float32)
    return write(tmp_path / "tones.wav", samples, RATE, container="wav", codec="pcm_s16le")


def test_overview_frames_cover_the_file_every_half_second(tones: Path) -> None:
    result = analyse(tones, container="wav", codec="pcm_s16le")
    info = result.overview_info
    assert info == {
        "window": 1024,
        "hop": 4000,
        "frames": 200,
        "bins": 513,
        "channels": 2,
        "sample_rate": RATE,
    }
    frames = np.frombuffer(result.overview, np.uint8).reshape(200, 2, 513)
    assert frames[:, 0].max() == 0  # the silent left channel is at the floor
    bin_1k, bin_3k = 1000 * 1024 // RATE, 3000 * 1024 // RATE
    assert (frames[2:78, 1].argmax(axis=1) == bin_1k).all()
    assert (frames[122:198, 1].argmax(axis=1) == bin_3k).all()
    assert frames[84:116, 1].max() == 0
    peak_db = frames[40, 1, bin_1k] / overview.STEPS_PER_DB + overview.FLOOR_DB
    assert -7.5 < peak_db < -5.5  # a half-scale sine is -6 dB


@pytest.mark.parametrize("scale", ["linear", "mel", "log"])
def test_a_long_tile_from_the_overview_matches_one_decoded(tones: Path, scale: str) -> None:
    result = analyse(tones, container="wav", codec="pcm_s16le")
    spec = TileSpec(0.0, 100.0, width=100, height=128, scale=scale, channel=1, colormap="gray")
    first, last = overview.frame_range(result.overview_info, spec)
    assert (first, last) == (1, 199)
    size = 2 * 513
    part = result.overview[first * size : (last + 1) * size]
    from_overview = np.asarray(
        Image.open(io.BytesIO(overview.tile(part, first, result.overview_info, spec)))
    )
    decoded = np.asarray(Image.open(io.BytesIO(tile(tones, spec, RATE))))
    assert from_overview.shape == decoded.shape == (128, 100)
    for column, hz in ((20, 1000), (80, 3000)):
        expected = (1 - fraction_of(hz, scale, RATE)) * 128
        assert abs(int(from_overview[:, column].argmax()) - expected) <= 2.5
        assert from_overview[:, column].argmax() == decoded[:, column].argmax()
    assert from_overview[:, 50].max() == 0


def test_chunk_boundaries_do_not_change_the_frames() -> None:
    rng = np.random.default_rng(3)
    signal = rng.uniform(-0.5, 0.5, (1, RATE * 13)).astype(np.float32)
    whole = overview.OverviewBuilder(RATE, 1)
    whole.add(signal)
    pieces = overview.OverviewBuilder(RATE, 1)
    for a in range(0, signal.shape[1], 3001):
        pieces.add(signal[:, a : a + 3001])
    assert whole.finish() == pieces.finish()
