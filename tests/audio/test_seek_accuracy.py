"""What you hear is what you see: after a seek, the audio a browser plays at time t is the
audio at t of the upload, within 20 ms, for every accepted input format.

A sweep whose pitch encodes the time is encoded to each format and ingested. Formats that
Chromium seeks by estimate (MP3, Ogg, WebM, raw AAC, FLAC without a seek table) or does not
play (AIFF, µ-law WAV) get a FLAC copy with a seek table; it is decoded the way a browser
seeks it, from the seek point before the target, counting samples. PCM WAV and AAC in MP4
are decoded from the original with a timestamp seek.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from mutagen.flac import FLAC

from audino.audio.analysis import analyse
from audino.audio.decode import ChunkReader, decode_window, frame_samples
from audino.audio.playback import copy_reason
from audino.audio.probe import probe
from tests.audio.signals import sweep, time_from_pitch, write

RATE = 44100
SECONDS = 24.0
TARGETS = (0.4, 3.3, 9.95, 12.7, 21.25)
TOLERANCE = 0.020
SNIPPET = 0.1

CASES: dict[str, tuple[dict[str, Any], bool]] = {
    # name: (how to encode, whether ingest must make a copy)
    "vbr.mp3": (
        {
            "container": "mp3",
            "codec": "libmp3lame",
            "sample_format": "fltp",
            "options": {"flags": "+qscale", "global_quality": str(4 * 118)},
        },
        True,
    ),
    "cbr.mp3": (
        {"container": "mp3", "codec": "libmp3lame", "sample_format": "fltp", "bit_rate": 128000},
        True,
    ),
    "no_seektable.flac": ({"container": "flac", "codec": "flac"}, True),
    "adts.aac": ({"container": "adts", "codec": "aac", "sample_format": "fltp"}, True),
    "pcm.aiff": ({"container": "aiff", "codec": "pcm_s16be"}, True),
    "ulaw.wav": ({"container": "wav", "codec": "pcm_mulaw"}, True),
    "pcm16.wav": ({"container": "wav", "codec": "pcm_s16le"}, False),
    "float.wav": ({"container": "wav", "codec": "pcm_f32le", "sample_format": "flt"}, False),
    "aac.m4a": ({"container": "ipod", "codec": "aac", "sample_format": "fltp"}, False),
    "opus.opus": (
        {"container": "ogg", "codec": "libopus", "sample_format": "flt", "out_rate": 48000},
        True,
    ),
    "vorbis.ogg": (
        {
            "container": "ogg",
            "codec": "vorbis",
            "sample_format": "fltp",
            "options": {"strict": "-2"},
        },
        True,
    ),
    "opus.webm": (
        {"container": "webm", "codec": "libopus", "sample_format": "flt", "out_rate": 48000},
        True,
    ),
}


def _audio_start(data: bytes) -> int:
    """Byte offset of the first FLAC frame (after the metadata blocks)."""
    assert data[:4] == b"fLaC"
    pos = 4
    while True:
        header = data[pos]
        length = int.from_bytes(data[pos + 1 : pos + 4], "big")
        pos += 4 + length
        if header & 0x80:
            return pos


def seek_like_a_browser(path: Path, target: float) -> tuple[np.ndarray, int]:
    """Samples [target, target + SNIPPET) found through the FLAC seek table alone."""
    info = FLAC(str(path))
    rate = info.info.sample_rate
    wanted = round(target * rate)
    point = max(
        (p for p in info.seektable.seekpoints if p.first_sample <= wanted),
        key=lambda p: p.first_sample,
    )
    data = path.read_bytes()
    start = _audio_start(data)
    clipped = data[:start] + data[start + point.byte_offset :]
    got: list[np.ndarray] = []
    position = point.first_sample
    end = wanted + round(SNIPPET * rate)
    with av.open(io.BytesIO(clipped), "r", format="flac") as container:
        for frame in container.decode(audio=0):
            got.append(frame_samples(frame, info.info.channels)[0])
            if position + sum(len(g) for g in got) >= end:
                break
    joined = np.concatenate(got)
    return joined[wanted - position : end - position], rate


@pytest.mark.parametrize("name", sorted(CASES))
def test_heard_after_a_seek_is_what_is_drawn(tmp_path: Path, name: str) -> None:
    how, needs_copy = CASES[name]
    original = write(tmp_path / name, sweep(SECONDS, RATE, channels=2), RATE, **how)
    info = probe(original)
    reason = copy_reason(original, info.container, info.codec)
    assert (reason is not None) == needs_copy, reason
    result = analyse(
        original,
        container=info.container,
        codec=info.codec,
        playback_path=tmp_path / "playback.flac",
    )
    # What ingest draws: the peaks come from one sequential decode of the original.
    reader = ChunkReader(original)
    drawn = reader.to_float(np.concatenate(list(reader), axis=1))[0]
    drawn_rate = result.sample_rate
    # Raw ADTS carries no gapless info: every decoder plays its 1024 priming samples.
    priming = 1024 / RATE if name.endswith(".aac") else 0.0
    assert abs(result.duration - SECONDS - priming) < 0.03
    errors = []  # heard minus drawn, seconds
    for target in TARGETS:
        if needs_copy:
            assert result.playback_path is not None
            assert FLAC(str(result.playback_path)).seektable.seekpoints
            snippet, rate = seek_like_a_browser(result.playback_path, target)
            exact, _ = decode_window(result.playback_path, target, target + SNIPPET)
            assert np.allclose(snippet, exact[0], atol=1e-6)
        else:
            assert result.playback_path is None
            window, rate = decode_window(original, target, target + SNIPPET)
            snippet = window[0]
        first = round(target * drawn_rate)
        seen = time_from_pitch(drawn[first : first + round(SNIPPET * drawn_rate)], drawn_rate)
        assert abs(seen - (target + SNIPPET / 2 - priming)) <= TOLERANCE
        errors.append(time_from_pitch(snippet, rate) - seen)
    assert max(abs(e) for e in errors) <= TOLERANCE, [round(e * 1000, 1) for e in errors]
