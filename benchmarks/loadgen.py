"""Load generator processes: annotator threads saving segment batches over keep-alive HTTP."""

from __future__ import annotations

import gc
import http.client
import json
import threading
import time
import uuid
from typing import Any

BATCH = 10


def _batch_body(start_index: int, value_ids: list[int]) -> tuple[bytes, list[str]]:
    ids = [str(uuid.uuid4()) for _ in range(BATCH)]
    upserts = [
        {
            "id": sid,
            "start": (start_index + k) * 0.5 % 50.0,
            "end": (start_index + k) * 0.5 % 50.0 + 0.4,
            "transcript": f"segment {start_index + k}",
            "values": {"speaker": value_ids[k % len(value_ids)]},
        }
        for k, sid in enumerate(ids)
    ]
    return json.dumps({"upserts": upserts, "deletes": []}).encode(), ids


def _annotator(port: int, job: Any, start_at: float, stop_at: float, out: dict[str, Any]) -> None:
    """One client: `job` is (token, datapoint id, value ids) to save batches, or None to
    hit /api/health."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    saved: list[str] = []
    sent = 0
    time.sleep(max(0.0, start_at - time.time()))
    while time.time() < stop_at:
        if job is None:
            method, path, body, headers, ids = "GET", "/api/health", None, {}, []
        else:
            token, datapoint_id, value_ids = job
            body, ids = _batch_body(sent * BATCH, value_ids)
            method, path = "POST", f"/api/datapoints/{datapoint_id}/segments/batch"
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        began = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies.append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
        if status == 200:
            saved.extend(ids)
        sent += 1
    conn.close()
    out.update(latencies=latencies, statuses=statuses, saved=saved)


def run_process(port: int, jobs: list[Any], start_at: float, seconds: float, results: Any) -> None:
    """Entry point of one load process: a thread per annotator, results into a queue."""
    gc.disable()  # the generator's own collection pauses would show up as server latency
    outs: list[dict[str, Any]] = [{} for _ in jobs]
    threads = [
        threading.Thread(target=_annotator, args=(port, job, start_at, start_at + seconds, out))
        for job, out in zip(jobs, outs, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    merged: dict[str, Any] = {"latencies": [], "statuses": {}, "saved": []}
    for out in outs:
        merged["latencies"].extend(out.get("latencies", []))
        merged["saved"].extend(out.get("saved", []))
        for status, n in out.get("statuses", {}).items():
            merged["statuses"][status] = merged["statuses"].get(status, 0) + n
    results.put(merged)
