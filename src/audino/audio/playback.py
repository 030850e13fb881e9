"""Which inputs a browser cannot play or seeks by estimate, and the seek-exact copy for them.

The copy is 16-bit FLAC with a seek table (Chromium seeks such FLAC to the sample), written
from the same decoded chunks that feed the peaks.
"""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path
from typing import Any

import numpy as np

from audino.audio.probe import _pyav

# PCM in WAV that every browser plays and seeks exactly (by byte arithmetic).
EXACT_WAV_CODECS = frozenset({"pcm_u8", "pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le"})
# Measured in Chromium 156 with a sweep whose pitch encodes the time (10-minute files):
# PCM WAV, FLAC and AAC in MP4 (it has a sample table) land on the sample; these do not.
EXACT_MP4_CODECS = frozenset({"aac"})
INEXACT = {
    "mp3": "MP3 seeks by estimate in browsers (CBR up to 0.5 s off, VBR seconds off)",
    "ogg": "Ogg seeks by estimate in browsers (sometimes 0.1-0.5 s off)",
    "webm": "WebM audio seeks by estimate in browsers (sometimes 0.15 s off)",
    "aac": "raw AAC seeks by estimate in browsers",
}
MAX_FLAC_CHANNELS = 8
SEEK_SPACING_SECONDS = 10.0
# FFmpeg leaves 8 KiB of padding after the FLAC header: a table this long fits in place.
MAX_SEEK_POINTS = 450
PLAYBACK_CONTAINER = "flac"
PLAYBACK_SUFFIX = ".flac"


def copy_reason(path: str | os.PathLike[str], container: str, codec: str) -> str | None:
    """Why the original needs a browser copy, for people; None when it plays as it is."""
    if container == "wav":
        if codec in EXACT_WAV_CODECS:
            return None
        return f"WAV with {codec} audio does not play in every browser"
    if container == "flac" and codec == "flac":
        if _has_seek_table(path):
            return None
        return "FLAC without a seek table seeks by estimate in browsers"
    if container == "mp4" and codec in EXACT_MP4_CODECS:
        return None
    if container == "mp3" and _is_vbr_mp3(path):
        return "variable-bitrate MP3 seeks by estimate in browsers (seconds off)"
    if container in INEXACT:
        return INEXACT[container]
    return f"{container or 'this format'} with {codec} audio does not play in every browser"


def _has_seek_table(path: str | os.PathLike[str]) -> bool:
    from mutagen.flac import FLAC, error

    try:
        table: Any = FLAC(os.fspath(path)).seektable
    except (error, OSError):
        return False
    return bool(table is not None and table.seekpoints)


def _is_vbr_mp3(path: str | os.PathLike[str]) -> bool:
    from mutagen.mp3 import MP3, BitrateMode, HeaderNotFoundError

    try:
        info: Any = MP3(os.fspath(path)).info
        mode = info.bitrate_mode
    except (HeaderNotFoundError, OSError, ValueError):
        return True
    return mode is not BitrateMode.CBR


def can_copy(channels: int) -> bool:
    return 0 < channels <= MAX_FLAC_CHANNELS


def _layout(channels: int) -> str:
    return {1: "mono", 2: "stereo", 3: "2.1", 4: "quad", 5: "5.0", 6: "5.1", 7: "6.1"}.get(
        channels, "7.1"
    )


class BackgroundWriter:
    """Runs a writer's encoding in a thread, so that it overlaps decoding (PyAV and numpy
    release the GIL); at most `depth` chunks wait, which bounds the memory. Chunks are
    converted to 16-bit in the caller's thread: the encoder is the slower of the two."""

    def __init__(self, writer: FlacWriter, depth: int = 3) -> None:
        self.writer = writer
        self.path = writer.path
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="flac-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self.writer.add_packed(item)
                except BaseException as exc:  # handed to the decoding thread in finish()
                    self._error = exc

    def add(self, chunk: np.ndarray, scale: float = 1.0, offset: float = 0.0) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(self.writer.pack(chunk, scale, offset))

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        self.writer.finish()

    def abort(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self.writer.abort()


class FlacWriter:
    """Encodes float32 (channels, n) chunks to 16-bit FLAC, then adds a seek table."""

    def __init__(self, path: str | os.PathLike[str], sample_rate: int, channels: int) -> None:
        av = _pyav()
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.channels = channels
        self.layout = _layout(channels)
        self._out: Any = av.open(os.fspath(path), "w", format="flac")
        self._stream: Any = self._out.add_stream("flac", rate=sample_rate, layout=self.layout)
        self._stream.options = {"compression_level": "3"}  # smallest at the least CPU here
        self._pts = 0
        self._packets: list[tuple[int, int]] = []  # (first sample, bytes) per FLAC frame

    def add(self, chunk: np.ndarray, scale: float = 1.0, offset: float = 0.0) -> None:
        """A chunk of samples s meaning `(s - offset) * scale` of full scale."""
        self.add_packed(self.pack(chunk, scale, offset))

    def pack(self, chunk: np.ndarray, scale: float = 1.0, offset: float = 0.0) -> np.ndarray:
        """A (channels, n) chunk as the encoder takes it: int16 (n, channels)."""
        packed = np.empty((chunk.shape[1], self.channels), dtype=np.int16)
        if chunk.dtype == np.int16 and scale == 1 / 32768 and not offset:
            np.copyto(packed, chunk.T)  # 16-bit in, 16-bit out: interleaving only
        else:
            full = (chunk.T - offset) * scale if offset or scale != 1.0 else chunk.T
            np.multiply(np.clip(full, -1.0, 1.0), 32767.0, out=packed, casting="unsafe")
        return packed

    def add_packed(self, packed: np.ndarray) -> None:
        """Encodes int16 (n, channels) samples (see `pack`)."""
        n = packed.shape[0]
        if n == 0:
            return
        frame = _pyav().AudioFrame.from_ndarray(
            packed.reshape(1, -1), format="s16", layout=self.layout
        )
        frame.sample_rate = self.sample_rate
        frame.pts = self._pts
        self._pts += n
        self._mux(self._stream.encode(frame))

    def _mux(self, packets: list[Any]) -> None:
        for packet in packets:
            self._packets.append((int(packet.pts or 0), packet.size))
        self._out.mux(packets)

    def finish(self) -> None:
        self._mux(self._stream.encode(None))
        self._out.close()
        self._add_seek_table()

    def abort(self) -> None:
        try:
            self._out.close()
        finally:
            self.path.unlink(missing_ok=True)

    def _add_seek_table(self) -> None:
        from mutagen.flac import FLAC, SeekPoint, SeekTable

        spacing = max(
            round(SEEK_SPACING_SECONDS * self.sample_rate), -(-self._pts // MAX_SEEK_POINTS)
        )
        points = []
        offset = 0
        nxt = 0
        for i, (first, size) in enumerate(self._packets):
            if first >= nxt:
                end = self._packets[i + 1][0] if i + 1 < len(self._packets) else self._pts
                points.append(SeekPoint(first, offset, max(0, end - first)))
                nxt = first - first % spacing + spacing
            offset += size
        flac = FLAC(os.fspath(self.path))
        table = SeekTable(None)
        table.seekpoints = points[:MAX_SEEK_POINTS]
        flac.metadata_blocks.insert(1, table)
        flac.save()
