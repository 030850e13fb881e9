"""Jobs: queued after commit, run once, progress, failure, retry, a dead worker's job reaped."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import upgrade
from audino.db.models import Job, utcnow
from audino.jobs import JobContext, queue, task
from audino.jobs.runner import run_job
from audino.services import jobs
from audino.services.errors import InvalidInput
from audino.storage.blobs import BlobStore
from tests.conftest import AppEnv, Factory

calls: list[dict[str, Any]] = []
flaky_failures = {"left": 0}


@task("test.echo")
def echo(ctx: JobContext) -> dict[str, Any]:
    calls.append(ctx.payload)
    ctx.progress(0.5, "half way")
    return {"echo": ctx.payload.get("say"), "job": ctx.job_id}


@task("test.flaky")
def flaky(ctx: JobContext) -> dict[str, Any]:
    if flaky_failures["left"] > 0:
        flaky_failures["left"] -= 1
        raise InvalidInput("The source folder is not there (yet).")
    return {"ok": True}


@task("test.crash")
def crash(ctx: JobContext) -> None:
    raise RuntimeError("disk on fire")


@pytest.fixture(autouse=True)
def _reset() -> None:
    calls.clear()
    flaky_failures["left"] = 0


def _queue(env: AppEnv, kind: str, payload: dict[str, Any] | None = None, **ids: Any) -> int:
    with env.database.session() as db:
        return jobs.enqueue(db, kind, payload or {}, **ids).id


def _job(env: AppEnv, job_id: int) -> Job:
    with env.database.session(write=False) as db:
        job = db.get(Job, job_id)
        assert job is not None
        db.expunge(job)
        return job


def test_a_job_runs_once_its_transaction_commits(app_env: AppEnv) -> None:
    with app_env.database.session() as db:
        job_id = jobs.enqueue(db, "test.echo", {"say": "hi"}).id
        assert calls == []  # not before the commit: a worker could not see the row yet
    job = _job(app_env, job_id)
    assert (job.status, job.progress, job.result) == ("done", 1.0, {"echo": "hi", "job": job_id})
    assert job.attempts == 1 and job.started_at and job.finished_at
    assert calls == [{"say": "hi"}]


def test_a_savepoint_inside_the_transaction_neither_runs_nor_forgets_its_jobs(
    app_env: AppEnv,
) -> None:
    with app_env.database.session() as db:
        job_id = jobs.enqueue(db, "test.echo", {"say": "after the outer commit"}).id
        with db.begin_nested():
            pass  # released: the outer transaction (and the job's row) is still open
        assert calls == []
        with pytest.raises(RuntimeError), db.begin_nested():
            raise RuntimeError("a savepoint rolled back")
        assert calls == []
    assert calls == [{"say": "after the outer commit"}]
    assert _job(app_env, job_id).status == "done"


def test_a_rolled_back_job_never_runs(app_env: AppEnv) -> None:
    with pytest.raises(RuntimeError), app_env.database.session() as db:
        jobs.enqueue(db, "test.echo", {"say": "never"})
        raise RuntimeError("the request failed")
    with app_env.database.session() as db:
        jobs.enqueue(db, "test.echo", {"say": "later"})
    assert calls == [{"say": "later"}]


def test_running_a_finished_job_again_changes_nothing(app_env: AppEnv) -> None:
    job_id = _queue(app_env, "test.echo", {"say": "once"})
    outcome = run_job(
        job_id,
        database=app_env.database,
        storage=app_env.storage,
        settings=app_env.settings,
    )
    assert outcome == "skipped" and len(calls) == 1


def test_failures_are_recorded_with_a_message_people_understand(app_env: AppEnv) -> None:
    flaky_failures["left"] = 1
    job = _job(app_env, _queue(app_env, "test.flaky"))
    assert (job.status, job.error) == ("failed", "The source folder is not there (yet).")
    crashed = _job(app_env, _queue(app_env, "test.crash"))
    assert crashed.status == "failed" and "disk on fire" in (crashed.error or "")
    unknown = _job(app_env, _queue(app_env, "test.nobody"))
    assert unknown.status == "failed" and "test.nobody" in (unknown.error or "")


def test_a_dead_workers_job_is_queued_again_and_completes(app_env: AppEnv) -> None:
    # A worker claimed the job, then died: its heartbeat stops.
    with app_env.database.session() as db:
        job = Job(kind="test.echo", payload={"say": "again"}, status="queued")
        db.add(job)
        db.flush()
        job_id = job.id
        assert jobs.claim(db, job_id, stale_after=60) is not None
    old = utcnow() - timedelta(seconds=app_env.settings.job_stale_seconds + 5)
    with app_env.database.session() as db:
        db.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=old))
    reaper = queue.current()
    assert reaper is not None
    assert reaper.requeue_stale() == [job_id]
    job = _job(app_env, job_id)
    assert (job.status, job.attempts) == ("done", 2)
    # The dead run cannot overwrite the new run's outcome (its attempt number is old).
    with app_env.database.session() as db:
        assert jobs.fail(db, job_id, 1, "late news from the dead worker") is False
    assert _job(app_env, job_id).status == "done"


def test_a_live_running_job_is_not_taken_over(app_env: AppEnv) -> None:
    with app_env.database.session() as db:
        job = Job(kind="test.echo", payload={}, status="queued")
        db.add(job)
        db.flush()
        job_id = job.id
        jobs.claim(db, job_id, stale_after=60)
    reaper = queue.current()
    assert reaper is not None and reaper.requeue_stale() == []
    with app_env.database.session() as db:
        assert jobs.claim(db, job_id, stale_after=60) is None


def test_jobs_api_lists_reads_and_retries_with_project_permissions(
    app_env: AppEnv, factory: Factory
) -> None:
    factory.user("mo")
    factory.user("ann")
    factory.user("eve")
    project = factory.project("Jobs", mo="manager", ann="annotator")
    flaky_failures["left"] = 1
    job_id = _queue(app_env, "test.flaky", project_id=project["id"])
    mo, ann, eve = (app_env.login(u) for u in ("mo", "ann", "eve"))

    listed = mo.get("/api/jobs", params={"project_id": project["id"]}).json()
    assert [(j["id"], j["status"]) for j in listed] == [(job_id, "failed")]
    assert mo.get("/api/jobs").json()[0]["id"] == job_id
    assert mo.get(f"/api/jobs/{job_id}").json()["error"].startswith("The source folder")
    # A project's own jobs are its managers' work: an annotator neither lists nor reads them.
    assert ann.get("/api/jobs", params={"project_id": project["id"]}).json() == []
    assert ann.get(f"/api/jobs/{job_id}").status_code == 404
    assert eve.get(f"/api/jobs/{job_id}").status_code == 404
    assert eve.get("/api/jobs").json() == []
    assert ann.post(f"/api/jobs/{job_id}/retry").status_code == 404

    r = mo.post(f"/api/jobs/{job_id}/retry")
    assert r.status_code == 200, r.text
    job = mo.get(f"/api/jobs/{job_id}").json()
    assert (job["status"], job["result"], job["attempts"]) == ("done", {"ok": True}, 2)
    again = mo.post(f"/api/jobs/{job_id}/retry")
    assert again.status_code == 409 and again.json()["code"] == "not_failed"
    bad = mo.get("/api/jobs", params={"project_id": project["id"], "status": "nope"})
    assert bad.status_code == 400


def _wait_done(database: Database, job_id: int, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.session(write=False) as db:
            job = db.get(Job, job_id)
            if job is not None and job.status in ("done", "failed"):
                db.expunge(job)
                return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_queued_jobs_are_run_by_consumer_threads(tmp_path: Path, backend: str) -> None:
    url = None
    if backend == "redis":
        url = _redis_url()
    # Its own queue name: another test run on the same Redis must not take these jobs.
    name = f"audino-test-{uuid.uuid4().hex[:8]}"
    settings = Settings(data_dir=tmp_path, secret_key="s", queue_url=url, queue_name=name)
    database = Database(settings)
    upgrade(database.engine)
    storage = BlobStore(settings.resolved_storage_url, "s")
    job_queue = queue.install(settings, database, storage)
    if backend == "redis":
        job_queue.huey.flush()
    job_queue.start_consumer(2)
    try:
        with database.session() as db:
            ids = [jobs.enqueue(db, "test.echo", {"say": n}).id for n in range(5)]
        done = [_wait_done(database, job_id) for job_id in ids]
        assert {j.status for j in done} == {"done"}
        assert sorted(c["say"] for c in calls) == [0, 1, 2, 3, 4]
    finally:
        job_queue.stop_consumer()
        if backend == "redis":
            job_queue.huey.flush()
        database.dispose()


def _redis_url() -> str:
    import os
    import socket

    url = os.environ.get("AUDINO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Redis is not running on 127.0.0.1:6379; CI must run the Redis tests.")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return url


def test_jobs_queued_before_any_queue_ran_are_run_when_one_starts(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="s")
    database = Database(settings)
    upgrade(database.engine)
    storage = BlobStore(settings.resolved_storage_url, "s")
    queue._current = None  # as `serve --demo` makes its demo before the app exists
    with database.session() as db:
        ids = [jobs.enqueue(db, "test.echo", {"say": n}).id for n in range(3)]
    job_queue = queue.install(settings, database, storage)
    job_queue.start_consumer(1)
    try:
        assert {_wait_done(database, job_id).status for job_id in ids} == {"done"}
        assert sorted(c["say"] for c in calls) == [0, 1, 2]  # each ran once
    finally:
        job_queue.stop_consumer()
        database.dispose()


def _lost_job(database: Database, say: str, age_seconds: float = 60) -> int:
    """A job saved by a process killed before it reached the queue (committed, never sent)."""
    with database.session() as db:
        job = jobs.enqueue(db, "test.echo", {"say": say})
        db.info.pop(jobs._PENDING)  # the process dies between the commit and the dispatch
        job_id = job.id
    with database.session() as db:
        past = utcnow() - timedelta(seconds=age_seconds)
        db.execute(update(Job).where(Job.id == job_id).values(updated_at=past))
    return job_id


def test_the_reaper_queues_a_job_that_was_saved_but_never_queued(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="s")
    database = Database(settings)
    upgrade(database.engine)
    storage = BlobStore(settings.resolved_storage_url, "s")
    job_queue = queue.install(settings, database, storage)
    try:
        lost = _lost_job(database, "lost")
        fresh = _lost_job(database, "fresh", age_seconds=0)  # its process may still send it
        # What the periodic reaper runs; called before the consumer starts, whose own reaper
        # fires on the clock's minute marks and could otherwise hand the job over first.
        assert job_queue.hand_over_lost() == [lost]
        assert job_queue.pending_job_ids() == {lost}  # the fresh one is left to its process
        assert _job_status(database, fresh) == "queued"
        job_queue.start_consumer(1)
        assert _wait_done(database, lost).result == {"echo": "lost", "job": lost}
    finally:
        job_queue.stop_consumer()
        database.dispose()


def test_a_job_waiting_in_the_queue_is_not_queued_twice(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="s")
    database = Database(settings)
    upgrade(database.engine)
    storage = BlobStore(settings.resolved_storage_url, "s")
    job_queue = queue.install(settings, database, storage)  # no consumer: jobs wait
    try:
        with database.session() as db:
            waiting = jobs.enqueue(db, "test.echo", {"say": "waiting"}).id
        with database.session() as db:
            past = utcnow() - timedelta(seconds=600)
            db.execute(update(Job).where(Job.id == waiting).values(updated_at=past))
        lost = _lost_job(database, "lost")
        assert job_queue.pending_job_ids() == {waiting}
        assert job_queue.hand_over_lost() == [lost]
        assert sorted(m.args[0] for m in job_queue.huey.pending()) == [waiting, lost]
        assert job_queue.hand_over_lost() == []
    finally:
        database.dispose()


def _job_status(database: Database, job_id: int) -> str:
    with database.session(write=False) as db:
        job = db.get(Job, job_id)
        assert job is not None
        return job.status
