"""The review workflow in a real browser: an annotator submits, the reviewer finds it in the
queue, comments and rejects it with a comment, the annotator sees the badge and the comment,
fixes and resubmits, the reviewer corrects, restores a version from the history and accepts;
the export's "reviewed" filter then holds the item, and the history tells every step."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import expect

from tests.conftest import FIXTURES
from tests.web.conftest import Server, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
RITA = ("rita", "rita-password-1")
READY = '[data-testid=waveform][data-ready="true"]'
TYPO = "Typo: 'helo' should be 'hello'."


def _team(server: Server) -> tuple[int, int, str]:
    """A project with ann (annotator) and rita (reviewer), one item of ann's with a segment."""
    clip = sorted((FIXTURES / "speech").glob("*.flac"))[0]
    with server.api() as api:
        for name, password in (ANN, RITA):
            r = api.post("/api/users", json={"username": name, "password": password})
            r.raise_for_status()
        pid = int(api.post("/api/projects", json={"name": "Calls"}).json()["id"])
        for name, role in ((ANN[0], "annotator"), (RITA[0], "reviewer")):
            r = api.post(f"/api/projects/{pid}/members", json={"username": name, "role": role})
            r.raise_for_status()
        dp = upload_ready(api, pid, clip, assign_to=ANN[0])
    with server.api(*ANN) as ann:
        r = ann.post(f"/api/datapoints/{dp}/segments", json={"start": 0.5, "end": 1.5})
        r.raise_for_status()
    return pid, dp, clip.name


def _open_editor(page: Any) -> None:
    page.locator(READY).wait_for(timeout=20_000)
    page.get_by_test_id("segment-row").first.wait_for()


def _saved(page: Any) -> None:
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)


def _transcript(page: Any) -> Any:
    return page.get_by_label("Text of segment 1")


def test_submit_reject_fix_resubmit_accept_export(server: Server, new_page: Any) -> None:
    pid, dp, name = _team(server)

    # ann transcribes (with a typo) and submits.
    ann = new_page()
    login(ann, server, *ANN)
    ann.goto(f"{server.url}/datapoints/{dp}")
    _open_editor(ann)
    _transcript(ann).fill("helo")
    _saved(ann)
    ann.get_by_role("button", name="Complete").click()
    ann.get_by_text("Completed.").first.wait_for()

    # rita finds it in her queue from the data list.
    rita = new_page(1366, 900)
    login(rita, server, *RITA)
    rita.goto(f"{server.url}/projects/{pid}")
    link = rita.get_by_role("link", name=re.compile(r"Review queue"))
    expect(link).to_contain_text("1")
    link.click()
    rita.wait_for_url(re.compile(rf".*/projects/{pid}/review$"))
    row = rita.get_by_test_id("queue-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("ann")
    expect(row.get_by_test_id("status-badge")).to_have_text("Submitted")
    shoot(rita, "review-01-queue")

    # The review editor: ann's work, her values, no "not assigned" message.
    row.get_by_role("button", name=re.compile("Review ann")).click()
    rita.wait_for_url(re.compile(rf".*/datapoints/{dp}\?review=\d+$"))
    _open_editor(rita)
    bar = rita.get_by_test_id("review-bar")
    expect(bar).to_contain_text("Reviewing ann’s work")
    expect(bar.get_by_test_id("status-badge")).to_have_text("Submitted")
    expect(_transcript(rita)).to_have_value("helo")
    expect(rita.get_by_text("is not assigned")).to_have_count(0)
    expect(rita.get_by_text("Labels of the recording are unavailable")).to_have_count(0)

    # A comment on the segment, with @ann completed from the members.
    rita.get_by_test_id("segment-row").first.click()
    box = rita.get_by_label("New comment")
    box.click()
    box.press_sequentially("@a")
    option = rita.get_by_role("option", name="@ann")
    option.wait_for()
    box.press("Enter")
    expect(box).to_have_value("@ann ")
    box.press_sequentially("is this one word?")
    # Typed straight after taking the name: every key lands after it, in order.
    expect(box).to_have_value("@ann is this one word?")
    rita.get_by_role("button", name="Comment", exact=True).click()
    thread = rita.get_by_test_id("comment-thread")
    expect(thread).to_have_count(1)
    expect(thread).to_contain_text("On segment 1 at 0.50 s")
    expect(thread.locator(".mention")).to_have_text("@ann")
    expect(rita.get_by_test_id("segment-row").first.get_by_test_id("comment-count")).to_have_text(
        "1"
    )
    shoot(rita, "review-02-editor-comments")

    # Reject… needs a comment; it goes back to ann and rita moves on to an empty queue.
    rita.get_by_role("button", name="Reject…").click()
    dialog = rita.get_by_role("dialog", name="Reject ann’s work?")
    dialog.get_by_role("button", name="Send back to ann").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Say what ann should fix")
    dialog.get_by_label("What should ann fix?").fill(TYPO)
    shoot(rita, "review-03-reject-dialog")
    dialog.get_by_role("button", name="Send back to ann").click()
    rita.wait_for_url(re.compile(rf".*/projects/{pid}/review$"))
    expect(rita.get_by_text("Nothing else is waiting for review.")).to_be_visible()
    expect(rita.get_by_text("Nothing is waiting for review.")).to_be_visible()
    rita.get_by_role("tab", name="Rejected").click()
    expect(rita.get_by_test_id("queue-row").get_by_test_id("status-badge")).to_have_text("Rejected")

    # ann sees the badge in her list and the comment when she opens the item.
    ann.goto(f"{server.url}/projects/{pid}?tab=all")
    mine = ann.get_by_role("row", name=re.compile(re.escape(name)))
    expect(mine.get_by_test_id("status-badge")).to_have_text("Rejected")
    expect(mine.get_by_test_id("comment-count")).to_have_text("2")
    shoot(ann, "review-04-annotator-list-rejected")
    mine.get_by_role("link", name=name).click()
    _open_editor(ann)
    notice = ann.get_by_test_id("rejection-notice")
    expect(notice).to_contain_text("Rejected by rita")
    expect(notice).to_contain_text(TYPO)
    expect(ann.locator(".annotate-bar").get_by_test_id("status-badge")).to_have_text("Rejected")
    rejection = ann.get_by_test_id("comment-thread").filter(has_text=TYPO)
    expect(rejection).to_contain_text("Rejected · your work")
    assert ann.get_by_test_id("comment-thread").first.inner_text().startswith("Rejected")
    shoot(ann, "review-05-annotator-sees-rejection")

    # She fixes it, replies, resolves the rejection and submits again.
    _transcript(ann).fill("hello")
    _saved(ann)
    rejection.get_by_role("button", name="Reply").click()
    reply = ann.get_by_label("Your reply")
    reply.fill("Fixed, thanks @rita")
    rejection.get_by_role("button", name="Reply", exact=True).click()
    expect(rejection.get_by_test_id("comment-reply")).to_contain_text("Fixed, thanks @rita")
    rejection.get_by_role("button", name="Resolve").click()
    expect(ann.get_by_test_id("comment-thread").filter(has_text=TYPO)).to_have_count(0)
    expect(ann.get_by_role("button", name="Show 1 resolved")).to_be_visible()
    ann.get_by_role("button", name="Complete").click()
    ann.get_by_text("Completed.").first.wait_for()

    # rita: the resubmitted work waits again; she corrects it, then restores ann's version.
    rita.goto(f"{server.url}/projects/{pid}/review")
    row = rita.get_by_test_id("queue-row")
    expect(row.get_by_test_id("status-badge")).to_have_text("Submitted")
    row.get_by_role("link", name=name).click()
    _open_editor(rita)
    review_url = rita.url
    expect(_transcript(rita)).to_have_value("hello")
    _transcript(rita).fill("hello there")
    _saved(rita)
    # A reviewer's correction is marked as hers on ann's work.
    by = rita.get_by_test_id("segment-row").first.locator(".correction-by")
    expect(by).to_have_text("by rita")
    rita.get_by_role("tab", name="History").click()
    events = rita.get_by_test_id("history-event")
    correction = (
        "rita changed the transcript of the segment at 0.50 s from “hello” to “hello there”"
    )
    expect(events.first).to_contain_text(correction)
    fixed = events.filter(has_text="from “helo” to “hello”")
    expect(fixed).to_have_count(1)
    fixed.get_by_role("button", name="Restore this version").click()
    expect(_transcript(rita)).to_have_value("hello")
    expect(events.first).to_contain_text(
        "rita changed the transcript of the segment at 0.50 s from “hello there” to “hello”"
    )
    _saved(rita)
    shoot(rita, "review-06-history")

    # Accept: the queue is empty, the item counts as reviewed in the export.
    rita.get_by_test_id("review-bar").get_by_role("button", name="Accept").click()
    rita.wait_for_url(re.compile(rf".*/projects/{pid}/review$"))
    expect(rita.get_by_text(f"Accepted ann’s work on {name}.")).to_be_visible()
    rita.get_by_role("tab", name="Accepted").click()
    expect(rita.get_by_test_id("queue-row").get_by_test_id("status-badge")).to_have_text("Accepted")
    shoot(rita, "review-07-queue-accepted")

    with server.api() as api:
        r = api.get(f"/api/projects/{pid}/export", params={"status": "reviewed"})
        r.raise_for_status()
        exported = r.json()["datapoints"]
        history = api.get(f"/api/datapoints/{dp}/history").json()
    assert len(exported) == 1
    dumped = json.dumps(exported, ensure_ascii=False)
    assert name in dumped and "“hello”" not in dumped and '"hello"' in dumped
    actions = [e["action"] for e in reversed(history)]
    for step in ("assignment.complete", "assignment.reject", "comment.rejection"):
        assert step in actions, actions
    assert actions.index("assignment.reject") < actions.index("assignment.accept")

    # The history, in words, tells every step (newest first).
    rita.goto(review_url)
    _open_editor(rita)
    # Read back from the server: still ann's segment, last changed by rita.
    expect(rita.get_by_test_id("segment-row").first.locator(".correction-by")).to_have_text(
        "by rita"
    )
    rita.get_by_role("tab", name="History").click()
    sentences = rita.get_by_test_id("history-event").locator(".history-sentence")
    expect(sentences.first).to_have_text("rita accepted ann’s work")
    told = sentences.all_inner_texts()
    for sentence in (
        "ann added a segment at 0.50–1.50 s",
        "ann wrote “helo” as the transcript of the segment at 0.50 s",
        "ann submitted their work",
        "rita commented: “@ann is this one word?”",
        "rita rejected ann’s work",
        f"rita wrote why: “{TYPO}”",
        "ann changed the transcript of the segment at 0.50 s from “helo” to “hello”",
        "ann commented: “Fixed, thanks @rita”",
        "ann resolved a comment",
        correction,
        "rita accepted ann’s work",
    ):
        assert sentence in told, (sentence, told)
    assert told.index("rita rejected ann’s work") > told.index("rita accepted ann’s work")
    shoot(rita, "review-08-history-every-step")

    # The data list says the item is accepted, with the one comment still open.
    rita.goto(f"{server.url}/projects/{pid}?tab=all")
    listed = rita.get_by_role("row", name=re.compile(re.escape(name)))
    expect(listed.get_by_test_id("status-badge")).to_have_text("Accepted")
    expect(listed.get_by_test_id("comment-count")).to_have_text("1")
    expect(listed).to_contain_text("ann (accepted)")
    # Filtered by work state: there under Accepted, not under Rejected.
    rita.get_by_label("State").select_option(label="Rejected")
    rita.wait_for_url(re.compile(r".*state=rejected"))
    expect(rita.get_by_text("Nothing here.")).to_be_visible()
    rita.get_by_label("State").select_option(label="Accepted")
    expect(rita.get_by_role("row", name=re.compile(re.escape(name)))).to_have_count(1)
    shoot(rita, "review-10-list-by-state")
    assert ann.js_errors == [] and rita.js_errors == []


def test_a_reviewer_opening_a_marked_item_sees_the_annotators_work(
    server: Server, new_page: Any
) -> None:
    """The day-one bug: no "User N is not assigned" for a reviewer or an admin."""
    pid, dp, _ = _team(server)
    with server.api(*ANN) as ann:
        ann.post(f"/api/datapoints/{dp}/review", json={"marked": True}).raise_for_status()
    for who in (RITA, ("admin", "admin-password-1")):
        page = new_page()
        login(page, server, *who)
        page.goto(f"{server.url}/datapoints/{dp}")
        page.wait_for_url(re.compile(rf".*/datapoints/{dp}\?review=\d+$"))
        _open_editor(page)
        bar = page.get_by_test_id("review-bar")
        expect(bar).to_contain_text("Reviewing ann’s work")
        expect(bar).to_contain_text("Marked for review")
        expect(bar.get_by_role("button", name="Accept")).to_be_enabled()
        expect(page.get_by_text("not assigned")).to_have_count(0)
        expect(page.get_by_role("alert")).to_have_count(0)
        assert page.js_errors == []


def test_an_overlap_item_shows_whose_work_and_the_others_segments_apart(
    server: Server, new_page: Any
) -> None:
    pid, dp, _ = _team(server)
    bob = ("bob", "bob-password-1")
    with server.api() as api:
        api.post("/api/users", json={"username": bob[0], "password": bob[1]}).raise_for_status()
        r = api.post(f"/api/projects/{pid}/members", json={"username": bob[0], "role": "annotator"})
        r.raise_for_status()
        r = api.post(
            f"/api/projects/{pid}/assignments", json={"users": [bob[0]], "datapoint_ids": [dp]}
        )
        r.raise_for_status()
    with server.api(*bob) as b:
        body = {"start": 0.6, "end": 1.4, "transcript": "bob hears this"}
        b.post(f"/api/datapoints/{dp}/segments", json=body).raise_for_status()
        b.post(f"/api/datapoints/{dp}/complete").raise_for_status()

    page = new_page(1366, 900)
    login(page, server, *RITA)
    page.goto(f"{server.url}/datapoints/{dp}")
    # bob submitted, ann did not: bob's work opens first, ann's segment is drawn apart.
    page.wait_for_url(re.compile(rf".*/datapoints/{dp}\?review=\d+$"))
    _open_editor(page)
    bar = page.get_by_test_id("review-bar")
    whose = bar.get_by_label("Whose work")
    expect(whose.locator("option:checked")).to_have_text("bob — Submitted")
    expect(_transcript(page)).to_have_value("bob hears this")
    expect(page.get_by_test_id("segment-row")).to_have_count(1)
    expect(bar).to_contain_text("ann (1)")
    page.locator("[data-testid=waveform] [data-other-segment-id]").first.wait_for(state="attached")
    # Side by side: bob's work in the top lane, ann's in a lane of her own under it, over
    # the same stretch of time (0.6–1.4 s and 0.5–1.5 s), neither covering the other.
    mine = page.locator("[data-testid=waveform] [data-segment-id]").first.bounding_box()
    hers = page.locator("[data-testid=waveform] [data-other-segment-id]").first.bounding_box()
    assert mine is not None and hers is not None
    assert mine["y"] + mine["height"] <= hers["y"] + 1, (mine, hers)
    assert hers["x"] < mine["x"] + mine["width"] and mine["x"] < hers["x"] + hers["width"]
    assert abs(mine["height"] - hers["height"]) <= 2  # two equal lanes
    expect(page.locator("[data-testid=waveform] [data-lane='1']")).to_contain_text("ann")
    shoot(page, "review-09-overlap")
    bar.get_by_label("Show others’ segments").uncheck()
    # Without the others, the reviewed work has the whole height again.
    expect(page.locator("[data-testid=waveform] [data-segment-id]").first).to_have_attribute(
        "style", re.compile(r"(^|;)\s*height: 100%;")
    )
    expect(page.locator("[data-testid=waveform] [data-other-segment-id]")).to_have_count(0)

    whose.select_option(label="ann — In progress")
    page.wait_for_url(re.compile(rf".*/datapoints/{dp}\?review=\d+$"))
    expect(
        page.get_by_test_id("review-bar").get_by_label("Whose work").locator("option:checked")
    ).to_have_text("ann — In progress")
    expect(_transcript(page)).to_have_value("")
    accept = page.get_by_test_id("review-bar").get_by_role("button", name="Accept")
    expect(accept).to_be_disabled()
    assert page.js_errors == []
