"""Blobs nothing refers to any more: those a delete or a re-ingest leaves behind (removed
once its transaction has committed), and a sweep for any left before (`audino db gc`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from audino.config import Settings
from audino.db.models import (
    Datapoint,
    DatapointFeatures,
    DerivedAudio,
    IngestStatus,
    Job,
    Project,
)
from audino.services.ingest.derived import (
    KINDS,
    TILES,
    derived_key,
    derived_store,
    tile_folder,
)
from audino.storage.blobs import BlobStore, StoredBlob

log = logging.getLogger(__name__)

BATCH = 2000  # values per IN (...): inside SQLite's and PostgreSQL's parameter limits
GRACE_SECONDS = 3600.0  # an ingest may have stored a blob it has not recorded yet


@dataclass
class Held:
    """What some datapoints hold in storage, read before they are deleted or re-ingested."""

    originals: set[str] = field(default_factory=set)
    derived: dict[str, str] = field(default_factory=dict)  # derived key -> its audio name
    names: set[str] = field(default_factory=set)  # audio whose cached tiles may go


@dataclass
class Unused:
    """Blobs a change left unused. `remove` them only after its transaction commits: a
    rollback must find storage as it was."""

    originals: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    tile_names: list[str] = field(default_factory=list)  # audio whose cached tiles go
    export_projects: list[int] = field(default_factory=list)  # deleted projects' export files

    def remove(self, storage: BlobStore, settings: Settings) -> None:
        """Deletes them; a blob that cannot be deleted now is logged and left to
        `audino db gc` (the change it belongs to has committed already)."""
        for key in self.originals:
            _quietly(storage.delete, key)
        if self.derived or self.tile_names:
            derived = derived_store(settings, storage)
            for key in self.derived:
                _quietly(derived.delete, key)
            for name in self.tile_names:
                _quietly(derived.delete_folder, tile_folder(derived, name))
        if self.export_projects:
            exports = _export_store(settings, storage)
            for project_id in self.export_projects:
                _quietly(exports.delete_folder, str(project_id))


def held_by(db: Session, where: ColumnElement[bool]) -> Held:
    """The originals, derived blobs and audio of the datapoints matching `where`."""
    held = Held()
    for key, sha256 in db.execute(select(Datapoint.storage_key, Datapoint.sha256).where(where)):
        held.originals.add(key)
        held.names.add(sha256 or key)
    rows = db.execute(
        select(DerivedAudio.storage_key, Datapoint.sha256, Datapoint.storage_key)
        .join(Datapoint, DerivedAudio.datapoint_id == Datapoint.id)
        .where(where)
    )
    for key, sha256, original in rows:
        held.derived[key] = sha256 or original
    features = db.execute(
        select(DatapointFeatures.storage_key, Datapoint.sha256, Datapoint.storage_key)
        .join(Datapoint, DatapointFeatures.datapoint_id == Datapoint.id)
        .where(where)
    )
    for key, sha256, original in features:
        held.derived[key] = sha256 or original
    return held


def derived_of(db: Session, datapoint_id: int) -> Held:
    """Only the derived blobs of one datapoint (before ingest replaces its records)."""
    held = held_by(db, Datapoint.id == datapoint_id)
    return Held(derived=held.derived)


def left_unused(db: Session, held: Held) -> Unused:
    """Of what was held, what nothing refers to now (call after the change is flushed).

    A derived blob stays while any record refers to it, or while a datapoint of the same
    audio is being processed (its ingest may be about to record it); cached tiles stay
    while any datapoint has that audio.
    """
    originals = held.originals - _present(db, Datapoint.storage_key, held.originals)
    keys = set(held.derived)
    referenced = _present(db, DerivedAudio.storage_key, keys)
    referenced |= _present(db, DatapointFeatures.storage_key, keys - referenced)
    busy = _being_processed(db, {held.derived[key] for key in keys - referenced})
    live = _present(db, Datapoint.sha256, held.names) | _present(
        db, Datapoint.storage_key, held.names
    )
    return Unused(
        originals=sorted(originals),
        derived=sorted(k for k in keys - referenced if held.derived[k] not in busy),
        tile_names=sorted(held.names - live),
    )


def _present(db: Session, column: InstrumentedAttribute[Any], values: set[str]) -> set[str]:
    """Those of `values` some row has in `column`."""
    found: set[str] = set()
    for chunk in _chunks(sorted(values)):
        found.update(db.scalars(select(column).where(column.in_(chunk)).distinct()))
    return found


def _being_processed(db: Session, names: set[str]) -> set[str]:
    busy: set[str] = set()
    for chunk in _chunks(sorted(names)):
        rows = db.execute(
            select(Datapoint.sha256, Datapoint.storage_key).where(
                Datapoint.ingest_status == IngestStatus.processing.value,
                or_(Datapoint.sha256.in_(chunk), Datapoint.storage_key.in_(chunk)),
            )
        )
        busy.update(sha256 or key for sha256, key in rows)
    return busy


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _quietly(delete: Callable[[str], None], key: str) -> None:
    try:
        delete(key)
    except Exception as exc:  # storage trouble must not undo a committed change
        log.warning("Could not delete %s (audino db gc will): %s", key, exc)


def _export_store(settings: Settings, storage: BlobStore) -> BlobStore:
    # Imported here: the export jobs module pulls in every format.
    from audino.services.exports.jobs import export_store

    return export_store(settings, storage)


@dataclass
class Sweep:
    """What a sweep of the derived store (and the finished exports) found."""

    orphans: list[StoredBlob]  # referenced by nothing and older than the grace period
    fresh: int  # referenced by nothing but recent: an ingest may still record them
    kept: int  # in use
    # Export files of projects or export jobs that no longer exist (same grace period).
    export_orphans: list[StoredBlob] = field(default_factory=list)

    @property
    def orphan_bytes(self) -> int:
        return sum(blob.size for blob in [*self.orphans, *self.export_orphans])


def find_orphans(
    db: Session,
    storage: BlobStore,
    settings: Settings,
    *,
    grace_seconds: float = GRACE_SECONDS,
    now: float | None = None,
) -> Sweep:
    """Derived blobs no record refers to and cached tiles of audio no datapoint has."""
    derived = derived_store(settings, storage)
    # Listed before the references are read: a blob recorded meanwhile counts as used.
    listing = list(derived.blobs())
    used, live_folders = _in_use(db, derived)
    cutoff = (time.time() if now is None else now) - grace_seconds
    orphans: list[StoredBlob] = []
    fresh = kept = 0
    for blob in listing:
        if blob.key.startswith(f"{TILES}/"):
            in_use = "/".join(blob.key.split("/")[:3]) in live_folders
        else:
            in_use = blob.key in used
        if in_use:
            kept += 1
        elif blob.modified is None or blob.modified > cutoff:
            fresh += 1
        else:
            orphans.append(blob)
    exports = [
        blob
        for blob in _stale_exports(db, _export_store(settings, storage))
        if blob.modified is not None and blob.modified <= cutoff
    ]
    return Sweep(orphans, fresh, kept, exports)


def _stale_exports(db: Session, exports: BlobStore) -> list[StoredBlob]:
    """Export files (`<project id>/<job id>`) whose project or export job is gone."""
    listing = list(exports.blobs())
    projects = set(db.scalars(select(Project.id)))
    from audino.services.exports.jobs import KIND

    jobs = set(db.scalars(select(Job.id).where(Job.kind == KIND)))
    stale = []
    for blob in listing:
        project, _, job = blob.key.partition("/")
        known = project.isdecimal() and job.isdecimal()
        if not known or int(project) not in projects or int(job) not in jobs:
            stale.append(blob)
    return stale


def sweep(
    db: Session,
    storage: BlobStore,
    settings: Settings,
    *,
    grace_seconds: float = GRACE_SECONDS,
    dry_run: bool = False,
) -> Sweep:
    """Finds the orphans and, unless `dry_run`, deletes them."""
    found = find_orphans(db, storage, settings, grace_seconds=grace_seconds)
    if not dry_run:
        derived = derived_store(settings, storage)
        for blob in found.orphans:
            derived.delete(blob.key)
        if found.export_orphans:
            exports = _export_store(settings, storage)
            for blob in found.export_orphans:
                exports.delete(blob.key)
    return found


def _in_use(db: Session, derived: BlobStore) -> tuple[set[str], set[str]]:
    """Derived keys in use (recorded, or about to be by an ingest under way) and the tile
    folders of audio some datapoint has."""
    used = set(db.scalars(select(DerivedAudio.storage_key).distinct()))
    used.update(db.scalars(select(DatapointFeatures.storage_key).distinct()))
    folders: set[str] = set()
    rows = db.execute(
        select(Datapoint.sha256, Datapoint.storage_key, Datapoint.ingest_status).execution_options(
            yield_per=5000
        )
    )
    for sha256, key, status in rows:
        name = sha256 or key
        folders.add(tile_folder(derived, name))
        if status == IngestStatus.processing.value:
            used.update(derived_key(derived, name, kind) for kind in KINDS)
    return used, folders
