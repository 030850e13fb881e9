"""The waveform view of a long recording in a real browser: the editor opens without a failed
request or a console error, Z zooms to the selected segment and Shift+Z back to the whole file
(and the transport's buttons do the same), a reload comes back to the same view, and a zoom
never shows a black spectrogram lane while the finer tiles are on their way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.long_audio import write_long_audio

from tests.web.conftest import Server, login, shoot, upload_ready

SECONDS = 20 * 60
ANN = ("ann", "ann-password-1")
SEGMENT = (300.0, 312.0)
SHADOW = "document.querySelector('[data-testid=waveform] > div').shadowRoot"
# Every fine tile and peak chunk the view wants has arrived.
SETTLED = (
    f"() => {{ const r = {SHADOW}; if (!r) return false;"
    " const v = r.querySelector('[data-testid=stream-view]');"
    " const s = r.querySelector('[data-testid=spectrogram]');"
    " return v && s && v.dataset.complete === 'true' && s.dataset.tilesMissing === '0'"
    " && Number(s.dataset.tilesDrawn) > 0 && v.dataset.loading !== 'true'; }"
)


@pytest.fixture(scope="module")
def long_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "meeting-20min.wav"
    return write_long_audio(path, SECONDS, rate=16000, channels=1, kind="wav")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module: each test makes its own project."""
    srv = Server(tmp_path_factory.mktemp("view") / "data")
    srv.start()
    with srv.api() as api:
        api.post("/api/users", json={"username": ANN[0], "password": ANN[1]}).raise_for_status()
    try:
        yield srv
    finally:
        srv.stop()


def _assigned_recording(server: Server, path: Path, name: str) -> int:
    """A project with the long recording assigned to the annotator, and one segment on it."""
    with server.api() as api:
        pid = api.post("/api/projects", json={"name": name}).json()["id"]
        api.post(
            f"/api/projects/{pid}/members", json={"username": ANN[0], "role": "annotator"}
        ).raise_for_status()
        dp = upload_ready(api, pid, path, ANN[0])
    with server.api(*ANN) as ann:
        start, end = SEGMENT
        r = ann.post(f"/api/datapoints/{dp}/segments", json={"start": start, "end": end})
        r.raise_for_status()
    return dp


def _open(page: Any, server: Server, dp: int) -> None:
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    page.wait_for_function(SETTLED, timeout=30_000)


def _shown(page: Any) -> tuple[float, float]:
    readout = page.get_by_test_id("view-range")
    return float(readout.get_attribute("data-start")), float(readout.get_attribute("data-end"))


def _wait_shown(page: Any, start: float, end: float, tolerance: float) -> None:
    page.wait_for_function(
        """([a, b, tol]) => { const r = document.querySelector('[data-testid=view-range]');
          return r && Math.abs(Number(r.dataset.start) - a) <= tol
            && Math.abs(Number(r.dataset.end) - b) <= tol; }""",
        arg=[start, end, tolerance],
    )


def _select_segment(page: Any) -> None:
    page.get_by_test_id("segment-row").first.click()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def _assert_fills_the_view(page: Any) -> None:
    start, end = SEGMENT
    length = end - start
    _wait_shown(page, start - 0.05 * length / 0.9, end + 0.05 * length / 0.9, 0.1)
    shown_start, shown_end = _shown(page)
    # The segment fills the view but for a small margin on each side.
    assert start - 0.1 * length <= shown_start <= start
    assert end <= shown_end <= end + 0.1 * length


def test_editor_opens_without_failed_requests_or_console_errors(
    server: Server, new_page: Any, long_wav: Path
) -> None:
    dp = _assigned_recording(server, long_wav, "Quiet")
    page = new_page()
    login(page, server, *ANN)
    page.wait_for_load_state("networkidle")  # the project list is done before we leave it
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}: {r.failure}"))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    _open(page, server, dp)
    page.wait_for_load_state("networkidle")
    assert problems == []
    assert page.js_errors == []


def test_zoom_to_the_selected_segment_and_back_by_key_and_button(
    server: Server, new_page: Any, long_wav: Path
) -> None:
    dp = _assigned_recording(server, long_wav, "Zoom")
    page = new_page()
    login(page, server, *ANN)
    _open(page, server, dp)
    _wait_shown(page, 0, SECONDS, 0.5)
    zoom_button = page.get_by_role("button", name="Zoom to segment")
    assert zoom_button.is_disabled()  # nothing selected yet

    _select_segment(page)
    page.keyboard.press("z")
    _assert_fills_the_view(page)
    page.wait_for_function(SETTLED, timeout=30_000)
    shoot(page, "43-zoomed-to-segment")

    page.keyboard.press("Shift+Z")
    _wait_shown(page, 0, SECONDS, 0.5)

    zoom_button.click()
    _assert_fills_the_view(page)
    page.get_by_role("button", name="Fit").click()
    _wait_shown(page, 0, SECONDS, 0.5)
    assert page.js_errors == []


def test_a_reload_comes_back_to_the_same_zoom_position_and_cursor(
    server: Server, new_page: Any, long_wav: Path
) -> None:
    dp = _assigned_recording(server, long_wav, "Reload")
    page = new_page()
    login(page, server, *ANN)
    _open(page, server, dp)
    _select_segment(page)
    page.keyboard.press("z")
    _assert_fills_the_view(page)
    # The cursor into the margin before the segment (a click on it selects it), then 1 s on.
    box = page.get_by_test_id("waveform").bounding_box()
    clock = page.get_by_test_id("current-time")
    for _ in range(20):  # wavesurfer drops a click that comes within its drag guard: again
        page.mouse.click(box["x"] + box["width"] * 0.02, box["y"] + 20)
        if clock.filter(has_text="4:59").count():
            break
        page.wait_for_timeout(100)  # lets the clock catch up before clicking again
    clock.filter(has_text="4:59").wait_for()
    page.keyboard.press("ArrowRight")
    page.get_by_test_id("current-time").filter(has_text="5:00").wait_for()
    cursor = page.get_by_test_id("current-time").inner_text()
    shown = _shown(page)

    page.reload()
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    _wait_shown(page, *shown, 0.05)
    assert page.get_by_test_id("current-time").inner_text() == cursor
    page.wait_for_function(SETTLED, timeout=30_000)
    shoot(page, "44-view-restored-after-reload")
    assert page.js_errors == []


# Runs `move` (a zoom or a jump), then samples the lane in the first frame drawn for the new
# view: the tiles that view asked for cannot have come yet (their fetch starts in that frame).
FIRST_FRAME_AFTER = """async (move) => {
  const root = SHADOW;
  const lane = root.querySelector('[data-testid=spectrogram]');
  const view = root.querySelector('[data-testid=stream-view]');
  const before = lane.dataset.tilesMissing;
  if (move === 'zoom') {
    const slider = document.querySelector('input[aria-label=Zoom]');
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    set.call(slider, '700');
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  } else {
    const scroller = root.querySelector('.scroll');
    scroller.scrollLeft = scroller.scrollWidth * 0.7;
  }
  // The first drawing of the new view is the first that misses tiles (the old view had all).
  for (let i = 0; i < 600 && lane.dataset.tilesMissing === '0'; i++) {
    await new Promise((r) => requestAnimationFrame(() => r()));
  }
  const d = lane.getContext('2d').getImageData(0, 0, lane.width, lane.height).data;
  let blank = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] < 10) blank++;
  const cue = root.querySelector('[data-testid=detail-loading]');
  return { moved: before === '0' && lane.dataset.tilesMissing !== '0',
           blank: blank / (d.length / 4), missing: Number(lane.dataset.tilesMissing),
           loading: view.dataset.loading,
           cue: cue ? getComputedStyle(cue).display : null };
}""".replace("SHADOW", SHADOW)


@pytest.mark.parametrize("move", ["zoom", "jump"])
def test_a_zoom_or_a_jump_keeps_a_coarser_spectrogram_until_the_finer_tiles_come(
    server: Server, new_page: Any, long_wav: Path, move: str
) -> None:
    dp = _assigned_recording(server, long_wav, f"Tiles {move}")
    page = new_page()
    login(page, server, *ANN)
    _open(page, server, dp)
    if move == "jump":  # zoomed in first, near the start
        page.evaluate(FIRST_FRAME_AFTER, "zoom")
        page.wait_for_function(SETTLED, timeout=30_000)
    first = page.evaluate(FIRST_FRAME_AFTER, move)
    shoot(page, f"45-{move}-coarse-stand-in")
    assert first["moved"] and first["missing"] > 0, first
    assert first["blank"] < 0.02, f"{first['blank']:.0%} of the lane was black after the {move}"
    assert first["loading"] == "true" and first["cue"] == "block", first
    # Once the finer tiles are in, the cue goes.
    page.wait_for_function(SETTLED, timeout=30_000)
    cue = page.get_by_test_id("detail-loading")
    assert cue.evaluate("e => getComputedStyle(e).display") == "none"
    assert page.js_errors == []
