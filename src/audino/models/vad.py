"""What every voice-activity detector shares: audio cut into whole frames as it streams in,
and per-frame speech scores turned into speech segments.

The segment rules, in order (Silero's own, so that with its settings we match it):
a run starts at a frame scoring >= threshold and ends at the first frame below the
lower `release` score; runs less than `min_silence` apart are joined; runs shorter than
`min_speech` are dropped; each is widened by `padding` on both sides, clipped to the
recording, and segments that then overlap become one. A segment's confidence is the mean
score of its frames before padding (for a yes/no detector: the share of voiced frames).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from audino.models.annotator import Prediction
from audino.models.settings import Setting

# Bumped whenever the rules below change what comes out for the same scores: part of
# every VAD's version string.
POSTPROCESS_VERSION = "1"
RATE = 16_000  # both detectors work on 16 kHz mono


def timing_settings(min_speech: float, min_silence: float, padding: float) -> tuple[Setting, ...]:
    """The three settings every VAD exposes, with the given defaults (seconds)."""
    return (
        Setting(
            "min_speech",
            "number",
            min_speech,
            "Shortest speech",
            "Speech shorter than this is dropped (coughs, clicks).",
            minimum=0.0,
            maximum=10.0,
            unit="s",
        ),
        Setting(
            "min_silence",
            "number",
            min_silence,
            "Shortest pause",
            "Pauses shorter than this do not split a segment: raise it for one segment per "
            "turn, lower it for one per phrase.",
            minimum=0.0,
            maximum=10.0,
            unit="s",
        ),
        Setting(
            "padding",
            "number",
            padding,
            "Padding",
            "Added before and after each segment so that soft onsets and endings are kept.",
            minimum=0.0,
            maximum=2.0,
            unit="s",
        ),
    )


def frame_blocks(chunks: Iterable[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """Consecutive whole frames of `size` samples as (n, size) blocks, however the chunks
    fall; the last partial frame is completed with zeros (as Silero's own code does)."""
    held = np.empty(0, np.float32)
    for chunk in chunks:
        if held.size:
            chunk = np.concatenate([held, chunk])
        whole = chunk.size - chunk.size % size
        if whole:
            yield chunk[:whole].reshape(-1, size)
        held = chunk[whole:]
    if held.size:
        yield np.pad(held, (0, size - held.size)).reshape(1, size)


@dataclass(frozen=True)
class Rules:
    """How scores become segments; times in seconds."""

    threshold: float = 0.5
    release: float | None = None  # the score that ends a run; None: max(threshold - 0.15, 0.01)
    min_speech: float = 0.0
    min_silence: float = 0.0
    padding: float = 0.0


def speech_segments(
    scores: np.ndarray, hop: float, duration: float, rules: Rules
) -> list[Prediction]:
    """Segments from one score per frame (frame i covers [i*hop, (i+1)*hop) s)."""
    scores = np.asarray(scores, dtype=np.float64)
    release = rules.release if rules.release is not None else max(rules.threshold - 0.15, 0.01)
    release = min(release, rules.threshold)
    starts, ends = _runs(scores, rules.threshold, release)
    if not starts.size:
        return []
    gap = round(rules.min_silence / hop)
    if gap > 0 and starts.size > 1:
        keep = np.concatenate([[True], starts[1:] - ends[:-1] >= gap])
        starts, ends = starts[keep], np.concatenate([ends[:-1][keep[1:]], ends[-1:]])
    long_enough = (ends - starts) * hop >= rules.min_speech - 1e-9  # 10 * 0.01 may be < 0.1
    starts, ends = starts[long_enough], ends[long_enough]
    if not starts.size:
        return []
    total = np.concatenate([[0.0], np.cumsum(scores)])
    weights = total[ends] - total[starts]  # sum of scores per segment, for merged means
    return _padded(starts * hop, ends * hop, weights, (ends - starts), duration, rules.padding)


def _runs(scores: np.ndarray, threshold: float, release: float) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) frame indices of runs that reach `threshold` and last until a frame
    scores below `release` (hysteresis): each run of scores >= release, started at its
    first frame >= threshold."""
    above = scores >= release
    edges = np.diff(np.concatenate([[False], above, [False]]).astype(np.int8))
    run_starts, run_ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    triggers = np.flatnonzero(scores >= threshold)
    first = np.searchsorted(triggers, run_starts)  # the first trigger at or after each start
    found = first < triggers.size
    first = np.where(found, first, 0)
    starts = triggers[first] if triggers.size else np.zeros_like(run_starts)
    inside = found & (starts < run_ends)
    return starts[inside], run_ends[inside]


def _padded(
    starts: np.ndarray,
    ends: np.ndarray,
    weights: np.ndarray,
    frames: np.ndarray,
    duration: float,
    padding: float,
) -> list[Prediction]:
    out: list[Prediction] = []
    lo = np.clip(starts - padding, 0.0, duration)
    hi = np.clip(ends + padding, 0.0, duration)
    start, end, weight, count = float(lo[0]), float(hi[0]), float(weights[0]), int(frames[0])
    for s, e, w, n in zip(lo[1:], hi[1:], weights[1:], frames[1:], strict=True):
        if s <= end:  # padding made them touch: one segment
            end, weight, count = max(end, float(e)), weight + float(w), count + int(n)
            continue
        out.append(_prediction(start, end, weight, count, duration))
        start, end, weight, count = float(s), float(e), float(w), int(n)
    out.append(_prediction(start, end, weight, count, duration))
    return [p for p in out if p.end > p.start]


def _prediction(start: float, end: float, weight: float, count: int, duration: float) -> Prediction:
    # Frame times are multiples of a hop (0.032 * 38 = 1.2160000000000002): rounded to the
    # microsecond, never past the recording.
    confidence = round(min(1.0, max(0.0, weight / count)), 4) if count else None
    return Prediction(round(start, 6), min(round(end, 6), duration), confidence)
