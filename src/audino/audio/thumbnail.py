"""A small waveform thumbnail PNG drawn from a peaks level (all channels merged)."""

from __future__ import annotations

import io

import numpy as np

WIDTH = 320
HEIGHT = 48
COLOR = (79, 70, 229)  # indigo, drawn on a transparent background


def columns(level: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """int8 (pixels, channels, 2) -> per column min and max over channels, as -1..1 floats."""
    if len(level) == 0:
        zeros = np.zeros(width, np.float32)
        return zeros, zeros
    lows = level[:, :, 0].min(axis=1).astype(np.float32) / 127.0
    highs = level[:, :, 1].max(axis=1).astype(np.float32) / 127.0
    edges = np.linspace(0, len(level), width + 1).astype(np.int64)
    starts = np.minimum(edges[:-1], len(level) - 1)
    return np.minimum.reduceat(lows, starts), np.maximum.reduceat(highs, starts)


def render(level: np.ndarray, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """PNG bytes: one vertical bar per column from its min to its max."""
    from PIL import Image

    lows, highs = columns(level, width)
    middle = (height - 1) / 2.0
    top = np.floor(middle - highs * middle).astype(np.int64)
    bottom = np.ceil(middle - lows * middle).astype(np.int64)
    rows = np.arange(height)[:, None]
    mask = (rows >= top[None, :]) & (rows <= bottom[None, :])
    rgba = np.zeros((height, width, 4), dtype=np.uint8)
    rgba[..., :3] = COLOR
    rgba[..., 3] = np.where(mask, 255, 0)
    out = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, format="PNG", optimize=True)
    return out.getvalue()
