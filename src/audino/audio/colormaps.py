"""Colour maps for spectrograms: 256-entry RGB tables from a few anchor colours."""

from __future__ import annotations

from functools import cache

import numpy as np

# Nine evenly spaced colours of matplotlib's viridis and magma, interpolated linearly.
_ANCHORS = {
    "viridis": ("440154 472d7b 3b528b 2c728e 21908c 27ad81 5dc863 aadc32 fde725"),
    "magma": ("000004 1d1147 51127c 822681 b63679 e65164 fb8861 fec287 fcfdbf"),
}
NAMES = ("viridis", "magma", "gray")


@cache
def _table(name: str) -> np.ndarray:
    anchors = np.array(
        [[int(h[i : i + 2], 16) for i in (0, 2, 4)] for h in _ANCHORS[name].split()],
        dtype=np.float64,
    )
    at = np.linspace(0.0, 1.0, len(anchors))
    x = np.linspace(0.0, 1.0, 256)
    table = np.stack([np.interp(x, at, anchors[:, c]) for c in range(3)], axis=1)
    return np.round(table).astype(np.uint8)


def lookup(name: str) -> np.ndarray | None:
    """(256, 3) uint8 RGB table; None for gray (the intensity is the image)."""
    if name == "gray":
        return None
    if name not in _ANCHORS:
        raise ValueError(f"unknown colour map {name!r}; use one of {', '.join(NAMES)}")
    return _table(name)
