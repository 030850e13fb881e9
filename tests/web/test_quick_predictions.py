"""The binary quick mode over predictions in the browser: each predicted region plays by
itself (with a little context), one key decides it (A accept, X reject, Space ignore),
Backspace undoes, a reload carries on at the next open region, an item is completed when
its predictions are decided, and one without predictions stays in the queue. What was
accepted is the annotator's own work in the export; the rest is not."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx2 as httpx
from playwright.sync_api import expect

from tests.web.conftest import Server, login, shoot, upload_ready
from tests.web.test_quick_modes import ANN, COUNT_KEYS, STATE, clips, count, exported, quick_project

# Three regions on each of the first two clips (6 s each); the third clip has none.
REGIONS = [(0.5, 1.5, 0.9), (2.0, 3.2, 0.7), (4.0, 5.5, 0.4)]
PLAYING_REGION = """([id, from, to]) => {
  const a = document.querySelector('[data-testid=quick-audio]');
  return a && a.dataset.datapointId === String(id) && Number(a.dataset.spanFrom) === from
    && Number(a.dataset.spanTo) === to && a.currentTime >= from - 0.05 && a.currentTime <= to + 0.3
    && (!a.paused || a.currentTime >= to);
}"""


def wait_region(page: Any, dp: int, start: float, end: float) -> None:
    span = [dp, max(0.0, start - 0.25), min(6.0, end + 0.25)]
    try:
        page.wait_for_function(PLAYING_REGION, arg=span, timeout=15_000)
    except Exception as exc:
        shoot(page, "quick-predictions-failed")
        raise AssertionError(f"region {span} not playing: {page.evaluate(STATE)}") from exc


def push(api: httpx.Client, pid: int, dps: list[int]) -> None:
    items = [
        {"id": str(uuid.uuid4()), "datapoint_id": dp, "start": start, "end": end,
         "confidence": confidence}
        for dp in dps for start, end, confidence in REGIONS
    ]  # fmt: skip
    body = {"model": "vad-test", "version": "1", "predictions": items}
    r = api.post(f"/api/projects/{pid}/predictions", json=body)
    assert r.status_code == 200, r.text


def test_deciding_predicted_regions_one_key_each_with_undo_and_reload(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    with server.api() as api:
        files = clips(tmp_path / "clips", 3)
        mode = {"mode": "binary", "over": "predictions"}
        pid, dps = quick_project(api, "Regions", files, mode, {})
        push(api, pid, dps[:2])
    page = new_page(1280, 800)
    page.add_init_script(COUNT_KEYS)
    login(page, server, *ANN)
    page.goto(f"{server.url}/projects/{pid}/quick")
    title = "Accept or reject predictions: Regions"
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    wait_region(page, dps[0], *REGIONS[0][:2])
    region = page.get_by_test_id("prediction-region")
    expect(region).to_contain_text("vad-test found this at 0:00.5–0:01.5 (90% sure)")
    shoot(page, "quick-predictions-01-start")

    # Item 1: accept, reject, ignore; the item is done and the next one's first region plays.
    pressed = 0
    for key, (start, end, _) in zip(["a", "x", "Space"], REGIONS, strict=True):
        wait_region(page, dps[0], start, end)
        page.keyboard.press(key)
    wait_region(page, dps[1], *REGIONS[0][:2])
    assert (count(page, "accept"), count(page, "reject"), count(page, "ignore")) == ("1", "1", "1")
    assert count(page, "left") == "2"

    # A reload: it carries on at the same region, counts from the server.
    pressed += page.evaluate("window.__keys")
    page.reload()
    wait_region(page, dps[1], *REGIONS[0][:2])
    assert count(page, "accept") == "1" and count(page, "left") == "2"
    # The tab still remembers what can be undone.
    expect(page.get_by_role("button", name="Undo")).to_be_enabled()

    # Item 2: accept, then undo it (the region comes back), then reject it, accept the rest.
    page.keyboard.press("a")
    wait_region(page, dps[1], *REGIONS[1][:2])
    page.keyboard.press("Backspace")
    expect(page.get_by_text("Undone: that region is back.")).to_be_visible()
    wait_region(page, dps[1], *REGIONS[0][:2])
    assert count(page, "accept") == "1"
    for key, (start, end, _) in zip(["x", "a", "a"], REGIONS, strict=True):
        wait_region(page, dps[1], start, end)
        page.keyboard.press(key)
        if key == "x":
            shoot(page, "quick-predictions-02-deciding")
    # The third clip has no predictions: it stays in the queue, and the page says so.
    expect(page.get_by_text("All done: no predictions left to decide")).to_be_visible()
    expect(page.get_by_text("1 item has no predictions yet")).to_be_visible()
    pressed += page.evaluate("window.__keys")
    assert pressed == 3 + 1 + 1 + 3  # one key per decision, and one for the undo
    assert (count(page, "accept"), count(page, "reject"), count(page, "ignore")) == ("3", "2", "1")
    shoot(page, "quick-predictions-03-done")
    assert page.js_errors == []

    with server.api(*ANN) as api:
        for dp, want in ((dps[0], ["accepted", "rejected", "ignored"]),
                         (dps[1], ["rejected", "accepted", "accepted"])):  # fmt: skip
            got = api.get(f"/api/datapoints/{dp}/predictions").json()
            assert [p["decision"] for p in got] == want
            assert api.get(f"/api/datapoints/{dp}/values").json()["status"] == "done"
        mine = api.get(f"/api/datapoints/{dps[1]}/segments").json()
        # Accepted regions are her segments at the predicted times, linked to the prediction.
        assert sorted((s["start"], s["end"]) for s in mine) == [(2.0, 3.2), (4.0, 5.5)]
        listed = api.get(f"/api/datapoints/{dps[1]}/predictions").json()
        assert {s["attributes"]["prediction_id"] for s in mine} == {
            p["id"] for p in listed if p["decision"] == "accepted"
        }
        assert api.get(f"/api/projects/{pid}/next").json()["datapoint_id"] == dps[2]
    with server.api() as api:
        doc = exported(api, pid)
    spans = sorted(
        (s["start"], s["end"])
        for item in doc["datapoints"] for s in item["segments"]
    )  # fmt: skip
    assert spans == [(0.5, 1.5), (2.0, 3.2), (4.0, 5.5)]  # accepted work only

    phone = new_page(390, 844)
    login(phone, server, *ANN)
    with server.api() as api:
        more = upload_ready(api, pid, clips(tmp_path / "more", 4)[3], assign_to=ANN[0])
        push(api, pid, [more])
    phone.goto(f"{server.url}/projects/{pid}/quick")
    expect(phone.get_by_role("button", name="Accept")).to_be_visible()
    shoot(phone, "quick-predictions-04-phone")
