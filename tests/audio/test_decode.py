"""Streaming decode into chunks, windows decoded alone, and the playback decision."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from mutagen.flac import FLAC

from audino.audio import decode
from audino.audio.analysis import analyse
from audino.audio.decode import (
    ChunkReader,
    PcmReader,
    chunk_length,
    decode_window,
    open_chunks,
    wav_data,
)
from audino.audio.playback import BackgroundWriter, FlacWriter, copy_reason
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


WAVS = [p for p in GOOD if p.suffix == ".wav"]
READ_DIRECTLY = {"pcm16_4ch_16k.wav", "pcm16_mono_16k.wav", "float32_stereo_44k.wav"}
READ_DIRECTLY |= {"pcm8u_stereo_16k.wav"}


@pytest.mark.parametrize("path", WAVS, ids=lambda p: p.name)
def test_plain_wav_is_read_without_the_decoder_to_the_same_chunks(path: Path) -> None:
    codec = probe(path).codec
    reader = open_chunks(path, codec=codec)
    assert isinstance(reader, PcmReader) == (path.name in READ_DIRECTLY)
    assert isinstance(open_chunks(path), PcmReader) == (path.name in READ_DIRECTLY)
    reference = ChunkReader(path)
    got, want = [c.copy() for c in reader], [c.copy() for c in reference]
    assert [c.shape for c in got] == [c.shape for c in want]
    assert all(a.dtype == b.dtype and np.array_equal(a, b) for a, b in zip(got, want, strict=True))
    assert (reader.samples, reader.channels, reader.sample_rate) == (
        reference.samples,
        reference.channels,
        reference.sample_rate,
    )
    assert (reader.scale, reader.offset) == (reference.scale, reference.offset)


@pytest.mark.parametrize("name", sorted(READ_DIRECTLY))
def test_plain_wav_analysis_is_the_same_as_through_the_decoder(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = FORMATS / name
    codec = probe(path).codec
    fast = analyse(path, container="wav", codec=codec)
    monkeypatch.setattr(decode, "wav_data", lambda _path: None)
    slow = analyse(path, container="wav", codec=codec)
    assert (fast.samples, fast.duration, fast.channels) == (
        slow.samples,
        slow.duration,
        slow.channels,
    )
    assert fast.peaks == slow.peaks and fast.levels == slow.levels
    assert fast.overview == slow.overview and fast.overview_info == slow.overview_info
    assert fast.thumbnail == slow.thumbnail


def test_wav_with_a_long_file_in_chunks_and_a_cut_end(tmp_path: Path) -> None:
    rate = 8000
    samples = sweep(100.0, rate, channels=2)
    path = write(tmp_path / "long.wav", samples, rate, container="wav", codec="pcm_s16le")
    reader = open_chunks(path, codec="pcm_s16le", chunk_seconds=3.0)
    chunks = [c.copy() for c in reader]
    size = chunk_length(rate, 3.0)
    assert isinstance(reader, PcmReader) and len(chunks) > 3
    assert all(c.shape == (2, size) for c in chunks[:-1]) and reader.samples == samples.shape[1]
    joined = reader.to_float(np.concatenate(chunks, axis=1))
    assert np.abs(joined - samples).max() < 1 / 32767
    # Cut off: the data chunk runs past the end, so the decoder reads what is there.
    cut = tmp_path / "cut.wav"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert wav_data(cut) is None
    assert not isinstance(open_chunks(cut, codec="pcm_s16le"), PcmReader)
    result = analyse(cut, container="wav", codec="pcm_s16le")
    assert abs(result.samples - samples.shape[1] // 2) < rate


def test_wav_header_reading_refuses_what_it_does_not_know(tmp_path: Path) -> None:
    rate = 8000
    samples = sweep(1.0, rate)
    plain = write(tmp_path / "plain.wav", samples, rate, container="wav", codec="pcm_s16le")
    assert wav_data(plain) is not None
    body = plain.read_bytes()
    for name, data in [
        ("rf64.wav", b"RF64" + body[4:]),
        ("short.wav", body[:30]),
        ("text.wav", b"not a wav at all"),
        ("empty.wav", b""),
        ("chunky.wav", body[:12] + b"junk\0\0\0\0" * 100 + body[12:]),
    ]:
        (tmp_path / name).write_bytes(data)
        assert wav_data(tmp_path / name) is None
    assert wav_data(FORMATS / "pcm24_mono_48k.wav") is None  # 24-bit: the decoder's
    assert wav_data(FORMATS / "ulaw_mono_8k.wav") is None


def test_decoded_frames_are_joined_in_order_and_split_where_their_format_changes() -> None:
    def frame(values: np.ndarray, fmt: str) -> av.AudioFrame:
        made = av.AudioFrame.from_ndarray(values, format=fmt, layout="mono")
        made.sample_rate = 8000
        made.pts = 0  # each frame starts at 0: the joined frames ignore timestamps
        return made

    ramp = np.arange(3000, dtype=np.int16)
    frames = [frame(ramp[i : i + 700][None, :], "s16") for i in range(0, 2100, 700)]
    frames.append(frame((ramp[2100:2500] / 32768).astype(np.float32)[None, :], "flt"))
    frames.append(frame(ramp[2500:][None, :], "s16"))
    joined = list(decode._batched(iter(frames), 1000))
    assert [(f.format.name, f.samples) for f in joined] == [
        ("s16", 1000),
        ("s16", 1000),
        ("s16", 100),
        ("flt", 400),
        ("s16", 500),
    ]
    back = [f.to_ndarray()[0] for f in joined]
    back[3] = np.round(back[3] * 32768).astype(np.int16)
    assert np.array_equal(np.concatenate(back), ramp)


def test_copy_written_in_the_background_is_the_same_file(tmp_path: Path) -> None:
    rate = 16000
    samples = sweep(25.0, rate, channels=2) * 1.5  # louder than full scale: clipped alike
    step = chunk_length(rate, 3.0)
    direct = FlacWriter(tmp_path / "direct.flac", rate, 2)
    background = BackgroundWriter(FlacWriter(tmp_path / "background.flac", rate, 2), depth=1)
    for i in range(0, samples.shape[1], step):
        direct.add(samples[:, i : i + step])
        background.add(samples[:, i : i + step])
    direct.finish()
    background.finish()
    assert (tmp_path / "direct.flac").read_bytes() == (tmp_path / "background.flac").read_bytes()
