"""The dataset map in the browser: a manager computes features and map with one button, a
lasso drawn with the mouse around the low tones shows exactly those in the grid, a click on a
point plays it, the noise burst labelled "tone" is worth a second look, and a bulk label set
on a lasso's items shows on the map."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx2 as httpx
from playwright.sync_api import expect

from tests.map.test_dataset_map_api import low_tone, noise_burst
from tests.web.conftest import Server, annotated_project, login, shoot

ANN = ("ann", "ann-password-1")
ADMIN = ("admin", "admin-password-1")
TONES, NOISES = 6, 6


def _project(api: httpx.Client) -> tuple[int, dict[str, int]]:
    pid = annotated_project(api, "Sounds", ANN)
    r = api.post(
        f"/api/projects/{pid}/labels",
        json={
            "name": "sound",
            "kind": "single",
            "scope": "datapoint",
            "values": [{"value": "tone"}, {"value": "noise"}],
        },
    )
    r.raise_for_status()
    ids: dict[str, int] = {}
    clips = [(f"tone_{i}.wav", low_tone(i)) for i in range(TONES)]
    clips += [(f"noise_{i}.wav", noise_burst(i)) for i in range(NOISES)]
    for name, audio in clips:
        r = api.post(
            f"/api/projects/{pid}/datapoints",
            files={"file": (name, audio)},
            data={"assign_to": ANN[0], "metadata": json.dumps({"take": len(ids)})},
        )
        r.raise_for_status()
        ids[name] = int(r.json()["datapoint"]["id"])
    deadline = time.monotonic() + 120
    for dp in ids.values():
        while api.get(f"/api/datapoints/{dp}").json()["ingest_status"] == "processing":
            assert time.monotonic() < deadline, "still processing"
            time.sleep(0.1)
    odd = f"noise_{NOISES - 1}.wav"
    for value, names in (
        ("tone", [n for n in ids if n.startswith("tone")] + [odd]),
        ("noise", [n for n in ids if n.startswith("noise") and n != odd]),
    ):
        r = api.post(
            f"/api/projects/{pid}/selection/label",
            json={
                "datapoint_ids": [ids[n] for n in names],
                "label": "sound",
                "value": value,
                "user": ANN[0],
            },
        )
        r.raise_for_status()
    return pid, ids


def _to_screen(page: Any, points: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """Page coordinates of map points, from the plot area the map reports."""
    lasso = page.get_by_test_id("map-lasso")
    box = lasso.bounding_box()
    left, top, right, bottom = map(float, lasso.get_attribute("data-area").split(","))
    reach = float(lasso.get_attribute("data-reach"))
    out = []
    for p in points:
        x = left + (p["x"] + reach) / (2 * reach) * (right - left)
        y = bottom - (p["y"] + reach) / (2 * reach) * (bottom - top)
        out.append((box["x"] + x, box["y"] + y))
    return out


def _lasso(page: Any, around: list[tuple[float, float]], margin: float = 14) -> None:
    """Draws a lasso with the mouse around these page positions (a box with a margin)."""
    xs, ys = [x for x, _ in around], [y for _, y in around]
    x0, x1, y0, y1 = min(xs) - margin, max(xs) + margin, min(ys) - margin, max(ys) + margin
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    page.mouse.move(*corners[0])
    page.mouse.down()
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
        for step in range(1, 9):
            page.mouse.move(ax + (bx - ax) * step / 8, ay + (by - ay) * step / 8)


def test_lasso_on_the_map_filters_the_grid(server: Server, new_page: Any) -> None:
    with server.api() as api:
        pid, ids = _project(api)
        r = api.get(f"/api/projects/{pid}/map")
        assert r.status_code == 409 and r.json()["code"] == "features_not_computed"

    page = new_page(1366, 900)
    login(page, server, *ADMIN)
    page.locator("article.project", has_text="Sounds").get_by_role("link", name="Data").click()
    page.get_by_role("link", name="Dataset map").click()
    expect(page).to_have_url(f"{server.url}/projects/{pid}/map")
    expect(page.get_by_role("heading", name="No map yet")).to_be_visible()
    expect(page.get_by_text("compute the features first")).to_be_visible()
    shoot(page, "map-01-no-map-yet")

    page.get_by_role("button", name="Compute features and map").click()
    chart = page.get_by_role("img", name=f"Dataset map of {TONES + NOISES} items")
    expect(chart).to_be_visible(timeout=120_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert page.get_by_label("Colour by").locator("option:checked").inner_text() == "sound"
    legend = page.get_by_label("Legend")
    expect(legend.get_by_role("listitem")).to_have_count(2)
    expect(legend).to_contain_text("tone")
    expect(legend).to_contain_text("7")

    # The noise burst labelled "tone" is worth a second look.
    odd = f"noise_{NOISES - 1}.wav"
    outliers = page.get_by_test_id("map-outlier")
    expect(outliers).to_have_count(1)
    expect(outliers.first).to_contain_text(odd)
    expect(outliers.first).to_contain_text("Far from the other “tone” items")
    expect(outliers.first).to_contain_text("closer to the “noise” items")
    shoot(page, "map-02-coloured-by-label")

    with server.api() as api:
        points = api.get(f"/api/projects/{pid}/map").json()["points"]
    tones = [p for p in points if p["name"].startswith("tone")]
    noises = [p for p in points if p["name"].startswith("noise")]

    # Hovering a point names it; clicking it plays it through the one shared player.
    first = _to_screen(page, tones[:1])[0]
    page.mouse.move(*first)
    expect(page.get_by_role("tooltip")).to_contain_text(tones[0]["name"])
    page.mouse.click(*first)
    playing = page.get_by_text(f"Playing {tones[0]['name']}")
    expect(playing).to_be_visible()
    # The one-second clip played to its end.
    played = page.locator(f".map-main[data-finished='{ids[tones[0]['name']]}']")
    expect(played).to_have_count(1, timeout=15_000)
    expect(playing).to_have_count(0)

    # A lasso around the tones picks exactly them, and the grid shows exactly them.
    _lasso(page, _to_screen(page, tones))
    shoot(page, "map-03-drawing-a-lasso")
    page.mouse.up()
    expect(page.get_by_text(f"{TONES} items picked")).to_be_visible()
    shoot(page, "map-04-tones-picked")
    page.get_by_role("button", name="Show in grid").click()
    expected = sorted(ids[p["name"]] for p in tones)
    expect(page).to_have_url(
        f"{server.url}/projects/{pid}?tab=all&view=grid&ids={','.join(map(str, expected))}"
    )
    cards = page.get_by_test_id("grid-card")
    expect(cards).to_have_count(TONES)
    for i in range(TONES):
        expect(page.get_by_role("link", name=f"tone_{i}.wav")).to_be_visible()
    expect(page.get_by_test_id("picked-filter")).to_contain_text(f"{TONES} items picked")
    shoot(page, "map-05-grid-of-the-picked")

    # Back on the map: label the noise cluster "noise" as ann's label; the outlier is gone.
    page.go_back()
    expect(chart).to_be_visible()
    _lasso(page, _to_screen(page, noises))
    page.mouse.up()
    expect(page.get_by_text(f"{NOISES} items picked")).to_be_visible()
    actions = page.get_by_role("group", name="Change the selected items")
    actions.get_by_label("Label to set").select_option(label="sound")
    actions.get_by_label("Value to set").select_option(label="noise")
    actions.get_by_label("As whose label").select_option(label="ann")
    actions.get_by_role("button", name=f"Set on {NOISES}").click()
    expect(page.get_by_text("1 item got “sound” as ann's label")).to_be_visible()
    expect(outliers).to_have_count(0)
    expect(page.get_by_text("No item lies unusually far")).to_be_visible()
    expect(legend).to_contain_text("noise")
    shoot(page, "map-06-after-bulk-label")

    # Coloured by a metadata field: one category per take.
    page.get_by_label("Colour by").select_option(label="take")
    expect(legend.get_by_role("listitem")).to_have_count(TONES + NOISES)
    assert page.js_errors == []
