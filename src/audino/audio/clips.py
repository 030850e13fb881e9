"""Audio clips cut from a recording in one decoding pass: resampled, channels picked or
mixed, encoded as FLAC, WAV, MP3 or Ogg Opus (PyAV)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from typing import IO, Any

import numpy as np

from audino.audio.probe import _pyav

# codec -> (container, encoder, sample format of the frames we hand the encoder)
ENCODERS = {
    "flac": ("flac", "flac", "s16"),
    "wav": ("wav", "pcm_s16le", "s16"),
    "mp3": ("mp3", "libmp3lame", "fltp"),
    "ogg": ("ogg", "libopus", "flt"),
}
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)

Span = tuple[float, float, int | None]  # start s, end s, channel (None: all channels)


def _fit_channels(block: np.ndarray, channel: int | None, channels: int) -> np.ndarray:
    """(source channels, n) -> (channels, n): one channel picked, or mixed down, or copied."""
    if channel is not None:
        block = block[min(channel, block.shape[0] - 1)][None, :]
    if block.shape[0] == channels:
        return block
    if channels == 1:
        return block.mean(axis=0, keepdims=True)
    return np.repeat(block[:1], channels, axis=0) if block.shape[0] == 1 else block[:channels]


def encode(samples: np.ndarray, sample_rate: int, codec: str) -> bytes:
    """float32 (channels, n) in [-1, 1] -> an encoded file."""
    av = _pyav()
    container_name, encoder, sample_format = ENCODERS[codec]
    channels = samples.shape[0]
    layout = "mono" if channels == 1 else "stereo" if channels == 2 else f"{channels}c"
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container_name) as out:
        stream: Any = out.add_stream(encoder, rate=sample_rate, layout=layout)
        if codec == "mp3":
            stream.bit_rate = 64000 * channels
            # LAME's quality 7: ~40% less CPU than its default 3, same bit rate, fine for speech.
            stream.codec_context.options = {"compression_level": "7"}
        clipped = np.clip(samples, -1.0, 1.0)
        if sample_format == "s16":
            data = (clipped.T * 32767.0).round().astype(np.int16).reshape(1, -1)
        elif sample_format == "flt":
            data = np.ascontiguousarray(clipped.T.astype(np.float32).reshape(1, -1))
        else:
            data = np.ascontiguousarray(clipped.astype(np.float32))
        if samples.shape[1]:
            frame = av.AudioFrame.from_ndarray(data, format=sample_format, layout=layout)
            frame.sample_rate = sample_rate
            frame.pts = 0
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return buffer.getvalue()


def cut(
    source: str | os.PathLike[str] | IO[bytes],
    spans: Sequence[Span],
    *,
    sample_rate: int,
    channels: int,
    codec: str,
) -> Iterator[bytes]:
    """Encoded clips of `spans`, in the order given, from one pass over the audio."""
    av = _pyav()
    if codec == "ogg" and sample_rate not in OPUS_RATES:
        raise ValueError(f"Opus takes a sample rate of {OPUS_RATES}, not {sample_rate}")
    if codec not in ENCODERS:
        raise ValueError(f"unknown codec {codec!r}; use one of {', '.join(ENCODERS)}")
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    bounds = [
        (max(0, round(s * sample_rate)), max(0, round(e * sample_rate)), c) for s, e, c in spans
    ]
    done: dict[int, bytes] = {}
    emit = 0  # the next index (in the caller's order) to yield
    pending = list(order)  # not yet cut, by start
    blocks: list[np.ndarray] = []
    base = 0  # sample index of blocks[0][:, 0]
    held = 0  # samples held in blocks
    container = av.open(source if isinstance(source, str | os.PathLike) else source, "r")
    try:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="fltp", rate=sample_rate)

        def frames() -> Iterator[np.ndarray]:
            for packet in container.demux(stream):
                for decoded in packet.decode():
                    for frame in resampler.resample(decoded):
                        yield frame.to_ndarray()
            for frame in resampler.resample(None):
                yield frame.to_ndarray()

        decoded_frames = frames()
        exhausted = False
        while pending:
            first = bounds[pending[0]]
            while not exhausted and base + held < first[1]:
                try:
                    block = next(decoded_frames)
                except StopIteration:
                    exhausted = True
                    break
                blocks.append(block)
                held += block.shape[1]
            # Cut every pending span that ends inside what is held (or all, at the end).
            still = []
            joined: np.ndarray | None = None
            for i in pending:
                start, end, channel = bounds[i]
                if end <= base + held or exhausted:
                    if joined is None:
                        joined = np.concatenate(blocks, axis=1) if blocks else np.zeros((1, 0))
                        blocks = [joined]
                    piece = joined[:, max(0, start - base) : max(0, end - base)]
                    done[i] = encode(_fit_channels(piece, channel, channels), sample_rate, codec)
                else:
                    still.append(i)
            pending = still
            while emit in done:
                yield done.pop(emit)
                emit += 1
            # Drop what no pending span needs any more.
            keep_from = min((bounds[i][0] for i in pending), default=base + held)
            if keep_from > base and blocks:
                joined = np.concatenate(blocks, axis=1)
                drop = min(keep_from - base, joined.shape[1])
                blocks = [joined[:, drop:]]
                base += drop
                held -= drop
    finally:
        container.close()
    while emit in done:
        yield done.pop(emit)
        emit += 1
