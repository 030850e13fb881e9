"""The active-learning queue in the browser: a manager orders the queue by model uncertainty and
starts a round of three; the annotator lands on the least confident item, skips it, submits
the next two while the round's progress bar advances, and the skipped item comes back last."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from audino.config import Settings
from audino.db.engine import Database
from audino.db.models import Datapoint
from audino.services import predictions
from tests.api.test_predictions import Guess
from tests.conftest import SPEECH
from tests.web.conftest import Server, annotated_project, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
READY = '[data-testid=waveform][data-ready="true"]'
# Each file's weakest prediction: the round takes de (0.2), en_us (0.4), en_gb (0.6).
CONFIDENCE = {"ar_1.flac": 0.9, "de_1.flac": 0.2, "en_gb_1.flac": 0.6, "en_us_1.flac": 0.4}


def predict(server: Server, ids: dict[str, int]) -> None:
    """Writes a model's guesses as a model run would (the server shares the database)."""
    database = Database(Settings(data_dir=server.data_dir))
    try:
        with database.session() as db:
            for name, confidence in CONFIDENCE.items():
                dp = db.get(Datapoint, ids[name])
                assert dp is not None
                guesses = [Guess(0.2, 0.8, confidence), Guess(1.0, 1.5, 0.99)]
                predictions.write_predictions(db, dp, "vad-test", "1", guesses)
    finally:
        database.dispose()


def test_round_skip_and_progress(server: Server, new_page: Any) -> None:
    with server.api() as api:
        pid = annotated_project(api, "Rounds", ANN)
        ids = {name: upload_ready(api, pid, SPEECH / name, assign_to=ANN[0]) for name in CONFIDENCE}
    predict(server, ids)
    first, second, third = ids["de_1.flac"], ids["en_us_1.flac"], ids["en_gb_1.flac"]

    # The manager orders the queue by uncertainty and starts a round of three.
    admin = new_page(1366, 900)
    login(admin, server, "admin", "admin-password-1")
    admin.goto(f"{server.url}/projects/{pid}/manage")
    admin.get_by_role("combobox", name="Queue order").select_option("uncertainty")
    admin.get_by_role("button", name="Save changes").click()
    expect(admin.get_by_text("Saved.")).to_be_visible()
    rounds = admin.get_by_role("region", name="Rounds")
    rounds.get_by_label("Items in the round").fill("3")
    rounds.get_by_role("button", name="Start round of 3").click()
    expect(rounds.get_by_test_id("current-round")).to_contain_text("0 of 3 submitted")
    expect(rounds.get_by_role("row", name=re.compile("^ann "))).to_contain_text("0 of 3")
    shoot(admin, "rounds-01-settings")

    # The annotator's queue starts with the least confident item.
    page = new_page(1366, 900)
    login(page, server, *ANN)
    page.goto(f"{server.url}/projects/{pid}")
    page.get_by_role("button", name="Start annotating").click()
    expect(page).to_have_url(f"{server.url}/datapoints/{first}")
    page.locator(READY).wait_for(timeout=30_000)
    bar = page.get_by_test_id("round-bar")
    expect(bar.get_by_test_id("round-count")).to_have_text("0 of 3 submitted")
    skip = bar.get_by_role("button", name="Skip")
    expect(skip).to_have_attribute(
        "title", "Skip without submitting: it comes back at the end of the round (Shift+S)"
    )
    shoot(page, "rounds-02-least-confident")

    # Skip (Shift+S, or the button): on to the next without submitting.
    page.locator("body").press("Shift+S")
    expect(page).to_have_url(f"{server.url}/datapoints/{second}")
    page.locator(READY).wait_for(timeout=30_000)
    expect(bar).to_contain_text("1 skipped")
    page.get_by_role("button", name="Complete").click()
    expect(page).to_have_url(f"{server.url}/datapoints/{third}")
    expect(bar.get_by_test_id("round-count")).to_have_text("1 of 3 submitted")
    page.locator(READY).wait_for(timeout=30_000)
    shoot(page, "rounds-03-progress")

    # The skipped item comes back at the end of the round; after it, the rest of her work.
    page.get_by_role("button", name="Complete").click()
    expect(page).to_have_url(f"{server.url}/datapoints/{first}")
    expect(bar.get_by_test_id("round-count")).to_have_text("2 of 3 submitted")
    expect(bar.get_by_role("button", name="Skip")).to_be_visible()
    page.locator(READY).wait_for(timeout=30_000)
    page.get_by_role("button", name="Complete").click()
    expect(page).to_have_url(f"{server.url}/datapoints/{ids['ar_1.flac']}")
    expect(bar.get_by_test_id("round-count")).to_have_text("3 of 3 submitted")
    shoot(page, "rounds-04-round-submitted")
    assert page.js_errors == []
    assert admin.js_errors == []

    admin.reload()
    expect(rounds.get_by_test_id("current-round")).to_contain_text("3 of 3 submitted")
    export = rounds.get_by_role("link", name="Export accepted corrections as the next training set")
    expect(export).to_have_attribute(
        "href", f"/api/projects/{pid}/export?format=audino&status=done&predictions=exclude"
    )
    rounds.get_by_role("button", name="Close round").click()
    expect(rounds.get_by_role("button", name="Start round of 20")).to_be_visible()
