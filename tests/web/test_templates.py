"""Project templates in the browser: an admin makes projects from two built-in templates
(transcription, bioacoustic calls), each opens ready to annotate with the template's labels,
hotkeys and guidelines; a manager saves a project as a template and a new project is made
from it; the template list downloads and imports; at phone width the picker fits."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.conftest import FORMATS
from tests.web.conftest import Server, login, shoot, upload_ready

ADMIN = ("admin", "admin-password-1")
READY = '[data-testid=waveform][data-ready="true"]'


def _labels(server: Server, pid: int) -> list[tuple[Any, ...]]:
    with server.api() as api:
        rows = api.get(f"/api/projects/{pid}/labels").json()
    return [
        (x["name"], x["kind"], x["scope"], x["color"], x["hotkey"])
        + tuple((v["value"], v["color"], v["hotkey"]) for v in x["values"])
        for x in rows
    ]


def _create_from(page: Any, server: Server, template: str, name: str, shot: str = "") -> int:
    page.goto(server.url)
    page.get_by_role("button", name="New project").click()
    form = page.get_by_role("form", name="New project")
    card = form.locator(f'[data-template="{template}"]')
    card.click()
    expect(card).to_have_class(re.compile(r"\bselected\b"))
    form.get_by_label("Name", exact=True).fill(name)
    if shot:
        shoot(page, shot)
    form.get_by_role("button", name=re.compile(r"^Create from")).click()
    page.wait_for_url(re.compile(r"/projects/\d+/manage$"))
    return int(page.url.rsplit("/", 2)[-2])


def _open_editor(page: Any, server: Server, pid: int, heading: str) -> None:
    with server.api() as api:
        # The admin annotates too: a member, with the clip assigned.
        member = {"username": "admin", "role": "manager"}
        api.post(f"/api/projects/{pid}/members", json=member).raise_for_status()
        dp = upload_ready(api, pid, FORMATS / "pcm16_mono_16k.wav", assign_to="admin")
    page.goto(f"{server.url}/datapoints/{dp}")
    # The template's guidelines open by themselves on the first visit.
    dialog = page.get_by_role("dialog", name="Guidelines")
    expect(dialog.get_by_role("heading", name=heading)).to_be_visible()
    dialog.get_by_role("button", name="Got it").click()
    page.locator(READY).wait_for(timeout=30_000)


def test_projects_from_templates_and_a_saved_template(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    page = new_page(1366, 900)
    login(page, server, *ADMIN)

    # Transcription: a datapoint label with coloured, hotkeyed values; the full editor (a
    # segment-by-segment task has no quick mode).
    interviews = _create_from(page, server, "transcription", "Interviews", "templates-01-picker")
    with server.api() as api:
        project = api.get(f"/api/projects/{interviews}").json()
    assert "quick" not in project["settings"]
    assert project["settings"]["validation"]["rules"][0]["kind"] == "transcript_required"
    assert _labels(server, interviews)[0][:5] == (
        "audio quality",
        "single",
        "datapoint",
        None,
        None,
    )
    _open_editor(page, server, interviews, "Transcription")
    quality = page.get_by_label("audio quality")
    expect(quality.locator("option")).to_have_text(["—", "clean (7)", "noisy (8)", "unusable (9)"])
    shoot(page, "templates-02-transcription-editor")
    page.keyboard.press("?")
    overlay = page.get_by_role("dialog", name=re.compile("shortcuts", re.I))
    expect(overlay.get_by_text("audio quality: clean")).to_be_visible()
    page.keyboard.press("Escape")

    # Bioacoustic calls: species on segments, the spectrogram-boxes flag for the editor.
    birds = _create_from(page, server, "bioacoustic-calls", "Dawn chorus")
    with server.api() as api:
        assert api.get(f"/api/projects/{birds}").json()["settings"]["spectrogram_boxes"] is True
    labels = _labels(server, birds)
    assert [x[0] for x in labels] == ["species", "call type"]
    assert labels[0][5] == ("species A", "#30a46c", "1")
    _open_editor(page, server, birds, "Bioacoustic calls")
    page.keyboard.press("?")
    overlay = page.get_by_role("dialog", name=re.compile("shortcuts", re.I))
    expect(overlay.get_by_text("species: species A")).to_be_visible()
    expect(overlay.get_by_text("call type: alarm")).to_be_visible()
    overlay.get_by_text("call type: alarm").scroll_into_view_if_needed()
    shoot(page, "templates-03-bioacoustic-shortcuts")
    page.keyboard.press("Escape")

    # Save the bird project's setup (after an edit) as a template.
    with server.api() as api:
        species = api.get(f"/api/projects/{birds}/labels").json()[0]
        api.post(
            f"/api/projects/{birds}/labels/{species['id']}/values",
            json={"value": "tawny owl", "color": "#8e4ec6", "hotkey": "5"},
        ).raise_for_status()
    page.goto(f"{server.url}/projects/{birds}/manage")
    page.get_by_role("link", name="Template", exact=True).click()
    form = page.get_by_role("form", name="Save as template")
    form.get_by_label("Template name").fill("Our dawn chorus")
    form.get_by_label("What it is for").fill("Birds at the field station")
    form.get_by_label("raven").check()
    form.get_by_role("button", name="Save as template").click()
    expect(form.get_by_text("Saved the template “Our dawn chorus”.")).to_be_visible()
    shoot(page, "templates-04-save-as-template")

    with server.api() as api:
        saved = next(t for t in api.get("/api/templates").json() if not t["builtin"])
    assert saved["exports"] == ["raven"]
    copy = _create_from(page, server, saved["id"], "Dawn chorus 2")
    assert _labels(server, copy) == _labels(server, birds)
    with server.api() as api:
        made = api.get(f"/api/projects/{copy}").json()
        original = api.get(f"/api/projects/{birds}").json()
    assert made["settings"] == original["settings"]
    assert made["counts"]["total"] == 0  # the setup, not the audio

    # The template list: download one, import it under another name, delete it.
    page.goto(f"{server.url}/templates")
    card = page.locator(f'[data-template="{saved["id"]}"]')
    expect(card.get_by_text("tawny owl")).to_be_visible()
    with page.expect_download() as info:
        card.get_by_role("link", name="Download").click()
    doc = json.loads(Path(info.value.path()).read_text())
    assert doc["name"] == "Our dawn chorus"
    doc["name"] = "Imported chorus"
    file = tmp_path / "chorus.json"
    file.write_text(json.dumps(doc))
    page.get_by_label("Template file to import").set_input_files(str(file))
    expect(page.get_by_text("Imported the template “Imported chorus”.")).to_be_visible()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**doc, "name": "Bad", "exports": ["mp3"]}))
    page.get_by_label("Template file to import").set_input_files(str(bad))
    expect(page.get_by_text(re.compile("Unknown format 'mp3'"))).to_be_visible()
    shoot(page, "templates-05-list")
    imported = page.locator("[data-template]").filter(has_text="Imported chorus")
    page.once("dialog", lambda d: d.accept())
    imported.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted the template “Imported chorus”.")).to_be_visible()
    expect(page.locator("[data-template] .danger")).to_have_count(1)
    assert page.locator('[data-template="transcription"] .danger').count() == 0

    # Phone width: the picker's cards fit the screen.
    phone = new_page(390, 844)
    login(phone, server, *ADMIN)
    phone.get_by_role("button", name="New project").click()
    card = phone.locator('[data-template="keyword-spotting"]')
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    shoot(phone, "templates-06-phone-picker")
    phone.goto(f"{server.url}/templates")
    phone.get_by_role("heading", name="Templates").wait_for()
    shoot(phone, "templates-07-phone-list")
    assert not page.js_errors and not phone.js_errors
