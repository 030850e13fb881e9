"""audio.probe: format facts, exact durations, and refusals of files that are not usable audio."""

from __future__ import annotations

import json
import math
import struct
import wave
from pathlib import Path

import av
import pytest

from audino.audio.probe import BadAudio, content_type, kind_of, probe
from tests.conftest import FORMATS, SPEECH

GOOD = sorted(p for p in FORMATS.iterdir() if not p.name.startswith("bad_"))
BAD = sorted(FORMATS.glob("bad_*"))


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_files_probe(path: Path) -> None:
    info = probe(path, path.name)
    assert info.duration > 0 and info.samples > 0
    assert info.sample_rate > 0 and info.channels > 0
    assert info.codec and info.container
    assert info.content_type.startswith("audio/") and info.suffix.startswith(".")


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_files_are_refused_with_a_reason(path: Path) -> None:
    with pytest.raises(BadAudio) as err:
        probe(path, path.name)
    message = str(err.value)
    assert message.startswith(f"{path.name}: ") and len(message) > len(path.name) + 10


def test_truncated_mp3_is_caught() -> None:
    with pytest.raises(BadAudio, match=r"ends after 0\.\d\d s although its header says 7\.43 s"):
        probe(FORMATS / "bad_truncated.mp3", "bad_truncated.mp3")


def test_speech_durations_are_exact() -> None:
    for line in (SPEECH / "manifest.jsonl").read_text().splitlines():
        clip = json.loads(line)
        info = probe(SPEECH / clip["file"])
        assert info.duration == pytest.approx(clip["duration"], abs=0.001)


def test_aac_padding_is_trimmed_to_the_stated_length() -> None:
    # AAC in MP4 decodes a partial frame of padding past the end; the container knows better.
    assert probe(FORMATS / "aac_mono_16k.m4a").duration == pytest.approx(7.4334, abs=0.01)


def write_tone(path: Path, seconds: float, rate: int = 8000, channels: int = 1) -> None:
    n = int(seconds * rate)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) * channels
            for i in range(n)
        )
        w.writeframes(frames)


def test_duration_is_counted_in_samples(tmp_path: Path) -> None:
    path = tmp_path / "tone.wav"
    write_tone(path, 1.2345, rate=8000, channels=3)
    info = probe(path)
    assert info.samples == int(1.2345 * 8000)
    assert info.duration == info.samples / 8000
    assert (info.sample_rate, info.channels, info.codec, info.container) == (
        8000,
        3,
        "pcm_s16le",
        "wav",
    )


def test_cut_off_flac_is_refused(tmp_path: Path) -> None:
    data = (FORMATS / "flac_mono_16k.flac").read_bytes()
    path = tmp_path / "cut.flac"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadAudio, match="cut.flac: "):
        probe(path, "cut.flac")


def test_text_and_random_bytes_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("1\n00:00:01,000 --> 00:00:02,000\nhello\n\n")
    random = tmp_path / "noise.bin"
    random.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(20000)))
    for path in (text, random):
        with pytest.raises(BadAudio):
            probe(path)


def test_file_without_audio_stream_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "silent_video.mkv"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("ffv1", rate=1)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "yuv420p"
        frame = av.VideoFrame(16, 16, "yuv420p")
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    with pytest.raises(BadAudio, match="no audio stream"):
        probe(path, "silent_video.mkv")


def test_kinds_and_content_types() -> None:
    assert kind_of("ogg", "opus").suffix == ".opus"
    assert kind_of("matroska,webm", "aac").content_type == "audio/x-matroska"
    assert kind_of("something_new").content_type == "application/octet-stream"
    assert content_type("mp3") == "audio/mpeg"
    assert content_type("") == "application/octet-stream"
