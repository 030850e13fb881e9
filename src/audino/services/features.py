"""The feature explorer's data: audio features computed once per recording as a job, kept as
one .npz in the derived store under a key made from the audio's content (the same audio in
another project is never computed twice), with the summary vector in `datapoint_features`
for the dataset map. A row counts only when its `version` is audino.audio.features.VERSION;
anything else is computed again by the next job.

A window of a split recording shares its recording's features, cut to its span, with times
in seconds from the window's start (as its peaks and spectrogram tiles are).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audino.audio import features as audio_features
from audino.audio.probe import BadAudio
from audino.audio.resample import mono_chunks
from audino.config import Settings
from audino.db.models import (
    Assignment,
    Datapoint,
    DatapointFeatures,
    IngestStatus,
    Job,
    JobStatus,
    Project,
    utcnow,
)
from audino.jobs import JobContext, task
from audino.services import jobs, selection, windows
from audino.services.access import Principal, sees_all_datapoints
from audino.services.errors import Conflict, InvalidInput, NotFound
from audino.services.ingest import unused_blobs
from audino.services.ingest.derived import (
    FEATURES,
    audio_name,
    derived_key,
    derived_store,
    require_ready,
)
from audino.services.ingest.job import local_copy
from audino.storage.blobs import BlobStore

KIND = "features"
SETTING = "features_at_ingest"
MAX_SELECTION = 100_000
BATCH = 2000  # ids per IN (...)
MAX_ERRORS = 20  # failed items named in a job's result


def unavailable_error() -> Conflict | None:
    reason = audio_features.unavailable()
    return Conflict(reason, code="features_unavailable") if reason else None


def check_setting(settings: Mapping[str, Any]) -> None:
    """400 unless `features_at_ingest` is true or false; 409 turning it on without librosa."""
    value = settings.get(SETTING)
    if value is None:
        return
    if not isinstance(value, bool):
        raise InvalidInput(
            f"settings.{SETTING} is true or false (compute audio features for each new item).",
            code="bad_settings",
        )
    if value and (error := unavailable_error()) is not None:
        raise error


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for first in range(0, len(ids), BATCH):
        yield ids[first : first + BATCH]


def start(
    db: Session, project: Project, datapoint_ids: Sequence[int] | None, *, actor_id: int | None
) -> Job:
    """Queues the features job for the selection (or every recording of the project)."""
    if (error := unavailable_error()) is not None:
        raise error
    ids = None
    if datapoint_ids is not None:
        ids = selection.checked_ids(
            db, project.id, datapoint_ids, to="to compute features of", limit=MAX_SELECTION
        )
    return jobs.enqueue(
        db,
        KIND,
        {"project_id": project.id, "datapoint_ids": ids},
        project_id=project.id,
        datapoint_id=ids[0] if ids is not None and len(ids) == 1 else None,
        created_by=actor_id,
        message="Waiting to compute audio features",
    )


def after_ingest(db: Session, datapoint: Datapoint, project_settings: Mapping[str, Any]) -> None:
    """Queues the features of a recording that just became ready, when its project asks."""
    if project_settings.get(SETTING) is True:
        jobs.enqueue(
            db,
            KIND,
            {"project_id": datapoint.project_id, "datapoint_ids": [datapoint.id]},
            project_id=datapoint.project_id,
            datapoint_id=datapoint.id,
            message="Waiting to compute audio features",
        )


# -- reading -------------------------------------------------------------------------


_rows: dict[str, tuple[list[str], list[float | None] | None]] = {}


def rows_of(name: str) -> tuple[list[str], list[float | None] | None]:
    """The row labels of a feature (librosa gives the Mel and tempo axes; without it, rows
    are numbered)."""
    feature = audio_features.BY_NAME[name]
    if name not in _rows:
        if audio_features.unavailable() is not None:
            labels = list(feature.labels) or [f"row {i}" for i in range(feature.rows)]
            return labels, None
        _rows[name] = audio_features.row_labels(feature)
    return _rows[name]


def feature(name: str) -> audio_features.Feature:
    found = audio_features.BY_NAME.get(name)
    if found is None:
        raise NotFound(
            f"There is no audio feature named {name!r}; the features are: "
            f"{', '.join(audio_features.FEATURE_NAMES)}.",
            code="unknown_feature",
        )
    return found


@dataclass
class Status:
    recording_id: int  # whose features these are (a window's recording)
    computed: bool
    frames: int | None
    computed_at: Any
    job_id: int | None  # a features job queued or running for it
    unavailable: str | None


def current_row(db: Session, recording_id: int) -> DatapointFeatures | None:
    row = db.get(DatapointFeatures, recording_id)
    return row if row is not None and row.version == audio_features.VERSION else None


def active_job(db: Session, dp: Datapoint, recording: Datapoint) -> Job | None:
    """A features job waiting or running that will compute this item."""
    rows = db.scalars(
        select(Job)
        .where(
            Job.project_id == dp.project_id,
            Job.kind == KIND,
            Job.status.in_((JobStatus.queued.value, JobStatus.running.value)),
        )
        .order_by(Job.id.desc())
        .limit(50)
    )
    for job in rows:
        ids = (job.payload or {}).get("datapoint_ids")
        if ids is None or dp.id in ids or recording.id in ids:
            return job
    return None


def status(db: Session, dp: Datapoint) -> Status:
    recording = windows.parent_of(db, dp)
    row = current_row(db, recording.id)
    job = None if row is not None else active_job(db, dp, recording)
    return Status(
        recording_id=recording.id,
        computed=row is not None,
        frames=row.frames if row is not None else None,
        computed_at=row.computed_at if row is not None else None,
        job_id=job.id if job is not None else None,
        unavailable=audio_features.unavailable(),
    )


@dataclass
class Values:
    feature: audio_features.Feature
    times: np.ndarray  # (frames,) s from the item's start
    values: np.ndarray  # (rows, frames) float32
    labels: list[str]
    row_values: list[float | None] | None


def _not_computed(dp: Datapoint, job: Job | None) -> Conflict:
    if job is not None:
        return Conflict(
            f"The audio features of datapoint {dp.id} are being computed (job {job.id}); "
            "try again when the job is done.",
            code="features_computing",
            extra={"job_id": job.id},
        )
    return Conflict(
        f"The audio features of datapoint {dp.id} have not been computed yet. A project "
        f"manager computes them with POST /api/projects/{dp.project_id}/features "
        f'(body {{"datapoint_ids": [{dp.id}]}}), or for every new item with the project '
        f"setting {SETTING}.",
        code="features_not_computed",
    )


def values(db: Session, storage: BlobStore, settings: Settings, dp: Datapoint, name: str) -> Values:
    """One feature of the item: 404 for an unknown name, 409 while not computed."""
    wanted = feature(name)
    recording = windows.parent_of(db, dp)
    row = current_row(db, recording.id)
    if row is None:
        require_ready(recording)  # 409 saying it is being processed, or why that failed
        raise _not_computed(dp, active_job(db, dp, recording))
    try:
        with derived_store(settings, storage).open(row.storage_key) as f:
            found = audio_features.read_npz(f, [name])
    except FileNotFoundError:  # the cache was swept: it is computed again on request
        raise _not_computed(dp, None) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        raise Conflict(
            f"The stored audio features of datapoint {dp.id} cannot be read.",
            code="features_unreadable",
        ) from None
    times, array = found.times, found.values[name]
    if dp.parent_id is not None:  # a window: its span, in its own time
        keep = (times >= dp.offset) & (times < dp.offset + dp.duration)
        times, array = times[keep] - dp.offset, array[:, keep]
    labels, row_values = rows_of(name)
    return Values(wanted, times, array, labels, row_values)


def summaries(
    db: Session, project: Project, principal: Principal, role: str
) -> tuple[list[int], np.ndarray]:
    """The summary vector of every recording of the project with current features (those
    assigned to the caller, for an annotator), by datapoint id: ids and a (n, length) array."""
    stmt = (
        select(DatapointFeatures.datapoint_id, DatapointFeatures.summary)
        .join(Datapoint, Datapoint.id == DatapointFeatures.datapoint_id)
        .where(
            Datapoint.project_id == project.id,
            DatapointFeatures.version == audio_features.VERSION,
        )
        .order_by(DatapointFeatures.datapoint_id)
    )
    if not sees_all_datapoints(role):
        mine = select(Assignment.datapoint_id).where(Assignment.user_id == principal.actor_id)
        stmt = stmt.where(Datapoint.id.in_(mine))
    rows = db.execute(stmt).all()
    length = audio_features.SUMMARY_LENGTH
    ids = [dp_id for dp_id, blob in rows if len(blob) == 4 * length]
    joined = b"".join(blob for _, blob in rows if len(blob) == 4 * length)
    return ids, np.frombuffer(joined, "<f4").reshape(len(ids), length)


# -- the job ---------------------------------------------------------------------------


def _recordings(db: Session, project_id: int, ids: list[int] | None) -> list[int]:
    """Top-level recordings that are ready: a window stands for its recording."""
    query = select(Datapoint.id, Datapoint.parent_id).where(
        Datapoint.project_id == project_id,
        Datapoint.ingest_status == IngestStatus.ready.value,
    )
    if ids is None:
        return sorted({parent or dp for dp, parent in db.execute(query)})
    out: set[int] = set()
    for chunk in _chunks(ids):
        out.update(parent or dp for dp, parent in db.execute(query.where(Datapoint.id.in_(chunk))))
    return sorted(out)


def _done(db: Session, derived: BlobStore, ids: list[int]) -> set[int]:
    """Of `ids`, those whose current features are stored."""
    rows: list[tuple[int, str]] = []
    for chunk in _chunks(ids):
        found = db.execute(
            select(DatapointFeatures.datapoint_id, DatapointFeatures.storage_key).where(
                DatapointFeatures.datapoint_id.in_(chunk),
                DatapointFeatures.version == audio_features.VERSION,
            )
        )
        rows.extend((dp_id, key) for dp_id, key in found)
    gone = set(derived.missing([key for _, key in rows]))
    return {dp_id for i, (dp_id, _) in enumerate(rows) if i not in gone}


@dataclass
class _Source:
    key: str  # the original audio
    name: str  # what derived keys are made from
    duration: float
    sample_rate: int
    codec: str


def _compute(
    ctx: JobContext, derived: BlobStore, source: _Source, key: str, progress: Any
) -> tuple[audio_features.Features, int]:
    """The features of one recording, stored under `key`, and the blob's size."""
    with local_copy(ctx.storage, source.key, ctx.settings.temp_dir) as (path, work):
        rate = source.sample_rate if source.sample_rate > 0 else audio_features.SAMPLE_RATE
        extractor = audio_features.Extractor(rate, source.duration, progress)
        for chunk in mono_chunks(path, rate, codec=source.codec):
            extractor.add(chunk)
        found = extractor.finish()
        blob = work / "features.npz"
        blob.write_bytes(found.to_npz())
        derived.put_file(blob, key)
        return found, blob.stat().st_size


def _stored(derived: BlobStore, key: str) -> audio_features.Features | None:
    """What is stored under `key` already (a damaged blob is removed, to be made again)."""
    if not derived.exists(key):
        return None
    try:
        with derived.open(key) as f:
            return audio_features.read_npz(f, [])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        derived.delete(key)
        return None


def _record(ctx: JobContext, dp_id: int, key: str, name: str, found: Any, size: int) -> None:
    """Saves the row (replacing one of another version) and removes blobs left unused."""
    for attempt in range(2):  # a second job may have inserted the row meanwhile
        try:
            with ctx.database.session() as db:
                held = unused_blobs.Held(derived={key: name})
                row = db.get(DatapointFeatures, dp_id)
                if db.get(Datapoint, dp_id) is None:  # deleted meanwhile: the blob may go
                    unused = unused_blobs.left_unused(db, held)
                else:
                    if row is None:
                        row = DatapointFeatures(datapoint_id=dp_id)
                        db.add(row)
                    elif row.storage_key != key:
                        held.derived[row.storage_key] = name
                    row.version = audio_features.VERSION
                    row.storage_key, row.size, row.frames = key, size, int(found.times.size)
                    row.summary = found.summary.astype("<f4").tobytes()
                    row.computed_at = utcnow()
                    db.flush()
                    unused = unused_blobs.left_unused(db, held)
            unused.remove(ctx.storage, ctx.settings)
            return
        except IntegrityError:
            if attempt:
                raise


@task(KIND)
def compute_features(ctx: JobContext) -> dict[str, Any]:
    if (error := unavailable_error()) is not None:
        raise error
    derived = derived_store(ctx.settings, ctx.storage)
    with ctx.database.session(write=False) as db:
        ids = _recordings(db, int(ctx.payload["project_id"]), ctx.payload.get("datapoint_ids"))
        done = _done(db, derived, ids)
    todo = [i for i in ids if i not in done]
    counts = {"computed": 0, "reused": 0, "failed": 0}
    errors: list[dict[str, Any]] = []
    for n, dp_id in enumerate(todo):
        message = f"Audio features: {n} of {len(todo)} recordings"
        ctx.progress(n / len(todo), message)
        with ctx.database.session(write=False) as db:
            dp = db.get(Datapoint, dp_id)
            if dp is None:
                continue
            name = audio_name(dp)
            source = _Source(dp.storage_key, name, dp.duration, dp.sample_rate, dp.codec)
        key = derived_key(derived, name, FEATURES, audio_features.VERSION)
        found = _stored(derived, key)  # the same audio, computed for another item
        if found is not None:
            size, outcome = derived.size(key), "reused"
        else:
            try:
                found, size = _compute(
                    ctx,
                    derived,
                    source,
                    key,
                    lambda f, n=n, m=message: ctx.progress((n + f) / len(todo), m),
                )
            except BadAudio as exc:
                counts["failed"] += 1
                if len(errors) < MAX_ERRORS:
                    reason = f"The audio cannot be read: {exc}"
                    errors.append({"datapoint_id": dp_id, "error": reason})
                continue
            outcome = "computed"
        _record(ctx, dp_id, key, name, found, size)
        counts[outcome] += 1
    ctx.progress(1.0, f"Audio features of {len(ids)} recordings")
    if counts["computed"] or counts["reused"]:  # the dataset map lays out the new ones
        from audino.services.dataset_map import after_features

        after_features(ctx.database, int(ctx.payload["project_id"]))
    return {
        "recordings": len(ids),
        "already": len(ids) - len(todo),
        **counts,
        "errors": errors,
        "version": audio_features.VERSION,
    }
