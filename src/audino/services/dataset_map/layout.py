"""The dataset map's numbers, on plain arrays (no database): summary vectors standardised,
laid out in 2-D by PCA (numpy only) or by UMAP where `umap-learn` is installed, and the
items unusually far from the centre of their label value.

Distances are measured in the standardised feature space (every feature scaled to unit
variance), never on the 2-D layout, which squeezes most of that space away.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PCA = "pca"
UMAP = "umap"
AUTO = "auto"
METHODS = (AUTO, PCA, UMAP)
MIN_UMAP_ITEMS = 20  # below this UMAP's neighbourhoods mean little: PCA lays them out
UMAP_INPUT_DIMS = 50  # UMAP runs on this many principal components (faster, less noise)
MIN_GROUP = 5  # a label value with fewer items has no "usual" distance to compare with
MAD_TO_SIGMA = 1.4826  # the MAD of a normal distribution times this is its sigma
SPREAD = 3.0  # an outlier lies more than this many (robust) sigmas past the median
MIN_RATIO = 1.5  # and at least this many times the median distance away


def umap_available() -> bool:
    return importlib.util.find_spec("umap") is not None


def standardised(vectors: np.ndarray) -> np.ndarray:
    """Each column centred and scaled to unit variance (a constant column becomes 0), so
    no feature outweighs the others by its unit alone; NaN and infinities count as 0."""
    z = np.nan_to_num(np.asarray(vectors, np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    if z.shape[0] == 0:
        return z
    z = z - z.mean(axis=0)
    std = z.std(axis=0)
    std[std < 1e-9] = 1.0
    return z / std


def _components(z: np.ndarray, k: int) -> np.ndarray:
    """The top `k` principal axes of centred `z` as (d, k) columns, each signed so that its
    largest loading is positive (the same data always gives the same picture)."""
    gram = z.T @ z  # (d, d): cheaper than an SVD of (n, d) when n >> d
    _, vectors = np.linalg.eigh(gram)
    top = vectors[:, ::-1][:, :k].copy()
    for i in range(top.shape[1]):
        if top[np.argmax(np.abs(top[:, i])), i] < 0:
            top[:, i] = -top[:, i]
    return top


def pca(z: np.ndarray, k: int = 2) -> np.ndarray:
    """(n, k) coordinates on the first `k` principal components (zeros where there are fewer
    than two items or no variance at all)."""
    n, d = z.shape
    out = np.zeros((n, k), np.float64)
    if n < 2 or d == 0:
        return out
    width = min(k, d)
    out[:, :width] = z @ _components(z, width)
    return out


def umap(z: np.ndarray) -> np.ndarray:
    """(n, 2) UMAP embedding with a fixed seed, on the first principal components."""
    import umap as umap_learn  # optional: `umap-learn`

    reduced = pca(z, min(UMAP_INPUT_DIMS, z.shape[1])) if z.shape[1] > UMAP_INPUT_DIMS else z
    reducer = umap_learn.UMAP(
        n_components=2, n_neighbors=min(15, z.shape[0] - 1), random_state=0, min_dist=0.1
    )
    return np.asarray(reducer.fit_transform(reduced), np.float64)


def method_for(requested: str, items: int) -> str:
    """The method a layout of `items` items uses: UMAP when asked for (or "auto") and
    installed and there are enough items; PCA otherwise."""
    if requested not in METHODS:
        raise ValueError(f"unknown layout method {requested!r}")
    if requested == PCA or items < MIN_UMAP_ITEMS or not umap_available():
        return PCA
    return UMAP


def fitted(xy: np.ndarray) -> np.ndarray:
    """Centred on the middle of its extent and scaled (both axes alike, so shapes keep their
    proportions) into [-1, 1]."""
    if xy.shape[0] == 0:
        return xy.astype(np.float32)
    low, high = xy.min(axis=0), xy.max(axis=0)
    out = xy - (low + high) / 2
    reach = float(np.abs(out).max())
    if reach > 0:
        out = out / reach
    return out.astype(np.float32)


def layout(z: np.ndarray, requested: str = AUTO) -> tuple[np.ndarray, str]:
    """(n, 2) float32 positions in [-1, 1] and the method used."""
    method = method_for(requested, z.shape[0])
    xy = umap(z) if method == UMAP else pca(z)
    return fitted(xy), method


@dataclass(frozen=True)
class Outlier:
    index: int  # the row of the item in `z`
    group: Any  # the key of its label value
    distance: float  # to its group's centre
    typical: float  # the group's median distance
    nearest: Any | None  # another group whose centre is closer to the item, if any

    @property
    def ratio(self) -> float:
        return self.distance / self.typical if self.typical > 0 else float("inf")


def outliers(
    z: np.ndarray,
    groups: Mapping[Any, Sequence[int]],
    *,
    min_group: int = MIN_GROUP,
    limit: int | None = None,
) -> list[Outlier]:
    """Items whose distance to their group's centre exceeds the group's median distance by
    more than SPREAD robust sigmas (the MAD scaled to a sigma) and is at least MIN_RATIO
    times that median (so a tight group does not flag its ordinary spread), farthest
    first."""
    centres: dict[Any, np.ndarray] = {}
    members: dict[Any, np.ndarray] = {}
    for key, rows in groups.items():
        index = np.asarray(sorted(set(rows)), np.int64)
        if index.size:
            members[key] = index
            centres[key] = z[index].mean(axis=0)
    keys = list(centres)
    stacked = np.stack([centres[k] for k in keys]) if keys else np.zeros((0, z.shape[1]))
    found: list[Outlier] = []
    for key, index in members.items():
        if index.size < min_group:
            continue
        distances = np.linalg.norm(z[index] - centres[key], axis=1)
        median = float(np.median(distances))
        sigma = MAD_TO_SIGMA * float(np.median(np.abs(distances - median)))
        threshold = max(median + SPREAD * sigma, MIN_RATIO * median)
        if threshold <= 0:
            continue
        for row in np.flatnonzero(distances > threshold):
            item, distance = int(index[row]), float(distances[row])
            to_centres = np.linalg.norm(stacked - z[item], axis=1)
            to_centres[keys.index(key)] = np.inf
            best = int(np.argmin(to_centres)) if len(keys) > 1 else -1
            nearest = keys[best] if best >= 0 and to_centres[best] < distance else None
            found.append(Outlier(item, key, distance, median, nearest))
    found.sort(key=lambda o: (-o.ratio, o.index))
    return found if limit is None else found[:limit]
