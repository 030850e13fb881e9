"""The Huey queue that carries job ids from whoever queued them to whoever runs them.

Job state lives in our own `jobs` table; Huey only transports ids. One queue per process,
set up by `install()` (the server, a worker, or a CLI command):
- default: a SQLite queue file in the data dir, consumed by threads inside `audino serve`;
- `redis://…`: a Redis queue, consumed by any number of `audino worker` processes;
- `immediate`: each job runs right after the transaction that queued it (tests).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audino.jobs.runner import run_job

if TYPE_CHECKING:
    from huey import Huey

    from audino.config import Settings
    from audino.db.engine import Database
    from audino.storage.blobs import BlobStore

log = logging.getLogger("audino.jobs")
REAP_EVERY_MINUTES = 1
# A job saved but in no queue this long was lost by a process that died between saving it
# and queueing it (a killed `audino import`); queueing it twice is harmless (a run claims it).
LOST_AFTER_SECONDS = 30.0
RUN_JOB = "audino.run_job"


def _make_huey(url: str, name: str) -> Huey:
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    if url == "immediate":
        return MemoryHuey(name, immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False)
    raise ValueError(
        f"AUDINO_QUEUE_URL {url!r} is not supported: use redis://…, sqlite:///path or immediate."
    )


class JobQueue:
    """A Huey instance with audino's one task, `run_job(job_id)`, and the stale-job reaper."""

    def __init__(self, settings: Settings, database: Database, storage: BlobStore) -> None:
        self.settings, self.database, self.storage = settings, database, storage
        self.huey = _make_huey(settings.resolved_queue_url, settings.queue_name)
        self._consumer: Any = None

        @self.huey.task(name=RUN_JOB)
        def run(job_id: int) -> None:
            outcome = run_job(job_id, database=database, storage=storage, settings=settings)
            log.info("job %s: %s", job_id, outcome)

        self._run = run
        if not self.immediate:
            from huey import crontab

            @self.huey.periodic_task(crontab(minute=f"*/{REAP_EVERY_MINUTES}"), name="audino.reap")
            def reap() -> None:
                self.requeue_stale()
                self.hand_over_lost()

    @property
    def immediate(self) -> bool:
        return bool(self.huey.immediate)

    def dispatch(self, job_ids: Iterable[int]) -> None:
        for job_id in job_ids:
            self._run(job_id)

    def requeue_stale(self) -> list[int]:
        from audino.services import jobs

        with self.database.session() as db:
            ids = jobs.requeue_stale(db, stale_after=self.settings.job_stale_seconds)
        if ids:
            log.warning("queued again after their worker stopped: jobs %s", ids)
        return ids

    def pending_job_ids(self) -> set[int]:
        """The job ids waiting in the queue itself (not yet taken by a worker)."""
        ids: set[int] = set()
        for message in self.huey.pending():
            if message.name == RUN_JOB and message.args:
                ids.add(int(message.args[0]))
        return ids

    def hand_over_lost(self, older_than: float = LOST_AFTER_SECONDS) -> list[int]:
        """Queues the jobs that wait in the database but in no queue (see LOST_AFTER_SECONDS)."""
        from datetime import timedelta

        from audino.db.models import utcnow
        from audino.services import jobs

        if self.immediate:
            return []
        with self.database.session(write=False) as db:
            waiting = jobs.waiting_since_before(db, utcnow() - timedelta(seconds=older_than))
        if not waiting:
            return []
        pending = self.pending_job_ids()
        lost = [job_id for job_id in waiting if job_id not in pending]
        if lost:
            log.warning("queued again, saved but never queued: jobs %s", lost)
            self.dispatch(lost)
        return lost

    def hand_over_waiting(self) -> list[int]:
        """Queues every job still waiting, including any made while no queue ran (e.g. by
        `serve --demo` before the app started); a job run twice is skipped the second time."""
        from audino.services import jobs

        self.requeue_stale()
        with self.database.session(write=False) as db:
            ids = jobs.queued_ids(db)
        self.dispatch(ids)
        return ids

    def start_consumer(self, workers: int) -> None:
        """Worker threads inside this process (the embedded default of `audino serve`)."""
        if self.immediate or workers < 1:
            return
        self._consumer = _QuietConsumer(self.huey, workers=workers, worker_type="thread")
        self._consumer.start()
        self.hand_over_waiting()

    def stop_consumer(self) -> None:
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
            self._consumer = None

    def run_worker(self, workers: int) -> None:
        """Consume in the foreground until interrupted (`audino worker`)."""
        from huey.consumer import Consumer

        self.hand_over_waiting()
        Consumer(self.huey, workers=workers, worker_type="thread").run()


def _quiet_consumer_class() -> type:
    from huey.consumer import Consumer

    class Quiet(Consumer):  # type: ignore[misc]
        """Leaves signal handling to the server it runs inside."""

        def _set_signal_handlers(self) -> None:
            return None

    return Quiet


def _QuietConsumer(huey: Huey, **options: Any) -> Any:  # noqa: N802 - reads like a class
    return _quiet_consumer_class()(huey, **options)


_current: JobQueue | None = None


def install(settings: Settings, database: Database, storage: BlobStore) -> JobQueue:
    """Makes this process's queue (replacing any earlier one)."""
    from audino.services import jobs

    global _current
    _current = JobQueue(settings, database, storage)
    jobs.set_dispatcher(_current.dispatch)
    return _current


def current() -> JobQueue | None:
    return _current
