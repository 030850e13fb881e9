"""What ingest derives is bounded by the audio's duration (and never outgrows the samples),
whatever the sample rate; audio past the limits is refused while decoding."""

from __future__ import annotations

import math
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from audino.audio import overview
from audino.audio.analysis import analyse
from audino.audio.peaks import PeaksBuilder
from audino.audio.probe import AudioLimits, BadAudio
from tests.audio.signals import sweep, write

RATES = [1, 2, 7, 100, 999, 1000, 8000, 44_100, 192_000, 768_000]


def feed(builder: overview.OverviewBuilder | PeaksBuilder, samples: np.ndarray) -> None:
    step = 4096 * 16  # whole level-0 blocks for the peaks builder
    for start in range(0, samples.shape[1], step):
        builder.add(samples[:, start : start + step])


@pytest.mark.parametrize("rate", RATES)
def test_overview_size_follows_duration_not_sample_count(rate: int) -> None:
    samples = max(rate * 20, 300_000 if rate < 1000 else 0)  # 20 s, or long enough to matter
    channels = 2
    noise = np.random.default_rng(rate).uniform(-0.5, 0.5, (channels, samples)).astype(np.float32)
    duration = samples / rate
    tracemalloc.start()
    try:
        builder = overview.OverviewBuilder(rate, channels)
        feed(builder, noise)
        frames, info = builder.finish()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    frame_bytes = channels * info["bins"]
    assert len(frames) == info["frames"] * frame_bytes
    # At most two frames per second of audio ...
    assert info["frames"] <= math.ceil(duration / overview.HOP_SECONDS) + 1
    # ... and never more bytes than the samples they summarise (as 32-bit floats).
    assert len(frames) <= 4 * channels * samples + frame_bytes
    # Working memory stays near the input and output, never a frame per sample.
    assert peak < 32 * 1024**2 + 8 * len(frames), peak


@pytest.mark.parametrize("rate", RATES)
def test_peaks_size_follows_duration(rate: int) -> None:
    samples = max(rate * 20, 300_000 if rate < 1000 else 0)
    noise = np.random.default_rng(rate).uniform(-0.5, 0.5, (1, samples)).astype(np.float32)
    builder = PeaksBuilder(rate, 1)
    feed(builder, noise)
    blob, levels = builder.finish()
    duration = samples / rate
    finest = levels[0]
    # Level 0 is ~10 ms a pixel (a power of two samples, at least 16): at most ~141 px/s.
    assert finest.length <= math.ceil(duration * 100 * math.sqrt(2)) + 1
    assert finest.length <= math.ceil(samples / 16)
    # The coarser levels together are no bigger than level 0.
    assert len(blob) <= 2 * (2 * finest.length) + 24 * len(levels) + 2 * 2 * len(levels)


def test_analyse_refuses_audio_longer_than_the_limit_while_decoding(tmp_path: Path) -> None:
    path = write(tmp_path / "three.wav", sweep(3.0, 8000), 8000, container="wav", codec="pcm_s16le")
    with pytest.raises(BadAudio, match="longer than"):
        analyse(path, container="wav", codec="pcm_s16le", limits=AudioLimits(max_seconds=1.0))
    with pytest.raises(BadAudio, match="sample rate is 8,000 Hz"):
        analyse(
            path, container="wav", codec="pcm_s16le", limits=AudioLimits(min_sample_rate=16_000)
        )
    assert analyse(path, container="wav", codec="pcm_s16le").duration == pytest.approx(3.0)
