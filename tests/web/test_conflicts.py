"""Two tabs edit the same segment: the second save is a conflict the annotator resolves."""

from __future__ import annotations

from typing import Any

from tests.conftest import FIXTURES
from tests.web.conftest import Server, login, shoot, track_errors

ANN = ("ann", "ann-password-1")


def _project_with_one_segment(server: Server) -> int:
    with server.api() as api:
        api.post("/api/users", json={"username": ANN[0], "password": ANN[1]}).raise_for_status()
        pid = api.post("/api/projects", json={"name": "Calls"}).json()["id"]
        api.post(
            f"/api/projects/{pid}/members", json={"username": ANN[0], "role": "annotator"}
        ).raise_for_status()
        clip = sorted((FIXTURES / "speech").glob("*.flac"))[0]
        r = api.post(
            f"/api/projects/{pid}/datapoints",
            files={"file": (clip.name, clip.read_bytes())},
            data={"assign_to": ANN[0]},
        )
        r.raise_for_status()
        dp = r.json()["datapoint"]["id"]
    with server.api(*ANN) as ann:
        r = ann.post(
            f"/api/datapoints/{dp}/segments", json={"start": 0.5, "end": 1.5, "transcript": "v1"}
        )
        r.raise_for_status()
    return int(dp)


def _open(page: Any, server: Server, dp: int) -> None:
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    page.get_by_test_id("segment-row").first.click()


def test_a_conflicting_edit_in_another_tab_is_shown_and_kept_on_request(
    server: Server, new_page: Any
) -> None:
    dp = _project_with_one_segment(server)
    first = new_page()
    login(first, server, *ANN)
    second = track_errors(first.context.new_page())  # same user and browser, two tabs
    _open(first, server, dp)
    _open(second, server, dp)

    first.get_by_label("Transcript").fill("from the first tab")
    first.locator('[data-testid=save-state][data-status="saved"]').wait_for()
    second.get_by_label("Transcript").fill("from the second tab")
    second.locator('[data-testid=save-state][data-status="conflict"]').wait_for()
    shoot(second, "30-annotate-conflict")
    assert second.get_by_role("button", name="Take theirs").is_visible()
    second.get_by_role("button", name="Keep mine").click()
    second.locator('[data-testid=save-state][data-status="saved"]').wait_for()

    with server.api(*ANN) as ann:
        segs = ann.get(f"/api/datapoints/{dp}/segments").json()
    assert [s["transcript"] for s in segs] == ["from the second tab"]
    assert segs[0]["version"] >= 3  # v1, the first tab's save, then the kept one

    first.reload()
    first.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    first.get_by_test_id("segment-row").first.click()
    assert first.get_by_label("Transcript").input_value() == "from the second tab"
    assert first.js_errors == [] and second.js_errors == []


def test_taking_theirs_drops_the_local_edit(server: Server, new_page: Any) -> None:
    dp = _project_with_one_segment(server)
    page = new_page()
    login(page, server, *ANN)
    _open(page, server, dp)
    with server.api(*ANN) as ann:
        seg = ann.get(f"/api/datapoints/{dp}/segments").json()[0]
        r = ann.patch(
            f"/api/segments/{seg['id']}", json={"version": seg["version"], "transcript": "theirs"}
        )
        r.raise_for_status()
    page.get_by_label("Transcript").fill("mine")
    page.locator('[data-testid=save-state][data-status="conflict"]').wait_for()
    page.get_by_role("button", name="Take theirs").click()
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for()
    assert page.get_by_label("Transcript").input_value() == "theirs"
    page.reload()
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=20_000)
    page.get_by_test_id("segment-row").first.click()
    assert page.get_by_label("Transcript").input_value() == "theirs"
