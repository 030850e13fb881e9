"""The dataset map: every item with audio features as a point in 2-D, laid out by a
`dataset_map` job from the summary vectors (audino.services.features) and kept in one
`dataset_maps` row per project (`job`, `store`); reading it adds what changes without a new
layout (`view`, `colours`). The numbers — standardising, PCA or UMAP, outliers — are plain
array functions (`layout`).

A map is stale when an item got features after it was laid out. The job runs again when a
manager asks (POST), after a features job that calls `after_features`, and when a manager
opens the map page and finds it stale.
"""

from audino.services.dataset_map.job import after_features, make_map, start
from audino.services.dataset_map.store import KIND, VERSION
from audino.services.dataset_map.view import MapView, read

__all__ = ["KIND", "VERSION", "MapView", "after_features", "make_map", "read", "start"]
