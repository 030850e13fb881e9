"""What a dataset map is made from and kept as: the `dataset_maps` row's packed layout, and
the questions about a project's feature rows that making and reading a map ask."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audino.audio import features as audio_features
from audino.db.models import (
    Assignment,
    Datapoint,
    DatapointFeatures,
    DatasetMap,
    IngestStatus,
    Job,
    JobStatus,
)

KIND = "dataset_map"
VERSION = "1"  # bump when the layout changes: maps of another version read as stale


def active_job(db: Session, project_id: int, kind: str = KIND) -> Job | None:
    return db.scalar(
        select(Job)
        .where(
            Job.project_id == project_id,
            Job.kind == kind,
            Job.status.in_((JobStatus.queued.value, JobStatus.running.value)),
        )
        .order_by(Job.id.desc())
        .limit(1)
    )


def current() -> Any:
    """Feature rows of the current version (older ones are computed again)."""
    return DatapointFeatures.version == audio_features.VERSION


def features_of(project_id: int) -> Any:
    return (
        select(DatapointFeatures.datapoint_id)
        .join(Datapoint, Datapoint.id == DatapointFeatures.datapoint_id)
        .where(Datapoint.project_id == project_id, current())
    )


def has_features(db: Session, project_id: int) -> bool:
    return db.scalar(features_of(project_id).limit(1)) is not None


def newest_features(db: Session, project_id: int) -> datetime | None:
    newest = features_of(project_id).with_only_columns(func.max(DatapointFeatures.computed_at))
    return db.scalar(newest)


def has_recordings(db: Session, project_id: int) -> bool:
    found = db.scalar(
        select(Datapoint.id)
        .where(
            Datapoint.project_id == project_id,
            Datapoint.ingest_status == IngestStatus.ready.value,
        )
        .limit(1)
    )
    return found is not None


def newer_than(db: Session, project_id: int, when: datetime | None) -> set[int]:
    """Items whose features were computed after `when` (all of them when it is None)."""
    stmt = features_of(project_id)
    if when is not None:
        stmt = stmt.where(DatapointFeatures.computed_at > when)
    return set(db.scalars(stmt))


def missing_count(db: Session, project_id: int, *, author_id: int | None) -> int:
    """Recordings ready but without current features (so not on the map); an annotator's
    own only."""
    has_features = (
        select(DatapointFeatures.datapoint_id)
        .where(DatapointFeatures.datapoint_id == Datapoint.id, current())
        .exists()
    )
    stmt = (
        select(func.count())
        .select_from(Datapoint)
        .where(
            Datapoint.project_id == project_id,
            Datapoint.parent_id.is_(None),
            Datapoint.ingest_status == IngestStatus.ready.value,
            ~has_features,
        )
    )
    if author_id is not None:
        mine = select(Assignment.datapoint_id).where(Assignment.user_id == author_id)
        stmt = stmt.where(Datapoint.id.in_(mine))
    return int(db.scalar(stmt) or 0)


def compute_first(project_id: int) -> str:
    return (
        "No item of this project has audio features yet: compute the features first, with "
        "the “Compute features and map” button on the map page (POST "
        f"/api/projects/{project_id}/map), or POST /api/projects/{project_id}/features."
    )


def pack(ids: Sequence[int], xy: np.ndarray) -> bytes:
    return np.asarray(ids, "<i8").tobytes() + np.asarray(xy, "<f4").tobytes()


def unpack(row: DatasetMap) -> tuple[np.ndarray, np.ndarray]:
    n = row.items
    blob = row.layout
    if len(blob) != n * 16:  # written by another version: nothing to place
        return np.zeros(0, np.int64), np.zeros((0, 2), np.float32)
    ids = np.frombuffer(blob, "<i8", count=n)
    xy = np.frombuffer(blob, "<f4", offset=8 * n).reshape(n, 2)
    return ids, xy
