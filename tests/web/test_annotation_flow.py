"""The whole story in a real browser: an admin sets a project up, an annotator annotates,
nothing is lost across a reload or a server restart, and the export holds it all."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import FIXTURES
from tests.web.conftest import ADMIN, Server, login, shoot

ANN = ("ann", "ann-password-1")
ARABIC = "مرحبا بكم في الاختبار"
LABELS = {"speaker": [("alice", "1"), ("bob", "2")], "noise": [("clean", "3"), ("noisy", "4")]}


def _admin_sets_up(page: Any, server: Server) -> int:
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/admin/users")
    page.get_by_label("Username").fill(ANN[0])
    page.get_by_label("Password").fill(ANN[1])
    page.get_by_role("button", name="Create user").click()
    page.get_by_role("cell", name=ANN[0], exact=True).wait_for()
    shoot(page, "10-admin-users")

    page.goto(f"{server.url}/")
    page.get_by_role("button", name="New project").click()
    page.get_by_label("Name").fill("Interviews")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url(re.compile(r".*/projects/\d+/manage$"))
    project_id = int(re.findall(r"/projects/(\d+)/", page.url)[0])
    shoot(page, "11-manage-settings")

    page.goto(f"{server.url}/projects/{project_id}/manage/labels")
    for name, values in LABELS.items():
        page.get_by_label("Label name").fill(name)
        page.get_by_label("Kind").select_option("single")
        page.get_by_role("button", name="Add label").click()
        card = page.locator(".label-card", has_text=name)
        card.wait_for()
        for value, hotkey in values:
            card.get_by_label("Value", exact=True).fill(value)
            card.get_by_label("Hotkey", exact=True).last.fill(hotkey)
            card.get_by_role("button", name="Add value").click()
            card.get_by_text(value, exact=True).first.wait_for()
    shoot(page, "12-manage-labels")

    page.goto(f"{server.url}/projects/{project_id}/manage/members")
    who = page.get_by_label("Username")
    if who.evaluate("e => e.tagName") == "SELECT":  # admins pick from all users
        who.select_option(label=ANN[0])
    else:
        who.fill(ANN[0])
    page.get_by_label("Role").first.select_option("annotator")
    page.get_by_role("button", name="Add member").click()
    page.get_by_role("cell", name=ANN[0], exact=True).wait_for()
    shoot(page, "13-manage-members")

    page.goto(f"{server.url}/projects/{project_id}/manage/upload")
    clips = sorted((FIXTURES / "speech").glob("*.flac"))[:2]
    page.locator("input[type=file]").set_input_files([str(p) for p in clips])
    for clip in clips:
        page.locator(".upload-row, li, tr", has_text=clip.name).filter(
            has_text=re.compile("created|added|uploaded", re.I)
        ).first.wait_for(timeout=30_000)
    shoot(page, "14-manage-upload")

    page.goto(f"{server.url}/projects/{project_id}/manage/assign")
    page.get_by_label(ANN[0], exact=True).check()
    page.get_by_label("Per annotator").fill("2")
    page.get_by_role("button", name="Assign", exact=True).click()
    page.get_by_text(re.compile(r"2 assignments?|ann.*2")).first.wait_for()
    shoot(page, "15-manage-assign")
    return project_id


def _drag(page: Any, box: dict[str, float], x0: float, x1: float) -> None:
    y = box["y"] + box["height"] * 0.6
    page.mouse.move(box["x"] + box["width"] * x0, y)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(box["x"] + box["width"] * (x0 + (x1 - x0) * step / 8), y)
    page.mouse.up()


def _seek_by_click(page: Any, box: dict[str, float], x: float) -> None:
    """Clicks the waveform at fraction `x` until the clock has moved there (a click that
    lands while the page is still settling after a drag can be taken for the drag's end)."""
    clock = page.get_by_test_id("current-time")
    before = clock.inner_text()
    for _ in range(5):
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + 5)
        try:
            page.wait_for_function(
                "([el, text]) => el.textContent !== text",
                arg=[clock.element_handle(), before],
                timeout=2000,
            )
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("clicking the waveform did not move the cursor")


def _saved(page: Any, timeout: float = 15_000) -> None:
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=timeout)


def test_admin_sets_up_annotator_annotates_and_nothing_is_lost(
    server: Server, new_page: Any
) -> None:
    admin = new_page()
    project_id = _admin_sets_up(admin, server)

    page = new_page()
    login(page, server, *ANN)
    shoot(page, "20-annotator-projects")
    page.locator("article.project", has_text="Interviews").get_by_role(
        "button", name="Start annotating"
    ).click()
    page.wait_for_url(re.compile(r".*/datapoints/\d+$"))
    datapoint_id = int(page.url.rsplit("/", 1)[1])
    waveform = page.get_by_test_id("waveform")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    box = waveform.bounding_box()
    rows = page.get_by_test_id("segment-row")

    # Three segments by mouse, each labelled by hotkey as soon as it is drawn.
    for i, (x0, x1, keys) in enumerate([(0.05, 0.2, "13"), (0.3, 0.45, "24"), (0.55, 0.7, "14")]):
        _drag(page, box, x0, x1)
        rows.nth(i).wait_for()
        for key in keys:
            page.keyboard.press(key)
    # And one by keyboard at the cursor: seek near the end, N, then its labels.
    _seek_by_click(page, box, 0.8)
    page.keyboard.press("n")
    rows.nth(3).wait_for()
    page.keyboard.press("2")
    page.keyboard.press("3")
    assert rows.count() == 4

    rows.nth(1).click()
    page.get_by_label("Transcript").fill(ARABIC)
    _saved(page)
    shoot(page, "21-annotate")

    page.reload()
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    rows.nth(3).wait_for()  # segments arrive on their own request, after the first drawing
    assert rows.count() == 4
    assert "bob" in rows.nth(1).inner_text()
    rows.nth(1).click()
    assert page.get_by_label("Transcript").input_value() == ARABIC

    # The server goes away: the edit waits on this device, then arrives when it is back.
    server.stop()
    rows.nth(2).click()
    page.get_by_label("Transcript").fill("said while the server was down")
    state = page.get_by_test_id("save-state")
    page.locator('[data-testid=save-state][data-status="offline"]').wait_for(timeout=20_000)
    assert "pending" in state.inner_text()
    shoot(page, "22-annotate-offline")
    server.start()
    _saved(page, timeout=30_000)

    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "23-annotate-phone")
    assert page.js_errors == []

    with server.api() as api:
        segs = api.get(f"/api/datapoints/{datapoint_id}/segments").json()
        labels = {lab["name"]: lab for lab in api.get(f"/api/projects/{project_id}/labels").json()}
        export = api.get(f"/api/projects/{project_id}/export", params={"format": "audino"})
    assert export.status_code == 200
    assert len(segs) == 4
    texts = {s["transcript"] for s in segs}
    assert ARABIC in texts and "said while the server was down" in texts
    value_ids = {v["id"]: v["value"] for lab in labels.values() for v in lab["values"]}
    speaker = str(labels["speaker"]["id"])
    spoken = sorted(value_ids[s["values"][speaker]] for s in segs)
    assert spoken == ["alice", "alice", "bob", "bob"]

    dumped = json.loads(export.content)
    exported = [seg for item in dumped["datapoints"] for seg in item.get("segments", [])]
    assert len(exported) == 4
    assert ARABIC in json.dumps(dumped, ensure_ascii=False)
    assert "said while the server was down" in json.dumps(dumped)
