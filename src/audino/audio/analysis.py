"""Everything ingest derives from an audio file, from one decoding pass: exact length,
peaks pyramid, thumbnail, spectrogram overview and (when the browser needs one) a
seek-exact playback copy."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from audino.audio import playback, thumbnail
from audino.audio.decode import convert_into, open_chunks
from audino.audio.overview import OverviewBuilder
from audino.audio.peaks import Level, PeaksBuilder, read_level
from audino.audio.probe import (
    PADDING_SECONDS,
    TRUNCATION_FRACTION,
    TRUNCATION_MIN_SECONDS,
    AudioLimits,
    BadAudio,
)

Progress = Callable[[float], None]


class Listener(Protocol):
    """Something else to compute from the same decoding pass (a voice-activity detector at
    ingest): it is handed each chunk as mono float32 at the file's own rate."""

    def add(self, samples: np.ndarray, rate: int) -> None: ...


# Where listeners get a thread of their own. Measured with vad-webrtc (benchmarks/vad.py,
# 1 h, 2 cores): it pays off where decoding is light, so the second core is free (FLAC +31 %
# to ingest instead of +47 %), and costs where the decoder keeps the cores and the GIL busy
# (VBR MP3 +16 % instead of +8 %).
THREADED_CODECS = ("flac", "pcm_")


class Listening:
    """Feeds listeners each chunk as mono float32. `threaded`: from a thread of their own,
    so their work overlaps decoding (numpy and soxr release the GIL), with at most `depth`
    chunks waiting; else in the decoding thread. A listener's error is raised by `finish`
    (at once when not threaded)."""

    def __init__(
        self, listeners: Sequence[Listener], rate: int, *, threaded: bool, depth: int = 4
    ) -> None:
        self._listeners = listeners
        self._rate = rate
        self._queue: queue.Queue[tuple[np.ndarray, float, float] | None] = queue.Queue(depth)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._run, name="listeners", daemon=True)
            self._thread.start()

    def add(self, chunk: np.ndarray, scale: float, offset: float) -> None:
        """A chunk the decoder will not touch again, in its own sample type."""
        if self._thread is None:
            self._feed(chunk, scale, offset)
        else:
            self._queue.put((chunk, scale, offset))

    def _feed(self, chunk: np.ndarray, scale: float, offset: float) -> None:
        mono = np.empty(chunk.shape[1], np.float32)
        if len(chunk) == 1:
            convert_into(mono[None, :], [chunk[0]], scale, offset)
        else:
            floats = np.empty(chunk.shape, np.float32)
            convert_into(floats, list(chunk), scale, offset)
            np.mean(floats, axis=0, dtype=np.float32, out=mono)
        for listener in self._listeners:
            listener.add(mono, self._rate)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._feed(*item)
                except BaseException as exc:  # handed to the decoding thread in finish()
                    self._error = exc

    def finish(self) -> None:
        self.finish_quietly()
        if self._error is not None:
            raise self._error

    def finish_quietly(self) -> None:
        """Stops the thread (after the decoding failed, that error is the one raised)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None


@dataclass
class Analysis:
    samples: int
    sample_rate: int
    channels: int
    duration: float
    peaks: bytes
    levels: list[Level]
    thumbnail: bytes
    overview: bytes  # coarse spectrogram frames (see audio.overview)
    overview_info: dict[str, int]
    playback_path: Path | None  # the copy written, when the original needed one
    playback_reason: str | None


def analyse(
    path: str | os.PathLike[str],
    *,
    container: str,
    codec: str,
    playback_path: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    limits: AudioLimits | None = None,
    listeners: Sequence[Listener] = (),
) -> Analysis:
    """Decode `path` once. A playback copy is written to `playback_path` only when the
        original is not seek-exact in browsers. Raises BadAudio for damaged or cut-off audio,
        and for audio outside `limits` (checked while decoding: a header can understate the
        length), so nothing derived ever outgrows the longest duration taken. `listeners` get
    every chunk too, mono, as float32 in [-1, 1]."""
    limits = limits or AudioLimits()
    reader = open_chunks(path, codec=codec if container == "wav" else None)
    if reader.sample_rate <= 0:
        reader.close()
        raise BadAudio("the audio stream has no sample rate.")
    if problem := limits.rate_problem(reader.sample_rate):
        reader.close()
        raise BadAudio(problem)
    most_samples = limits.max_seconds * reader.sample_rate
    reason = playback.copy_reason(path, container, codec)
    channels = reader.channels or 1
    writer = None
    if reason and playback_path is not None and playback.can_copy(channels):
        flac = playback.FlacWriter(playback_path, reader.sample_rate, channels)
        writer = playback.BackgroundWriter(flac)
    builder = PeaksBuilder(reader.sample_rate, channels)
    overview = OverviewBuilder(reader.sample_rate, channels)
    listening = None
    if listeners:
        threaded = (codec or "").lower().startswith(THREADED_CODECS)
        listening = Listening(listeners, reader.sample_rate, threaded=threaded)
    claimed = reader.info.claimed_duration
    expected = round(claimed * reader.sample_rate) if claimed else 0
    try:
        for chunk in reader:
            if reader.samples > most_samples:
                raise BadAudio(limits.duration_problem(reader.samples / reader.sample_rate) or "")
            scale, offset = reader.scale, reader.offset
            builder.add(chunk, scale, offset)
            overview.add(chunk, scale, offset)
            if writer is not None:
                writer.add(chunk, scale, offset)
            if listening is not None:
                listening.add(chunk, scale, offset)
            if progress is not None and expected:
                progress(min(0.99, reader.samples / expected))
        if writer is not None:
            writer.finish()
        if listening is not None:
            listening.finish()
    except BaseException:
        if writer is not None:
            writer.abort()
        if listening is not None:
            listening.finish_quietly()
        raise
    finally:
        reader.close()
    samples = reader.samples
    rate = reader.sample_rate
    if samples == 0:
        raise BadAudio("the file contains no audio samples (it is empty or cut off).")
    duration = samples / rate
    if claimed is not None:
        shortfall = claimed - duration
        if shortfall > max(TRUNCATION_MIN_SECONDS, TRUNCATION_FRACTION * claimed):
            if writer is not None:
                Path(writer.path).unlink(missing_ok=True)
            raise BadAudio(
                f"the audio ends after {duration:.2f} s although its header says "
                f"{claimed:.2f} s; the file is probably truncated."
            )
        if 0 < -shortfall <= PADDING_SECONDS:
            duration = claimed
    blob, levels = builder.finish()
    frames, frames_info = overview.finish()
    return Analysis(
        samples=samples,
        sample_rate=rate,
        channels=channels,
        duration=duration,
        peaks=blob,
        levels=levels,
        thumbnail=thumbnail.render(read_level(blob, levels[-1], channels)),
        overview=frames,
        overview_info=frames_info,
        playback_path=Path(playback_path) if writer is not None and playback_path else None,
        playback_reason=reason,
    )
