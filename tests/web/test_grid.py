"""The grid of cards beside the data list: bulk-label ten cards, filter by that label, play a
card through the shared player, edit a card's metadata and filter by it, mark for review."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2 as httpx
from playwright.sync_api import expect

from tests.s3server import tone_wav
from tests.web.conftest import Server, annotated_project, login, shoot

ANN = ("ann", "ann-password-1")
ADMIN = ("admin", "admin-password-1")


def _clips(api: httpx.Client, pid: int, folder: Path, n: int) -> dict[str, int]:
    ids = {}
    for i in range(n):
        name = f"clip_{i:02d}.wav"
        meta = {"speaker": "s1" if i % 2 else "s2", "take": i}
        r = api.post(
            f"/api/projects/{pid}/datapoints",
            files={"file": (name, tone_wav(i, seconds=0.4, rate=16000))},
            data={"assign_to": ANN[0] if i < n - 1 else "", "metadata": json.dumps(meta)},
        )
        r.raise_for_status()
        ids[name] = int(r.json()["datapoint"]["id"])
    for dp in ids.values():
        while api.get(f"/api/datapoints/{dp}").json()["ingest_status"] == "processing":
            pass
    return ids


def test_grid_bulk_label_filter_play_and_edit(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    with server.api() as api:
        pid = annotated_project(api, "Keywords", ANN)
        r = api.post(
            f"/api/projects/{pid}/labels",
            json={
                "name": "word",
                "kind": "single",
                "scope": "datapoint",
                "values": [{"value": "yes"}, {"value": "no"}],
            },
        )
        r.raise_for_status()
        label = r.json()
        ids = _clips(api, pid, tmp_path, 12)

    page = new_page(1366, 900)
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{pid}?tab=all")
    page.get_by_role("group", name="View").get_by_role("button", name="Grid").click()
    cards = page.get_by_test_id("grid-card")
    expect(cards).to_have_count(12)
    expect(page.locator(".grid-thumb img").first).to_be_visible()
    shoot(page, "grid-01-cards")

    # Ten cards chosen one by one, labelled "yes" as ann's label.
    for i in range(10):
        page.get_by_role("checkbox", name=f"Select clip_{i:02d}.wav").check()
    actions = page.get_by_role("group", name="Change the selected items")
    actions.get_by_label("Label to set").select_option(label="word")
    actions.get_by_label("Value to set").select_option(label="yes")
    actions.get_by_label("As whose label").select_option(label="ann")
    actions.get_by_role("button", name="Set on 10").click()
    expect(page.get_by_text("10 items got “word” as ann's label.")).to_be_visible()
    yes = next(v["id"] for v in label["values"] if v["value"] == "yes")
    with server.api(*ANN) as api:
        for i in range(11):
            values = api.get(f"/api/datapoints/{ids[f'clip_{i:02d}.wav']}/values").json()
            assert values["values"] == ({str(label["id"]): yes} if i < 10 else {}), i

    # Filter by the label: the ten, each showing its chip.
    page.get_by_label("Filter by label").select_option(label="word")
    page.get_by_label("Label value").select_option(label="yes")
    expect(cards).to_have_count(10)
    expect(page.locator(".grid-chips .chip", has_text="yes")).to_have_count(10)
    page.get_by_label("Label value").select_option(label="not set yet")
    expect(cards).to_have_count(2)
    expect(page).to_have_url(f"{server.url}/projects/{pid}?tab=all&view=grid&label=word&value=none")
    page.get_by_role("button", name="Clear filters").click()
    expect(cards).to_have_count(12)
    # Whose work: the last clip is nobody's yet.
    page.get_by_label("Filter by annotator").select_option(label="ann")
    expect(cards).to_have_count(11)
    expect(page.get_by_role("link", name="clip_11.wav")).to_have_count(0)
    page.get_by_role("button", name="Clear filters").click()
    expect(cards).to_have_count(12)

    # Play a card: one shared player; it plays to the end and the button comes back.
    play = page.get_by_role("button", name="Play clip_03.wav")
    play.click()
    thumb = page.locator(".grid-thumb[data-finished='true']")
    expect(thumb).to_have_count(1, timeout=10_000)
    expect(page.get_by_role("button", name="Play clip_03.wav")).to_have_attribute(
        "data-finished", "true"
    )

    # Edit a card's metadata: a changed value, a new field; the number stays a number.
    card = cards.filter(has=page.get_by_role("link", name="clip_03.wav"))
    card.get_by_role("button", name="Edit metadata").click()
    card.get_by_label("Value of speaker").fill("s9")
    card.get_by_label("Field name").last.fill("mic")
    card.get_by_label("Value of mic").fill("usb")
    shoot(page, "grid-02-edit-metadata")
    card.get_by_role("button", name="Save").click()
    expect(card.get_by_role("definition").filter(has_text="s9")).to_be_visible()
    with server.api() as api:
        meta = api.get(f"/api/datapoints/{ids['clip_03.wav']}").json()["metadata"]
    assert meta == {"speaker": "s9", "take": 3, "mic": "usb"}

    page.get_by_label("Metadata field").fill("speaker")
    page.get_by_label("Metadata value").fill("s9")
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("clip_03.wav")

    # Mark the filtered selection for review.
    page.get_by_role("checkbox", name="Select all on this page").check()
    actions.get_by_role("button", name="Mark for review").click()
    expect(page.get_by_text("1 item marked for review.")).to_be_visible()
    expect(cards.first.get_by_text("marked for review", exact=False)).to_be_visible()
    shoot(page, "grid-03-filtered")
    with server.api() as api:
        listed = api.get(f"/api/projects/{pid}/datapoints", params={"review": True}).json()
    assert [d["original_name"] for d in listed["items"]] == ["clip_03.wav"]
    assert page.js_errors == []
