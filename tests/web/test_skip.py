"""Skip & next in the normal editor (no rounds): the skipped item comes back at the end of
the annotator's queue, by the button or Shift+S, and survives a reload."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.conftest import SPEECH
from tests.web.conftest import Server, annotated_project, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
READY = '[data-testid=waveform][data-ready="true"]'


def test_skip_in_the_normal_queue(server: Server, new_page: Any) -> None:
    with server.api() as api:
        pid = annotated_project(api, "Calls", ANN)
        first, second, third = (
            upload_ready(api, pid, SPEECH / name, assign_to=ANN[0])
            for name in ("ar_1.flac", "de_1.flac", "en_gb_1.flac")
        )

    page = new_page(1366, 900)
    login(page, server, *ANN)
    page.goto(f"{server.url}/projects/{pid}")
    page.get_by_role("button", name="Start annotating").click()
    expect(page).to_have_url(f"{server.url}/datapoints/{first}")
    page.locator(READY).wait_for(timeout=30_000)
    expect(page.get_by_test_id("round-bar")).to_have_count(0)  # no rounds here
    skip = page.get_by_role("button", name="Skip", exact=True)
    expect(skip).to_have_attribute(
        "title", "Skip without submitting: it comes back at the end of your queue (Shift+S)"
    )
    shoot(page, "skip-01-header")
    skip.click()
    expect(page).to_have_url(f"{server.url}/datapoints/{second}")
    page.locator(READY).wait_for(timeout=30_000)
    page.locator("body").press("Shift+S")
    expect(page).to_have_url(f"{server.url}/datapoints/{third}")
    page.locator(READY).wait_for(timeout=30_000)
    # Reloading changes nothing: the skips are stored on the server.
    page.reload()
    page.locator(READY).wait_for(timeout=30_000)
    page.get_by_role("button", name="Complete").click()
    # The item skipped first comes first, then the other.
    expect(page).to_have_url(f"{server.url}/datapoints/{first}")
    page.locator(READY).wait_for(timeout=30_000)
    page.get_by_role("button", name="Complete").click()
    expect(page).to_have_url(f"{server.url}/datapoints/{second}")
    page.locator(READY).wait_for(timeout=30_000)
    # The last one left cannot go anywhere else: it stays, saying so.
    page.get_by_role("button", name="Skip", exact=True).click()
    expect(page.get_by_text("nothing else of yours is left")).to_be_visible()
    expect(page).to_have_url(f"{server.url}/datapoints/{second}")
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("button", name="Skip", exact=True)).to_have_count(0)  # done
    with server.api(*ANN) as api:
        states = {
            d["id"]: d["status"] for d in api.get(f"/api/projects/{pid}/datapoints").json()["items"]
        }
    assert states == {first: "done", second: "done", third: "done"}
    assert page.js_errors == []
