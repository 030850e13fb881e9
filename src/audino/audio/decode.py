"""Streaming decode with PyAV into fixed-size float32 chunks, and sample-exact windows."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from audino.audio.probe import BadAudio, _pyav

# Chunks hold about this many seconds; their length is a multiple of CHUNK_ALIGN samples
# so that every block size of the peaks pyramid divides a whole chunk.
CHUNK_SECONDS = 10.0
CHUNK_ALIGN = 1 << 14

# Sample format -> (numpy scale to [-1, 1], offset subtracted first).
_SCALES: dict[str, tuple[float, float]] = {
    "flt": (1.0, 0.0),
    "dbl": (1.0, 0.0),
    "s16": (1.0 / 32768.0, 0.0),
    "s32": (1.0 / 2147483648.0, 0.0),
    "s64": (1.0 / 9223372036854775808.0, 0.0),
    "u8": (1.0 / 128.0, 128.0),
}


def chunk_length(sample_rate: int, seconds: float = CHUNK_SECONDS) -> int:
    return max(CHUNK_ALIGN, math.ceil(sample_rate * seconds / CHUNK_ALIGN) * CHUNK_ALIGN)


def frame_view(frame: Any, channels: int) -> tuple[np.ndarray, float, float]:
    """A frame's samples as a (channels, n) view in their own type, with the scale and
    offset that bring them to [-1, 1]: `(view - offset) * scale`."""
    fmt = frame.format.name
    planar = fmt.endswith("p")
    base = fmt[:-1] if planar else fmt
    scale, offset = _SCALES.get(base, (1.0, 0.0))
    raw = frame.to_ndarray()
    own = len(frame.layout.channels) or channels
    if not planar:
        raw = raw.reshape(-1, own).T
    if own != channels:  # a stream that changes its layout midway (seen in MP3 and AAC)
        raw = raw[:channels] if own > channels else np.repeat(raw[:1], channels, axis=0)
    return raw, scale, offset


def convert_into(out: np.ndarray, raw: np.ndarray, scale: float, offset: float) -> None:
    """Writes float32 samples of `raw` into `out` in one pass where possible."""
    if offset:
        np.subtract(raw, offset, out=out, casting="unsafe")
        out *= scale
    elif scale != 1.0:
        np.multiply(raw, scale, out=out, casting="unsafe")
    else:
        np.copyto(out, raw, casting="unsafe")


def frame_samples(frame: Any, channels: int) -> np.ndarray:
    """One decoded frame as float32 (channels, n) in [-1, 1], whatever its sample format."""
    raw, scale, offset = frame_view(frame, channels)
    out = np.empty(raw.shape, dtype=np.float32)
    convert_into(out, raw, scale, offset)
    return out


@dataclass
class StreamInfo:
    sample_rate: int
    channels: int
    codec: str
    claimed_duration: float | None


Source = str | os.PathLike[str] | IO[bytes]


def _open(source: Source) -> Any:
    av = _pyav()
    try:
        return av.open(source if hasattr(source, "read") else os.fspath(source), mode="r")
    except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError):
        raise BadAudio(
            "this is not an audio file we can read (unknown or damaged format)."
        ) from None


def _info(container: Any) -> StreamInfo:
    if not container.streams.audio:
        raise BadAudio("the file contains no audio stream.")
    stream = container.streams.audio[0]
    claimed: float | None = None
    if stream.duration and stream.time_base is not None and stream.duration > 0:
        claimed = float(stream.duration * stream.time_base)
    elif container.duration and container.duration > 0:
        claimed = container.duration / _pyav().time_base
    return StreamInfo(
        sample_rate=int(stream.codec_context.sample_rate or stream.rate or 0),
        channels=int(stream.codec_context.channels or 0),
        codec=stream.codec_context.name or "unknown",
        claimed_duration=claimed,
    )


def stream_info(path: str | os.PathLike[str]) -> StreamInfo:
    """The header's view of the first audio stream, decoding nothing."""
    with _open(path) as container:
        return _info(container)


class ChunkReader:
    """Decodes the first audio stream once, yielding float32 (channels, chunk) arrays.

    Every chunk but the last has exactly `chunk` samples. Afterwards `samples` is the
    number decoded; a decoding error raises BadAudio saying where the audio stopped.
    """

    def __init__(self, path: Source, *, chunk_seconds: float = CHUNK_SECONDS) -> None:
        self.path = path
        self.chunk_seconds = chunk_seconds
        self._container: Any = _open(path)
        try:
            self.info = _info(self._container)
        except BaseException:
            self._container.close()
            raise
        self.samples = 0

    def close(self) -> None:
        """Closes the file when the reader is dropped without being iterated to the end."""
        if self._container is not None:
            self._container.close()
            self._container = None

    @property
    def sample_rate(self) -> int:
        return self.info.sample_rate

    @property
    def channels(self) -> int:
        return self.info.channels

    def __iter__(self) -> Iterator[np.ndarray]:
        av = _pyav()
        container = self._container if self._container is not None else _open(self.path)
        self._container = None
        try:
            stream = container.streams.audio[0]
            stream.thread_type = "AUTO"
            channels = self.info.channels or len(stream.layout.channels) or 1
            self.info.channels = channels
            size = chunk_length(self.info.sample_rate or 48000, self.chunk_seconds)
            buffer = np.empty((channels, size), dtype=np.float32)
            held = 0
            try:
                for frame in container.decode(stream):
                    if not self.info.sample_rate:
                        self.info.sample_rate = int(frame.sample_rate)
                    raw, scale, offset = frame_view(frame, channels)
                    n = raw.shape[1]
                    used = 0
                    while used < n:
                        take = min(size - held, n - used)
                        convert_into(
                            buffer[:, held : held + take], raw[:, used : used + take], scale, offset
                        )
                        held += take
                        used += take
                        if held == size:
                            self.samples += held
                            yield buffer
                            buffer = np.empty((channels, size), dtype=np.float32)
                            held = 0
            except (av.FFmpegError, ValueError, OSError, MemoryError):
                decoded = (self.samples + held) / (self.info.sample_rate or 1)
                raise BadAudio(
                    f"the audio is damaged and stops decoding after {decoded:.2f} s."
                ) from None
            if held:
                self.samples += held
                yield buffer[:, :held]
        finally:
            container.close()


def decode_window(
    path: Source,
    start: float,
    end: float,
    *,
    channel: int | None = None,
) -> tuple[np.ndarray, int]:
    """Samples [start, end) s as float32 (channels, n), placed by each frame's timestamp.

    Seeks to just before `start` and decodes only the window; samples the file lacks
    (past its end) are zeros. Exact for formats whose timestamps are exact (PCM, FLAC,
    and the seek-exact playback copies ingest makes).
    """
    av = _pyav()
    with _open(path) as container:
        info = _info(container)
        stream = container.streams.audio[0]
        rate = info.sample_rate
        channels = info.channels or 1
        first = max(0, round(start * rate))
        last = max(first, round(end * rate))
        out = np.zeros((channels, last - first), dtype=np.float32)
        if last > first:
            time_base = stream.time_base
            if first > 0 and time_base:
                # Land a little early: some demuxers seek to the frame after the target.
                target = max(0, int((start - 0.5) / time_base))
                container.seek(target, stream=stream, backward=True)
            position: int | None = None
            try:
                for frame in container.decode(stream):
                    if frame.pts is not None and frame.time_base:
                        position = round(float(frame.pts * frame.time_base) * rate)
                    elif position is None:
                        position = 0
                    data = frame_samples(frame, channels)
                    n = data.shape[1]
                    lo, hi = max(position, first), min(position + n, last)
                    if hi > lo:
                        out[:, lo - first : hi - first] = data[:, lo - position : hi - position]
                    position += n
                    if position >= last:
                        break
            except (av.FFmpegError, ValueError, OSError):
                pass  # a damaged tail: keep what decoded
    if channel is not None:
        out = out[min(channel, channels - 1)][None, :]
    return out, rate
