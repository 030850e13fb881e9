"""Streaming decode with PyAV into fixed-size float32 chunks, and sample-exact windows."""

from __future__ import annotations

import math
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from audino.audio.probe import BadAudio, _pyav

# Chunks hold about this many seconds; their length is a multiple of CHUNK_ALIGN samples
# so that every block size of the peaks pyramid divides a whole chunk.
CHUNK_SECONDS = 10.0
CHUNK_ALIGN = 1 << 14
# Decoded frames are joined into frames this long before Python touches them (small
# enough that FFmpeg's buffers for them are reused, not mapped afresh each time).
BATCH_SAMPLES = 1 << 14

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


_DTYPES = {
    "flt": np.float32,
    "dbl": np.float64,
    "s16": np.int16,
    "s32": np.int32,
    "s64": np.int64,
    "u8": np.uint8,
}

Rows = list[np.ndarray]  # one 1-D array per channel, views into the frame's planes


def frame_view(frame: Any, channels: int) -> tuple[Rows, float, float]:
    """A frame's samples per channel, in their own type and without copying, with the
    scale and offset that bring them to [-1, 1]: `(row - offset) * scale`."""
    fmt = frame.format.name
    planar = fmt.endswith("p")
    base = fmt[:-1] if planar else fmt
    scale, offset = _SCALES.get(base, (1.0, 0.0))
    dtype = _DTYPES.get(base)
    own = len(frame.layout.channels) or channels
    n = frame.samples
    if dtype is None:  # a format we have no view for: let PyAV convert it
        raw = frame.to_ndarray()
        raw = raw.reshape(-1, own).T if not planar else raw
        rows = list(raw)
    elif planar:
        rows = [np.frombuffer(plane, dtype, count=n) for plane in frame.planes[:own]]
    else:
        rows = list(np.frombuffer(frame.planes[0], dtype, count=n * own).reshape(n, own).T)
    if own != channels:  # a stream that changes its layout midway (seen in MP3 and AAC)
        rows = rows[:channels] if own > channels else rows[:1] * channels
    return rows, scale, offset


def convert_into(out: np.ndarray, rows: Rows, scale: float, offset: float) -> None:
    """Writes rows as float32 into `out` (channels, n), one pass per channel."""
    for target, row in zip(out, rows, strict=True):
        if offset:
            np.subtract(row, offset, out=target, casting="unsafe")
            target *= scale
        elif scale != 1.0:
            np.multiply(row, scale, out=target, casting="unsafe")
        else:
            np.copyto(target, row, casting="unsafe")


def frame_samples(frame: Any, channels: int) -> np.ndarray:
    """One decoded frame as float32 (channels, n) in [-1, 1], whatever its sample format."""
    rows, scale, offset = frame_view(frame, channels)
    out = np.empty((channels, frame.samples), dtype=np.float32)
    convert_into(out, rows, scale, offset)
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
    """Decodes the first audio stream once, yielding (channels, chunk) arrays in the
    decoder's own sample type (int16 for 16-bit PCM and FLAC, float32 for MP3, AAC, Opus...):
    copying without converting is what keeps ingest near the cost of decoding. A sample s
    means `(s - offset) * scale` of full scale (see `to_float`).

    Every chunk but the last has exactly `chunk` samples. Afterwards `samples` is the
    number decoded; a decoding error raises BadAudio saying where the audio stopped.
    """

    scale = 1.0
    offset = 0.0
    _dtype: np.dtype[Any] = np.dtype(np.float32)

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

    def to_float(self, chunk: np.ndarray) -> np.ndarray:
        """A chunk as float32 in [-1, 1]."""
        if chunk.dtype == np.float32 and self.scale == 1.0 and not self.offset:
            return chunk
        out = np.empty(chunk.shape, np.float32)
        convert_into(out, list(chunk), self.scale, self.offset)
        return out

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
            buffer: np.ndarray | None = None
            held = 0
            try:
                packed = ""  # the packed sample format of a stream read by the fast path
                for frame in _batched(container.decode(stream), 65536):
                    n = frame.samples
                    if (
                        packed
                        and frame.format.name == packed
                        and frame.layout.nb_channels == channels
                    ):
                        # Interleaved PCM (WAV): one copy per frame, no per-channel views.
                        assert buffer is not None
                        rows = [np.frombuffer(frame.planes[0], buffer.dtype, count=n * channels)]
                        source = rows[0].reshape(n, channels)
                    else:
                        if not self.info.sample_rate:
                            self.info.sample_rate = int(frame.sample_rate)
                        rows, scale, offset = frame_view(frame, channels)
                        if buffer is None:  # the first frame sets the type of every chunk
                            self.scale, self.offset, self._dtype = scale, offset, rows[0].dtype
                            buffer = np.empty((channels, size), dtype=self._dtype)
                            fmt = frame.format
                            if not fmt.is_planar and fmt.name in _DTYPES:
                                packed = fmt.name
                        elif (scale, offset, rows[0].dtype) != (
                            self.scale,
                            self.offset,
                            buffer.dtype,
                        ):
                            rows = self._rescaled(rows, scale, offset)
                        source = None
                    used = 0
                    while used < n:
                        take = min(size - held, n - used)
                        if source is not None:
                            np.copyto(buffer[:, held : held + take].T, source[used : used + take])
                        else:
                            for target, row in zip(
                                buffer[:, held : held + take], rows, strict=True
                            ):
                                np.copyto(target, row[used : used + take], casting="unsafe")
                        held += take
                        used += take
                        if held == size:
                            self.samples += held
                            yield buffer
                            buffer = np.empty((channels, size), dtype=buffer.dtype)
                            held = 0
            except (av.FFmpegError, ValueError, OSError, MemoryError):
                decoded = (self.samples + held) / (self.info.sample_rate or 1)
                raise BadAudio(
                    f"the audio is damaged and stops decoding after {decoded:.2f} s."
                ) from None
            if held and buffer is not None:
                self.samples += held
                yield buffer[:, :held]
        finally:
            container.close()

    def _rescaled(self, rows: Rows, scale: float, offset: float) -> Rows:
        """Rows of a frame whose sample format changed midway, in the first frame's terms."""
        out = []
        for row in rows:
            value = (row.astype(np.float64) - offset) * scale / self.scale + self.offset
            if np.issubdtype(self._dtype, np.integer):
                info = np.iinfo(self._dtype)
                value = np.clip(np.round(value), info.min, info.max)
            out.append(value)
        return out


def _batched(frames: Iterator[Any], samples: int) -> Iterator[Any]:
    """Runs of decoded frames in one format, layout and rate, joined by FFmpeg's audio FIFO
    into frames of `samples` (the last of a run shorter): the work done in Python per frame,
    which cost nearly half as much as decoding an MP3 itself, is then done once per 16384
    samples."""
    av = _pyav()
    fifo: Any = None
    kind: tuple[str, str, int] | None = None
    for frame in frames:
        now = (frame.format.name, frame.layout.name, frame.sample_rate)
        if now != kind:
            if fifo is not None and fifo.samples:
                yield fifo.read()
            fifo, kind = av.AudioFifo(), now
        frame.pts = None  # the FIFO would check that timestamps follow on; a copy need not
        fifo.write(frame)
        if fifo.samples >= samples:
            yield fifo.read(samples)
    if fifo is not None and fifo.samples:
        yield fifo.read()


# Plain WAV sample types read straight from the file: (format tag, bits) -> the codec
# FFmpeg names for it, and the numpy type of its samples.
_WAV_PCM: dict[tuple[int, int], tuple[str, str]] = {
    (1, 8): ("pcm_u8", "u1"),
    (1, 16): ("pcm_s16le", "<i2"),
    (1, 32): ("pcm_s32le", "<i4"),
    (3, 32): ("pcm_f32le", "<f4"),
}
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE
_MAX_WAV_CHUNKS = 64  # before the data chunk; past that the decoder reads the file


@dataclass(frozen=True)
class WavData:
    """Where a plain PCM WAV keeps its samples."""

    offset: int  # of the first sample, in bytes
    size: int  # bytes of whole sample frames
    channels: int
    sample_rate: int
    codec: str
    dtype: np.dtype[Any]


def wav_data(path: str | os.PathLike[str]) -> WavData | None:
    """The sample data of a RIFF WAV holding 8/16/32-bit integer or 32-bit float PCM
    whose data chunk lies wholly inside the file; None for anything else (RF64, other
    codecs, 24-bit, a cut-off or streamed file), which the decoder then reads."""
    try:
        with open(path, "rb") as f:
            total = os.fstat(f.fileno()).st_size
            head = f.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:] != b"WAVE":
                return None
            fmt = b""
            position = 12
            for _ in range(_MAX_WAV_CHUNKS):
                f.seek(position)
                header = f.read(8)
                if len(header) < 8:
                    return None
                name, size = struct.unpack("<4sI", header)
                if name == b"fmt ":
                    fmt = f.read(min(size, 40))
                elif name == b"data":
                    break
                position += 8 + size + (size & 1)
            else:
                return None
    except OSError:
        return None
    if len(fmt) < 16:
        return None
    tag, channels, rate, _, align, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == _WAVE_FORMAT_EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack_from("<H", fmt, 24)[0]  # the sub-format GUID starts with it
    known = _WAV_PCM.get((tag, bits))
    offset = position + 8
    if known is None or channels < 1 or rate < 1 or align != channels * bits // 8:
        return None
    if size == 0 or offset + size > total:
        return None
    codec, dtype = known
    return WavData(offset, size - size % align, channels, rate, codec, np.dtype(dtype))


class PcmReader(ChunkReader):
    """A ChunkReader for plain PCM WAV that reads the samples from the file itself, with no
    decoder and no per-frame work: each chunk is one read, then one copy that splits the
    interleaved frames into channel rows (what the peaks' reduceat runs fastest on)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        data: WavData,
        info: StreamInfo,
        *,
        chunk_seconds: float = CHUNK_SECONDS,
    ) -> None:
        self.path = path
        self._file = os.fspath(path)
        self.chunk_seconds = chunk_seconds
        self._container = None
        self.info = info
        self.data = data
        self.samples = 0
        base = data.codec.removeprefix("pcm_").removesuffix("le").removesuffix("be")
        self.scale, self.offset = _SCALES[{"f32": "flt"}.get(base, base)]
        self._dtype = data.dtype

    def __iter__(self) -> Iterator[np.ndarray]:
        channels, width = self.data.channels, self.data.dtype.itemsize * self.data.channels
        size = chunk_length(self.info.sample_rate, self.chunk_seconds)
        left = self.data.size // width
        frames = np.empty((min(size, left), channels), self.data.dtype)
        with open(self._file, "rb", buffering=0) as f:
            f.seek(self.data.offset)
            while left:
                n = min(size, left)
                got = _read_into(f, frames[:n]) // width
                if got == 0:
                    break
                self.samples += got
                left = left - got if got == n else 0  # a short read: the file shrank
                chunk = np.empty((channels, got), self.data.dtype)
                np.copyto(chunk.T, frames[:got])
                yield chunk


def _read_into(f: Any, out: np.ndarray) -> int:
    view = out.data.cast("B")
    done = 0
    while done < len(view):
        got = f.readinto(view[done:])
        if not got:
            break
        done += got
    return done


def open_chunks(
    path: Source, *, codec: str | None = None, chunk_seconds: float = CHUNK_SECONDS
) -> ChunkReader:
    """A ChunkReader for `path`: a PcmReader when it is a plain PCM WAV, whose samples need
    no decoding (several times faster), else the decoder's. `codec`, when given, is what
    FFmpeg named the stream at upload; the PcmReader is used only when its own reading of
    the header agrees (without it, the file is opened with FFmpeg to compare)."""
    local = path if isinstance(path, str | os.PathLike) else None
    data = wav_data(local) if local is not None else None
    if local is not None and data is not None and codec == data.codec:
        frames = data.size // (data.dtype.itemsize * data.channels)
        info = StreamInfo(data.sample_rate, data.channels, data.codec, frames / data.sample_rate)
        return PcmReader(local, data, info, chunk_seconds=chunk_seconds)
    reader = ChunkReader(path, chunk_seconds=chunk_seconds)
    info = reader.info
    if local is None or data is None or codec is not None:
        return reader
    if (data.codec, data.channels, data.sample_rate) != (
        info.codec,
        info.channels,
        info.sample_rate,
    ):
        return reader
    reader.close()
    return PcmReader(local, data, info, chunk_seconds=chunk_seconds)


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
