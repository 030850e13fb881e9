"""Every write that moves an assignment says which version it went on top of, so the editor
keeps the current version (no false conflict), and the status follows the annotator's work."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_review import Team, dp_state, make_team
from tests.conftest import AppEnv, Factory


@pytest.fixture
def team(app_env: AppEnv, factory: Factory) -> Team:
    return make_team(app_env, factory)


def _batch(client: TestClient, dp: int, **body: Any) -> dict[str, Any]:
    r = client.post(f"/api/datapoints/{dp}/segments/batch", json=body)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_the_editor_sequence_never_conflicts_with_itself(app_env: AppEnv, team: Team) -> None:
    """Draw, set a recording label, toggle the review mark, complete: each answer's version is
    the one the next write sends."""
    version = team.ann.get(f"/api/datapoints/{team.dp}/values").json()["version"]
    drawn = _batch(team.ann, team.dp, upserts=[{"start": 1.0, "end": 2.0}])
    work = drawn["assignment"]
    assert work["status"] == "in_progress" and work["previous_version"] == version
    assert work["version"] == version + 1
    version = work["version"]

    good = team.quality["values"][0]["id"]
    path = f"/api/datapoints/{team.dp}/values"
    r = team.ann.put(path, json={"values": {"quality": good}, "version": version})
    assert r.status_code == 200, r.text
    assert r.json()["previous_version"] == version
    version = r.json()["version"]

    for marked in (True, False):
        r = team.ann.post(f"/api/datapoints/{team.dp}/review", json={"marked": marked})
        assert r.json()["previous_version"] == version
        version = r.json()["version"]
    r = team.ann.put(path, json={"values": {"quality": good}, "version": version})
    assert r.status_code == 200, r.text
    version = r.json()["version"]

    # A second save of a segment changes nothing on the assignment.
    seg = drawn["segments"][0]
    again = _batch(
        team.ann,
        team.dp,
        upserts=[{"id": seg["id"], "version": seg["version"], "start": 1.0, "end": 2.5}],
    )
    assert again["assignment"]["previous_version"] is None
    assert again["assignment"]["version"] == version

    r = team.ann.post(f"/api/datapoints/{team.dp}/complete")
    assert r.status_code == 200 and r.json()["previous_version"] == version
    assert team.ann.get(path).json()["previous_version"] is None


def test_a_change_by_someone_else_still_conflicts(app_env: AppEnv, team: Team) -> None:
    path = f"/api/datapoints/{team.dp}/values"
    version = team.ann.get(path).json()["version"]
    good, bad = (v["id"] for v in team.quality["values"])
    # A reviewer sets ann's values: ann's page still holds `version`.
    other = {"values": {"quality": bad}, "user_id": team.ann_id}
    assert team.rev.put(path, json=other).status_code == 200
    drawn = _batch(team.ann, team.dp, upserts=[{"start": 1.0, "end": 2.0}])
    # The batch answer shows a version ann's page did not come from.
    assert drawn["assignment"]["previous_version"] is None
    r = team.ann.put(path, json={"values": {"quality": good}, "version": version})
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    assert r.json()["current"]["values"] == {str(team.quality["id"]): bad}


def test_status_goes_back_to_todo_when_no_work_is_left(app_env: AppEnv, team: Team) -> None:
    drawn = _batch(team.ann, team.dp, upserts=[{"start": 1.0, "end": 2.0}])
    seg = drawn["segments"][0]
    assert dp_state(app_env, team.dp) == ("in_progress", False)
    gone = _batch(team.ann, team.dp, deletes=[{"id": seg["id"], "version": seg["version"]}])
    work = gone["assignment"]
    assert work["status"] == "todo" and work["previous_version"] == drawn["assignment"]["version"]
    assert dp_state(app_env, team.dp) == ("todo", False)

    # Labels of the recording are work too; clearing them leaves nothing.
    path = f"/api/datapoints/{team.dp}/values"
    good = team.quality["values"][0]["id"]
    assert team.ann.put(path, json={"values": {"quality": good}}).json()["status"] == "in_progress"
    kept = _batch(team.ann, team.dp, upserts=[{"start": 3.0, "end": 4.0}])
    seg = kept["segments"][0]
    gone = _batch(team.ann, team.dp, deletes=[{"id": seg["id"], "version": seg["version"]}])
    assert gone["assignment"]["status"] == "in_progress"
    assert team.ann.put(path, json={"values": {}}).json()["status"] == "todo"


def test_done_stays_done_when_segments_change(app_env: AppEnv, team: Team) -> None:
    drawn = _batch(team.ann, team.dp, upserts=[{"start": 1.0, "end": 2.0}])
    assert team.ann.post(f"/api/datapoints/{team.dp}/complete").status_code == 200
    seg = drawn["segments"][0]
    gone = _batch(team.ann, team.dp, deletes=[{"id": seg["id"], "version": seg["version"]}])
    assert gone["assignment"]["status"] == "done"
    assert gone["assignment"]["previous_version"] is None


def test_not_assigned_is_said_in_words(app_env: AppEnv, team: Team) -> None:
    r = team.rev.post(f"/api/datapoints/{team.dp}/review", json={"marked": True})
    assert r.status_code == 404 and r.json()["code"] == "not_assigned"
    assert "not assigned to you" in r.json()["detail"]
    assert "User " not in r.json()["detail"] and "datapoint" not in r.json()["detail"]
    r = team.rev.get(f"/api/datapoints/{team.dp}/values")
    assert r.status_code == 404 and "not assigned to you" in r.json()["detail"]
    r = team.rev.post(f"/api/datapoints/{team.dp}/review", json={"marked": True, "user_id": 9999})
    assert r.status_code == 404 and r.json()["detail"] == "User 9999 is not assigned to this item."
    # A manager batch on a datapoint they are not assigned to: no assignment in the answer.
    drawn = team.rev.post(
        f"/api/datapoints/{team.dp}/segments/batch", json={"upserts": [{"start": 1, "end": 2}]}
    )
    assert drawn.status_code == 200 and "assignment" not in drawn.json()


def test_removing_someone_not_assigned_names_them(
    app_env: AppEnv, team: Team, factory: Factory
) -> None:
    users = factory.admin.get("/api/users").json()
    rita = next(u["id"] for u in users if u["username"] == "rita")
    r = factory.admin.delete(f"/api/datapoints/{team.dp}/assignments/{rita}")
    assert r.status_code == 404 and r.json()["detail"] == "'rita' is not assigned to this item."
