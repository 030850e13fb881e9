"""Cutting a long recording into consecutive windows for annotators to take one by one:
of a fixed length, or cut at the quietest moment near each target length."""

from __future__ import annotations

import numpy as np

# Windows are between these fractions of the asked length (the last one included).
SHORTEST = 0.5
LONGEST = 1.5
# Loudness is smoothed over this many seconds before looking for the quietest moment.
SMOOTHING_SECONDS = 0.25
# Moments at most this much louder than the quietest one count as just as quiet; the one
# nearest the target length wins among them.
QUIET_MARGIN = 1.1


def fixed_windows(duration: float, length: float) -> list[tuple[float, float]]:
    """[start, end) of consecutive windows of `length` seconds; a last piece shorter than
    half a window joins the one before it."""
    if duration <= 0:
        return []
    cuts = [i * length for i in range(1, int(duration // length) + 1) if i * length < duration]
    if cuts and duration - cuts[-1] < SHORTEST * length:
        cuts.pop()
    return _spans(duration, cuts)


def silence_windows(
    duration: float, length: float, loudness: np.ndarray, seconds_per_value: float
) -> list[tuple[float, float]]:
    """Windows of about `length` seconds cut where the recording is quietest: each cut is
    the quietest moment between 0.5× and 1.5× `length` after the previous one.

    `loudness` holds one non-negative value per `seconds_per_value` seconds (e.g. the
    largest absolute peak of each pixel of the finest peaks level).
    """
    if duration <= 0:
        return []
    if loudness.size == 0:
        return fixed_windows(duration, length)
    width = max(1, round(SMOOTHING_SECONDS / seconds_per_value))
    level = loudness.astype(np.float64)
    sums = np.concatenate(([0.0], np.cumsum(level)))
    # Mean loudness of the `width` values centred on each index.
    lo = np.clip(np.arange(level.size) - width // 2, 0, level.size)
    hi = np.clip(lo + width, 0, level.size)
    smooth = (sums[hi] - sums[lo]) / np.maximum(hi - lo, 1)
    cuts: list[float] = []
    start = 0.0
    while duration - start > LONGEST * length:
        first = int(np.ceil((start + SHORTEST * length) / seconds_per_value))
        last = min(int((start + LONGEST * length) / seconds_per_value), smooth.size - 1)
        if last <= first:
            cut = start + length
        else:
            candidates = smooth[first : last + 1]
            quiet = np.flatnonzero(candidates <= candidates.min() * QUIET_MARGIN + 1e-9)
            target = (start + length) / seconds_per_value - first
            best = quiet[np.argmin(np.abs(quiet - target))]
            cut = (first + int(best) + 0.5) * seconds_per_value
        cut = round(min(max(cut, start + SHORTEST * length), duration), 3)
        cuts.append(cut)
        start = cut
    return _spans(duration, cuts)


def _spans(duration: float, cuts: list[float]) -> list[tuple[float, float]]:
    edges = [0.0, *cuts, duration]
    return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if b > a]


def peak_loudness(pixels: bytes, channels: int) -> np.ndarray:
    """Per pixel of an int8 min/max peaks level, the largest absolute value over channels."""
    data = np.frombuffer(pixels, dtype=np.int8)
    usable = data.size - data.size % (2 * channels)
    values = np.abs(data[:usable].astype(np.int16)).reshape(-1, 2 * channels)
    return values.max(axis=1)
