"""Spectrogram tiles: a tone lands on its row in every frequency scale; the axis agrees."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from audino.audio.spectrogram import TileSpec, axis_ticks, fraction_of, frequency_at, tile
from tests.audio.signals import write

RATE = 16000


@pytest.fixture
def tones(tmp_path: Path) -> Path:
    """1 kHz for 2 s, then 3 kHz for 2 s."""
    t = np.arange(RATE * 2) / RATE
    a = 0.5 * np.sin(2 * np.pi * 1000 * t)
    b = 0.5 * np.sin(2 * np.pi * 3000 * t)
    samples = np.concatenate([a, b])[None, :].astype(np.float32)
    return write(tmp_path / "tones.wav", samples, RATE, container="wav", codec="pcm_s16le")


@pytest.mark.parametrize("scale", ["linear", "mel", "log"])
def test_a_tone_is_drawn_at_its_frequency(tones: Path, scale: str) -> None:
    height = 200
    png = tile(tones, TileSpec(0.5, 3.5, width=300, height=height, scale=scale), RATE)
    image = Image.open(io.BytesIO(png))
    assert image.size == (300, height) and image.mode == "RGB"
    gray = tile(tones, TileSpec(0.5, 3.5, 300, height, scale, colormap="gray"), RATE)
    rows = np.asarray(Image.open(io.BytesIO(gray)), dtype=np.int64)
    for column, hz in ((50, 1000), (250, 3000)):
        row = int(np.argmax(rows[:, column]))
        expected = (1 - fraction_of(hz, scale, RATE)) * height
        assert abs(row - expected) <= 2.5, (scale, hz, row, expected)
        assert rows[row, column] > 200 and np.median(rows[:, column]) < 60


def test_frequency_mapping_round_trips() -> None:
    y = np.linspace(0, 1, 11)
    for scale in ("linear", "mel", "log"):
        assert np.allclose(fraction_of(frequency_at(y, scale, 44100), scale, 44100), y)


def test_axis_ticks_are_round_and_inside_the_tile() -> None:
    ticks = axis_ticks("linear", 256, 16000)
    assert [t["hz"] for t in ticks] == [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]
    assert ticks[0]["y"] == 256 and ticks[-1]["y"] == 0
    mel = axis_ticks("mel", 256, 44100)
    assert {100.0, 1000.0, 10000.0} <= {t["hz"] for t in mel}
    assert all(0 <= t["y"] <= 256 for t in mel)


def test_tile_past_the_end_is_silent_not_an_error(tones: Path) -> None:
    png = tile(tones, TileSpec(3.5, 6.0, width=50, height=32, colormap="gray"), RATE)
    rows = np.asarray(Image.open(io.BytesIO(png)))
    assert rows[:, -10:].max() == 0
