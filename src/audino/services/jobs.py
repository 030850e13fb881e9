"""Job rows: queue one, claim it for a run, report progress, finish, fail, retry, reap.

A job is handed to the queue only after the transaction that created it commits, so a
worker never looks for a row it cannot see yet. Each run takes a new `attempts` number
and every later write checks it: a worker whose job was given to another (because it
stopped beating) cannot overwrite the newer run's outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, event, select, update
from sqlalchemy.orm import Session

from audino.db.models import Job, JobStatus, utcnow
from audino.services.errors import Conflict, InvalidInput, NotFound

_PENDING = "audino_jobs_to_dispatch"
MAX_LIST = 200
log = logging.getLogger("audino.jobs")

# Whoever carries job ids to runners (this process's queue, see audino.jobs.queue) sets
# this; the rows stay here, so job state has one owner and the queue only transports ids.
_dispatcher: Callable[[Iterable[int]], None] | None = None


def set_dispatcher(dispatch: Callable[[Iterable[int]], None] | None) -> None:
    """Jobs committed from now on are handed to `dispatch` (None: they stay queued)."""
    global _dispatcher
    _dispatcher = dispatch


def enqueue(
    db: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    project_id: int | None = None,
    datapoint_id: int | None = None,
    created_by: int | None = None,
    message: str = "Waiting to start",
) -> Job:
    """A new queued job; it is handed to the queue once this transaction commits."""
    job = Job(
        kind=kind,
        payload=payload or {},
        project_id=project_id,
        datapoint_id=datapoint_id,
        created_by_id=created_by,
        message=message,
    )
    db.add(job)
    db.flush()
    db.info.setdefault(_PENDING, []).append(job.id)
    return job


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the jobs are not in the database until the outer commit
    ids = session.info.pop(_PENDING, None)
    if not ids:
        return
    if _dispatcher is None:
        log.warning("no job queue in this process; jobs %s stay queued", ids)
        return
    _dispatcher(ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: jobs made before it still commit (one made in it is a no-op)
    session.info.pop(_PENDING, None)


def claim(db: Session, job_id: int, *, stale_after: float) -> Job | None:
    """Starts a run of a queued job (or of one whose worker stopped beating).

    None when the job is finished, missing, or running alive elsewhere: running a job
    id twice is harmless.
    """
    now = utcnow()
    cutoff = now - timedelta(seconds=stale_after)
    claimable = (Job.status == JobStatus.queued.value) | (
        (Job.status == JobStatus.running.value) & (Job.heartbeat_at < cutoff)
    )
    done = db.execute(
        update(Job)
        .where(Job.id == job_id, claimable)
        .values(
            status=JobStatus.running.value,
            attempts=Job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            error=None,
            message="Started",
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.get(Job, job_id, populate_existing=True)


def _mine(job_id: int, attempt: int) -> Any:
    return (Job.id == job_id) & (Job.attempts == attempt) & (Job.status == "running")


def beat(
    db: Session, job_id: int, attempt: int, progress: float | None = None, message: str = ""
) -> bool:
    """Records that the run is alive (and how far along); False if it is no longer ours."""
    values: dict[str, Any] = {"heartbeat_at": utcnow()}
    if progress is not None:
        values["progress"] = progress
        if message:
            values["message"] = message
    result = db.execute(
        update(Job)
        .where(_mine(job_id, attempt))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def finish(db: Session, job_id: int, attempt: int, result: dict[str, Any] | None) -> bool:
    return _end(db, job_id, attempt, JobStatus.done, progress=1.0, message="Done", result=result)


def fail(db: Session, job_id: int, attempt: int, error: str) -> bool:
    return _end(db, job_id, attempt, JobStatus.failed, error=error, message="Failed")


def _end(db: Session, job_id: int, attempt: int, status: JobStatus, **values: Any) -> bool:
    if values.get("result") is None:
        values.pop("result", None)
    result = db.execute(
        update(Job)
        .where(_mine(job_id, attempt))
        .values(status=status.value, finished_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def retry(db: Session, job: Job) -> Job:
    """Queues a failed job again (its task must be idempotent, so re-running is safe)."""
    if job.status != JobStatus.failed.value:
        raise Conflict(
            f"Job {job.id} is {job.status}; only a failed job can be retried.", code="not_failed"
        )
    job.status = JobStatus.queued.value
    job.error = None
    job.progress = 0.0
    job.message = "Waiting to start again"
    job.finished_at = None
    db.flush()
    db.info.setdefault(_PENDING, []).append(job.id)
    return job


def requeue_stale(db: Session, *, stale_after: float) -> list[int]:
    """Queues again every running job whose worker stopped beating (it died or hung)."""
    cutoff = utcnow() - timedelta(seconds=stale_after)
    ids = list(
        db.scalars(
            select(Job.id).where(Job.status == JobStatus.running.value, Job.heartbeat_at < cutoff)
        )
    )
    if ids:
        db.execute(
            update(Job)
            .where(Job.id.in_(ids), Job.status == JobStatus.running.value)
            .values(status=JobStatus.queued.value, message="Worker lost; waiting to run again")
            .execution_options(synchronize_session=False)
        )
        db.info.setdefault(_PENDING, []).extend(ids)
    return ids


def waiting_since_before(db: Session, cutoff: datetime) -> list[int]:
    """Jobs queued (or queued again) before `cutoff` that no worker has taken yet."""
    return list(
        db.scalars(
            select(Job.id)
            .where(Job.status == JobStatus.queued.value, Job.updated_at < cutoff)
            .order_by(Job.id)
        )
    )


def queued_ids(db: Session) -> list[int]:
    """Jobs waiting to run, oldest first (some may never have reached a queue)."""
    return list(
        db.scalars(select(Job.id).where(Job.status == JobStatus.queued.value).order_by(Job.id))
    )


def get_job(db: Session, job_id: int) -> Job:
    job = db.get(Job, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} does not exist.")
    return job


def list_jobs(
    db: Session,
    *,
    visible: ColumnElement[bool] | None,
    project_id: int | None = None,
    datapoint_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> list[Job]:
    """Newest first, among the `visible` jobs (`access.visible_jobs`; None: all, admins)."""
    if status is not None and status not in {s.value for s in JobStatus}:
        known = ", ".join(s.value for s in JobStatus)
        raise InvalidInput(f"Unknown job status {status!r}; use one of: {known}.")
    stmt = select(Job).order_by(Job.id.desc()).limit(min(limit, MAX_LIST))
    if visible is not None:
        stmt = stmt.where(visible)
    if project_id is not None:
        stmt = stmt.where(Job.project_id == project_id)
    if datapoint_id is not None:
        stmt = stmt.where(Job.datapoint_id == datapoint_id)
    if status is not None:
        stmt = stmt.where(Job.status == status)
    if kind is not None:
        stmt = stmt.where(Job.kind == kind)
    if before is not None:
        stmt = stmt.where(Job.id < before)
    return list(db.scalars(stmt))


def latest_for_datapoints(db: Session, datapoint_ids: Sequence[int], kind: str) -> dict[int, Job]:
    """The newest job of a kind for each datapoint (e.g. its ingest)."""
    if not datapoint_ids:
        return {}
    rows = db.scalars(
        select(Job).where(Job.datapoint_id.in_(datapoint_ids), Job.kind == kind).order_by(Job.id)
    )
    return {job.datapoint_id: job for job in rows if job.datapoint_id is not None}
