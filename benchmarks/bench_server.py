"""Against a real `audino serve`: (c) concurrent annotators saving segment batches,
(d) first start and restart time, (e) idle memory."""

from __future__ import annotations

import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Figure
from benchmarks.loadgen import BATCH, run_process
from benchmarks.server import ADMIN_PASSWORD, SECRET, Server, rss_mib


def provision(data_dir: Path, annotators: int) -> list[tuple[str, int, list[int]]]:
    """A project with a label and one assigned datapoint and API token per annotator:
    (token, datapoint id, the label's value ids) each."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from audino.config import Settings
    from audino.db.engine import Database
    from audino.db.migrate import upgrade
    from audino.db.models import ApiKeyKind, Assignment, Datapoint, Membership
    from audino.services import auth, projects, users
    from audino.services.labels import schema as labels

    database = Database(Settings(data_dir=data_dir, secret_key=SECRET))
    upgrade(database.engine)
    jobs = []
    now = datetime.now(UTC)
    with database.session() as db:
        project = projects.create_project(db, f"Load {annotators}")
        label = labels.create_label(db, project, name="speaker", kind="single",
                                    values=[{"value": "A"}, {"value": "B"}])  # fmt: skip
        value_ids = [v.id for v in label.values]
        for i in range(annotators):
            user = users.create_user(db, f"annotator{i:02d}", "benchmark-password")
            db.add(Membership(project_id=project.id, user_id=user.id, role="annotator"))
            row = {
                "project_id": project.id, "storage_key": f"00/{i:038d}.wav",
                "original_name": f"call-{i}.wav", "duration": 60.0, "sample_rate": 16000,
                "channels": 1, "codec": "pcm_s16le", "container": "wav", "size": 1_920_044,
                "sha256": f"{i:064x}", "created_at": now, "updated_at": now,
            }  # fmt: skip
            table = Datapoint.__table__
            dp = db.execute(insert(table).values(row).returning(table.c.id)).scalar_one()
            db.execute(insert(Assignment.__table__).values(
                datapoint_id=dp, user_id=user.id, created_at=now, updated_at=now))  # fmt: skip
            key = auth.issue_api_key(
                db, kind=ApiKeyKind.personal, name="load", created_by_id=user.id, user_id=user.id
            )
            jobs.append((key.key, int(dp), value_ids))
    database.dispose()
    return jobs


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def drive(server: Server, jobs: list[Any], seconds: float, processes: int) -> dict[str, Any]:
    """Runs `jobs` (None = health check) split over load processes; merged results."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    start_at = time.time() + 1.5  # time for the processes to start
    shares = [jobs[i::processes] for i in range(processes)]
    workers = [
        ctx.Process(target=run_process, args=(server.port, share, start_at, seconds, results))
        for share in shares
        if share
    ]
    for w in workers:
        w.start()
    merged: dict[str, Any] = {"latencies": [], "statuses": {}, "saved": []}
    for _ in workers:
        part = results.get(timeout=seconds + 120)
        merged["latencies"].extend(part["latencies"])
        merged["saved"].extend(part["saved"])
        for status, n in part["statuses"].items():
            merged["statuses"][status] = merged["statuses"].get(status, 0) + n
    for w in workers:
        w.join()
    return merged


def _stored_segments(data_dir: Path, datapoints: list[int]) -> list[str]:
    from sqlalchemy import select

    from audino.config import Settings
    from audino.db.engine import Database
    from audino.db.models import Segment

    database = Database(Settings(data_dir=data_dir, secret_key=SECRET))
    try:
        with database.session(write=False) as db:
            return list(db.scalars(select(Segment.id).where(Segment.datapoint_id.in_(datapoints))))
    finally:
        database.dispose()


def load(folder: Path, annotators: int, seconds: float, processes: int) -> list[Figure]:
    data_dir = folder / f"load-{annotators}"
    jobs = provision(data_dir, annotators)
    server = Server(data_dir)
    server.start()
    try:
        baseline_seconds = max(3.0, seconds / 3)
        base = drive(server, [None] * annotators, baseline_seconds, processes)
        run = drive(server, jobs, seconds, processes)
    finally:
        server.stop()
    ok = run["statuses"].get(200, 0)
    failed = sum(n for status, n in run["statuses"].items() if status != 200)
    stored = _stored_segments(data_dir, [dp for _, dp, _ in jobs])
    exact = ok > 0 and sorted(stored) == sorted(run["saved"]) and len(stored) == ok * BATCH
    lat = [x * 1000 for x in run["latencies"]]
    base_lat = [x * 1000 for x in base["latencies"]]
    base_rate = sum(base["statuses"].values()) / baseline_seconds
    check = "rows == successful requests x 10, same ids" if exact else "MISMATCH"
    note = (
        f"{ok:,} batches saved, {failed} failed {dict(run['statuses'])}; "
        f"{len(stored):,} rows in the database: {check}"
    )
    name = f"(c) {annotators} annotators, 10-segment batches"
    p99_target = 50.0 if annotators <= 8 else 200.0
    return [
        Figure(f"{name}: p50", _percentile(lat, 0.5), "ms", "GET /api/health",
               _percentile(base_lat, 0.5)),
        Figure(f"{name}: p99", _percentile(lat, 0.99), "ms", "GET /api/health",
               _percentile(base_lat, 0.99), target=p99_target),
        Figure(f"{name}: batch writes/s", ok / seconds, "/s", "health requests/s", base_rate,
               target=200.0 if annotators <= 8 else None, at_least=True),
        Figure(f"{name}: segments written/s", ok * BATCH / seconds, "/s", "", None, note=note),
    ]  # fmt: skip


def _bare_python() -> tuple[float, float]:
    """(seconds to run `python -c pass`, median of 5; RSS of an idle bare python in MiB)."""
    times = []
    for _ in range(5):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - began)
    idle = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                            stdin=subprocess.PIPE)  # fmt: skip
    time.sleep(0.5)
    rss = rss_mib(idle.pid)
    assert idle.stdin is not None
    idle.stdin.close()
    idle.wait()
    return statistics.median(times), rss


_BARE_APP = """
import sys
import sqlalchemy.orm, uvicorn
from fastapi import FastAPI
app = FastAPI()
engine = sqlalchemy.create_engine("sqlite://")
@app.get("/api/health")
def health():
    with engine.connect() as c:
        return {"ok": c.exec_driver_sql("select 1").scalar()}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _bare_fastapi(folder: Path) -> tuple[float, float]:
    """(start-to-health seconds, median of 3; idle RSS in MiB) of a one-route FastAPI +
    SQLAlchemy app on uvicorn: the floor that the framework itself sets."""
    import http.client

    from benchmarks.server import free_port

    times, rss = [], 0.0
    for _ in range(3):
        port = free_port()
        began = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _BARE_APP, str(port)])
        try:
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                    conn.request("GET", "/api/health")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.005)
            times.append(time.perf_counter() - began)
            time.sleep(1.0)
            rss = rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait()
    return statistics.median(times), rss


def start_and_memory(folder: Path) -> list[Figure]:
    bare_start, bare_rss = _bare_python()
    app_start, app_rss = _bare_fastapi(folder)
    data_dir = folder / "start"
    server = Server(data_dir)
    first = server.start()
    server.stop()
    restarts = []
    for _ in range(3):
        server = Server(data_dir)
        restarts.append(server.start())
        if len(restarts) < 3:
            server.stop()
    try:
        login = {"username": "admin", "password": ADMIN_PASSWORD}
        status, body = server.request("POST", "/api/auth/login", login)
        assert status == 200, body
        headers = {"Cookie": "; ".join(server.last_cookies)}
        for path in ("/api/health", "/api/projects", "/api/formats", "/api/auth/me"):
            server.request("GET", path, headers=headers)
        time.sleep(1.0)
        rss = rss_mib(server.pid)
    finally:
        server.stop()
    return [
        Figure("(d) first start, empty data dir, until /api/health answers", first, "s",
               "one-route FastAPI+SQLAlchemy app", app_start, target=3.0,
               note=f"python -c pass: {bare_start:.3f} s"),
        Figure("(d) restart (median of 3)", statistics.median(restarts), "s",
               "one-route FastAPI+SQLAlchemy app", app_start, target=1.5),
        Figure("(e) idle RSS of the server after a few requests", rss, "MiB",
               "one-route FastAPI+SQLAlchemy app", app_rss, target=150.0,
               note=f"pid {server.pid}, {os.cpu_count()} CPUs; bare python {bare_rss:.1f} MiB"),
    ]  # fmt: skip
