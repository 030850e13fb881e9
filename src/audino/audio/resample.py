"""A recording as mono float32 at the rate a model wants, decoded and resampled chunk by chunk.

Resampling is FFmpeg's (libswresample through PyAV's AudioResampler): one resampler per
stream keeps its filter state across chunks, so where a chunk ends leaves no trace in the
output, and the output is aligned with the input (no filter delay to undo).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np

from audino.audio.decode import CHUNK_SECONDS, open_chunks
from audino.audio.probe import _pyav


class Resampler:
    """Mono float32 samples from `source_rate` to `target_rate`, fed in chunks of any size."""

    def __init__(self, source_rate: int, target_rate: int) -> None:
        self.source_rate = source_rate
        self.target_rate = target_rate
        self._av = _pyav()
        self._resampler = self._av.AudioResampler(format="flt", layout="mono", rate=target_rate)

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        """The resampled samples that this chunk completes (some stay in the filter)."""
        if not samples.size:
            return np.empty(0, np.float32)
        frame = self._av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, dtype=np.float32)[None, :], format="flt", layout="mono"
        )
        frame.sample_rate = self.source_rate
        return self._joined(self._resampler.resample(frame))

    def flush(self) -> np.ndarray:
        """What the filter still holds, once the input has ended."""
        return self._joined(self._resampler.resample(None))

    @staticmethod
    def _joined(frames: list[object]) -> np.ndarray:
        parts = [frame.to_ndarray()[0] for frame in frames]  # type: ignore[attr-defined]
        if not parts:
            return np.empty(0, np.float32)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """A whole mono signal at another rate (same duration, to the sample)."""
    if source_rate == target_rate:
        return np.asarray(samples, dtype=np.float32)
    resampler = Resampler(source_rate, target_rate)
    head, tail = resampler(samples), resampler.flush()
    return np.concatenate([head, tail]) if tail.size else head


def mono_chunks(
    path: str | os.PathLike[str],
    rate: int,
    *,
    codec: str | None = None,
    chunk_seconds: float = CHUNK_SECONDS,
) -> Iterator[np.ndarray]:
    """The first audio stream of `path` as mono float32 at `rate`, in chunks of about
    `chunk_seconds` (channels averaged). Memory stays at a few chunks whatever the length;
    a damaged file raises audino.audio.probe.BadAudio where it stops decoding. `codec`
    is what ingest recorded (lets a plain WAV skip the decoder, as open_chunks does)."""
    reader = open_chunks(path, codec=codec, chunk_seconds=chunk_seconds)
    resampler: Resampler | None = None
    try:
        for chunk in reader:
            if resampler is None and reader.sample_rate != rate:
                resampler = Resampler(reader.sample_rate, rate)
            samples = reader.to_float(chunk)
            mono = samples[0] if samples.shape[0] == 1 else samples.mean(axis=0, dtype=np.float32)
            out = resampler(mono) if resampler is not None else mono
            if out.size:
                yield out
        if resampler is not None:
            tail = resampler.flush()
            if tail.size:
                yield tail
    finally:
        reader.close()
