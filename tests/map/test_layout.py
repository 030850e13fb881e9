"""The dataset map's numbers on plain arrays: standardising, PCA (stable signs), the optional
UMAP path, scaling into [-1, 1], and which items are far from their label value's centre."""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np
import pytest

from audino.services.dataset_map import layout as map_layout


def blobs(n: int = 60, d: int = 40, gap: float = 8.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    direction = rng.normal(size=d)
    direction /= np.linalg.norm(direction)
    data = rng.normal(size=(2 * n, d))
    data[n:] += gap * direction
    return data


def test_standardised_columns_have_unit_variance_and_constants_become_zero() -> None:
    data = blobs() * np.linspace(1, 1000, 40)  # wildly different units
    data[:, 3] = 7.0
    data[0, 5] = np.nan
    z = map_layout.standardised(data)
    assert np.isfinite(z).all()
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-9)
    assert np.all(z[:, 3] == 0)
    std = np.delete(z.std(axis=0), 3)
    np.testing.assert_allclose(std, 1, atol=1e-9)
    assert map_layout.standardised(np.zeros((0, 4))).shape == (0, 4)


def test_pca_separates_two_groups_with_stable_signs() -> None:
    z = map_layout.standardised(blobs())
    xy = map_layout.pca(z)
    assert xy.shape == (120, 2)
    first, second = xy[:60, 0], xy[60:, 0]
    assert first.max() < second.min() or second.max() < first.min()
    # The same data (in another order) gives the same picture, not a mirrored one.
    order = np.random.default_rng(1).permutation(120)
    np.testing.assert_allclose(map_layout.pca(z[order]), xy[order], atol=1e-9)
    np.testing.assert_allclose(map_layout.pca(z.copy()), xy)
    # Variance falls from the first axis to the second.
    assert xy[:, 0].var() > xy[:, 1].var()


def test_pca_with_too_few_items_or_features() -> None:
    assert map_layout.pca(np.zeros((0, 5))).shape == (0, 2)
    np.testing.assert_array_equal(map_layout.pca(np.ones((1, 5))), [[0, 0]])
    one_feature = map_layout.pca(map_layout.standardised(np.arange(6.0)[:, None]))
    assert one_feature.shape == (6, 2) and np.all(one_feature[:, 1] == 0)
    assert np.ptp(one_feature[:, 0]) > 0


def test_fitted_keeps_proportions_inside_minus_one_to_one() -> None:
    xy = np.array([[10.0, 5.0], [14.0, 5.0], [12.0, 6.0]])
    out = map_layout.fitted(xy)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[-1, -0.25], [1, -0.25], [0, 0.25]])
    np.testing.assert_array_equal(map_layout.fitted(np.zeros((3, 2))), np.zeros((3, 2)))


def test_layout_is_pca_unless_umap_is_installed_and_there_are_enough_items(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    z = map_layout.standardised(blobs(d=80))
    monkeypatch.setattr(map_layout, "umap_available", lambda: False)
    xy, method = map_layout.layout(z, "umap")
    assert method == "pca" and xy.shape == (120, 2) and np.abs(xy).max() == pytest.approx(1)
    with pytest.raises(ValueError, match="tsne"):
        map_layout.method_for("tsne", 100)

    seen: dict[str, Any] = {}

    class FakeUMAP:
        def __init__(self, **options: Any) -> None:
            seen["options"] = options

        def fit_transform(self, data: np.ndarray) -> np.ndarray:
            seen["shape"] = data.shape
            return data[:, :2] * 3 + 5

    monkeypatch.setitem(sys.modules, "umap", types.SimpleNamespace(UMAP=FakeUMAP))
    monkeypatch.setattr(map_layout, "umap_available", lambda: True)
    xy, method = map_layout.layout(z, "auto")
    assert method == "umap"
    assert seen["shape"] == (120, map_layout.UMAP_INPUT_DIMS)  # on the first 50 components
    assert seen["options"]["random_state"] == 0 and seen["options"]["n_components"] == 2
    assert np.abs(xy).max() == pytest.approx(1)
    assert map_layout.layout(z, "pca")[1] == "pca"
    assert map_layout.layout(z[:10], "auto")[1] == "pca"  # too few items for UMAP


def test_outliers_are_far_from_their_groups_centre() -> None:
    z = blobs(n=40, gap=30.0)
    dogs, cats = list(range(40)), list(range(40, 80))
    odd = 79  # a "cat" that is really among the dogs' kind of sound
    z[odd] = z[:40].mean(axis=0) + 0.1
    found = map_layout.outliers(z, {"dog": dogs, "cat": cats})
    assert [(o.index, o.group, o.nearest) for o in found] == [(odd, "cat", "dog")]
    assert found[0].ratio > 3 and found[0].distance > found[0].typical


def test_ordinary_spread_is_not_an_outlier() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(size=(300, 30))
    assert map_layout.outliers(z, {"all": range(300)}) == []
    # Identical items: no spread at all, nothing to flag.
    assert map_layout.outliers(np.ones((6, 3)), {"same": range(6)}) == []


def test_small_groups_have_no_usual_distance() -> None:
    z = np.array([[0.0, 0], [0, 0.1], [0.1, 0], [9, 9]])
    assert map_layout.outliers(z, {"few": range(4)}) == []
    found = map_layout.outliers(z, {"few": range(4)}, min_group=4)
    assert [o.index for o in found] == [3] and found[0].nearest is None


def test_outliers_are_ordered_and_limited() -> None:
    rng = np.random.default_rng(4)
    z = rng.normal(0, 0.1, size=(50, 4))
    z[10] += 5
    z[20] += 9
    found = map_layout.outliers(z, {"a": range(50)})
    assert [o.index for o in found] == [20, 10]
    assert [o.index for o in map_layout.outliers(z, {"a": range(50)}, limit=1)] == [20]
