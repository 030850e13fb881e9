"""AudioInput: a stored file as mono float32 at a model's rate, whole or in chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audino.audio.resample import Resampler, resample
from audino.models import AudioInput
from tests.audio.signals import write
from tests.models.speech import FIXTURES, clips


@pytest.mark.parametrize(
    "file", ["pcm16_mono_16k.wav", "float32_stereo_44k.wav", "pcm24_mono_48k.wav", "mono_22k.aiff"]
)
def test_samples_last_as_long_as_the_recording_at_any_rate(file: str) -> None:
    audio = AudioInput.from_file(FIXTURES / "formats" / file)
    for rate in (8_000, 16_000):
        samples = audio.samples(rate)
        assert samples.dtype == np.float32 and samples.ndim == 1
        assert abs(samples.size - audio.duration * rate) <= 2
        assert 0.01 < float(np.abs(samples).max()) <= 1.0


def test_chunks_join_to_the_whole(tmp_path: Path) -> None:
    audio = AudioInput.from_file(clips()[0].path)
    whole = audio.samples(22_050)
    parts = list(audio.chunks(22_050, seconds=1.0))
    assert len(parts) > 3
    assert np.array_equal(np.concatenate(parts), whole)


def test_stereo_is_averaged_to_mono(tmp_path: Path) -> None:
    rate = 16_000
    t = np.arange(rate) / rate
    left = 0.5 * np.sin(2 * np.pi * 300 * t)
    stereo = np.stack([left, np.zeros_like(left)]).astype(np.float32)
    path = write(tmp_path / "stereo.wav", stereo, rate, container="wav", codec="pcm_s16le")
    audio = AudioInput.from_file(path)
    assert audio.channels == 2 and audio.sample_rate == rate
    assert np.allclose(audio.samples(rate), left / 2, atol=1e-4)


def test_resampling_keeps_time_and_does_not_depend_on_chunks() -> None:
    rate = 44_100
    signal = np.zeros(3 * rate, np.float32)
    signal[rate:] = 0.5  # a step at 1 s
    whole = resample(signal, rate, 16_000)
    assert whole.size == 48_000
    assert abs(int(np.argmax(whole > 0.25)) - 16_000) <= 1
    resampler = Resampler(rate, 16_000)
    pieces = [resampler(signal[i : i + 1_000]) for i in range(0, signal.size, 1_000)]
    assert np.array_equal(np.concatenate([*pieces, resampler.flush()]), whole)
