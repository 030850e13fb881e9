"""Word timings in a real browser: a segment with words shows them with their times, a word
boundary dragged on the waveform is saved where the mouse let it go (both words of a shared
boundary move), the CTM export carries the new time, a click on a word seeks to it, the word
playing is marked, arrows nudge a boundary, and retyping the transcript keeps the times of
the words still there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.audio.signals import sweep, write
from tests.web.conftest import Server, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
RATE = 16000
SECONDS = 6.0
WORDS = [
    {"word": "hello", "start": 1.0, "end": 1.6, "confidence": 0.9},
    {"word": "big", "start": 1.6, "end": 2.2},  # shares 1.6 with "hello"
    {"word": "world", "start": 2.6, "end": 3.4},  # a pause before it
]
MS = 0.0015  # a pixel is ~5 ms at this width; times are kept to the millisecond


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    samples = (sweep(SECONDS, RATE) * 0.3).astype(np.float32)
    return write(tmp_path / "words.wav", samples, RATE, container="wav", codec="pcm_s16le")


def _setup(server: Server, wav: Path) -> tuple[int, int, str]:
    with server.api() as api:
        api.post("/api/users", json={"username": ANN[0], "password": ANN[1]}).raise_for_status()
        pid = int(api.post("/api/projects", json={"name": "Words"}).json()["id"])
        api.post(
            f"/api/projects/{pid}/members", json={"username": ANN[0], "role": "annotator"}
        ).raise_for_status()
        dp = upload_ready(api, pid, wav, ANN[0])
    with server.api(*ANN) as ann:
        r = ann.post(
            f"/api/datapoints/{dp}/segments",
            json={
                "start": 0.5,
                "end": 4.5,
                "transcript": "hello big world",
                "attributes": {"words": WORDS},
            },
        )
        assert r.status_code in (200, 201), r.text
    return pid, dp, r.json()["id"]


def _ctm(server: Server, pid: int) -> list[tuple[str, int, float, float, str]]:
    """The export read as NIST CTM: <file> <channel> <begin> <duration> <word> [<conf>]."""
    with server.api() as api:
        r = api.get(f"/api/projects/{pid}/export", params={"format": "ctm"})
    assert r.status_code == 200, r.text
    out = []
    for line in r.text.splitlines():
        if not line.strip() or line.startswith(";;"):
            continue
        fields = line.split()
        assert len(fields) in (5, 6), line
        out.append((fields[0], int(fields[1]), float(fields[2]), float(fields[3]), fields[4]))
    return out


def _stored(server: Server, dp: int) -> list[dict[str, Any]]:
    with server.api(*ANN) as ann:
        [seg] = ann.get(f"/api/datapoints/{dp}/segments").json()
    return list(seg["attributes"]["words"])


def _saved(page: Any) -> None:
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)


def test_drag_a_word_boundary_click_a_word_and_play(
    server: Server, new_page: Any, wav: Path
) -> None:
    pid, dp, _ = _setup(server, wav)
    page = new_page()
    login(page, server, *ANN)
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    page.get_by_test_id("segment-row").first.click()
    chips = page.get_by_test_id("word")
    expect(chips).to_have_count(3)
    expect(chips.nth(0)).to_contain_text("1.00–1.60")

    # Four handles: hello|big share one; big's end and world's start are apart.
    handles = page.get_by_test_id("word-boundary")
    expect(handles).to_have_count(5)
    shared = handles.nth(1)
    assert shared.get_attribute("aria-label") == "Boundary between “hello” and “big”"
    box = shared.bounding_box()
    layer = page.get_by_test_id("word-handles").bounding_box()
    x0, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    x1 = layer["x"] + layer["width"] * 1.85 / SECONDS + 0.37  # not on a whole pixel
    page.mouse.move(x0, y)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(x0 + (x1 - x0) * step / 8, y)
    page.mouse.up()
    released = (x1 - layer["x"]) / layer["width"] * SECONDS
    expect(chips.nth(1)).to_contain_text(f"{released:.2f}–2.20")
    _saved(page)

    words = _stored(server, dp)
    assert abs(words[0]["end"] - released) <= MS
    assert words[1]["start"] == words[0]["end"]  # the shared boundary moved both words
    assert [w["start"] for w in words] == [1.0, words[0]["end"], 2.6]
    assert words[0]["confidence"] == 0.9  # the rest of each word is kept
    ctm = _ctm(server, pid)
    assert [(w, round(b, 3), round(b + d, 3)) for _, _, b, d, w in ctm] == [
        ("hello", 1.0, words[0]["end"]),
        ("big", words[0]["end"], 2.2),
        ("world", 2.6, 3.4),
    ]
    assert {(f, c) for f, c, *_ in ctm} == {("words", 1)}

    # Undo puts the boundary back (the drag was one edit).
    page.get_by_role("button", name="↶ Undo").click()
    expect(chips.nth(1)).to_contain_text("1.60–2.20")
    page.get_by_role("button", name="↷ Redo").click()
    expect(chips.nth(1)).to_contain_text(f"{released:.2f}–2.20")

    # A click on a word seeks to its start, and that word is the current one.
    chips.nth(2).click()
    expect(page.get_by_test_id("current-time")).to_have_text("0:02.600")
    expect(chips.nth(2)).to_have_attribute("aria-current", "true")
    expect(page.locator("[data-testid=word][aria-current]")).to_have_count(1)

    # While it plays, the word under the cursor is marked: the player reports 1.3 s.
    page.get_by_test_id("audio").evaluate(
        "a => { a.currentTime = 1.3; a.dispatchEvent(new Event('timeupdate')); }"
    )
    expect(chips.nth(0)).to_have_attribute("aria-current", "true")
    expect(chips.nth(2)).not_to_have_attribute("aria-current", "true")
    # And playing for real moves the mark on by itself, from "big" to "world".
    chips.nth(1).click()
    expect(chips.nth(1)).to_have_attribute("aria-current", "true")
    page.get_by_role("button", name="Play", exact=True).click()
    expect(chips.nth(2)).to_have_attribute("aria-current", "true", timeout=15_000)
    page.get_by_role("button", name="Pause", exact=True).click()

    # From the keyboard: an arrow nudges a focused handle by 10 ms, and it keeps the focus.
    start = handles.nth(3)
    assert start.get_attribute("aria-label") == "Start of “world”"
    start.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(chips.nth(2)).to_contain_text("2.58–3.40")
    _saved(page)
    assert _stored(server, dp)[2]["start"] == 2.58
    shoot(page, "words-editor")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(chips.nth(2)).to_be_visible()
    shoot(page, "words-editor-phone")
    assert page.js_errors == []


def test_typing_keeps_the_times_of_words_still_there(
    server: Server, new_page: Any, wav: Path
) -> None:
    pid, dp, _ = _setup(server, wav)
    page = new_page()
    login(page, server, *ANN)
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    page.get_by_test_id("segment-row").first.click()
    # "big" becomes two words: its time is gone; "hello" and "world" keep theirs.
    page.get_by_label("Transcript").fill("Hello, very large world")
    expect(page.get_by_test_id("untimed-word")).to_have_count(2)
    _saved(page)
    shoot(page, "words-untimed")
    assert _stored(server, dp) == [
        {**WORDS[0], "word": "Hello,"},
        WORDS[2],
    ]
    # The untimed words get times in the pause they left, to be dragged into place.
    page.get_by_role("button", name="Time the untimed words").click()
    expect(page.get_by_test_id("untimed-word")).to_have_count(0)
    _saved(page)
    words = _stored(server, dp)
    assert [w["word"] for w in words] == ["Hello,", "very", "large", "world"]
    assert words[1]["start"] == 1.6 and words[2]["end"] == 2.6
    assert all(re.fullmatch(r"\S+", w["word"]) for w in words)
    assert page.js_errors == []
