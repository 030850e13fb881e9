"""Quality screens in a real browser: a validation rule set in Settings blocks Complete with
the finding shown (and the API refuses the same work), fixing the segment allows it; the
review editor's agreement panel on an item two annotators did; a manager's gold mark; the
analytics page draws its charts under the app's CSP and downloads each chart's CSV."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx2 as httpx
from playwright.sync_api import expect

from tests.conftest import FIXTURES
from tests.web.conftest import ADMIN, Server, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
BOB = ("bob", "bob-password-1")
RITA = ("rita", "rita-password-1")
READY = '[data-testid=waveform][data-ready="true"]'
SHORT = "The segment at 0.50 s is 0.10 s long; segments are at least 0.3 s."
# Collected before any of the page's own scripts run (Playwright injects it past the CSP).
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI), true);"""


def _clips() -> list[Path]:
    return sorted((FIXTURES / "speech").glob("*.flac"))


def _team(api: httpx.Client, *people: tuple[str, str, str]) -> int:
    """A project with these (username, password, role) members."""
    pid = int(api.post("/api/projects", json={"name": "Quality"}).json()["id"])
    for name, password, role in people:
        api.post("/api/users", json={"username": name, "password": password}).raise_for_status()
        r = api.post(f"/api/projects/{pid}/members", json={"username": name, "role": role})
        r.raise_for_status()
    return pid


def _segment(client: httpx.Client, dp: int, start: float, end: float, **extra: Any) -> None:
    body = {"start": start, "end": end, **extra}
    client.post(f"/api/datapoints/{dp}/segments", json=body).raise_for_status()


def _open_editor(page: Any) -> None:
    page.locator(READY).wait_for(timeout=20_000)
    page.get_by_test_id("segment-row").first.wait_for()


def _saved(page: Any) -> None:
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)


def _watched(page: Any) -> list[str]:
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.add_init_script(WATCH)
    return console


def _shoot_top(page: Any, name: str) -> None:
    """A full-page screenshot from the top, so the sticky bar is drawn where it belongs."""
    page.evaluate("() => window.scrollTo(0, 0)")
    shoot(page, name)


def _violations(page: Any, console: list[str]) -> list[str]:
    events: list[str] = page.evaluate("() => window.__csp || []")
    return events + [line for line in console if "Content Security Policy" in line]


def test_a_rule_set_in_settings_blocks_complete_until_the_segment_is_fixed(
    server: Server, new_page: Any
) -> None:
    with server.api() as api:
        pid = _team(api, (*ANN, "annotator"))
        dp = upload_ready(api, pid, _clips()[0], assign_to=ANN[0])
    with server.api(*ANN) as ann_api:
        _segment(ann_api, dp, 0.5, 0.6, transcript="hi  there")  # 0.1 s, and a double space

    # ann opens the item before the project has rules: nothing to check yet.
    ann = new_page(1366, 900)
    login(ann, server, *ANN)
    ann.goto(f"{server.url}/datapoints/{dp}")
    _open_editor(ann)
    expect(ann.get_by_test_id("validation-panel")).to_have_count(0)

    # The manager sets the rules in the project's Settings tab.
    admin = new_page(1366, 900)
    login(admin, server, *ADMIN)
    admin.goto(f"{server.url}/projects/{pid}/manage")
    rules = admin.get_by_role("group", name="Validation rules")
    expect(rules).to_contain_text("No rules")
    rules.get_by_label("Kind of the new rule").select_option(label="Shortest segment")
    rules.get_by_role("button", name="Add rule").click()
    rule = rules.get_by_test_id("validation-rule")
    expect(rule).to_have_count(1)
    rule.first.get_by_label("At least").fill("0.3")
    rules.get_by_label("Kind of the new rule").select_option(label="No double spaces")
    rules.get_by_role("button", name="Add rule").click()
    rules.get_by_label("Severity of rule 2").select_option("warning")
    # A pattern the server cannot compile is refused, and said next to its rule.
    rules.get_by_label("Kind of the new rule").select_option(label="Transcripts follow a pattern")
    rules.get_by_role("button", name="Add rule").click()
    rule.nth(2).get_by_label("Regular expression").fill("(unclosed")
    admin.get_by_role("button", name="Save changes").click()
    expect(rule.nth(2).locator(".field-error")).to_contain_text("not a valid expression")
    expect(
        admin.get_by_role("alert").filter(has_text="validation rules were refused")
    ).to_be_visible()
    _shoot_top(admin, "quality-00-rules-refused")
    rules.get_by_role("button", name="Remove rule 3").click()
    admin.get_by_role("button", name="Save changes").click()
    expect(admin.get_by_text("Saved.")).to_be_visible()
    expect(rule.first).to_contain_text("Segments at least 0.3 s long")
    _shoot_top(admin, "quality-01-rules")
    with server.api() as api:
        saved = api.get(f"/api/projects/{pid}").json()["settings"]["validation"]["rules"]
    assert saved == [
        {"kind": "min_length", "seconds": 0.3, "severity": "error"},
        {"kind": "no_double_spaces", "severity": "warning"},
    ]

    # ann's page still knows no rules: Complete goes to the server, which refuses it with
    # its findings, shown in the list.
    ann.get_by_role("button", name="Complete").click()
    panel = ann.get_by_test_id("validation-panel")
    expect(panel.get_by_test_id("finding").first).to_contain_text(SHORT)
    expect(ann.get_by_role("alert").filter(has_text="breaks the project's rules")).to_be_visible()
    complete = ann.get_by_role("button", name="Complete")
    expect(complete).to_be_disabled()

    # Opened again: the findings are there from the start, errors first, then warnings.
    ann.reload()
    _open_editor(ann)
    findings = panel.get_by_test_id("finding")
    expect(findings).to_have_count(2)
    expect(findings.nth(0)).to_have_attribute("data-severity", "error")
    expect(findings.nth(0)).to_contain_text(SHORT)
    expect(findings.nth(1)).to_have_attribute("data-severity", "warning")
    expect(findings.nth(1)).to_contain_text("double space")
    expect(panel).to_contain_text("Complete is blocked until the errors are fixed")
    expect(complete).to_be_disabled()
    expect(complete).to_have_attribute("title", f"Fix the error first: {SHORT}")
    row = ann.get_by_test_id("segment-row").first
    expect(row).to_have_attribute("data-finding", "error")
    expect(row.get_by_test_id("finding-mark")).to_be_visible()
    ann.locator("[data-testid=waveform] [data-segment-id][data-finding=error]").wait_for(
        state="attached"
    )
    shoot(ann, "quality-02-validation")

    # The API refuses the same work, with the same finding.
    with server.api(*ANN) as ann_api:
        r = ann_api.post(f"/api/datapoints/{dp}/complete")
    assert r.status_code == 400 and r.json()["code"] == "validation_failed"
    assert [f["message"] for f in r.json()["findings"]] == [SHORT]

    # The finding jumps to its segment; lengthening it clears the error, the warning stays.
    ann.keyboard.press("Escape")
    expect(row).to_have_attribute("aria-selected", "false")
    findings.nth(0).get_by_role("button").click()
    expect(row).to_have_attribute("aria-selected", "true")
    end = ann.get_by_label("End time in seconds")
    end.fill("1.2")
    end.press("Enter")
    _saved(ann)
    expect(findings).to_have_count(1)
    expect(findings.first).to_have_attribute("data-severity", "warning")
    expect(row).to_have_attribute("data-finding", "warning")
    expect(complete).to_be_enabled()
    shoot(ann, "quality-03-validation-fixed")
    # Leaving the editor reports the time ann spent working on the item.
    with ann.expect_response(
        lambda r: r.url.endswith(f"/api/datapoints/{dp}/activity") and r.request.method == "POST"
    ) as reported:
        complete.click()
        ann.get_by_text("Completed.").first.wait_for()
    assert reported.value.status == 200
    seconds = reported.value.request.post_data_json["seconds"]
    assert 0 < seconds < 600
    assert reported.value.json()["active_seconds"] >= seconds  # recorded on ann's assignment
    assert ann.js_errors == [] and admin.js_errors == []


def _overlap_item(server: Server) -> tuple[int, int]:
    """ann and bob both did one item (transcripts and speakers); rita reviews."""
    with server.api() as api:
        pid = _team(api, (*ANN, "annotator"), (*BOB, "annotator"), (*RITA, "reviewer"))
        r = api.post(
            f"/api/projects/{pid}/labels",
            json={"name": "speaker", "kind": "single", "values": [{"value": "A"}, {"value": "B"}]},
        )
        r.raise_for_status()
        speaker = r.json()
        values = [{"value": "calm"}, {"value": "sad"}]
        r = api.post(
            f"/api/projects/{pid}/labels",
            json={"name": "emotion", "kind": "single", "values": values},
        )
        r.raise_for_status()
        emotion = r.json()
        dp = upload_ready(api, pid, _clips()[0], assign_to=ANN[0])
        r = api.post(
            f"/api/projects/{pid}/assignments", json={"users": [BOB[0]], "datapoint_ids": [dp]}
        )
        r.raise_for_status()
    a, b = (v["id"] for v in speaker["values"])
    calm, sad = (v["id"] for v in emotion["values"])
    s, e = str(speaker["id"]), str(emotion["id"])
    work = ((ANN, ("hello there", "good bye"), 0.0), (BOB, ("hello where", "good bye"), 0.1))
    for who, texts, late in work:
        with server.api(*who) as client:
            _segment(client, dp, 0.2, 1.2 + late, transcript=texts[0], values={s: a, e: calm})
            _segment(client, dp, 1.6, 2.4 + late, transcript=texts[1], values={s: b, e: sad})
            client.post(f"/api/datapoints/{dp}/complete").raise_for_status()
    return pid, dp


def test_the_review_editor_shows_agreement_and_a_manager_marks_gold(
    server: Server, new_page: Any
) -> None:
    pid, dp = _overlap_item(server)
    rita = new_page(1366, 1000)
    login(rita, server, *RITA)
    rita.goto(f"{server.url}/datapoints/{dp}")
    rita.wait_for_url(re.compile(rf".*/datapoints/{dp}\?review=\d+$"))
    _open_editor(rita)
    panel = rita.get_by_test_id("agreement-panel")
    expect(panel).to_contain_text("between ann, bob")
    pair = panel.get_by_test_id("agreement-pair").first
    expect(pair).to_contain_text("2 matched of ann’s 2 and bob’s 2 segments")
    figure = pair.get_by_test_id("agreement-figure")

    def value(name: str) -> Any:
        return figure.filter(has=rita.get_by_role("rowheader", name=name, exact=True)).locator(
            ".figure-value"
        )

    expect(value("WER, matched")).to_have_text("25.0%")  # 1 word in 4, either way round
    expect(value("Boundary F1 (±200 ms)")).to_have_text("1.00")  # bob ends 100 ms later
    expect(value("emotion: Cohen’s κ")).to_have_text("1.00")
    expect(figure.filter(has_text="Cohen’s κ on matched segments").first).to_contain_text(
        "almost perfect, on 2 segments"
    )
    der = value("DER")
    expect(der).to_have_text(re.compile(r"^\d+\.\d%$"))
    expect(panel.get_by_test_id("agreement-all")).to_contain_text("emotion: Fleiss’ κ")
    # A reviewer is not asked about gold; nor do annotators learn of it.
    expect(rita.get_by_test_id("gold-toggle")).to_have_count(0)
    _shoot_top(rita, "quality-04-agreement")

    # The manager marks the item gold from the editor, with ann's work as the reference.
    admin = new_page(1366, 900)
    login(admin, server, *ADMIN)
    admin.goto(f"{server.url}/datapoints/{dp}")
    admin.wait_for_url(re.compile(rf".*/datapoints/{dp}\?review=\d+$"))
    _open_editor(admin)
    admin.get_by_test_id("gold-toggle").check()
    expect(
        admin.get_by_text("A gold item now, with ann’s segments as the reference.")
    ).to_be_visible()
    with server.api() as api:
        assert api.get(f"/api/datapoints/{dp}").json()["gold"] is True
    admin.goto(f"{server.url}/projects/{pid}?tab=all")
    expect(admin.get_by_test_id("gold-badge")).to_have_count(1)
    ann = new_page()
    login(ann, server, *ANN)
    ann.goto(f"{server.url}/projects/{pid}?tab=all")
    expect(ann.get_by_role("row", name=re.compile(_clips()[0].name))).to_be_visible()
    expect(ann.get_by_test_id("gold-badge")).to_have_count(0)
    assert rita.js_errors == [] and admin.js_errors == [] and ann.js_errors == []


def test_the_analytics_page_draws_its_charts_and_downloads_csv(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    pid, overlap = _overlap_item(server)
    with server.api() as api:
        more = [upload_ready(api, pid, clip, assign_to=ANN[0]) for clip in _clips()[1:3]]
        # A gold item, due after every item completed, alerting below 75% passed.
        gold_settings = {"rate": 1, "alert_below": 0.75, "min_items": 1}
        r = api.patch(f"/api/projects/{pid}", json={"settings": {"gold": gold_settings}})
        r.raise_for_status()
        gold = upload_ready(api, pid, _clips()[3])
        _segment(api, gold, 0.2, 1.2, transcript="the reference")
        _segment(api, gold, 1.5, 2.5, transcript="words here")
        api.post(f"/api/datapoints/{gold}/gold").raise_for_status()
    with server.api(*ANN) as ann:
        for dp in more:
            _segment(ann, dp, 0.1, 1.0, transcript="words")
            ann.post(f"/api/datapoints/{dp}/activity", json={"seconds": 45}).raise_for_status()
            ann.post(f"/api/datapoints/{dp}/complete").raise_for_status()
        # ann got the gold item unflagged, and misses half of it.
        _segment(ann, gold, 0.2, 1.2, transcript="a different thing")
        ann.post(f"/api/datapoints/{gold}/complete").raise_for_status()
    with server.api(*RITA) as rita_api:
        users = {
            m["username"]: m["user_id"] for m in rita_api.get(f"/api/projects/{pid}/members").json()
        }
        r = rita_api.post(f"/api/datapoints/{more[0]}/accept", json={"user_id": users["ann"]})
        r.raise_for_status()
        r = rita_api.post(
            f"/api/datapoints/{more[1]}/reject", json={"user_id": users["ann"], "comment": "redo"}
        )
        r.raise_for_status()
        r = rita_api.post(f"/api/datapoints/{overlap}/accept", json={"user_id": users["bob"]})
        r.raise_for_status()

    page = new_page(1366, 1000)
    console = _watched(page)
    login(page, server, *RITA)
    page.goto(f"{server.url}/projects/{pid}")
    page.get_by_role("link", name="Analytics").click()
    page.wait_for_url(re.compile(rf".*/projects/{pid}/analytics$"))
    cards = page.get_by_test_id("chart-card")
    expect(cards).to_have_count(6)
    for name in ("per_day", "per_annotator", "agreement", "labels", "review_outcomes", "gold"):
        canvas = page.locator(f'canvas[data-chart="{name}"]')
        canvas.wait_for()
        # Chart.js drew on it: some pixels are not transparent.
        drawn = canvas.evaluate(
            """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return c.width > 0;
                      return false; }"""
        )
        assert drawn, name
    expect(page.get_by_test_id("gold-alerts")).to_contain_text(
        "ann passed 0 of 1 gold item: 0% (below 75%)"
    )
    totals = page.locator(".analytics-totals")
    expect(totals).to_contain_text("Items completed")
    page.wait_for_load_state("networkidle")
    _shoot_top(page, "quality-05-analytics")

    # A chart's CSV downloads with the same filters.
    card = cards.filter(has=page.locator('canvas[data-chart="per_annotator"]'))
    with page.expect_download() as download:
        card.get_by_role("link", name="Download CSV").click()
    path = tmp_path / "per_annotator.csv"
    download.value.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("annotator,items_completed,audio_hours,active_hours")
    assert {line.split(",")[0] for line in lines[1:]} == {"ann", "bob"}

    # Filtered to one annotator: the charts and the download follow.
    page.get_by_label("Annotator", exact=True).select_option("ann")
    page.wait_for_url(re.compile(r".*annotator=ann"))
    expect(card.locator(".chart-numbers tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        card.get_by_role("link", name="Download CSV").click()
    download.value.save_as(path)
    assert [line.split(",")[0] for line in path.read_text().splitlines()[1:]] == ["ann"]
    page.get_by_label("From", exact=True).fill("2000-01-02")
    page.get_by_label("To", exact=True).fill("2000-01-01")
    expect(page.get_by_role("alert")).to_have_text("The start date is after the end date.")
    assert _violations(page, console) == []
    assert page.js_errors == []
