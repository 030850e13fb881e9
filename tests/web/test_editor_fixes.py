"""The editor as a new annotator meets it: no false "changed elsewhere" on a fresh item, a real
conflict still caught and settled once, drawn segments end where the pointer was released,
Done items read-only until reopened, and the form saying why it refuses an edit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from benchmarks.long_audio import write_long_audio

from tests.conftest import FIXTURES
from tests.web.conftest import Server, login, shoot, track_errors
from tests.web.test_long_audio import _wait_ready

ANN = ("ann", "ann-password-1")
READY = '[data-testid=waveform][data-ready="true"]'
# wavesurfer draws in a shadow root; its wrapper spans the whole (zoomed) recording.
WRAPPER = """() => {
  const host = document.querySelector('[data-testid=waveform]');
  for (const el of host.querySelectorAll('*')) {
    const w = el.shadowRoot && el.shadowRoot.querySelector('.wrapper');
    if (w) { const r = w.getBoundingClientRect(); return [r.left, r.width]; }
  }
  return null;
}"""


SCROLL_TO_END = """() => {
  const host = document.querySelector('[data-testid=waveform]');
  for (const el of host.querySelectorAll('*')) {
    const s = el.shadowRoot && el.shadowRoot.querySelector('.scroll');
    if (s) { s.scrollLeft = s.scrollWidth; return s.scrollLeft; }
  }
  return null;
}"""


def _team(server: Server, clip: Path | None = None) -> tuple[int, int, dict[str, Any]]:
    """A project with a recording-scope label and one item assigned to ann (To do)."""
    with server.api() as api:
        api.post("/api/users", json={"username": ANN[0], "password": ANN[1]}).raise_for_status()
        pid = api.post("/api/projects", json={"name": "Calls"}).json()["id"]
        api.post(
            f"/api/projects/{pid}/members", json={"username": ANN[0], "role": "annotator"}
        ).raise_for_status()
        r = api.post(
            f"/api/projects/{pid}/labels",
            json={
                "name": "quality",
                "kind": "single",
                "scope": "datapoint",
                "values": [{"value": "good"}, {"value": "bad"}],
            },
        )
        r.raise_for_status()
        label = r.json()
        clip = clip or sorted((FIXTURES / "speech").glob("*.flac"))[0]
        with clip.open("rb") as f:
            r = api.post(
                f"/api/projects/{pid}/datapoints",
                files={"file": (clip.name, f)},
                data={"assign_to": ANN[0]},
            )
        r.raise_for_status()
        return int(pid), int(r.json()["datapoint"]["id"]), label


def _watch(page: Any) -> dict[str, list[str]]:
    """Collects 409 answers and console errors of the page."""
    seen: dict[str, list[str]] = {"conflicts": [], "console": []}
    page.on(
        "response",
        lambda r: (
            seen["conflicts"].append(f"{r.request.method} {r.url}") if r.status == 409 else None
        ),
    )
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    return seen


def _open(page: Any, server: Server, dp: int) -> None:
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator(READY).wait_for(timeout=30_000)


def _saved(page: Any) -> None:
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)


def _drag_px(page: Any, x0: float, x1: float) -> None:
    box = page.get_by_test_id("waveform").bounding_box()
    y = box["y"] + box["height"] * 0.6
    page.mouse.move(x0, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * step / 10, y)
    page.mouse.up()


def _time_at(page: Any, x: float, duration: float) -> tuple[float, float]:
    """The recording time under client x, and the time one pixel spans, from the wrapper."""
    left, width = page.evaluate(WRAPPER)
    return (x - left) / width * duration, duration / width


def test_draw_label_mark_and_complete_never_conflict(server: Server, new_page: Any) -> None:
    pid, dp, label = _team(server)
    page = new_page()
    seen = _watch(page)
    login(page, server, *ANN)
    _open(page, server, dp)
    assert page.locator(".annotate-bar .status").inner_text() == "To do"

    box = page.get_by_test_id("waveform").bounding_box()
    _drag_px(page, box["x"] + box["width"] * 0.2, box["x"] + box["width"] * 0.4)
    page.get_by_test_id("segment-row").first.wait_for()
    _saved(page)
    page.locator(".annotate-bar .status", has_text="In progress").wait_for()

    good = label["values"][0]["id"]
    page.locator(f"select[data-label-id='{label['id']}']").select_option(str(good))
    _saved(page)
    page.locator(".review-toggle input").check()
    page.get_by_text("Marked for review.").wait_for()
    # A label change right after the mark goes on top of the mark's version.
    bad = label["values"][1]["id"]
    page.locator(f"select[data-label-id='{label['id']}']").select_option(str(bad))
    _saved(page)
    page.locator(f"select[data-label-id='{label['id']}']").select_option(str(good))
    page.get_by_role("button", name="Complete").click()
    page.wait_for_url(re.compile(rf".*/projects/{pid}$"))
    page.get_by_text("Completed.").first.wait_for()

    assert seen["conflicts"] == []
    assert seen["console"] == [] and page.js_errors == []
    with server.api(*ANN) as ann:
        mine = ann.get(f"/api/datapoints/{dp}/values").json()
        segs = ann.get(f"/api/datapoints/{dp}/segments").json()
    assert mine["status"] == "done" and mine["marked_for_review"] is True
    assert mine["values"] == {str(label["id"]): good}
    assert len(segs) == 1


def test_a_real_conflict_shows_in_view_and_keep_mine_settles_it_once(
    server: Server, new_page: Any
) -> None:
    _, dp, label = _team(server)
    first = new_page(height=600)
    login(first, server, *ANN)
    second = track_errors(first.context.new_page())
    seen = _watch(second)
    _open(first, server, dp)
    _open(second, server, dp)
    select = f"select[data-label-id='{label['id']}']"
    good, bad = (v["id"] for v in label["values"])

    first.locator(select).select_option(str(good))
    _saved(first)
    # The second tab scrolled down to the labels: the banner must still be in view.
    second.locator(select).scroll_into_view_if_needed()
    second.mouse.wheel(0, 400)
    second.locator(select).select_option(str(bad))
    second.locator('[data-testid=save-state][data-status="conflict"]').wait_for()
    banner = second.locator(".save-problem")
    banner.wait_for()
    assert _in_viewport(second, banner)
    # Complete says why it does nothing, next to the banner.
    second.get_by_role("button", name="Complete").click()
    second.get_by_text("Resolve the conflict first").first.wait_for()
    # A review mark meanwhile must not make the next "Keep mine" stale again.
    second.locator(".review-toggle input").check()
    second.get_by_text("Marked for review.").wait_for()
    shoot(second, "31-annotate-values-conflict")
    before = len(seen["conflicts"])
    second.get_by_role("button", name="Keep mine").click()
    _saved(second)
    assert len(seen["conflicts"]) == before  # settled by the first Keep mine
    assert second.get_by_text("Resolve the conflict first").count() == 0
    with server.api(*ANN) as ann:
        mine = ann.get(f"/api/datapoints/{dp}/values").json()
    assert mine["values"] == {str(label["id"]): bad} and mine["marked_for_review"] is True
    assert second.js_errors == [] and first.js_errors == []


def _in_viewport(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    view = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= view["height"]


def _drawn(server: Server, dp: int) -> list[tuple[float, float]]:
    with server.api(*ANN) as ann:
        segs = ann.get(f"/api/datapoints/{dp}/segments").json()
    return sorted((s["start"], s["end"]) for s in segs)


def _draw_and_check(
    page: Any, server: Server, dp: int, duration: float, x0: float, x1: float
) -> None:
    count = len(_drawn(server, dp))
    start, px = _time_at(page, min(x0, x1), duration)
    end, _ = _time_at(page, max(x0, x1), duration)
    _drag_px(page, x0, x1)
    page.get_by_test_id("segment-row").nth(count).wait_for()
    _saved(page)
    new = [s for s in _drawn(server, dp) if abs(s[0] - start) <= px * 1.5]
    assert new, f"no segment starting near {start:.3f} in {_drawn(server, dp)}"
    got_start, got_end = new[0]
    assert abs(got_start - start) <= px, (got_start, start, px)
    assert abs(got_end - end) <= px, (got_end, end, px)


def test_a_drawn_segment_ends_where_the_pointer_was_released(server: Server, new_page: Any) -> None:
    _, dp, _ = _team(server)
    with server.api() as api:
        duration = api.get(f"/api/datapoints/{dp}").json()["duration"]
    page = new_page()
    login(page, server, *ANN)
    _open(page, server, dp)
    box = page.get_by_test_id("waveform").bounding_box()
    left, width = box["x"], box["width"]
    # The whole file, left to right and right to left.
    _draw_and_check(page, server, dp, duration, left + width * 0.10, left + width * 0.30)
    _draw_and_check(page, server, dp, duration, left + width * 0.60, left + width * 0.45)
    # Zoomed in, twice: the same, in the part on screen.
    shown = width
    for level in ("400", "800"):
        page.get_by_role("slider", name="Zoom").fill(level)
        page.wait_for_function(
            f"() => {{ const r = ({WRAPPER})(); return r && r[1] > {shown * 1.5}; }}"
        )
        shown = page.evaluate(WRAPPER)[1]
        # The end of the file, where nothing is drawn yet (a press on a segment moves it).
        page.evaluate(SCROLL_TO_END)
        page.wait_for_function(
            f"() => {{ const r = ({WRAPPER})(); return r && r[0] + r[1] < {left + width + 2}; }}"
        )
        _draw_and_check(page, server, dp, duration, left + width * 0.30, left + width * 0.50)
    shoot(page, "32-annotate-drawn-exact")
    assert page.js_errors == []


@pytest.fixture(scope="module")
def hour_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hour") / "meeting-1h.wav"
    return write_long_audio(path, 3600, rate=8000, channels=1, kind="wav")


def test_a_drawn_segment_is_exact_on_an_hour_long_file(
    server: Server, new_page: Any, hour_wav: Path
) -> None:
    _, dp, _ = _team(server, hour_wav)
    duration = _wait_ready(server, dp)["duration"]
    page = new_page()
    login(page, server, *ANN)
    _open(page, server, dp)
    left, width = page.evaluate(WRAPPER)
    # 10:00 to 12:00 at full view.
    x0 = left + 600 / duration * width
    x1 = left + 720 / duration * width
    _draw_and_check(page, server, dp, duration, x0, x1)
    assert page.js_errors == []


def _with_segment(server: Server, dp: int, *, complete: bool = False) -> dict[str, Any]:
    with server.api(*ANN) as ann:
        r = ann.post(f"/api/datapoints/{dp}/segments", json={"start": 1.0, "end": 2.0})
        r.raise_for_status()
        if complete:
            ann.post(f"/api/datapoints/{dp}/complete").raise_for_status()
        seg: dict[str, Any] = r.json()
        return seg


def test_a_done_item_is_read_only_until_reopened(server: Server, new_page: Any) -> None:
    _, dp, label = _team(server)
    _with_segment(server, dp, complete=True)
    page = new_page()
    login(page, server, *ANN)
    _open(page, server, dp)
    bar = page.locator(".annotate-bar")
    bar.locator(".status", has_text="Submitted").wait_for()
    assert bar.get_by_role("button", name="Complete").count() == 0
    assert bar.get_by_role("button", name="Reopen").is_visible()
    page.get_by_test_id("segment-row").first.click()
    assert page.get_by_label("Transcript").is_disabled()
    assert page.locator(f"select[data-label-id='{label['id']}']").is_disabled()
    page.keyboard.press("n")
    page.get_by_text("This item is done: Reopen it to change it.").wait_for()
    shoot(page, "33-annotate-done-read-only")
    with server.api(*ANN) as ann:
        assert len(ann.get(f"/api/datapoints/{dp}/segments").json()) == 1

    bar.get_by_role("button", name="Reopen").click()
    bar.locator(".status", has_text="In progress").wait_for()
    assert bar.get_by_role("button", name="Complete").is_visible()
    page.get_by_label("Transcript").fill("changed after reopening")
    _saved(page)
    with server.api(*ANN) as ann:
        segs = ann.get(f"/api/datapoints/{dp}/segments").json()
    assert [s["transcript"] for s in segs] == ["changed after reopening"]
    assert page.js_errors == []


def test_an_end_before_the_start_is_refused_in_words(server: Server, new_page: Any) -> None:
    _, dp, _ = _team(server)
    _with_segment(server, dp)
    page = new_page()
    login(page, server, *ANN)
    _open(page, server, dp)
    page.get_by_test_id("segment-row").first.click()
    end = page.get_by_label("End time in seconds")
    end.fill("0.5")
    end.press("Enter")
    problem = page.get_by_role("alert").filter(has_text="End must be after the start")
    problem.wait_for()
    assert "0:01.000" in problem.inner_text()
    assert end.input_value() == "0.5"  # kept, to be corrected, not silently put back
    shoot(page, "34-annotate-end-before-start")
    end.fill("2.5")
    end.press("Enter")
    problem.wait_for(state="detached")
    _saved(page)
    with server.api(*ANN) as ann:
        segs = ann.get(f"/api/datapoints/{dp}/segments").json()
    assert [(s["start"], s["end"]) for s in segs] == [(1.0, 2.5)]


def test_deleting_the_only_segment_puts_the_item_back_to_do(server: Server, new_page: Any) -> None:
    pid, dp, _ = _team(server)
    page = new_page()
    login(page, server, *ANN)
    _open(page, server, dp)
    bar = page.locator(".annotate-bar")
    box = page.get_by_test_id("waveform").bounding_box()
    _drag_px(page, box["x"] + box["width"] * 0.2, box["x"] + box["width"] * 0.4)
    page.get_by_test_id("segment-row").first.wait_for()
    _saved(page)
    bar.locator(".status", has_text="In progress").wait_for()
    page.get_by_role("button", name="Delete", exact=True).click()
    _saved(page)
    bar.locator(".status", has_text="To do").wait_for()
    page.goto(f"{server.url}/projects/{pid}")
    row = page.locator("tr", has_text=".flac")
    row.locator(".status", has_text="To do").wait_for()
    assert row.locator(".status").first.inner_text() == "To do"
    assert page.js_errors == []


def test_the_phone_header_has_the_shortcuts_with_drawn_arrows(
    server: Server, new_page: Any
) -> None:
    _, dp, _ = _team(server)
    page = new_page(390, 844, has_touch=True, is_mobile=True)
    login(page, server, *ANN)
    _open(page, server, dp)
    help_button = page.get_by_role("button", name="Keyboard shortcuts")
    assert help_button.is_visible()
    help_button.tap()
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for()
    back = dialog.locator("tr", has_text="Back 1 s")
    assert back.get_by_role("img", name="Left arrow").is_visible()
    assert dialog.locator("kbd", has_text="←").count() == 0
    shoot(page, "35-annotate-phone-shortcuts")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    dialog.get_by_role("button", name="Close").tap()
    dialog.wait_for(state="detached")
