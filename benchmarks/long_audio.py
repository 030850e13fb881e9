"""Long recordings made at run time for the browser benchmark and tests (never committed).

The tone's pitch steps with time and its loudness comes in bursts, so every part of the
waveform looks different. An MP3 is encoded once for a short loop and then remuxed (no
re-encoding) to the length asked for, so a 3-hour file takes seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

BLOCK_SECONDS = 10


def _blocks(seconds: float, rate: int, channels: int) -> Iterator[np.ndarray]:
    """int16 audio, channels × samples, BLOCK_SECONDS at a time."""
    block = rate * BLOCK_SECONDS
    total = int(seconds * rate)
    rng = np.random.default_rng(0)
    for start in range(0, total, block):
        n = min(block, total - start)
        t = (start + np.arange(n)) / rate
        pitch = 220.0 + 20.0 * np.floor(t % 60.0)  # the second within the minute, as pitch
        loud = np.where((t % 3.0) < 2.0, 0.5, 0.06) * (0.6 + 0.4 * np.sin(2 * np.pi * t / 97.0))
        x = loud * np.sin(2 * np.pi * pitch * t) + 0.005 * rng.standard_normal(n)
        pcm = (np.clip(x, -1, 1) * 32767).astype(np.int16)
        yield np.repeat(pcm[None, :], channels, axis=0)


def _encode(
    path: Path, seconds: float, rate: int, channels: int, codec: str, bit_rate: int
) -> None:
    layout = "stereo" if channels == 2 else "mono"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        if bit_rate:
            stream.bit_rate = bit_rate
        for pcm in _blocks(seconds, rate, channels):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(pcm.T).reshape(1, -1), format="s16", layout=layout
            )
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def _loop_mp3(loop: Path, path: Path, seconds: float) -> None:
    """Remuxes the loop's packets, end to end, into one MP3 of about `seconds`."""
    with av.open(str(loop)) as source, av.open(str(path), "w", format="mp3") as out:
        template = source.streams.audio[0]
        stream = out.add_stream_from_template(template)
        frames = [
            (bytes(p), int(p.pts or 0), int(p.duration or 0))
            for p in source.demux(template)
            if p.size
        ]
        time_base = template.time_base or Fraction(1, template.rate)
        step = frames[-1][1] + frames[-1][2] - frames[0][1]
        repeats = max(1, round(seconds / float(step * time_base)))
        for r in range(repeats):
            for data, pts, duration in frames:
                packet = av.Packet(data)
                packet.stream = stream
                packet.time_base = time_base
                packet.pts = packet.dts = pts - frames[0][1] + r * step
                packet.duration = duration
                out.mux(packet)


def write_long_audio(
    path: Path, seconds: float, *, rate: int = 44100, channels: int = 2, kind: str = "mp3"
) -> Path:
    """A `kind` (mp3 CBR 128 kb/s, flac or wav) file of `seconds`; reused when already there."""
    if path.exists() and path.stat().st_size > 0:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    if kind == "mp3":
        loop = path.with_name(path.stem + "-loop.mp3")
        _encode(loop, min(seconds, 300.0), rate, channels, "libmp3lame", 128_000)
        _loop_mp3(loop, partial, seconds)
        loop.unlink()
    elif kind in ("wav", "flac"):
        codec = "pcm_s16le" if kind == "wav" else "flac"
        _encode(partial.with_suffix(f".{kind}"), seconds, rate, channels, codec, 0)
        partial.with_suffix(f".{kind}").rename(partial)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    partial.rename(path)
    return path
