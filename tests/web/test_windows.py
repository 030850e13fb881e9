"""Long recordings as sessions in a real browser: a window of a 2-minute recording plays only
its 30 seconds, shows recording times, and saves what is drawn in the recording's time."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from benchmarks.long_audio import write_long_audio

from tests.web.conftest import ADMIN, Server, login, shoot, upload_ready

SECONDS = 120
AUDIO_OF = "document.querySelector('[data-testid=audio]')"
# The element's own position, past the page's shadowing of currentTime on the instance.
REAL_TIME = (
    "Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'currentTime').get.call(AUDIO)"
).replace("AUDIO", AUDIO_OF)


@pytest.fixture(scope="module")
def two_minutes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("windows") / "interview.wav"
    return write_long_audio(path, SECONDS, rate=16000, channels=1, kind="wav")


def _windows(
    server: Server, recording: Path, name: str = "Sessions"
) -> tuple[int, int, list[dict[str, Any]]]:
    """A project presenting recordings over 60 s as 30 s windows, with `recording` uploaded."""
    sessions = {"mode": "fixed", "length": 30, "longer_than": 60}
    with server.api() as api:
        r = api.post("/api/projects", json={"name": name, "settings": {"sessions": sessions}})
        r.raise_for_status()
        pid = int(r.json()["id"])
        with recording.open("rb") as f:
            r = api.post(f"/api/projects/{pid}/datapoints", files={"file": (recording.name, f)})
        r.raise_for_status()
        dp = int(r.json()["datapoint"]["id"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            items = api.get(f"/api/projects/{pid}/datapoints").json()
            found = [d for d in items["items"] if d["parent_id"] == dp]
            if len(found) == 4:
                return pid, dp, sorted(found, key=lambda d: d["window_index"])
            time.sleep(0.3)
    raise AssertionError("the recording was not split into windows")


def _real_times(page: Any) -> None:
    """Starts sampling the <audio>'s own position on every frame into window.__times."""
    page.evaluate(
        """() => {
          window.__times = [];
          const sample = () => {
            const audio = AUDIO;
            if (audio && !audio.paused) window.__times.push(REAL);
            window.__sampling = requestAnimationFrame(sample);
          };
          sample();
        }""".replace("AUDIO", AUDIO_OF).replace("REAL", REAL_TIME)
    )


def test_a_window_plays_its_part_and_saves_in_recording_time(
    server: Server, new_page: Any, two_minutes: Path
) -> None:
    pid, recording, windows = _windows(server, two_minutes)
    second = windows[1]
    assert second["offset"] == pytest.approx(30) and second["duration"] == pytest.approx(30)
    assert [w["window_index"] for w in windows] == [1, 2, 3, 4]

    page = new_page()
    login(page, server, *ADMIN)

    # The list shows windows, each with where it lies in the recording.
    page.goto(f"{server.url}/projects/{pid}?tab=all")
    row = page.get_by_role("link", name=re.compile(r"interview\.wav · 0:30–1:00"))
    row.wait_for()
    assert row.inner_text() == "interview.wav · 0:30–1:00 (window 2 of 4)"
    assert page.get_by_role("link", name="interview.wav", exact=True).count() == 0
    row.click()

    page.wait_for_url(re.compile(rf".*/datapoints/{second['id']}$"))
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    assert page.get_by_test_id("waveform").get_attribute("data-mode") == "stream"
    title = page.get_by_test_id("window-title")
    assert re.sub(r"\s+", " ", title.inner_text()) == "Window 2 of 4 · 0:30–1:00 of interview.wav"
    assert page.get_by_test_id("current-time").inner_text() == "0:30.000"
    assert page.locator(".clock").inner_text().endswith("1:00.000")
    # Steps to the windows either side (their ids, not the whole recording).
    assert page.get_by_role("button", name="‹ 1").is_visible()
    assert page.get_by_role("button", name="3 ›").is_visible()

    # Play from the window's start: the element plays the recording from 30 s on.
    _real_times(page)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => window.__times.length > 20", timeout=10_000)
    page.get_by_role("button", name="Pause").click()
    times = page.evaluate("window.__times")
    assert min(times) >= 30 and max(times) < 35, times
    shown = page.get_by_test_id("current-time").inner_text()
    assert shown.startswith("0:3"), shown

    # From near the end (90 % of the window = 57 s), it stops by itself at 60 s.
    wave = page.get_by_test_id("waveform").bounding_box()
    page.mouse.click(wave["x"] + wave["width"] * 0.9, wave["y"] + 20)
    assert page.evaluate(f"{AUDIO_OF}.currentTime") == pytest.approx(27, abs=0.5)
    _real_times(page)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => window.__times.length > 0 && {AUDIO_OF}.paused", timeout=10_000)
    page.get_by_role("button", name="Play").wait_for()  # the transport says it stopped
    times = page.evaluate("window.__times")
    assert times and min(times) >= 56 and max(times) <= 60.1, times
    assert page.evaluate(f"{AUDIO_OF}.paused")
    assert page.evaluate(REAL_TIME) <= 60.1
    assert page.get_by_test_id("current-time").inner_text() == "1:00.000"
    page.evaluate("cancelAnimationFrame(window.__sampling)")

    # A segment drawn over 20–40 % of the window is 36–42 s of the recording.
    y = wave["y"] + wave["height"] * 0.6
    page.mouse.move(wave["x"] + wave["width"] * 0.2, y)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(wave["x"] + wave["width"] * (0.2 + 0.2 * step / 8), y)
    page.mouse.up()
    rows = page.get_by_test_id("segment-row")
    rows.first.wait_for()
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)
    start_cell = rows.first.locator("td").nth(1).inner_text()
    assert start_cell.startswith("0:3"), start_cell
    with server.api() as api:
        segments = api.get(f"/api/datapoints/{second['id']}/segments").json()
    assert len(segments) == 1
    seg = segments[0]
    assert 30 < seg["start"] < seg["end"] <= 60, seg
    assert seg["start"] == pytest.approx(36, abs=1) and seg["end"] == pytest.approx(42, abs=1)

    shoot(page, "windows-annotate")
    # Reloaded, the segment is drawn where it was (in the window's time).
    page.reload()
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    region = page.locator("div[data-segment-id]").first
    region.wait_for()
    box = region.bounding_box()
    wave = page.get_by_test_id("waveform").bounding_box()
    assert (box["x"] - wave["x"]) / wave["width"] == pytest.approx(0.2, abs=0.03)
    assert recording not in [w["id"] for w in windows]
    assert page.js_errors == []


def test_the_settings_turn_sessions_on_and_split_what_is_there(
    server: Server, new_page: Any, two_minutes: Path
) -> None:
    with server.api() as api:
        pid = int(api.post("/api/projects", json={"name": "Later"}).json()["id"])
        upload_ready(api, pid, two_minutes)

    page = new_page()
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{pid}/manage")
    sessions = page.get_by_role("group", name="Sessions")
    split = sessions.get_by_role("button", name="Split existing recordings now")
    assert split.is_disabled()  # sessions are off
    sessions.get_by_label("Long recordings").select_option("fixed")
    length = sessions.get_by_label("Window length")
    length.fill("2")
    assert "Between 5 and 3600" in sessions.inner_text()
    save = page.get_by_role("button", name="Save changes")
    assert save.is_disabled()
    length.fill("30")
    sessions.get_by_label("Only recordings longer than").fill("60")
    assert split.is_disabled()  # not saved yet
    save.click()
    page.get_by_text("Saved.").wait_for()
    with server.api() as api:
        settings = api.get(f"/api/projects/{pid}").json()["settings"]
    assert settings["sessions"] == {"mode": "fixed", "length": 30, "longer_than": 60}
    split.click()
    sessions.get_by_text("Split 1 recording into 4 windows.").wait_for()
    shoot(page, "windows-settings")

    # An option the server refuses is shown in the section, not only under the form.
    text = page.get_by_label("Settings (JSON)")
    text.fill('{"sessions": {"mode": "fixed", "length": 30, "windows": 3}}')
    save.click()
    sessions.get_by_text(re.compile("Unknown sessions option")).wait_for()
    assert page.js_errors == []


def test_managers_merge_untouched_windows_back_from_the_list(
    server: Server, new_page: Any, two_minutes: Path
) -> None:
    pid, recording, windows = _windows(server, two_minutes, name="Merge")
    page = new_page()
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{pid}?tab=all")
    page.get_by_role("link", name=re.compile(r"interview\.wav · 0:30–1:00")).wait_for()
    page.get_by_role("checkbox", name=re.compile("Select all")).check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Merge windows").click()
    page.get_by_text("Merged 1 recording(s) back into one item each.").wait_for()
    with server.api() as api:
        items = api.get(f"/api/projects/{pid}/datapoints").json()["items"]
    assert [(d["id"], d["window_count"]) for d in items] == [(recording, 0)]
    page.get_by_role("link", name="interview.wav", exact=True).wait_for()
    assert page.js_errors == []
