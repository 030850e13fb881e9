"""Reading a dataset map: the stored layout of the items the caller may see, with what
changes without a new layout (names, label values and metadata to colour by, and the
outliers of each label value), so labelling an item shows on the map at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from audino.db.models import DatasetMap, Project
from audino.services import features
from audino.services.access import Principal, sees_all_datapoints
from audino.services.dataset_map import colours as map_colours
from audino.services.dataset_map import layout as map_layout
from audino.services.dataset_map.store import (
    VERSION,
    active_job,
    compute_first,
    missing_count,
    newer_than,
    unpack,
)
from audino.services.errors import Conflict

MAX_OUTLIERS = 100


@dataclass
class MapView:
    method: str
    computed_at: datetime
    stale: bool
    stale_items: int  # visible items with features newer than the map, or not on it
    missing_features: int  # visible recordings without features (not on the map)
    job_id: int | None  # a map job waiting or running
    points: list[dict[str, Any]]
    outliers: list[dict[str, Any]]
    colour_options: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def _not_computed(db: Session, project: Project, visible: int) -> Conflict:
    job = active_job(db, project.id)
    if job is not None:
        return Conflict(
            f"The dataset map is being made (job {job.id}); it is shown when the job is done.",
            code="map_computing",
            extra={"job_id": job.id},
        )
    features_job = active_job(db, project.id, features.KIND)
    if visible == 0 and features_job is not None:
        return Conflict(
            f"The audio features are being computed (job {features_job.id}); the map can be "
            "made when they are.",
            code="features_computing",
            extra={"job_id": features_job.id},
        )
    if visible == 0:
        return Conflict(compute_first(project.id), code="features_not_computed")
    return Conflict(
        f"The dataset map of this project has not been made yet; {visible:,} items have audio "
        "features. A project manager makes it with the “Compute features and map” button on "
        f"the map page (POST /api/projects/{project.id}/map).",
        code="map_not_computed",
    )


def read(db: Session, project: Project, principal: Principal, role: str) -> MapView:
    """The map as the caller may see it (an annotator: the items assigned to them); 409 in
    words while there is none."""
    ids, vectors = features.summaries(db, project, principal, role)
    row = db.get(DatasetMap, project.id)
    if row is None:
        raise _not_computed(db, project, len(ids))
    laid_ids, xy = unpack(row)
    where = np.searchsorted(laid_ids, ids) if laid_ids.size else np.zeros(len(ids), np.int64)
    where = np.minimum(where, max(laid_ids.size - 1, 0))
    placed = (laid_ids[where] == np.asarray(ids, np.int64)) if laid_ids.size else where < 0
    kept = np.flatnonzero(placed)
    point_ids = [ids[i] for i in kept]
    author = None if sees_all_datapoints(role) else principal.actor_id
    colours = map_colours.read(db, project.id, point_ids, author_id=author)
    visible = set(ids)
    newer = newer_than(db, project.id, row.features_at) & visible
    stale_items = len(newer | {ids[i] for i in np.flatnonzero(~placed)})

    positions = xy[where[kept]] if kept.size else np.zeros((0, 2), np.float32)
    points = []
    for dp_id, (x, y) in zip(point_ids, positions.tolist(), strict=True):
        info = colours.items.get(dp_id)
        if info is None:  # deleted meanwhile
            continue
        points.append(
            {
                "datapoint_id": dp_id,
                "name": info.name,
                "x": round(x, 5),
                "y": round(y, 5),
                "duration": info.duration,
                "labels": colours.labels.get(dp_id, {}),
                "metadata": colours.metadata.get(dp_id, {}),
                **({"window_ids": info.windows} if info.windows else {}),
            }
        )
    z = map_layout.standardised(vectors[kept]) if kept.size else np.zeros((0, 0))
    found = _outliers(z, point_ids, colours)
    job = active_job(db, project.id)
    return MapView(
        method=row.method,
        computed_at=row.computed_at,
        stale=stale_items > 0 or row.version != VERSION,
        stale_items=stale_items,
        missing_features=missing_count(db, project.id, author_id=author),
        job_id=job.id if job is not None else None,
        points=points,
        outliers=found,
        colour_options=colours.options,
    )


def _outliers(
    z: np.ndarray, point_ids: list[int], colours: map_colours.Colours
) -> list[dict[str, Any]]:
    """Items far from the other items of their label value, with the reason in words; each
    label on its own (an item's values of two labels are two different groupings)."""
    groups: dict[str, dict[str, list[int]]] = {}
    for row, dp_id in enumerate(point_ids):
        for label_id, value in colours.labels.get(dp_id, {}).items():
            groups.setdefault(label_id, {}).setdefault(value, []).append(row)
    found: list[tuple[str, map_layout.Outlier]] = []
    for label_id, by_value in groups.items():
        found += [(label_id, o) for o in map_layout.outliers(z, by_value)]
    found.sort(key=lambda pair: (-pair[1].ratio, pair[1].index))
    out = []
    for label_id, o in found[:MAX_OUTLIERS]:
        dp_id = point_ids[o.index]
        label = colours.label_names[label_id]
        reason = (
            f"Far from the other “{o.group}” items: {o.ratio:.1f}× as far from their centre "
            f"as is usual for “{label}: {o.group}”"
        )
        if o.nearest is not None:
            reason += f"; closer to the “{o.nearest}” items"
        out.append(
            {
                "datapoint_id": dp_id,
                "name": colours.items[dp_id].name,
                "label_id": int(label_id),
                "label": label,
                "value": o.group,
                "distance": round(o.distance, 3),
                "typical": round(o.typical, 3),
                "nearest": o.nearest,
                "reason": reason + ".",
            }
        )
    return out
