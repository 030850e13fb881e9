"""The Labels tab: deleting a value that segments use, hotkeys that clash with editor keys,
and form messages that go once the problem is fixed."""

from __future__ import annotations

from typing import Any

from tests.conftest import SPEECH
from tests.web.conftest import ADMIN, Server, login, shoot


def _project(server: Server) -> dict[str, Any]:
    """Speaker A on two segments of one recording, B on none."""
    with server.api() as api:
        pid = int(api.post("/api/projects", json={"name": "Voices"}).json()["id"])
        label = api.post(
            f"/api/projects/{pid}/labels",
            json={
                "name": "speaker",
                "kind": "single",
                "values": [{"value": "A", "color": "#d33"}, {"value": "B", "hotkey": "2"}],
            },
        ).json()
        a, b = (v["id"] for v in label["values"])
        clip = sorted(SPEECH.glob("*.flac"))[0]
        r = api.post(
            f"/api/projects/{pid}/datapoints", files={"file": (clip.name, clip.read_bytes())}
        )
        r.raise_for_status()
        dp = r.json()["datapoint"]["id"]
        for start in (0.2, 0.9):
            body = {"start": start, "end": start + 0.5, "values": {str(label["id"]): a}}
            api.post(f"/api/datapoints/{dp}/segments", json=body).raise_for_status()
    return {"pid": pid, "dp": dp, "label": label["id"], "a": a, "b": b}


def test_deleting_a_used_value_moves_its_segments_to_another(server: Server, new_page: Any) -> None:
    p = _project(server)
    page = new_page()
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{p['pid']}/manage/labels")
    page.get_by_role("button", name="Delete “A”").click()
    dialog = page.get_by_role("dialog", name="Delete “A”?")
    dialog.get_by_text("“A” is used by 2 segments on 1 datapoint.").wait_for()
    assert dialog.get_by_label("Move them to").first.is_checked()
    assert dialog.get_by_role("combobox", name="Move them to").input_value() == str(p["b"])
    shoot(page, "labels-delete-in-use")
    dialog.get_by_role("button", name="Move to “B” and delete").click()
    dialog.wait_for(state="detached")
    values = page.get_by_role("list", name="Choices of speaker")
    values.get_by_text("B", exact=True).wait_for()
    assert values.get_by_text("A", exact=True).count() == 0

    # The editor shows B on both segments: no raw id, no empty cell.
    page.goto(f"{server.url}/datapoints/{p['dp']}")
    rows = page.get_by_test_id("segment-row")
    rows.nth(1).wait_for()
    cells = [rows.nth(i).locator(".labels-cell").inner_text().strip() for i in range(2)]
    assert all("B" in c and "A" not in c and str(p["a"]) not in c for c in cells), cells
    with server.api() as api:
        stored = api.get(f"/api/datapoints/{p['dp']}/segments").json()
    assert [s["values"] for s in stored] == [{str(p["label"]): p["b"]}] * 2
    assert page.js_errors == []


def test_an_unused_value_and_the_whole_label_say_what_deleting_does(
    server: Server, new_page: Any
) -> None:
    p = _project(server)
    page = new_page()
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{p['pid']}/manage/labels")
    page.get_by_role("button", name="Delete “B”").click()
    dialog = page.get_by_role("dialog", name="Delete “B”?")
    dialog.get_by_text("No annotation uses “B”").wait_for()
    dialog.get_by_role("button", name="Delete value").click()
    dialog.wait_for(state="detached")

    page.get_by_role("button", name="Delete speaker").click()
    dialog = page.get_by_role("dialog", name="Delete “speaker”?")
    dialog.get_by_text("“speaker” is used by 2 segments on 1 datapoint.").wait_for()
    assert dialog.get_by_role("button", name="Clear and delete").is_enabled()
    shoot(page, "labels-delete-label")
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached")
    assert page.locator(".label-card", has_text="speaker").count() == 1
    assert page.js_errors == []


def test_a_hotkey_that_clashes_with_an_editor_key_is_flagged_as_you_type(
    server: Server, new_page: Any
) -> None:
    p = _project(server)
    page = new_page()
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{p['pid']}/manage/labels")
    page.get_by_role("button", name="Edit “A”").click()
    form = page.get_by_role("form", name="Edit “A”")
    hotkey = form.get_by_label("Hotkey", exact=True)
    hotkey.fill("s")
    warning = form.get_by_role("status")
    warning.get_by_text("already the editor’s key for “Split the selected segment").wait_for()
    # A coloured swatch offers to remove the colour; it does not say "No colour".
    assert form.get_by_role("button", name="Remove the colour").is_visible()
    assert form.get_by_text("No colour").count() == 0
    shoot(page, "labels-hotkey-clash")
    hotkey.fill("7")
    warning.get_by_text("already the editor’s key").wait_for(state="detached")

    # A server error goes once the field is changed, not on the next save.
    hotkey.fill("2")  # B's hotkey
    form.get_by_role("button", name="Save").click()
    error = form.get_by_role("alert")
    error.get_by_text("“2” is already the hotkey of “B” in “speaker”.").wait_for()
    shoot(page, "labels-hotkey-taken")
    hotkey.fill("s")
    error.wait_for(state="detached")
    form.get_by_role("button", name="Save").click()
    form.wait_for(state="detached")
    # Saved anyway: the row keeps saying what the key shadows.
    row = page.get_by_role("list", name="Choices of speaker").locator("li", has_text="A")
    row.get_by_text("also the editor’s key for Split").wait_for()
    shoot(page, "labels-hotkey-saved-clash")
    assert page.js_errors == []
