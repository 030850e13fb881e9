"""A long recording in a real browser: drawn from the server's peaks before any audio is
fetched, seeks and plays at once, zooms by fetching fine peaks for the visible window only,
and shows the spectrogram lane; while it is processing the page and the list say so."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from benchmarks.long_audio import write_long_audio

from tests.web.conftest import ADMIN, Server, login, shoot

SECONDS = 25 * 60
AUDIO_OF = "document.querySelector('[data-testid=audio]')"


@pytest.fixture(scope="module")
def long_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "interview-25min.wav"
    return write_long_audio(path, SECONDS, rate=16000, channels=1, kind="wav")


def _upload(server: Server, path: Path, name: str = "Long") -> tuple[int, int]:
    with server.api() as api:
        pid = api.post("/api/projects", json={"name": name}).json()["id"]
        with path.open("rb") as f:
            r = api.post(f"/api/projects/{pid}/datapoints", files={"file": (path.name, f)})
        r.raise_for_status()
        return int(pid), int(r.json()["datapoint"]["id"])


def _wait_ready(server: Server, dp: int, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    with server.api() as api:
        while time.monotonic() < deadline:
            found: dict[str, Any] = api.get(f"/api/datapoints/{dp}").json()
            if found["ingest_status"] != "processing":
                assert found["ingest_status"] == "ready", found["ingest_error"]
                return found
            time.sleep(0.2)
    raise AssertionError(f"datapoint {dp} still processing after {timeout} s")


class Network:
    """Requests in the order the page made them, with their body sizes once finished."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.started: list[tuple[float, str]] = []
        self.finished: list[tuple[float, str, int]] = []
        page.on("request", lambda r: self.started.append((time.monotonic(), r.url)))
        page.on("requestfinished", self._finished)

    def _finished(self, request: Any) -> None:
        size = request.sizes()["responseBodySize"]
        self.finished.append((time.monotonic(), request.url, int(size)))

    def first_start(self, pattern: str) -> float:
        return min((t for t, url in self.started if re.search(pattern, url)), default=float("inf"))

    def sizes_of_started_before(self, moment: float) -> dict[str, int]:
        """Body sizes of the requests started before `moment` (waits for them to finish)."""
        urls = {url for t, url in self.started if t < moment}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            sizes = {url: size for _, url, size in self.finished if url in urls}
            if len(sizes) == len(urls):
                return sizes
            self.page.wait_for_timeout(50)  # lets Playwright deliver the events
        raise AssertionError(f"unfinished: {urls - set(sizes)}")

    def fine_ranges(self, level: int) -> list[tuple[int, int]]:
        found = (
            re.search(rf"/peaks/{level}\?start=(\d+)&end=(\d+)", url) for _, url in self.started
        )
        return [(int(m[1]), int(m[2])) for m in found if m]


def test_long_recording_streams_seeks_zooms_and_shows_a_spectrogram(
    server: Server, new_page: Any, long_wav: Path
) -> None:
    _, dp = _upload(server, long_wav)
    found = _wait_ready(server, dp)
    assert found["duration"] == pytest.approx(SECONDS, abs=0.1)
    with server.api() as api:
        info = api.get(f"/api/datapoints/{dp}/peaks").json()

    page = new_page()
    login(page, server, *ADMIN)
    net = Network(page)
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    assert page.get_by_test_id("waveform").get_attribute("data-mode") == "stream"

    # Drawn from the peaks overview; no audio is fetched before it plays, nothing big came first.
    coarsest = info["levels"][-1]["level"]
    page.wait_for_function("() => performance.getEntriesByName('audino:waveform-drawn').length > 0")
    opened = time.monotonic()
    first = net.sizes_of_started_before(opened)
    assert not [url for url in first if "/audio" in url], first
    assert sum(first.values()) < 2_000_000, first
    overview = [size for url, size in first.items() if url.endswith(f"/peaks/{coarsest}")]
    assert overview == [2 * info["channels"] * info["levels"][-1]["length"]]
    assert not net.fine_ranges(0), "the whole-file view needs no fine peaks"

    # Seek to 80 % by clicking the waveform, then play: audio comes within a second.
    view = page.get_by_test_id("waveform").bounding_box()
    page.mouse.click(view["x"] + view["width"] * 0.8, view["y"] + 20)
    target = page.evaluate(f"{AUDIO_OF}.currentTime")
    assert target == pytest.approx(0.8 * SECONDS, rel=0.02)
    page.evaluate(
        """([target]) => {
          const audio = AUDIO;
          window.__played = null;
          const t0 = performance.now();
          const check = () => {
            const moved = !audio.paused && audio.currentTime > target + 0.05;
            if (moved) window.__played = performance.now() - t0;
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        }""".replace("AUDIO", AUDIO_OF),
        [target],
    )
    assert net.first_start(rf"/api/datapoints/{dp}/audio") == float("inf")  # a seek fetches nothing
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => window.__played !== null", timeout=10_000)
    assert net.first_start(rf"/api/datapoints/{dp}/audio") < float("inf")
    played_ms = page.evaluate("window.__played")
    assert played_ms < 1000, f"audio started {played_ms:.0f} ms after play at 80 %"
    page.get_by_role("button", name="Pause").click()
    minutes, seconds = page.get_by_test_id("current-time").inner_text().split(":")
    assert 60 * int(minutes) + float(seconds) == pytest.approx(target, abs=3)

    # Zoomed all the way in: fine peaks for the window around the cursor only.
    page.get_by_label("Zoom").focus()
    page.keyboard.press("End")
    stream = page.get_by_test_id("stream-view")
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=waveform] > div').shadowRoot"
        ".querySelector('[data-testid=stream-view]'); return v && v.dataset.level === '0'"
        " && v.dataset.complete === 'true'; }",
        timeout=10_000,
    )
    assert stream.get_attribute("data-level") == "0"
    fine = net.fine_ranges(0)
    length = info["levels"][0]["length"]
    asked = sum(end - start for start, end in fine)
    assert 0 < asked <= 3 * 4096 < length / 10
    cursor_px = 0.8 * length
    assert min(s for s, _ in fine) <= cursor_px <= max(e for _, e in fine)

    # The spectrogram lane: tiles for the window, a frequency axis.
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=waveform] > div').shadowRoot"
        ".querySelector('[data-testid=spectrogram]').dataset.tilesDrawn) > 0",
        timeout=20_000,
    )
    assert any("/spectrogram?" in url for _, url in net.started)
    assert "kHz" in page.get_by_label("Frequency axis").inner_text()
    with page.expect_request(re.compile(r"/spectrogram\?.*scale=linear")):
        page.get_by_label("Frequency scale").select_option("linear")
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-testid=waveform] > div').shadowRoot"
        ".querySelector('[data-testid=spectrogram]');"
        " return s.dataset.tilesMissing === '0' && Number(s.dataset.tilesDrawn) > 0; }",
        timeout=20_000,
    )
    shoot(page, "40-long-audio-zoomed")

    # Drawing a segment on the long file still works, and it is saved.
    box = page.get_by_test_id("waveform").bounding_box()
    y = box["y"] + 60
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(box["x"] + box["width"] * (0.3 + 0.2 * step / 8), y)
    page.mouse.up()
    page.get_by_test_id("segment-row").first.wait_for()
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)
    with server.api() as api:
        segs = api.get(f"/api/datapoints/{dp}/segments").json()
    assert len(segs) == 1 and 0.75 * SECONDS < segs[0]["start"] < 0.85 * SECONDS
    assert page.js_errors == []


def test_processing_shows_progress_then_opens(
    server: Server, new_page: Any, long_wav: Path
) -> None:
    page = new_page()
    login(page, server, *ADMIN)
    pid, dp = _upload(server, long_wav, name="Fresh")
    page.goto(f"{server.url}/datapoints/{dp}")
    processing = page.get_by_test_id("processing")
    ready = page.locator('[data-testid=waveform][data-ready="true"]')
    processing.or_(ready).first.wait_for(timeout=20_000)
    if processing.is_visible():
        assert re.search(r"Processing… \d+%", processing.inner_text())
        shoot(page, "41-long-audio-processing")
    ready.wait_for(timeout=120_000)
    assert page.js_errors == []

    page.goto(f"{server.url}/projects/{pid}?tab=all")
    page.get_by_role("link", name=long_wav.name).wait_for()
    assert page.get_by_test_id("ingest-badge").count() == 0

    page.goto(f"{server.url}/projects/{pid}/manage/jobs")
    row = page.get_by_test_id("job-row").filter(has_text="ingest").first
    row.wait_for()
    assert row.get_attribute("data-status") == "done"
    assert "100%" in row.inner_text()
    shoot(page, "42-jobs-tab")
    assert page.js_errors == []
