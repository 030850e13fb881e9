"""Dataset map: `uv run python benchmarks/dataset_map.py [--items N] [--postgres URL]`.

A project of N items (10,000 by default) whose summary vectors (the real length, in five
clusters with a few mislabelled items) are written straight into a fresh database, each
item assigned with an item-level label value and carrying metadata; then the `dataset_map`
job is run in this process (read the vectors, standardise, PCA, store), and the map is read
through the ASGI app (`GET /api/projects/{id}/map`: layout, label values, metadata, outliers,
JSON). The baseline, measured in the same run, is a plain SELECT of the same summary vectors.
Goal: the map of 10k items (job + GET) < 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Figure, database, load_average, print_table  # noqa: E402

PASSWORD = "benchmark-password-1"
REPEAT = 5
CLUSTERS = 5
TARGET = 5.0


def fill(db: Any, items: int) -> tuple[int, int]:
    """The project (id) and the label (id), with `items` items and their vectors."""
    from sqlalchemy import insert

    from audino.audio.features import SUMMARY_LENGTH, VERSION
    from audino.db.models import Assignment, Datapoint, DatapointFeatures, Label, LabelValue
    from audino.services import projects, users

    with db.session() as s:
        project = projects.create_project(s, "map")
        ann = users.create_user(s, "ann", PASSWORD)
        users.create_user(s, "boss", PASSWORD, is_admin=True)
        projects.set_member(s, project, ann, "annotator")
        label = Label(project_id=project.id, name="kind", kind="single", scope="datapoint")
        s.add(label)
        s.flush()
        values = [
            LabelValue(label_id=label.id, value=f"kind {c}", position=c) for c in range(CLUSTERS)
        ]
        s.add_all(values)
        s.flush()
        pid, ann_id, label_id = project.id, ann.id, label.id
        value_ids = [v.id for v in values]
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 20, (CLUSTERS, SUMMARY_LENGTH))
    cluster = rng.integers(0, CLUSTERS, items)
    vectors = (centres[cluster] + rng.normal(0, 5, (items, SUMMARY_LENGTH))).astype("<f4")
    labelled = cluster.copy()
    labelled[::500] = (labelled[::500] + 1) % CLUSTERS  # one in 500 carries the wrong label
    chunk = 5_000
    with db.engine.begin() as conn:
        for first in range(0, items, chunk):
            rows = range(first, min(items, first + chunk))
            conn.execute(
                insert(Datapoint),
                [
                    {
                        "id": i + 1,
                        "project_id": pid,
                        "storage_key": f"{i:040x}.wav",
                        "original_name": f"clip_{i:06d}.wav",
                        "duration": 0.5 + (i % 20) / 10,
                        "sample_rate": 16_000,
                        "channels": 1,
                        "codec": "pcm_s16le",
                        "container": "wav",
                        "size": 32_044,
                        "sha256": f"{i:064x}",
                        "metadata": {"speaker": f"s{i % 100}", "site": f"site {i % 4}"},
                        "status": "in_progress",
                    }
                    for i in rows
                ],
            )
            conn.execute(
                insert(DatapointFeatures),
                [
                    {
                        "datapoint_id": i + 1,
                        "version": VERSION,
                        "storage_key": f"f/{i}",
                        "size": 1,
                        "frames": 1,
                        "summary": vectors[i].tobytes(),
                    }
                    for i in rows
                ],
            )
            conn.execute(
                insert(Assignment),
                [
                    {
                        "datapoint_id": i + 1,
                        "user_id": ann_id,
                        "status": "in_progress",
                        "values": {str(label_id): value_ids[labelled[i]]},
                    }
                    for i in rows
                ],
            )
    return pid, label_id


def select_vectors(db: Any, pid: int) -> float:
    """The baseline: the summary vectors as one plain SELECT, decoded into one array."""
    from sqlalchemy import select

    from audino.db.models import Datapoint, DatapointFeatures

    began = time.perf_counter()
    with db.session(write=False) as s:
        rows = s.execute(
            select(DatapointFeatures.datapoint_id, DatapointFeatures.summary)
            .join(Datapoint, Datapoint.id == DatapointFeatures.datapoint_id)
            .where(Datapoint.project_id == pid)
        ).all()
    np.frombuffer(b"".join(blob for _, blob in rows), "<f4")
    return time.perf_counter() - began


def run_job(settings: Any, db: Any, pid: int) -> tuple[float, dict[str, Any]]:
    """The layout job, queued and run in this process as a worker runs it."""
    from audino.db.models import Job
    from audino.jobs.runner import run_job as run
    from audino.services import dataset_map, jobs
    from audino.storage.blobs import BlobStore

    with db.session() as s:
        job_id = jobs.enqueue(
            s, dataset_map.KIND, {"project_id": pid, "method": "pca", "features": False}
        ).id
        s.info.clear()  # run below, not handed to a queue
    storage = BlobStore(str(settings.resolved_data_dir / "blobs"), "benchmark-secret")
    began = time.perf_counter()
    outcome = run(job_id, database=db, storage=storage, settings=settings)
    took = time.perf_counter() - began
    with db.session(write=False) as s:
        job = s.get(Job, job_id)
        assert job is not None
        if outcome != "done":
            raise RuntimeError(f"the map job {outcome}: {job.error}")
        return took, dict(job.result)


def run(items: int, postgres_url: str | None) -> list[Figure]:
    from fastapi.testclient import TestClient

    from audino.api.app import create_app

    with tempfile.TemporaryDirectory() as tmp, database(Path(tmp), postgres_url) as (settings, db):
        began = time.perf_counter()
        pid, _ = fill(db, items)
        print(f"wrote {items:,} items in {time.perf_counter() - began:.1f} s", flush=True)
        baseline = statistics.median(select_vectors(db, pid) for _ in range(REPEAT))
        job_times, result = [], {}
        for _ in range(3):
            took, result = run_job(settings, db, pid)
            job_times.append(took)
        job = statistics.median(job_times)
        client = TestClient(create_app(settings.model_copy(update={"queue_url": "immediate"}), db))
        r = client.post("/api/auth/login", json={"username": "boss", "password": PASSWORD})
        r.raise_for_status()
        url = f"/api/projects/{pid}/map"
        client.get(url).raise_for_status()  # warm
        get_times, body, size = [], {}, 0
        for _ in range(REPEAT):
            began = time.perf_counter()
            r = client.get(url)
            get_times.append(time.perf_counter() - began)
            r.raise_for_status()
            body, size = r.json(), len(r.content)
        get = statistics.median(get_times)
        ann = TestClient(create_app(settings.model_copy(update={"queue_url": "immediate"}), db))
        ann.post("/api/auth/login", json={"username": "ann", "password": PASSWORD})
        began = time.perf_counter()
        ann.get(url).raise_for_status()
        ann_get = time.perf_counter() - began
        client.close()
        ann.close()
    points, outliers = len(body["points"]), len(body["outliers"])
    assert points == items, points
    return [
        Figure("SELECT the summary vectors (baseline)", baseline, "s"),
        Figure(
            f"dataset_map job ({result.get('method')}), {items:,} items",
            job,
            "s",
            baseline="SELECT",
            baseline_value=baseline,
            target=TARGET,
            note=f"{job / baseline:.1f}x the SELECT; median of {len(job_times)}",
        ),
        Figure(
            f"GET map: {points:,} points, {outliers} outliers",
            get,
            "s",
            baseline="SELECT",
            baseline_value=baseline,
            target=TARGET,
            note=(
                f"{get / baseline:.1f}x the SELECT; {size / 2**20:.1f} MiB of JSON; median of "
                f"{REPEAT}; as the annotator (all {items:,} hers): {ann_get:.3f} s"
            ),
        ),
        Figure(
            f"map of {items:,} items: job + GET",
            job + get,
            "s",
            baseline="SELECT",
            baseline_value=baseline,
            target=TARGET,
            note=f"{(job + get) / baseline:.1f}x the SELECT",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--postgres", default=None, help="postgresql://… (default: SQLite)")
    args = parser.parse_args()
    print(f"load average: {load_average()}")
    where = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{args.items:,} items on {where}")
    print_table(run(args.items, args.postgres))


if __name__ == "__main__":
    main()
