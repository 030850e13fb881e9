"""Long audio in headless Chromium: a 3-hour MP3 (44.1 kHz stereo, made at run time) opened on
the annotation page of a real `audino serve`.

Measured: navigation → waveform drawn, seek to 80 % → audio playing, bytes on the wire before
the first drawing, and the renderer process's RSS (from /proc, not the JS heap: decoded audio
lives outside it) after opening and while zoomed in to 100 px/s jumping across the file.
Baselines from the same run: a 10-second clip through the same page, and a blank page's
renderer. Run alone with `uv run python benchmarks/browser.py [--hours 3]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Figure, print_table  # noqa: E402
from benchmarks.long_audio import write_long_audio  # noqa: E402
from benchmarks.server import ADMIN_PASSWORD, Server, rss_mib  # noqa: E402

CHROMIUM = os.environ.get("AUDINO_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEW = 'document.querySelector("[data-testid=waveform] > div").shadowRoot'
LOADS = 3
JUMPS = 30


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def renderer_rss() -> float:
    """RSS (MiB) of the largest Chromium renderer started by this process (the page's)."""
    tree, todo, found = _children(), [os.getpid()], []
    while todo:
        pid = todo.pop()
        for child in tree.get(pid, []):
            todo.append(child)
            try:
                if b"--type=renderer" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(rss_mib(child))
            except (OSError, RuntimeError):
                pass
    return max(found, default=0.0)


class Wire:
    """Bytes on the wire per request, from the DevTools protocol, with their times."""

    def __init__(self, context: Any, page: Any) -> None:
        self.cdp = context.new_cdp_session(page)
        self.offset: float | None = None  # wall clock minus the protocol's monotonic clock
        self.chunks: list[tuple[float, str, int]] = []
        self.finished: dict[str, tuple[float, int]] = {}
        self.urls: dict[str, str] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.dataReceived", self._data)
        self.cdp.on("Network.loadingFinished", self._done)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def _sent(self, e: dict[str, Any]) -> None:
        if self.offset is None:
            self.offset = e["wallTime"] - e["timestamp"]
        self.urls[e["requestId"]] = e["request"]["url"]

    def _data(self, e: dict[str, Any]) -> None:
        self.chunks.append((e["timestamp"], e["requestId"], e["encodedDataLength"]))

    def _done(self, e: dict[str, Any]) -> None:
        self.finished[e["requestId"]] = (e["timestamp"], e["encodedDataLength"])

    def before(self, epoch_ms: float) -> int:
        """Bytes received before a wall-clock moment (epoch milliseconds)."""
        limit = epoch_ms / 1000 - (self.offset or 0.0)
        sizes: dict[str, int] = {}
        for t, rid, size in self.chunks:
            if t <= limit:
                sizes[rid] = sizes.get(rid, 0) + size
        for rid, (t, size) in self.finished.items():
            if t <= limit:
                sizes[rid] = size  # the whole response, headers included
        return sum(sizes.values())

    def total(self, pattern: str = "") -> int:
        sizes = {rid: size for rid, (_, size) in self.finished.items()}
        for _, rid, size in self.chunks:
            if rid not in self.finished:
                sizes[rid] = sizes.get(rid, 0) + size
        return sum(s for rid, s in sizes.items() if pattern in self.urls.get(rid, ""))


def _upload(server: Server, path: Path, project: str) -> tuple[int, float]:
    import httpx2 as httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=600) as client:
        r = client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
        r.raise_for_status()
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        pid = client.post("/api/projects", json={"name": project}).json()["id"]
        began = time.perf_counter()
        with path.open("rb") as f:
            r = client.post(f"/api/projects/{pid}/datapoints", files={"file": (path.name, f)})
        r.raise_for_status()
        dp = int(r.json()["datapoint"]["id"])
        while True:
            found = client.get(f"/api/datapoints/{dp}").json()
            if found["ingest_status"] == "failed":
                raise RuntimeError(f"ingest of {path.name} failed: {found['ingest_error']}")
            if found["ingest_status"] == "ready":
                return dp, time.perf_counter() - began
            time.sleep(0.25)


def _context(browser: Any, server: Server) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(60_000)
    r = context.request.post(
        f"http://127.0.0.1:{server.port}/api/auth/login",
        data={"username": "admin", "password": ADMIN_PASSWORD},
    )
    assert r.ok, r.text()
    return context


def _open(browser: Any, server: Server, dp: int) -> dict[str, Any]:
    """One cold load of the annotation page: drawn time, bytes before it, seek → playing."""
    context = _context(browser, server)
    page = context.new_page()
    wire = Wire(context, page)
    page.goto(f"http://127.0.0.1:{server.port}/datapoints/{dp}")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for()
    drawn = page.evaluate(
        "() => { const m = performance.getEntriesByName('audino:waveform-drawn')[0];"
        " return [m.startTime, performance.timeOrigin + m.startTime]; }"
    )
    page.wait_for_timeout(300)  # let the protocol's events for that moment arrive
    before = wire.before(drawn[1])
    rss_open = renderer_rss()
    seek = _seek_and_play(page, 0.8)
    context.close()
    return {"drawn_s": drawn[0] / 1000, "bytes": before, "rss": rss_open, "seek_s": seek}


def _seek_and_play(page: Any, fraction: float) -> float:
    """Seconds from a click at `fraction` of the waveform to audio moving past that point."""
    page.evaluate(
        """() => {
          const audio = document.querySelector('[data-testid=audio]');
          window.__seek = {};
          document.addEventListener('pointerdown', () => {
            window.__seek.t0 = performance.now();
            const check = () => {
              const t = window.__seek.target;
              if (t !== undefined && !audio.paused && audio.currentTime > t + 0.02) {
                window.__seek.s = (performance.now() - window.__seek.t0) / 1000;
              } else requestAnimationFrame(check);
            };
            requestAnimationFrame(check);
          }, { capture: true, once: true });
        }"""
    )
    box = page.get_by_test_id("waveform").bounding_box()
    page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + 20)
    page.evaluate("() => { window.__seek.target = document.querySelector('[data-testid=audio]')"
                  ".currentTime; }")  # fmt: skip
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => window.__seek.s !== undefined", timeout=30_000)
    seconds = float(page.evaluate("window.__seek.s"))
    page.get_by_role("button", name="Pause").click()
    return seconds


def _zoom_to(page: Any, px_per_sec: float, duration: float) -> None:
    """Sets the zoom slider (log scale from the whole file to its deepest zoom)."""
    page.evaluate(
        """([px, duration]) => {
          const input = document.querySelector('input[aria-label=Zoom]');
          const width = document.querySelector('[data-testid=waveform]').clientWidth;
          const min = Math.max(1, width / duration);
          const max = Math.max(min * 2, Math.min(1000, 16e6 / duration));
          const pos = Math.round(1000 * Math.log(px / min) / Math.log(max / min));
          const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
          set.call(input, String(pos));
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }""",
        [px_per_sec, duration],
    )


def _settled(page: Any) -> None:
    page.wait_for_function(
        f"() => {{ const r = {VIEW}; const v = r.querySelector('[data-testid=stream-view]');"
        " const s = r.querySelector('[data-testid=spectrogram]');"
        " return v.dataset.complete === 'true' && s.dataset.tilesMissing === '0'; }",
        timeout=60_000,
    )


def _jumps(browser: Any, server: Server, dp: int, duration: float) -> dict[str, Any]:
    """Zoomed to 100 px/s with the spectrogram lane on: JUMPS clicks on the minimap."""
    context = _context(browser, server)
    page = context.new_page()
    wire = Wire(context, page)
    page.goto(f"http://127.0.0.1:{server.port}/datapoints/{dp}")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for()
    if not page.get_by_role("checkbox", name="Spectrogram").is_checked():
        page.get_by_role("checkbox", name="Spectrogram").check()
    _zoom_to(page, 100, duration)
    _settled(page)
    minimap = page.locator(".minimap").bounding_box()
    rng = random.Random(4)
    peak, waits = renderer_rss(), []
    for _ in range(JUMPS):
        x = minimap["x"] + minimap["width"] * rng.uniform(0.01, 0.99)
        began = time.perf_counter()
        page.mouse.click(x, minimap["y"] + minimap["height"] / 2)
        page.wait_for_timeout(50)
        _settled(page)
        waits.append(time.perf_counter() - began)
        peak = max(peak, renderer_rss())
    page.get_by_role("button", name="Play").click()  # decoded audio counts too
    page.wait_for_timeout(3000)
    peak = max(peak, renderer_rss())
    page.get_by_role("button", name="Pause").click()
    level = page.evaluate(f"() => {VIEW}.querySelector('[data-testid=stream-view]').dataset.level")
    result = {
        "rss": peak,
        "jump_s": statistics.median(waits),
        "jump_max_s": max(waits),
        "peaks_bytes": wire.total("/peaks/"),
        "tile_bytes": wire.total("/spectrogram"),
        "level": level,
    }
    context.close()
    return result


def _blank_rss(browser: Any) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto("about:blank")
    page.wait_for_timeout(1000)
    rss = renderer_rss()
    context.close()
    return rss


def run(folder: Path, hours: float = 3.0) -> list[Figure]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"browser benchmark skipped: {CHROMIUM} not found")
        return []
    long_mp3 = write_long_audio(folder / f"long-{hours:g}h.mp3", hours * 3600)
    short_mp3 = write_long_audio(folder / "short-10s.mp3", 10)
    server = Server(folder / "browser-data")
    server.start()
    try:
        short_dp, _ = _upload(server, short_mp3, "Short")
        long_dp, ingest_s = _upload(server, long_mp3, "Long")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                blank = _blank_rss(browser)
                short = [_open(browser, server, short_dp) for _ in range(LOADS)]
                long = [_open(browser, server, long_dp) for _ in range(LOADS)]
                jumps = _jumps(browser, server, long_dp, hours * 3600)
            finally:
                browser.close()
    finally:
        server.stop()

    def med(runs: list[dict[str, Any]], key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    name = f"{hours:g} h MP3 44.1 kHz stereo"
    size = long_mp3.stat().st_size / 1e6
    return [
        Figure(f"browser: upload + ingest of the {name} ({size:.0f} MB)", ingest_s, "s"),
        Figure(f"browser: navigation → waveform drawn, {name} (median of {LOADS})",
               med(long, "drawn_s"), "s", "10 s clip", med(short, "drawn_s"), target=1.0),
        Figure(f"browser: seek to 80 % → audio playing, {name}", med(long, "seek_s"), "s",
               "10 s clip", med(short, "seek_s"), target=1.0),
        Figure("browser: bytes on the wire before the first drawing", med(long, "bytes") / 1000,
               "KB", "10 s clip", med(short, "bytes") / 1000, target=5000.0,
               note="cold cache: the app's script and styles, the datapoint, the peaks overview"),
        Figure("browser: renderer RSS after opening", med(long, "rss"), "MiB", "blank page",
               blank, target=300.0),
        Figure(f"browser: renderer RSS peak, 100 px/s, {JUMPS} jumps, spectrogram on, playing",
               jumps["rss"], "MiB", "blank page", blank, target=300.0,
               note=f"peaks level {jumps['level']}; fetched {jumps['peaks_bytes'] / 1000:.0f} KB"
               f" of peaks and {jumps['tile_bytes'] / 1000:.0f} KB of tiles"),
        Figure("browser: jump → fine peaks and tiles drawn (median)", jumps["jump_s"], "s",
               note=f"slowest {jumps['jump_max_s']:.2f} s; tiles are computed on demand"),
    ]  # fmt: skip


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=3.0, help="length of the long file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="audino-browser-") as tmp:
        print_table(run(Path(tmp), args.hours))


if __name__ == "__main__":
    main()
