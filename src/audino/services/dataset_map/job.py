"""Making a dataset map: the `dataset_map` job (the audio features items lack first, when
asked; then standardise, lay out, store), started by a manager or after a features job."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audino.db.engine import Database
from audino.db.models import DatasetMap, Job, JobStatus, Project, utcnow
from audino.jobs import JobContext, task
from audino.services import features, jobs
from audino.services.access import ADMIN, Principal
from audino.services.dataset_map import layout as map_layout
from audino.services.dataset_map.store import (
    KIND,
    VERSION,
    active_job,
    compute_first,
    has_features,
    has_recordings,
    newest_features,
    pack,
)
from audino.services.errors import Conflict, InvalidInput

FEATURES_SHARE = 0.9  # of the job's progress bar, when it computes missing features first
# The job lays out every item; it reads the vectors as the project's managers see them.
_EVERYONE = Principal(user=None, via="job")


def start(
    db: Session, project: Project, method: str, with_features: bool, *, actor_id: int | None
) -> Job:
    """Queues the layout (after computing the features items lack, `with_features`), or
    returns the map job already waiting or running for the project."""
    if method not in map_layout.METHODS:
        raise InvalidInput(
            f"The map is laid out by {', '.join(map_layout.METHODS)}, not {method!r}.",
            code="bad_method",
        )
    if method == map_layout.UMAP and not map_layout.umap_available():
        raise Conflict(
            "UMAP is not installed on this server (pip install umap-learn): lay the map out "
            "with PCA (method pca, or auto).",
            code="umap_unavailable",
        )
    active = active_job(db, project.id)
    if active is not None:
        return active
    can_compute = features.unavailable_error()
    if not has_features(db, project.id):
        if not with_features:
            raise Conflict(compute_first(project.id), code="features_not_computed")
        if can_compute is not None:
            raise Conflict(
                f"No item of this project has audio features yet, and this server cannot "
                f"compute them: {can_compute.detail}",
                code="features_unavailable",
            )
        if not has_recordings(db, project.id):
            raise Conflict(
                "This project has no recordings ready yet: add audio, then make the map.",
                code="no_items",
            )
    return jobs.enqueue(
        db,
        KIND,
        {
            "project_id": project.id,
            "method": method,
            "features": with_features and can_compute is None,
        },
        project_id=project.id,
        created_by=actor_id,
        message="Waiting to make the dataset map",
    )


def after_features(database: Database, project_id: int) -> Job | None:
    """Queues a new layout after features were computed (one call at the end of a features
    job), unless a map job is still waiting to start: that one will see them."""
    with database.session() as db:
        active = active_job(db, project_id)
        # A map job not started yet reads the vectors later; one computing features first
        # (this features run may be its own) lays them out when they are done.
        if active is not None and (
            active.status == JobStatus.queued.value or (active.payload or {}).get("features")
        ):
            return None
        if db.get(Project, project_id) is None:
            return None
        return jobs.enqueue(
            db,
            KIND,
            {"project_id": project_id, "method": map_layout.AUTO, "features": False},
            project_id=project_id,
            message="Waiting to update the dataset map",
        )


def _save(ctx: JobContext, project_id: int, row_values: dict[str, Any]) -> bool:
    for attempt in range(2):  # another job may have inserted the row meanwhile
        try:
            with ctx.database.session() as db:
                if db.get(Project, project_id) is None:
                    return False
                row = db.get(DatasetMap, project_id)
                if row is None:
                    row = DatasetMap(project_id=project_id)
                    db.add(row)
                for name, value in row_values.items():
                    setattr(row, name, value)
                db.flush()
            return True
        except IntegrityError:
            if attempt:
                raise
    return False


@task(KIND)
def make_map(ctx: JobContext) -> dict[str, Any]:
    project_id = int(ctx.payload["project_id"])
    method = str(ctx.payload.get("method") or map_layout.AUTO)
    result: dict[str, Any] = {}
    share = 0.0
    if ctx.payload.get("features"):
        share = FEATURES_SHARE
        sub = dataclasses.replace(
            ctx,
            kind=features.KIND,
            payload={"project_id": project_id, "datapoint_ids": None},
            report=lambda f, m: ctx.progress(share * f, m),
        )
        result["features"] = features.compute_features(sub)
    ctx.progress(share, "Reading the summary vectors")
    with ctx.database.session(write=False) as db:
        project = db.get(Project, project_id)
        if project is None:
            return {**result, "items": 0, "deleted": True}
        newest = newest_features(db, project_id)
        ids, vectors = features.summaries(db, project, _EVERYONE, ADMIN)
    if not ids:
        raise Conflict(compute_first(project_id), code="features_not_computed")
    ctx.progress(share + (1 - share) / 3, f"Laying out {len(ids):,} items")
    xy, used = map_layout.layout(map_layout.standardised(vectors), method)
    saved = _save(
        ctx,
        project_id,
        {
            "method": used,
            "version": VERSION,
            "items": len(ids),
            "features_at": newest,
            "layout": pack(ids, xy),
            "computed_at": utcnow(),
        },
    )
    ctx.progress(1.0, f"Dataset map of {len(ids):,} items")
    return {**result, "items": len(ids) if saved else 0, "method": used}
