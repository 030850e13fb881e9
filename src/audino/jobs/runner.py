"""Runs one job: claim its row, call its task with a context, record the outcome.

A heartbeat thread keeps the row's `heartbeat_at` fresh while the task works (and writes
the latest progress), so a job whose worker dies is found and queued again.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from audino.jobs import registry
from audino.jobs.registry import JobCancelled, JobContext
from audino.services import jobs
from audino.services.errors import AudinoError

if TYPE_CHECKING:
    from audino.config import Settings
    from audino.db.engine import Database
    from audino.storage.blobs import BlobStore

log = logging.getLogger("audino.jobs")


class _Heart:
    """Beats for one run; the task's progress reports ride along."""

    def __init__(self, database: Database, job_id: int, attempt: int, every: float) -> None:
        self.database, self.job_id, self.attempt, self.every = database, job_id, attempt, every
        self.lock = threading.Lock()
        self.progress: tuple[float, str] | None = None
        self.lost = False
        self.last_write = time.monotonic()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{job_id}-beat", daemon=True)

    def __enter__(self) -> _Heart:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self.thread.join()

    def report(self, fraction: float, message: str) -> None:
        if self.lost:
            raise JobCancelled(f"Job {self.job_id} was given to another worker.")
        with self.lock:
            self.progress = (fraction, message)
        if time.monotonic() - self.last_write >= 0.5:
            self.write()

    def write(self) -> None:
        with self.lock:
            progress, self.progress = self.progress, None
        fraction, message = progress if progress else (None, "")
        self.last_write = time.monotonic()
        try:
            with self.database.session() as db:
                if not jobs.beat(db, self.job_id, self.attempt, fraction, message):
                    self.lost = True
        except Exception:  # a busy database must not kill the job; the next beat retries
            log.warning("could not record progress of job %s", self.job_id, exc_info=True)

    def _run(self) -> None:
        while not self.stopped.wait(self.every):
            self.write()


def run_job(job_id: int, *, database: Database, storage: BlobStore, settings: Settings) -> str:
    """Runs the job if it is ready to run; returns what happened (for logs and tests)."""
    with database.session() as db:
        job = jobs.claim(db, job_id, stale_after=settings.job_stale_seconds)
        if job is None:
            return "skipped"
        kind, payload, attempt = job.kind, dict(job.payload or {}), job.attempts
    fn = registry.get(kind)
    if fn is None:
        with database.session() as db:
            jobs.fail(db, job_id, attempt, f"No task knows how to run jobs of kind {kind!r}.")
        return "failed"
    every = max(0.5, min(10.0, settings.job_stale_seconds / 4))
    with _Heart(database, job_id, attempt, every) as heart:
        ctx = JobContext(job_id, kind, payload, database, storage, settings, heart.report)
        try:
            result = fn(ctx)
        except JobCancelled:
            return "cancelled"
        except AudinoError as exc:
            outcome, error = "failed", exc.detail
        except Exception as exc:
            log.exception("job %s (%s) failed", job_id, kind)
            outcome, error = "failed", f"Unexpected error: {type(exc).__name__}: {exc}"
        else:
            outcome, error = "done", ""
    with database.session() as db:
        if outcome == "done":
            ours = jobs.finish(db, job_id, attempt, result)
        else:
            ours = jobs.fail(db, job_id, attempt, error)
    return outcome if ours else "cancelled"
