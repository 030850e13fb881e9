"""What an auto-annotator gets to read: a local audio file and the facts ingest knows about it.

A model never sees storage, the database or a Datapoint: the caller fetches the file to a
local path (storage may be a bucket) and passes what ingest recorded. Samples are decoded
on demand, mono at the rate the model asks for; `chunks` keeps memory bounded on long
recordings (an hour at 16 kHz float32 is 230 MB as one array, ~0.6 MB a chunk).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audino.audio.decode import CHUNK_SECONDS, stream_info
from audino.audio.probe import probe
from audino.audio.resample import mono_chunks


@dataclass(frozen=True)
class AudioInput:
    """A recording to annotate. `duration` bounds every prediction (recording time, s)."""

    path: Path
    duration: float
    sample_rate: int
    channels: int
    codec: str | None = None  # as ingest named it; lets a plain WAV skip the decoder

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> AudioInput:
        """The facts read from the file itself, for callers without a Datapoint (CLI,
        tests, benchmarks): the header when it states a length, else a full decode."""
        info = stream_info(path)
        if info.claimed_duration is None or not info.sample_rate or not info.channels:
            full = probe(path)
            return cls(Path(path), full.duration, full.sample_rate, full.channels, full.codec)
        return cls(Path(path), info.claimed_duration, info.sample_rate, info.channels, info.codec)

    def chunks(self, rate: int, seconds: float = CHUNK_SECONDS) -> Iterator[np.ndarray]:
        """Mono float32 at `rate` in consecutive chunks of about `seconds` (any length;
        the last shorter). Raises audino.audio.probe.BadAudio on a damaged file."""
        return mono_chunks(self.path, rate, codec=self.codec, chunk_seconds=seconds)

    def samples(self, rate: int) -> np.ndarray:
        """The whole recording as one mono float32 array at `rate`: for short files and
        models that need it all at once; prefer `chunks`."""
        parts = list(self.chunks(rate))
        if not parts:
            return np.empty(0, np.float32)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)
