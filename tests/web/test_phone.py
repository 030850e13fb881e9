"""On a 390 px touch screen: make a segment with a tap, adjust it, and it is saved."""

from __future__ import annotations

from typing import Any

from tests.conftest import FIXTURES
from tests.web.conftest import Server, login, shoot

ANN = ("ann", "ann-password-1")


def test_a_phone_user_creates_and_adjusts_a_segment_by_touch(server: Server, new_page: Any) -> None:
    with server.api() as api:
        api.post("/api/users", json={"username": ANN[0], "password": ANN[1]}).raise_for_status()
        pid = api.post("/api/projects", json={"name": "Field notes"}).json()["id"]
        api.post(
            f"/api/projects/{pid}/members", json={"username": ANN[0], "role": "annotator"}
        ).raise_for_status()
        clip = sorted((FIXTURES / "speech").glob("*.flac"))[2]
        r = api.post(
            f"/api/projects/{pid}/datapoints",
            files={"file": (clip.name, clip.read_bytes())},
            data={"assign_to": ANN[0]},
        )
        dp = r.json()["datapoint"]["id"]

    page = new_page(390, 844, has_touch=True, is_mobile=True)
    login(page, server, *ANN)
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    page.get_by_role("button", name="+ Segment").tap()
    rows = page.get_by_test_id("segment-row")
    rows.first.wait_for()
    end = page.get_by_label("End time in seconds")
    end.fill("2.5")
    end.press("Enter")
    page.get_by_label("Transcript").fill("tapped on a phone")
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)
    shoot(page, "24-annotate-phone-touch")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"

    with server.api(*ANN) as ann:
        segs = ann.get(f"/api/datapoints/{dp}/segments").json()
    assert len(segs) == 1
    assert segs[0]["end"] == 2.5 and segs[0]["transcript"] == "tapped on a phone"
    assert page.js_errors == []
