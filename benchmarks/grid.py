"""Grid pages of a big project: `uv run python benchmarks/grid.py [--items N] [--postgres URL]`.

A project of N items (each assigned, with an item-level label value, metadata and two
transcribed segments) is written straight into a fresh database; then the data list / grid
endpoint is asked for pages of 50 cards through the ASGI app in this process (server time:
routing, permission check, queries, JSON), unfiltered and with each grid filter. The baseline,
measured in the same run, is `/api/health` through the same client. Goal: a grid page of 50k
items < 100 ms server time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Figure, database, load_average, print_table  # noqa: E402

PASSWORD = "benchmark-password-1"
REPEAT = 15


def fill(db: Any, items: int) -> tuple[int, int]:
    """The project (id) and its annotator (id), with `items` items written in bulk."""
    from sqlalchemy import insert

    from audino.db.models import Assignment, Datapoint, Label, LabelValue, Segment
    from audino.services import projects, users

    with db.session() as s:
        project = projects.create_project(s, "grid")
        ann = users.create_user(s, "ann", PASSWORD)
        users.create_user(s, "boss", PASSWORD, is_admin=True)
        projects.set_member(s, project, ann, "annotator")
        label = Label(project_id=project.id, name="word", kind="single", scope="datapoint")
        s.add(label)
        s.flush()
        values = [LabelValue(label_id=label.id, value=v, position=i) for i, v in enumerate("yn")]
        s.add_all(values)
        s.flush()
        pid, ann_id, label_id = project.id, ann.id, label.id
        value_ids = [v.id for v in values]
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
                        "reference_transcript": f"say the word {'yes' if i % 2 else 'no'}",
                        "metadata": {"speaker": f"s{i % 100}", "take": i % 7},
                        "status": "in_progress",
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
                        "values": {str(label_id): value_ids[i % 2]},
                    }
                    for i in rows
                ],
            )
            conn.execute(
                insert(Segment),
                [
                    {
                        "id": f"{i:08x}-0000-4000-8000-{j:012x}",
                        "datapoint_id": i + 1,
                        "author_id": ann_id,
                        "start": j * 0.2,
                        "end": j * 0.2 + 0.15,
                        "transcript": f"word {j} of clip {i}",
                    }
                    for i in rows
                    for j in range(2)
                ],
            )
    return pid, ann_id


def _client(settings: Any, db: Any) -> Any:
    from fastapi.testclient import TestClient

    from audino.api.app import create_app

    client = TestClient(create_app(settings.model_copy(update={"queue_url": "immediate"}), db))
    r = client.post("/api/auth/login", json={"username": "boss", "password": PASSWORD})
    r.raise_for_status()
    return client


def _ms(client: Any, url: str, params: dict[str, Any] | None = None) -> tuple[float, Any]:
    times, body = [], None
    for _ in range(REPEAT):
        start = time.perf_counter()
        r = client.get(url, params=params)
        times.append((time.perf_counter() - start) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{url} {params}: {r.status_code} {r.text[:200]}")
        body = r.json()
    return statistics.median(times), body


def run(items: int, postgres_url: str | None) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp, database(Path(tmp), postgres_url) as (settings, db):
        start = time.perf_counter()
        pid, _ = fill(db, items)
        print(f"wrote {items:,} items in {time.perf_counter() - start:.1f} s")
        client = _client(settings, db)
        health, _ = _ms(client, "/api/health")
        url = f"/api/projects/{pid}/datapoints"
        first, body = _ms(client, url, {"status": "in_progress", "limit": 50})
        cases: list[tuple[str, dict[str, Any]]] = [
            ("grid page 1 (all, oldest first)", {"limit": 50}),
            ("grid page 1 (in progress)", {"status": "in_progress", "limit": 50}),
            ("grid page 1 by name", {"sort": "name", "limit": 50}),
            ("label word = y", {"label": "word", "value": "y", "limit": 50}),
            ("label word not set (none match)", {"label": "word", "value": "none", "limit": 50}),
            ("metadata speaker = s42", {"meta_key": "speaker", "meta_value": "s42", "limit": 50}),
            ("duration 1.0-1.2 s", {"min_duration": 1.0, "max_duration": 1.2, "limit": 50}),
            ("text 'yes' (common)", {"text": "yes", "limit": 50}),
            ("text 'clip 49990' (rare)", {"text": "of clip 49990", "limit": 50}),
        ]
        figures = [Figure("/api/health (baseline)", health, "ms")]
        for name, params in cases:
            took, body = _ms(client, url, params)
            n = len(body["items"])
            figures.append(
                Figure(
                    f"{name}: {n} cards",
                    took,
                    "ms",
                    baseline="health",
                    baseline_value=health,
                    target=100.0,
                    note=f"{took / health:.1f}x health",
                )
            )
        # A deep page: keyset, so page 900 costs what page 1 does.
        cursor = None
        params = {"limit": 50}
        for _ in range(3):
            body = client.get(url, params={**params, **({"cursor": cursor} if cursor else {})})
            cursor = body.json()["next_cursor"]
        deep, _ = _ms(client, url, {**params, "cursor": cursor})
        figures.append(
            Figure(
                "grid page 4 (keyset cursor)",
                deep,
                "ms",
                baseline="health",
                baseline_value=health,
                target=100.0,
                note=f"{deep / health:.1f}x health; page 1 in progress: {first:.1f} ms",
            )
        )
        client.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--postgres", default=None, help="postgresql://… (default: SQLite)")
    args = parser.parse_args()
    print(f"load average: {load_average()}")
    where = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{args.items:,} items on {where}; median of {REPEAT}")
    print_table(run(args.items, args.postgres))


if __name__ == "__main__":
    main()
