"""Streaming decode into chunks, windows decoded alone, and the playback decision."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from mutagen.flac import FLAC

from audino.audio.decode import ChunkReader, chunk_length, decode_window
from audino.audio.playback import FlacWriter, copy_reason
from audino.audio.probe import BadAudio, probe, probe_quick
from tests.audio.signals import sweep, write
from tests.conftest import FORMATS

GOOD = sorted(p for p in FORMATS.iterdir() if not p.name.startswith("bad_"))
COPIED = {
    "mono_22k.aiff",
    "mp3_stereo_44k.mp3",
    "opus_mono.webm",
    "opus_mono_48k.opus",
    "ulaw_mono_8k.wav",
    "vorbis_mono_44k.ogg",
}


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_every_fixture_decodes_in_whole_chunks(path: Path) -> None:
    reader = ChunkReader(path)
    chunks = [c.copy() for c in reader]
    size = chunk_length(reader.sample_rate)
    assert all(c.shape[1] == size for c in chunks[:-1]) and 0 < chunks[-1].shape[1] <= size
    assert sum(c.shape[1] for c in chunks) == reader.samples == probe(path).samples
    assert all(c.shape[0] == reader.channels for c in chunks)
    joined = reader.to_float(np.concatenate(chunks, axis=1))
    assert joined.dtype == np.float32 and 0.05 < np.abs(joined).max() <= 1.0
    # The decoder's own sample type, unconverted: 16-bit audio stays int16.
    if path.name.startswith(("pcm16_", "flac_")):
        assert chunks[0].dtype == np.int16 and reader.scale == 1 / 32768


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_fixture_needs_a_copy_only_when_browsers_cannot_seek_it(path: Path) -> None:
    info = probe(path)
    assert (copy_reason(path, info.container, info.codec) is not None) == (path.name in COPIED)


@pytest.mark.parametrize("name", ["pcm16_mono_16k.wav", "flac_mono_16k.flac"])
def test_window_is_the_same_samples_as_a_full_decode(name: str) -> None:
    path = FORMATS / name
    reader = ChunkReader(path)
    full = reader.to_float(np.concatenate(list(reader), axis=1))
    rate = probe(path).sample_rate
    for start, end in [(0.0, 0.5), (1.234, 2.5), (6.9, 7.6)]:
        window, got_rate = decode_window(path, start, end)
        a, b = round(start * rate), round(end * rate)
        assert got_rate == rate and window.shape[1] == b - a
        tail = min(b, full.shape[1]) - a
        assert np.array_equal(window[:, :tail], full[:, a : a + tail])
        assert not window[:, tail:].any()  # past the end: zeros


def test_flac_copy_has_a_seek_table_and_the_same_samples(tmp_path: Path) -> None:
    rate = 22050
    samples = sweep(65.0, rate, channels=2)
    writer = FlacWriter(tmp_path / "copy.flac", rate, 2)
    step = chunk_length(rate)
    for i in range(0, samples.shape[1], step):
        writer.add(samples[:, i : i + step])
    writer.finish()
    table = FLAC(str(tmp_path / "copy.flac")).seektable
    assert [p.first_sample // rate // 10 for p in table.seekpoints] == list(range(7))
    reader = ChunkReader(tmp_path / "copy.flac")
    back = reader.to_float(np.concatenate(list(reader), axis=1))
    assert back.shape == samples.shape
    assert np.abs(back - samples).max() < 2 / 32767


def test_quick_probe_of_a_long_file_reads_only_its_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rate = 8000
    how = {"container": "mp3", "codec": "libmp3lame", "sample_format": "fltp"}
    path = write(tmp_path / "long.mp3", sweep(30.0, rate), rate, **how)
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(BadAudio, match="truncated"):
        probe_quick(cut)
    monkeypatch.setattr("audino.audio.probe.FULL_PROBE_MAX_SECONDS", 10.0)
    info = probe_quick(cut)  # long: the header is believed here, ingest finds the cut
    assert info.duration == pytest.approx(30.0, abs=0.1)
