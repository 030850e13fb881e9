"""Listeners of ingest's decoding pass (a VAD at ingest) get every sample once, mono, at
the file's own rate, from a thread of their own; their failure fails the analysis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from audino.audio.analysis import analyse
from audino.audio.probe import probe_quick
from tests.conftest import FORMATS


class Collect:
    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.rates: set[int] = set()

    def add(self, samples: np.ndarray, rate: int) -> None:
        self.parts.append(samples.copy())
        self.rates.add(rate)


@pytest.mark.parametrize(
    "name",
    ["pcm16_4ch_16k.wav", "float32_stereo_44k.wav", "pcm8u_stereo_16k.wav", "flac_mono_16k.flac"],
)
def test_listeners_hear_the_whole_file_as_mono(name: str, tmp_path: Path) -> None:
    path = FORMATS / name
    info = probe_quick(path)
    heard = Collect()
    result = analyse(
        path,
        container=info.container,
        codec=info.codec,
        playback_path=tmp_path / "copy.flac",
        listeners=[heard],
    )
    samples = np.concatenate(heard.parts)
    expected, rate = soundfile.read(path, dtype="float32", always_2d=True)
    assert heard.rates == {rate} == {result.sample_rate}
    assert samples.dtype == np.float32 and samples.size == result.samples == len(expected)
    # The channels' mean, as libsndfile reads them (8-bit and 16-bit steps allowed).
    np.testing.assert_allclose(samples, expected.mean(axis=1), atol=1 / 128)


@pytest.mark.parametrize("name", ["mp3_stereo_44k.mp3", "vorbis_mono_44k.ogg"])
def test_lossy_files_feed_listeners_in_the_decoding_thread(name: str) -> None:
    """Lossy decoders keep the cores busy: listeners run inline there (same result)."""
    path = FORMATS / name
    info = probe_quick(path)
    heard = Collect()
    result = analyse(path, container=info.container, codec=info.codec, listeners=[heard])
    samples = np.concatenate(heard.parts)
    assert heard.rates == {result.sample_rate}
    assert samples.size == result.samples and np.isfinite(samples).all()
    assert 0.01 < float(np.abs(samples).max()) <= 1.0


class Broken:
    def add(self, samples: np.ndarray, rate: int) -> None:
        raise RuntimeError("listener broke")


@pytest.mark.parametrize("name", ["pcm16_mono_16k.wav", "mp3_stereo_44k.mp3"])
def test_a_failing_listener_fails_the_analysis(name: str) -> None:
    path = FORMATS / name
    info = probe_quick(path)
    with pytest.raises(RuntimeError, match="listener broke"):
        analyse(path, container=info.container, codec=info.codec, listeners=[Broken()])
