"""Quick modes in the browser: accept/reject by one key each with autoplay, a choice round by
number keys, transcripts with a speed key pressed while typing, a reload mid-queue, undo,
and the native export carrying what was decided. Screenshots at desktop and phone width."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path
from typing import Any

import httpx2 as httpx
import orjson
from playwright.sync_api import expect

from tests.web.conftest import Server, annotated_project, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
DECISIONS = [{"value": "accept"}, {"value": "reject"}, {"value": "ignore"}]
# Counts every key press the page receives (reset by a reload: read it before one).
COUNT_KEYS = "window.__keys = 0; window.addEventListener('keydown', () => window.__keys++, true);"
PLAYING = """([id, rate]) => {
  const a = document.querySelector('[data-testid=quick-audio]');
  return a && a.dataset.datapointId === String(id) && !a.paused && a.currentTime > 0
    && (rate === null || a.playbackRate === rate);
}"""


def clips(folder: Path, count: int, seconds: float = 6.0) -> list[Path]:
    """Distinct tones (each its own content, so none is a duplicate upload)."""
    folder.mkdir(parents=True, exist_ok=True)
    rate = 8000
    out = []
    for i in range(count):
        path = folder / f"clip{i:03}.wav"
        freq = 220 + 37 * i
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * t / rate)))
            for t in range(int(rate * seconds))
        )
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(frames)
        out.append(path)
    return out


def quick_project(
    api: httpx.Client, name: str, files: list[Path], quick: dict[str, Any], label: dict[str, Any]
) -> tuple[int, list[int]]:
    pid = annotated_project(api, name, ANN)
    if label:
        r = api.post(f"/api/projects/{pid}/labels", json={"scope": "datapoint", **label})
        r.raise_for_status()
    r = api.patch(f"/api/projects/{pid}", json={"settings": {"quick": quick}})
    assert r.status_code == 200, r.text
    ids = [upload_ready(api, pid, f, assign_to=ANN[0]) for f in files]
    return pid, ids


STATE = """() => {
  const a = document.querySelector('[data-testid=quick-audio]');
  return a && {id: a.dataset.datapointId, paused: a.paused, t: a.currentTime, src: a.src,
    error: a.error && a.error.message, ready: a.readyState, rate: a.playbackRate};
}"""


def wait_playing(page: Any, dp: int, rate: float | None = None) -> None:
    try:
        page.wait_for_function(PLAYING, arg=[dp, rate], timeout=15_000)
    except Exception as exc:
        shoot(page, "quick-failed")
        raise AssertionError(f"not playing {dp}: {page.evaluate(STATE)}") from exc


def count(page: Any, name: str) -> str:
    return str(page.locator(f"[data-count='{name}'] strong").inner_text())


def exported(api: httpx.Client, pid: int) -> dict[str, Any]:
    r = api.get(f"/api/projects/{pid}/export")
    r.raise_for_status()
    return dict(orjson.loads(r.content))


def open_quick(page: Any, server: Server, pid: int) -> None:
    login(page, server, *ANN)
    page.goto(f"{server.url}/projects/{pid}")
    expect(page.get_by_role("button", name="Full editor")).to_be_visible()
    page.get_by_role("button", name="Start annotating (quick mode)").click()
    expect(page).to_have_url(f"{server.url}/projects/{pid}/quick")


def test_binary_twenty_decisions_by_keyboard_with_autoplay_reload_and_undo(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    with server.api() as api:
        pid, ids = quick_project(
            api,
            "Keywords",
            clips(tmp_path / "clips", 22),
            {"mode": "binary", "label": "decision"},
            {"name": "decision", "kind": "single", "values": DECISIONS},
        )
    page = new_page(1280, 800)
    page.add_init_script(COUNT_KEYS)
    open_quick(page, server, pid)
    audio = page.get_by_test_id("quick-audio")
    expect(audio).to_have_attribute("data-datapoint-id", str(ids[0]))
    expect(page.locator("[data-count='left'] strong")).to_have_text("22")
    shoot(page, "quick-binary-01-start")

    keys = ["a", "x", "Space", "a"]  # accept, reject, ignore, accept, ...
    want = {"accept": 0, "reject": 0, "ignore": 0}
    pressed = 0
    for i in range(20):
        if i == 10:  # a reload mid-queue: it goes on with the 11th item, nothing lost
            pressed += page.evaluate("window.__keys")
            page.reload()
            expect(audio).to_have_attribute("data-datapoint-id", str(ids[10]))
            expect(page.locator("[data-count='left'] strong")).to_have_text("12")
            expect(page.locator("[data-count='accept'] strong")).to_have_text(str(want["accept"]))
        key = keys[i % 4]
        page.keyboard.press(key)
        want[{"a": "accept", "x": "reject", "Space": "ignore"}[key]] += 1
        # The next clip plays by itself, without a click.
        wait_playing(page, ids[i + 1])
        if i == 2:
            shoot(page, "quick-binary-02-deciding")
    pressed += page.evaluate("window.__keys")
    assert pressed == 20  # exactly one key per decision
    for name, n in want.items():
        assert count(page, name) == str(n)
    assert count(page, "left") == "2"

    # Undo the last decision: the 20th item comes back and plays again.
    page.keyboard.press("Backspace")
    wait_playing(page, ids[19])
    expect(page.get_by_text("Undone: the item is back.")).to_be_visible()
    assert count(page, "left") == "3"
    shoot(page, "quick-binary-03-undone")
    assert page.js_errors == []

    with server.api(*ANN) as api:
        mine = api.get(f"/api/datapoints/{ids[19]}/values").json()
        assert mine["status"] != "done" and mine["values"] == {}
        assert api.get(f"/api/projects/{pid}/next").json()["datapoint_id"] == ids[19]
    with server.api() as api:
        doc = exported(api, pid)
    text = orjson.dumps(doc).decode()
    assert text.count('"accept"') >= want["accept"] and '"ignore"' in text

    phone = new_page(390, 844)
    login(phone, server, *ANN)
    phone.goto(f"{server.url}/projects/{pid}/quick")
    expect(phone.get_by_role("button", name="Accept")).to_be_visible()
    shoot(phone, "quick-binary-04-phone")


def test_choice_round_by_number_keys_and_enter(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    topics = [{"value": "speech"}, {"value": "music"}, {"value": "noise"}]
    with server.api() as api:
        pid, ids = quick_project(
            api,
            "Topics",
            clips(tmp_path / "clips", 3),
            {"mode": "choice", "label": "topic"},
            {"name": "topic", "kind": "multi", "values": topics},
        )
        values = {
            v["value"]: v["id"] for v in api.get(f"/api/projects/{pid}/labels").json()[0]["values"]
        }
    page = new_page(1280, 800)
    open_quick(page, server, pid)
    audio = page.get_by_test_id("quick-audio")
    expect(audio).to_have_attribute("data-datapoint-id", str(ids[0]))
    rounds = [["1"], ["2", "3"], ["3"]]
    for i, keys in enumerate(rounds):
        for key in keys:
            page.keyboard.press(key)
        if i == 1:
            expect(page.get_by_role("checkbox", name="music")).to_have_attribute(
                "aria-checked", "true"
            )
            shoot(page, "quick-choice-01-two-chosen")
        page.keyboard.press("Enter")
        if i < 2:
            wait_playing(page, ids[i + 1])
    expect(page.get_by_text("All done")).to_be_visible()
    assert count(page, "speech") == "1" and count(page, "noise") == "2"
    assert page.js_errors == []
    with server.api(*ANN) as api:
        got = [api.get(f"/api/datapoints/{dp}/values").json() for dp in ids]
    names = {i: n for n, i in values.items()}
    assert [sorted(names[v] for v in next(iter(g["values"].values()))) for g in got] == [
        ["speech"],
        ["music", "noise"],
        ["noise"],
    ]
    assert all(g["status"] == "done" for g in got)

    phone = new_page(390, 844)
    login(phone, server, *ANN)
    phone.goto(f"{server.url}/projects/{pid}/quick")
    expect(phone.get_by_text("All done")).to_be_visible()
    shoot(phone, "quick-choice-02-phone-done")


def test_five_transcripts_with_a_speed_key_while_typing_and_a_reload(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    with server.api() as api:
        pid, ids = quick_project(
            api, "Dictation", clips(tmp_path / "clips", 6), {"mode": "transcript"}, {}
        )
        r = api.patch(f"/api/datapoints/{ids[0]}", json={"reference_transcript": "a low tone"})
        r.raise_for_status()
    page = new_page(1280, 800)
    open_quick(page, server, pid)
    box = page.get_by_label("Transcript")
    expect(page.get_by_test_id("quick-reference")).to_contain_text("a low tone")
    audio = page.get_by_test_id("quick-audio")
    expect(audio).to_have_attribute("loop", "")
    texts = [f"tone number {i}" for i in range(5)]
    for i, text in enumerate(texts):
        if i == 3:  # reload mid-queue: the fourth item, the three before are kept
            page.reload()
            expect(audio).to_have_attribute("data-datapoint-id", str(ids[3]))
            expect(page.locator("[data-count='done'] strong")).to_have_text("3")
        expect(audio).to_have_attribute("data-datapoint-id", str(ids[i]))
        box.click()
        half = len(text) // 2
        page.keyboard.type(text[:half])
        before = page.evaluate("document.querySelector('[data-testid=quick-audio]').playbackRate")
        page.keyboard.press("Control+ArrowUp")
        after = page.evaluate("document.querySelector('[data-testid=quick-audio]').playbackRate")
        assert after > before
        expect(box).to_have_value(text[:half])  # the speed key typed nothing
        page.keyboard.type(text[half:])
        page.keyboard.press("Shift+Enter")
        page.keyboard.type("line two")
        expect(box).to_have_value(text + "\nline two")
        if i == 0:
            shoot(page, "quick-transcript-01-typing")
        page.keyboard.press("Enter")
        wait_playing(page, ids[i + 1])
        expect(box).to_have_value("")
    expect(page.get_by_test_id("quick-speed")).not_to_have_text("1×")
    assert page.js_errors == []

    with server.api(*ANN) as api:
        for dp, text in zip(ids, texts, strict=False):
            segments = api.get(f"/api/datapoints/{dp}/segments").json()
            assert [s["transcript"] for s in segments] == [text + "\nline two"]
            assert segments[0]["start"] == 0
    with server.api() as api:
        doc = orjson.dumps(exported(api, pid)).decode()
    assert all(orjson.dumps(t + "\nline two").decode() in doc for t in texts)

    phone = new_page(390, 844)
    login(phone, server, *ANN)
    phone.goto(f"{server.url}/projects/{pid}/quick")
    expect(phone.get_by_label("Transcript")).to_be_visible()
    shoot(phone, "quick-transcript-02-phone")


def test_managers_choose_the_quick_mode_in_settings(server: Server, new_page: Any) -> None:
    with server.api() as api:
        pid = int(api.post("/api/projects", json={"name": "Setup"}).json()["id"])
        api.post(
            f"/api/projects/{pid}/labels",
            json={"name": "decision", "kind": "single", "scope": "datapoint", "values": DECISIONS},
        ).raise_for_status()
    page = new_page(1280, 900)
    login(page, server, "admin", "admin-password-1")
    page.goto(f"{server.url}/projects/{pid}/manage")
    page.get_by_label("Annotators work in").select_option("binary")
    expect(page.get_by_text("Choose the item label the quick mode sets.")).to_be_visible()
    page.get_by_label("Quick mode label").select_option("decision")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("group", name="Quick mode").scroll_into_view_if_needed()
    shoot(page, "quick-settings-01")
    with server.api() as api:
        settings = api.get(f"/api/projects/{pid}").json()["settings"]
    assert settings["quick"] == {"mode": "binary", "label": "decision"}


def test_a_failed_save_is_shown_and_retried_not_lost(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    with server.api() as api:
        pid, ids = quick_project(
            api,
            "Flaky",
            clips(tmp_path / "clips", 2),
            {"mode": "binary", "label": "decision"},
            {"name": "decision", "kind": "single", "values": DECISIONS},
        )
    page = new_page(1280, 800)
    failures: list[str] = []
    # Saves fail from the decision on until the test has seen the page say so (however slow
    # it is). The route is set up before the page loads: one added to a page already showing
    # has now and then let the first request through on a loaded machine.
    failing = {"armed": False}

    def fail_until_seen(route: Any) -> None:
        if route.request.method == "PUT" and failing["armed"]:
            failures.append(route.request.url)
            route.fulfill(
                status=503,
                content_type="application/json",
                body='{"detail": "The server is busy.", "code": "busy"}',
            )
        else:
            route.continue_()

    page.context.route("**/api/datapoints/*/values", fail_until_seen)
    open_quick(page, server, pid)
    expect(page.get_by_test_id("quick-audio")).to_have_attribute("data-datapoint-id", str(ids[0]))
    failing["armed"] = True
    page.keyboard.press("a")
    expect(page.get_by_role("alert")).to_contain_text("Not saved")
    shoot(page, "quick-binary-05-save-failed")
    failing["armed"] = False
    # Retried by itself: saved, and the next clip plays.
    wait_playing(page, ids[1])
    expect(page.get_by_role("alert")).to_have_count(0)
    assert failures and all(url.endswith(f"/datapoints/{ids[0]}/values") for url in failures)
    with server.api(*ANN) as api:
        saved = api.get(f"/api/datapoints/{ids[0]}/values").json()
    assert saved["status"] == "done" and len(saved["values"]) == 1


def test_skip_in_quick_mode_brings_the_item_back_at_the_end(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    with server.api() as api:
        pid, ids = quick_project(
            api,
            "Skips",
            clips(tmp_path / "clips", 3),
            {"mode": "binary", "label": "decision"},
            {"name": "decision", "kind": "single", "values": DECISIONS},
        )
    page = new_page(1280, 800)
    open_quick(page, server, pid)
    expect(page.get_by_test_id("quick-audio")).to_have_attribute("data-datapoint-id", str(ids[0]))
    page.keyboard.press("Shift+S")
    expect(page.get_by_text("Skipped: it comes back at the end of your queue.")).to_be_visible()
    wait_playing(page, ids[1])
    page.keyboard.press("a")
    wait_playing(page, ids[2])
    page.keyboard.press("x")
    wait_playing(page, ids[0])  # the skipped one, last
    page.keyboard.press("a")
    expect(page.get_by_text("All done")).to_be_visible()
    assert count(page, "accept") == "2" and count(page, "reject") == "1"
    assert page.js_errors == []
