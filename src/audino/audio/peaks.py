"""A multi-resolution peaks pyramid: per pixel and channel, the min and max as int8.

Level 0 has about 10 ms per pixel (a power of two samples); each further level halves the
resolution, down to a whole-file overview of at most OVERVIEW_PIXELS. Serialised as
consecutive BBC audiowaveform .dat v2 sections (24-byte header, then for each pixel, for
each channel, min then max), so each level is also a valid .dat file on its own.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

import numpy as np

FINEST_SECONDS = 0.01
OVERVIEW_PIXELS = 2000
SCALE = 127.0  # an int8 value v stands for v / 127 of full scale
DAT_VERSION = 2
DAT_FLAG_8BIT = 1
_HEADER = struct.Struct("<iIiiIi")  # version, flags, sample rate, samples/pixel, length, channels
HEADER_SIZE = _HEADER.size


def finest_samples_per_pixel(sample_rate: int) -> int:
    """The power of two nearest (in log scale) to 10 ms of samples, at least 16."""
    return 1 << max(4, round(math.log2(max(1.0, sample_rate * FINEST_SECONDS))))


@dataclass(frozen=True)
class Level:
    level: int
    samples_per_pixel: int
    length: int  # pixels
    offset: int  # byte offset of this level's header in the serialised pyramid

    def data_range(self, channels: int, start: int, end: int) -> tuple[int, int]:
        """Byte range [a, b) of pixels [start, end) in the serialised pyramid."""
        width = 2 * channels
        base = self.offset + HEADER_SIZE
        return base + start * width, base + end * width


def plan_levels(samples: int, samples_per_pixel: int, channels: int) -> list[Level]:
    """Finest to coarsest, each half the resolution, the last ≤ OVERVIEW_PIXELS wide."""
    levels: list[Level] = []
    offset = 0
    spp = samples_per_pixel
    while True:
        length = max(1, math.ceil(samples / spp)) if samples else 0
        levels.append(Level(len(levels), spp, length, offset))
        offset += HEADER_SIZE + length * 2 * channels
        if length <= OVERVIEW_PIXELS:
            return levels
        spp *= 2


class PeaksBuilder:
    """Fed (channels, n) chunks in order (any sample type, see `add`); every chunk but the
    last must hold a whole number of level-0 blocks. `finish` returns the serialised
    pyramid."""

    def __init__(self, sample_rate: int, channels: int) -> None:
        self.sample_rate = sample_rate
        self.channels = channels
        self.samples_per_pixel = finest_samples_per_pixel(sample_rate)
        self.samples = 0
        self._parts: list[np.ndarray] = []
        self._tail = False

    def add(self, chunk: np.ndarray, scale: float = 1.0, offset: float = 0.0) -> None:
        """A chunk of samples s meaning `(s - offset) * scale` of full scale."""
        n = chunk.shape[1]
        if n == 0:
            return
        if self._tail:
            raise ValueError("a chunk that is not a whole number of blocks must come last")
        spp = self.samples_per_pixel
        self._tail = n % spp != 0
        starts = np.arange(0, n, spp)
        lows = (np.minimum.reduceat(chunk, starts, axis=1) - offset) * scale
        highs = (np.maximum.reduceat(chunk, starts, axis=1) - offset) * scale
        pixels = np.empty((len(starts), self.channels, 2), dtype=np.int8)
        pixels[:, :, 0] = quantize(lows, up=False).T
        pixels[:, :, 1] = quantize(highs, up=True).T
        self._parts.append(pixels)
        self.samples += n

    def levels(self) -> list[Level]:
        return plan_levels(self.samples, self.samples_per_pixel, self.channels)

    def pyramid(self) -> list[np.ndarray]:
        """Each level as int8 (pixels, channels, 2)."""
        if self._parts:
            current = np.concatenate(self._parts)
        else:
            current = np.zeros((0, self.channels, 2), np.int8)
        out = [current]
        for _ in self.levels()[1:]:
            current = halve(current)
            out.append(current)
        return out

    def finish(self) -> tuple[bytes, list[Level]]:
        levels = self.levels()
        return serialise(self.pyramid(), levels, self.sample_rate, self.channels), levels


def quantize(values: np.ndarray, *, up: bool) -> np.ndarray:
    """float in [-1, 1] -> int8; lows round down and highs up so no peak is shaved."""
    scaled = np.clip(values, -1.0, 1.0) * SCALE
    return (np.ceil(scaled) if up else np.floor(scaled)).astype(np.int8)


def halve(level: np.ndarray) -> np.ndarray:
    """The next coarser level: pixel pairs merged (min of mins, max of maxes)."""
    if len(level) % 2:
        level = np.concatenate([level, level[-1:]])
    out = np.empty((len(level) // 2, level.shape[1], 2), dtype=np.int8)
    np.minimum(level[0::2, :, 0], level[1::2, :, 0], out=out[:, :, 0])
    np.maximum(level[0::2, :, 1], level[1::2, :, 1], out=out[:, :, 1])
    return out


def serialise(
    pyramid: list[np.ndarray], levels: list[Level], sample_rate: int, channels: int
) -> bytes:
    parts = []
    for data, level in zip(pyramid, levels, strict=True):
        if len(data) != level.length:
            raise ValueError(f"level {level.level} has {len(data)} pixels, not {level.length}")
        parts.append(
            _HEADER.pack(
                DAT_VERSION,
                DAT_FLAG_8BIT,
                sample_rate,
                level.samples_per_pixel,
                level.length,
                channels,
            )
        )
        parts.append(np.ascontiguousarray(data).tobytes())
    return b"".join(parts)


def read_level(blob: bytes, level: Level, channels: int) -> np.ndarray:
    """One level of a serialised pyramid as int8 (pixels, channels, 2)."""
    a, b = level.data_range(channels, 0, level.length)
    return np.frombuffer(blob[a:b], dtype=np.int8).reshape(level.length, channels, 2)


def level_from_dict(raw: dict[str, int]) -> Level:
    return Level(
        int(raw["level"]), int(raw["samples_per_pixel"]), int(raw["length"]), int(raw["offset"])
    )


def level_to_dict(level: Level) -> dict[str, int]:
    return {
        "level": level.level,
        "samples_per_pixel": level.samples_per_pixel,
        "length": level.length,
        "offset": level.offset,
    }
