"""Guidelines in the browser: a manager writes them in Markdown in the project settings
(with a preview); an annotator sees them by themselves on her first open of the editor,
rendered and with nothing a script could run, not again on the next item or after a
reload, on demand from the Guidelines button, and again once the manager changes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.conftest import FORMATS
from tests.web.conftest import Server, annotated_project, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
READY = '[data-testid=waveform][data-ready="true"]'
TEXT = """## What to mark

- every stretch of **speech**, also short ones
- not: coughs, music

See [the manual](https://example.org/manual).

<img src="x" onerror="window.hacked = true"><script>window.hacked = true</script>
"""


def test_guidelines_written_by_a_manager_shown_to_an_annotator(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    with server.api() as api:
        pid = annotated_project(api, "Calls", ANN)
        first = upload_ready(api, pid, FORMATS / "pcm16_mono_16k.wav", assign_to=ANN[0])
        second = upload_ready(api, pid, FORMATS / "flac_mono_16k.flac", assign_to=ANN[0])
        # Guidelines too long or not text are refused in words.
        bad = api.patch(f"/api/projects/{pid}", json={"settings": {"guidelines": ["x"]}})
        assert bad.status_code == 400 and "Markdown text" in bad.json()["detail"]
        bad = api.patch(f"/api/projects/{pid}", json={"settings": {"guidelines": "x" * 100_001}})
        assert bad.status_code == 400 and "100,000 characters" in bad.json()["detail"]

    admin = new_page(1366, 900)
    login(admin, server, "admin", "admin-password-1")
    admin.goto(f"{server.url}/projects/{pid}/manage?tab=settings")
    editor = admin.get_by_role("group", name="Guidelines")
    editor.get_by_label("Guidelines (Markdown)").fill(TEXT)
    editor.get_by_role("button", name="Preview").click()
    preview = admin.get_by_test_id("guidelines-preview")
    expect(preview.get_by_role("heading", name="What to mark")).to_be_visible()
    shoot(admin, "guidelines-01-settings-preview")
    admin.get_by_role("button", name="Save changes").click()
    expect(admin.get_by_text("Saved.")).to_be_visible()

    page = new_page(1366, 900)
    login(page, server, *ANN)
    page.goto(f"{server.url}/datapoints/{first}")
    dialog = page.get_by_role("dialog", name="Guidelines")
    expect(dialog).to_be_visible()
    text = page.get_by_test_id("guidelines-text")
    expect(text.get_by_role("heading", name="What to mark")).to_be_visible()
    expect(text.locator("li")).to_have_text(
        ["every stretch of speech, also short ones", "not: coughs, music"]
    )
    expect(text.locator("strong")).to_have_text("speech")
    link = text.get_by_role("link", name="the manual")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    assert text.locator("script").count() == 0
    assert text.locator("img").get_attribute("onerror") is None
    assert page.evaluate("() => window.hacked") is None
    shoot(page, "guidelines-02-first-open")
    # Keys do not reach the editor while they are open; Escape closes them.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.locator(READY).wait_for(timeout=30_000)

    # Not again: not on the next item, not after a reload; on demand from the header.
    page.goto(f"{server.url}/datapoints/{second}")
    page.locator(READY).wait_for(timeout=30_000)
    page.reload()
    page.locator(READY).wait_for(timeout=30_000)
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Guidelines").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Got it").click()
    expect(dialog).to_be_hidden()

    # The manager changes them: shown again by themselves on the next open.
    with server.api() as api:
        settings = api.get(f"/api/projects/{pid}").json()["settings"]
        settings["guidelines"] = TEXT + "\n- also: laughter is speech\n"
        api.patch(f"/api/projects/{pid}", json={"settings": settings}).raise_for_status()
    page.goto(f"{server.url}/datapoints/{first}")
    expect(dialog).to_be_visible()
    expect(text.locator("li")).to_have_count(3)

    # At phone width the dialog fits the screen.
    phone = new_page(390, 800)
    login(phone, server, *ANN)
    phone.goto(f"{server.url}/datapoints/{first}")
    box = phone.get_by_role("dialog", name="Guidelines")
    expect(box).to_be_visible()
    bounds = box.bounding_box()
    assert bounds is not None and bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= 390
    shoot(phone, "guidelines-03-phone")
    assert not page.js_errors and not admin.js_errors and not phone.js_errors
