"""The feature explorer: a manager computes an item's features from the page, switches between
features (each explained), reads a value under the shared cursor, compares a second item
side by side and downloads the values as CSV."""

from __future__ import annotations

import csv
import re
from typing import Any

from playwright.sync_api import expect

from tests.s3server import tone_wav
from tests.web.conftest import Server, login, shoot

ADMIN = ("admin", "admin-password-1")


def test_explore_compare_and_download(server: Server, new_page: Any) -> None:
    with server.api() as api:
        pid = int(api.post("/api/projects", json={"name": "Tones"}).json()["id"])
        ids = []
        # 440 Hz and 1 kHz tones of one second (tone_wav plays 200 + index Hz).
        for name, index in (("a440.wav", 240), ("c1000.wav", 800)):
            r = api.post(
                f"/api/projects/{pid}/datapoints",
                files={"file": (name, tone_wav(index, seconds=1.0, rate=16000))},
            )
            r.raise_for_status()
            ids.append(int(r.json()["datapoint"]["id"]))
        for dp in ids:
            while api.get(f"/api/datapoints/{dp}").json()["ingest_status"] == "processing":
                pass
    a440, c1000 = ids

    page = new_page(1366, 1000)
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{pid}?view=grid")
    page.get_by_test_id("grid-card").filter(has_text="a440.wav").get_by_role(
        "link", name="Features"
    ).click()
    expect(page).to_have_url(f"{server.url}/datapoints/{a440}/features")
    page.get_by_role("button", name="Compute features").click()
    # The job runs; the page reads the features when it is done.
    features = page.get_by_role("navigation", name="Features")
    expect(features.get_by_role("button", name="Mel spectrogram")).to_be_visible(timeout=60_000)
    panel = page.get_by_test_id("feature-panel")
    expect(panel).to_have_count(1)
    expect(page.get_by_test_id("feature-canvas")).to_have_attribute(
        "data-frames", re.compile(r"^\d+$")
    )
    shoot(page, "explorer-01-mel")

    features.get_by_role("button", name="Spectral centroid").click()
    expect(page).to_have_url(re.compile(r"f=spectral_centroid"))
    about = page.get_by_test_id("feature-about")
    expect(about.get_by_role("heading")).to_have_text("Spectral centroid")
    expect(about.get_by_role("link", name="Read more")).to_have_attribute(
        "href", re.compile(r"^https://")
    )

    # Compare with the 1 kHz tone: it is not computed yet, so compute it the same way.
    page.get_by_label("Find an item to compare").fill("c1000")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("list", name="Items to compare").get_by_role(
        "button", name="c1000.wav"
    ).click()
    expect(page).to_have_url(re.compile(rf"with={c1000}"))
    expect(panel).to_have_count(2)
    with server.api() as api:
        r = api.post(f"/api/projects/{pid}/features", json={"datapoint_ids": [c1000]})
        assert r.status_code == 202, r.text
        job = r.json()["id"]
        while api.get(f"/api/jobs/{job}").json()["status"] in ("queued", "running"):
            pass
        assert api.get(f"/api/jobs/{job}").json()["status"] == "done"
    page.reload()
    expect(page.get_by_test_id("feature-canvas")).to_have_count(2, timeout=30_000)

    # The shared cursor: pointing at the middle of the first item marks both, and each
    # readout gives its own centroid there (a tone's centroid is its pitch).
    axis = page.get_by_test_id("feature-axis").first
    box = axis.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_test_id("feature-cursor")).to_have_count(2)
    readouts = page.get_by_test_id("feature-readout")
    expect(readouts.first).to_contain_text("at 0.50 s")
    expect(readouts.nth(1)).to_contain_text("at 0.50 s")
    first = float(re.sub(r"[^\d.]", "", readouts.first.locator("strong").inner_text()))
    second = float(re.sub(r"[^\d.]", "", readouts.nth(1).locator("strong").inner_text()))
    assert 400 < first < 480, first
    assert 950 < second < 1050, second
    shoot(page, "explorer-02-compare")

    # Download the first item's centroid as CSV: a header, then one line per frame.
    with page.expect_download() as info:
        panel.first.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename == f"datapoint-{a440}-spectral_centroid.csv"
    with open(download.path(), newline="") as f:
        rows = list(csv.reader(f))
    frames = int(page.get_by_test_id("feature-canvas").first.get_attribute("data-frames") or 0)
    assert rows[0][0] == "time" and len(rows) == frames + 1
    centre = [float(r[1]) for r in rows[1:] if 0.3 < float(r[0]) < 0.7]
    assert centre and all(400 < v < 480 for v in centre)
    assert page.js_errors == []
