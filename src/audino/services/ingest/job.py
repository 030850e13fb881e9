"""The ingest job: one decoding pass per uploaded file, deriving peaks, a thumbnail and
(when browsers need it) a seek-exact playback copy; the datapoint is ready only after all
of them are stored.

The task is idempotent: derived blobs have content-derived keys, and a datapoint already
ready with all its derived records is left alone.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from audino.audio.analysis import Analysis, analyse
from audino.audio.peaks import level_to_dict
from audino.audio.playback import PLAYBACK_SUFFIX
from audino.audio.probe import AudioLimits, BadAudio
from audino.config import Settings
from audino.db.models import Datapoint, DerivedAudio, IngestStatus, Job, Project
from audino.jobs import JobCancelled, JobContext, task
from audino.services import jobs, windows
from audino.services.errors import Conflict, Unprocessable
from audino.services.ingest import unused_blobs
from audino.services.ingest.derived import (
    OVERVIEW,
    PEAKS,
    PLAYBACK,
    THUMBNAIL,
    derived_key,
    derived_store,
)
from audino.storage.blobs import BlobStore

KIND = "ingest"


def audio_limits(settings: Settings) -> AudioLimits:
    """The sample rates and length taken, checked at upload and again while decoding."""
    return AudioLimits(
        min_sample_rate=settings.min_sample_rate,
        max_sample_rate=settings.max_sample_rate,
        max_seconds=settings.max_duration_hours * 3600,
    )


def start(db: Session, datapoint: Datapoint, *, actor_id: int | None = None) -> Job:
    """Marks the datapoint processing and queues its ingest (run after this commits)."""
    datapoint.ingest_status = IngestStatus.processing.value
    datapoint.ingest_error = None
    job = jobs.enqueue(
        db,
        KIND,
        {"datapoint_id": datapoint.id},
        project_id=datapoint.project_id,
        datapoint_id=datapoint.id,
        created_by=actor_id,
        message="Waiting to process the audio",
    )
    datapoint.ingest_job_id = job.id
    return job


def again(db: Session, datapoint: Datapoint, *, actor_id: int | None = None) -> Job:
    """Processes a datapoint anew (one from before ingest existed, or after a failure);
    refused while its ingest is under way."""
    if datapoint.ingest_status == IngestStatus.processing.value:
        raise Conflict(
            f"Datapoint {datapoint.id} is already being processed.",
            code="processing",
            extra={"job_id": datapoint.ingest_job_id},
        )
    if datapoint.parent_id is not None:
        raise Conflict(
            f"Datapoint {datapoint.id} is a window of datapoint {datapoint.parent_id}; "
            "process that one.",
            code="window",
        )
    return start(db, datapoint, actor_id=actor_id)


@task(KIND)
def ingest(ctx: JobContext) -> dict[str, Any] | None:
    datapoint_id = int(ctx.payload["datapoint_id"])
    with ctx.database.session() as db:
        dp = db.get(Datapoint, datapoint_id)
        if dp is None:
            return {"skipped": "the datapoint was deleted"}
        derived = derived_store(ctx.settings, ctx.storage)
        if dp.ingest_status == IngestStatus.ready.value and _complete(db, derived, dp):
            return {"skipped": "already processed"}
        twin = _processed_twin(db, derived, dp)
        riders: list[Any] = []
        if twin is not None:
            # The same audio in another project: its derived blobs serve this one too.
            held = unused_blobs.derived_of(db, dp.id)
            _copy_from(db, twin, dp)
            db.flush()
            windows.split_if_configured(db, dp, derived)
            _models_at_ingest(db, dp)
            _features_at_ingest(db, dp)
            unused, copied_from = unused_blobs.left_unused(db, held), twin.id
        else:
            dp.ingest_status = IngestStatus.processing.value
            dp.ingest_error = None
            dp.ingest_job_id = ctx.job_id
            riders = _ride_alongs(db, dp)
        source_key, container, codec = dp.storage_key, dp.container, dp.codec
        name = dp.sha256 or dp.storage_key
    if twin is not None:
        unused.remove(ctx.storage, ctx.settings)  # after the commit, never before
        ctx.progress(1.0, "Ready")
        return {"datapoint_id": datapoint_id, "copied_from": copied_from}
    try:
        with local_copy(ctx.storage, source_key, ctx.settings.temp_dir) as (path, work):
            ctx.progress(0.0, "Decoding the audio")
            result = analyse(
                path,
                container=container,
                codec=codec,
                playback_path=work / f"playback{PLAYBACK_SUFFIX}",
                progress=lambda f: ctx.progress(0.95 * f, "Decoding the audio"),
                limits=audio_limits(ctx.settings),
                listeners=riders,
            )
            finished = {r.index: r.finish(result.duration) for r in riders}
            made = {index: found for index, found in finished.items() if found is not None}
            ctx.progress(0.96, "Storing peaks and playback copy")
            records = _store(derived, name, result, work)
    except BadAudio as exc:
        message = f"The audio cannot be processed: {exc}"
        _fail(ctx, datapoint_id, message)
        raise Unprocessable(message, code="bad_audio") from None
    except JobCancelled:
        raise
    except Exception as exc:
        _fail(ctx, datapoint_id, f"Processing the audio failed: {exc}")
        raise
    with ctx.database.session() as db:
        dp = db.get(Datapoint, datapoint_id)
        if dp is None:
            return {"skipped": "the datapoint was deleted"}
        held = unused_blobs.derived_of(db, datapoint_id)
        db.execute(delete(DerivedAudio).where(DerivedAudio.datapoint_id == datapoint_id))
        for record in records:
            record.datapoint_id = datapoint_id
            db.add(record)
        dp.duration = result.duration
        dp.sample_rate = result.sample_rate
        dp.channels = result.channels
        dp.ingest_status = IngestStatus.ready.value
        dp.ingest_error = None
        db.flush()
        # A long recording in a project that presents such as windows.
        windows.split_if_configured(db, dp, derived)
        predicted = _models_at_ingest(db, dp, made)
        _features_at_ingest(db, dp)
        unused = unused_blobs.left_unused(db, held)  # what an earlier ingest derived
    unused.remove(ctx.storage, ctx.settings)
    ctx.progress(1.0, "Ready")
    return {
        "datapoint_id": datapoint_id,
        "duration": result.duration,
        "levels": len(result.levels),
        "peaks_bytes": len(result.peaks),
        "playback_copy": result.playback_path is not None,
        "playback_reason": result.playback_reason,
        "predictions": predicted,
    }


def _ride_alongs(db: Session, dp: Datapoint) -> list[Any]:
    """The project's at-ingest models cheap enough to run during the decoding pass."""
    project = db.get(Project, dp.project_id)
    if project is None or not project.settings.get("models"):
        return []
    from audino.services.prediction_jobs import ride_alongs

    return ride_alongs(project.settings)


def _models_at_ingest(
    db: Session, dp: Datapoint, made: dict[int, list[Any]] | None = None
) -> dict[str, int]:
    """The project's models on each new recording: what ran during the decoding pass is
    stored with the item; the rest run as jobs of their own (the item is openable now and
    their predictions arrive when they are made)."""
    from audino.services.prediction_jobs import after_ingest

    project = db.get(Project, dp.project_id)
    if project is None or not project.settings.get("models"):
        return {}
    return after_ingest(db, dp, project.settings, made)


def _features_at_ingest(db: Session, dp: Datapoint) -> None:
    """Audio features of each new recording as a job, when the project asks for them."""
    project = db.get(Project, dp.project_id)
    if project is not None and project.settings.get("features_at_ingest"):
        from audino.services.features import after_ingest

        after_ingest(db, dp, project.settings)


def _complete(db: Session, storage: BlobStore, dp: Datapoint) -> bool:
    rows = db.scalars(select(DerivedAudio).where(DerivedAudio.datapoint_id == dp.id)).all()
    kinds = {row.kind for row in rows}
    if not {PEAKS, THUMBNAIL} <= kinds:
        return False
    return not storage.missing([row.storage_key for row in rows])


def _processed_twin(db: Session, storage: BlobStore, dp: Datapoint) -> Datapoint | None:
    """A ready datapoint of the same file (same SHA-256) whose derived blobs are all there."""
    if not dp.sha256:
        return None
    twins = db.scalars(
        select(Datapoint)
        .where(
            Datapoint.sha256 == dp.sha256,
            Datapoint.id != dp.id,
            Datapoint.ingest_status == IngestStatus.ready.value,
        )
        .limit(5)
    )
    for twin in twins:
        if _complete(db, storage, twin):
            return twin
    return None


def _copy_from(db: Session, twin: Datapoint, dp: Datapoint) -> None:
    db.execute(delete(DerivedAudio).where(DerivedAudio.datapoint_id == dp.id))
    rows = db.scalars(select(DerivedAudio).where(DerivedAudio.datapoint_id == twin.id)).all()
    for row in rows:
        db.add(
            DerivedAudio(
                datapoint_id=dp.id,
                kind=row.kind,
                storage_key=row.storage_key,
                content_type=row.content_type,
                size=row.size,
                info=dict(row.info),
            )
        )
    dp.duration, dp.sample_rate, dp.channels = twin.duration, twin.sample_rate, twin.channels
    dp.ingest_status = IngestStatus.ready.value
    dp.ingest_error = None


def _fail(ctx: JobContext, datapoint_id: int, message: str) -> None:
    with ctx.database.session() as db:
        dp = db.get(Datapoint, datapoint_id)
        if dp is not None:
            dp.ingest_status = IngestStatus.failed.value
            dp.ingest_error = message


@contextlib.contextmanager
def local_copy(storage: BlobStore, key: str, temp_root: Path) -> Iterator[tuple[Path, Path]]:
    """A local path of the stored original (downloaded when the store is remote), and a
    scratch folder for derived files; both gone afterwards."""
    temp_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ingest-", dir=temp_root))
    try:
        local = storage.local_path(key)
        if local is None:
            local = work / f"original-{uuid.uuid4().hex}"
            with storage.open(key) as src, local.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        yield local, work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _store(storage: BlobStore, name: str, result: Analysis, work: Path) -> list[DerivedAudio]:
    records = []
    blobs: list[tuple[str, Path, str, dict[str, Any]]] = []
    peaks_path = work / "peaks.dat"
    peaks_path.write_bytes(result.peaks)
    info = {"bits": 8, "levels": [level_to_dict(level) for level in result.levels]}
    info |= {"samples": result.samples, "sample_rate": result.sample_rate}
    info |= {"channels": result.channels}
    blobs.append((PEAKS, peaks_path, "application/octet-stream", info))
    thumb_path = work / "thumbnail.png"
    thumb_path.write_bytes(result.thumbnail)
    blobs.append((THUMBNAIL, thumb_path, "image/png", {}))
    overview_path = work / "overview.bin"
    overview_path.write_bytes(result.overview)
    blobs.append((OVERVIEW, overview_path, "application/octet-stream", {**result.overview_info}))
    if result.playback_path is not None:
        reason = {"reason": result.playback_reason}
        blobs.append((PLAYBACK, result.playback_path, "audio/flac", reason))
    for kind, path, content_type, extra in blobs:
        key = derived_key(storage, name, kind)
        storage.put_file(path, key)
        records.append(
            DerivedAudio(
                kind=kind,
                storage_key=key,
                content_type=content_type,
                size=path.stat().st_size,
                info=extra,
            )
        )
    return records
