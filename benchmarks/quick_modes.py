"""Quick modes over 1,000 items in one page life (issue 16): the binary mode over whole
items and over predicted regions, driven by the keyboard in headless Chromium against a
real `audino serve`, without a reload.

Measured per mode: key press → the next clip playing, for the first 100 decisions (the
baseline, same run) and the last 100; the page's JS heap (DevTools `Runtime.getHeapUsage`,
after a garbage collection), DOM nodes and event listeners (`Performance.getMetrics`) after
100 decisions and after all of them; the renderer's RSS. Bars: the last 100 decisions no
slower than 1.5x the first 100, and heap, nodes and listeners flat (< 1.5x after 100).
Run: `uv run python benchmarks/quick_modes.py [--items 1000]` (a few minutes).
"""

from __future__ import annotations

import argparse
import math
import statistics
import struct
import sys
import tempfile
import time
import uuid
import wave
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.browser import ARGS, CHROMIUM, renderer_rss  # noqa: E402
from benchmarks.common import Figure, load_average, print_table  # noqa: E402
from benchmarks.server import ADMIN_PASSWORD, Server  # noqa: E402

ANN = ("ann", "ann-benchmark-1")
KEYS = ["a", "x", "Space"]
# The clip (and region) on screen; and whether it is another than `before` yet.
CLIP = """() => { const a = document.querySelector('[data-testid=quick-audio]');
  return a ? a.dataset.datapointId + ':' + (a.dataset.spanFrom ?? '') : null; }"""
CHANGED = """(before) => { const a = document.querySelector('[data-testid=quick-audio]');
  const now = a ? a.dataset.datapointId + ':' + (a.dataset.spanFrom ?? '') : null;
  return now !== null && now !== before; }"""


def clip(path: Path, i: int, rate: int = 8000, seconds: float = 1.0) -> Path:
    """A tone of its own (distinct content: no upload is a duplicate of another)."""
    freq = 200 + 0.37 * i
    frames = b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * freq * t / rate)))
        for t in range(int(rate * seconds))
    )
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def client(server: Server, username: str, password: str) -> Any:
    import httpx2 as httpx

    c = httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=120)
    r = c.post("/api/auth/login", json={"username": username, "password": password})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def project(api: Any, name: str, quick: dict[str, Any], files: list[Path]) -> tuple[int, list[int]]:
    pid = int(api.post("/api/projects", json={"name": name}).json()["id"])
    r = api.post(f"/api/projects/{pid}/members", json={"username": ANN[0], "role": "annotator"})
    r.raise_for_status()
    if quick.get("label"):
        values = [{"value": v} for v in ("accept", "reject", "ignore")]
        body = {"name": quick["label"], "kind": "single", "scope": "datapoint", "values": values}
        api.post(f"/api/projects/{pid}/labels", json=body).raise_for_status()
    api.patch(f"/api/projects/{pid}", json={"settings": {"quick": quick}}).raise_for_status()
    ids = []
    for path in files:
        with path.open("rb") as f:
            r = api.post(
                f"/api/projects/{pid}/datapoints",
                files={"file": (path.name, f)},
                data={"assign_to": ANN[0]},
            )
        r.raise_for_status()
        ids.append(int(r.json()["datapoint"]["id"]))
    for dp in ids:
        while api.get(f"/api/datapoints/{dp}").json()["ingest_status"] not in ("ready", "failed"):
            time.sleep(0.1)
    return pid, ids


def metrics(cdp: Any) -> dict[str, float]:
    cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20
    found = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {
        "heap": heap,
        "nodes": found["Nodes"],
        "listeners": found["JSEventListeners"],
        "rss": renderer_rss(),
    }


def drive(browser: Any, server: Server, pid: int, decisions: int) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(60_000)
    base = f"http://127.0.0.1:{server.port}"
    r = context.request.post(
        f"{base}/api/auth/login", data={"username": ANN[0], "password": ANN[1]}
    )
    assert r.ok, r.text()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(f"{base}/projects/{pid}/quick")
    page.wait_for_function(CHANGED, arg=None)
    times: list[float] = []
    at_100: dict[str, float] = {}
    for i in range(decisions):
        before = page.evaluate(CLIP)
        began = time.perf_counter()
        page.keyboard.press(KEYS[i % len(KEYS)])
        if i < decisions - 1:
            page.wait_for_function(CHANGED, arg=before)
        else:
            page.get_by_text("All done").wait_for()
        times.append(time.perf_counter() - began)
        if i + 1 == 100:
            at_100 = metrics(cdp)
    end = metrics(cdp)
    context.close()
    return {"times": times, "at_100": at_100, "end": end}


def figures(name: str, n: int, run: dict[str, Any]) -> list[Figure]:
    first = statistics.median(run["times"][:100]) * 1000
    last = statistics.median(run["times"][-100:]) * 1000
    out = [
        Figure(
            f"{name}: key → next clip, median of the last 100 of {n}",
            last,
            "ms",
            "the first 100",
            first,
            1.5 * first,
            note=f"first 100 {first:.0f} ms, last 100 {last:.0f} ms; "
            f"p95 overall {sorted(run['times'])[int(0.95 * n)] * 1000:.0f} ms",
        )
    ]
    for key, what, unit in (
        ("heap", "JS heap", "MiB"),
        ("nodes", "DOM nodes", ""),
        ("listeners", "JS event listeners", ""),
        ("rss", "renderer RSS", "MiB"),
    ):
        a, b = run["at_100"][key], run["end"][key]
        out.append(
            Figure(
                f"{name}: {what} after {n} decisions",
                b,
                unit,
                "after 100",
                a,
                1.5 * a,
                note=f"{a:.1f} after 100, {b:.1f} after {n}",
            )
        )
    return out


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    n = args.items
    print(f"quick modes over {n} items; load average {load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="audino-quick-") as tmp:
        folder = Path(tmp)
        (folder / "clips").mkdir()
        files = [clip(folder / "clips" / f"c{i:05}.wav", i) for i in range(n)]
        server = Server(folder / "data")
        server.start()
        try:
            began = time.perf_counter()
            api = client(server, "admin", ADMIN_PASSWORD)
            try:
                r = api.post("/api/users", json={"username": ANN[0], "password": ANN[1]})
                r.raise_for_status()
                items_pid, _ = project(api, "Items", {"mode": "binary", "label": "decision"}, files)
                regions_pid, ids = project(
                    api, "Regions", {"mode": "binary", "over": "predictions"}, files
                )
                guesses = [
                    {"id": str(uuid.uuid4()), "datapoint_id": dp, "start": 0.2, "end": 0.8,
                     "confidence": 0.5}
                    for dp in ids
                ]  # fmt: skip
                body = {"model": "bench", "version": "1", "predictions": guesses}
                api.post(f"/api/projects/{regions_pid}/predictions", json=body).raise_for_status()
            finally:
                api.close()
            print(f"{n} items in two projects ready in {time.perf_counter() - began:.0f} s")
            out: list[Figure] = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for name, pid in (
                    ("binary, items", items_pid),
                    ("binary, predictions", regions_pid),
                ):
                    began = time.perf_counter()
                    run = drive(browser, server, pid, n)
                    print(
                        f"{name}: {n} decisions in {time.perf_counter() - began:.0f} s", flush=True
                    )
                    out += figures(name, n, run)
                browser.close()
        finally:
            server.stop()
    print()
    print_table(out)
    print(f"\nload average at the end {load_average()}")


if __name__ == "__main__":
    main()
