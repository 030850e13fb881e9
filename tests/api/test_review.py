"""Review marks, complete/reopen and datapoint-scope values on a user's assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from audino.db.models import Datapoint
from tests.api.test_segments import make_datapoint
from tests.conftest import AppEnv, Factory


@dataclass
class Team:
    project: dict[str, Any]
    dp: int
    ann: TestClient
    bob: TestClient
    rev: TestClient
    ann_id: int
    bob_id: int
    quality: dict[str, Any]
    flags: dict[str, Any]


@pytest.fixture
def team(app_env: AppEnv, factory: Factory) -> Team:
    return make_team(app_env, factory)


def make_team(app_env: AppEnv, factory: Factory) -> Team:
    """Two annotators (ann, bob) on one datapoint, a reviewer (rita), recording labels."""
    ann, bob = factory.user("ann"), factory.user("bob")
    factory.user("rita")
    project = factory.project("Rev", ann="annotator", bob="annotator", rita="reviewer")
    pid = project["id"]
    quality = factory.label(
        pid, "quality", "single", scope="datapoint", values=[{"value": "good"}, {"value": "bad"}]
    )
    flags = factory.label(
        pid, "flags", "multi", scope="datapoint", values=[{"value": "music"}, {"value": "noise"}]
    )
    factory.label(pid, "comment", "text", scope="datapoint")
    factory.label(pid, "speaker", "single", values=[{"value": "A"}])
    dp = make_datapoint(app_env, pid, (ann["id"], bob["id"]))
    return Team(
        project,
        dp,
        app_env.login("ann"),
        app_env.login("bob"),
        app_env.login("rita"),
        ann["id"],
        bob["id"],
        quality,
        flags,
    )


def dp_state(env: AppEnv, dp_id: int) -> tuple[str, bool]:
    with env.database.session(write=False) as db:
        dp = db.get(Datapoint, dp_id)
        assert dp is not None
        return dp.status, dp.marked_for_review


def test_mark_and_unmark_for_review(app_env: AppEnv, team: Team) -> None:
    r = team.ann.post(f"/api/datapoints/{team.dp}/review", json={"marked": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["marked_for_review"] is True and body["user_id"] == team.ann_id
    assert body["datapoint_marked_for_review"] is True
    assert dp_state(app_env, team.dp) == ("todo", True)
    r = team.ann.post(f"/api/datapoints/{team.dp}/review", json={"marked": False})
    assert r.json()["marked_for_review"] is False
    assert dp_state(app_env, team.dp) == ("todo", False)
    for bad in ({"marked": "yes"}, {}, {"marked": True, "user_id": "x"}):
        assert team.ann.post(f"/api/datapoints/{team.dp}/review", json=bad).status_code == 422


def test_only_reviewers_set_someone_elses_mark(app_env: AppEnv, team: Team) -> None:
    other = {"marked": True, "user_id": team.bob_id}
    r = team.ann.post(f"/api/datapoints/{team.dp}/review", json=other)
    assert r.status_code == 403 and r.json()["code"] == "not_your_assignment"
    r = team.rev.post(f"/api/datapoints/{team.dp}/review", json=other)
    assert r.status_code == 200 and r.json()["username"] == "bob"
    # The reviewer has no assignment of their own here.
    r = team.rev.post(f"/api/datapoints/{team.dp}/review", json={"marked": True})
    assert r.status_code == 404 and r.json()["code"] == "not_assigned"
    r = team.rev.post(f"/api/datapoints/{team.dp}/review", json={"marked": True, "user_id": 9999})
    assert r.status_code == 404


def test_complete_and_reopen_drive_datapoint_status(app_env: AppEnv, team: Team) -> None:
    r = team.ann.post(f"/api/datapoints/{team.dp}/complete")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "done" and r.json()["completed_at"]
    assert dp_state(app_env, team.dp) == ("in_progress", False)
    assert team.bob.post(f"/api/datapoints/{team.dp}/complete", json={}).status_code == 200
    assert dp_state(app_env, team.dp) == ("done", False)
    # A reviewer sends bob's work back.
    r = team.rev.post(f"/api/datapoints/{team.dp}/reopen", json={"user_id": team.bob_id})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    assert r.json()["completed_at"] is None
    assert dp_state(app_env, team.dp) == ("in_progress", False)
    assert team.ann.post(f"/api/datapoints/{team.dp}/reopen").json()["status"] == "in_progress"


def test_complete_needs_required_labels(app_env: AppEnv, team: Team, factory: Factory) -> None:
    pid = team.project["id"]
    factory.admin.patch(f"/api/projects/{pid}/labels/{team.quality['id']}", json={"required": True})
    spk = factory.label(pid, "spk", "text", required=True)
    seg = team.ann.post(f"/api/datapoints/{team.dp}/segments", json={"start": 1, "end": 2})
    r = team.ann.post(f"/api/datapoints/{team.dp}/complete")
    assert r.status_code == 400 and r.json()["code"] == "missing_required"
    assert "quality" in r.json()["detail"] and "spk (segment at 1 s)" in r.json()["detail"]
    good = team.quality["values"][0]["id"]
    team.ann.put(f"/api/datapoints/{team.dp}/values", json={"values": {"quality": good}})
    patch = {"version": 1, "values": {str(spk["id"]): "me"}}
    assert team.ann.patch(f"/api/segments/{seg.json()['id']}", json=patch).status_code == 200
    assert team.ann.post(f"/api/datapoints/{team.dp}/complete").status_code == 200


def test_values_are_checked_and_stored_by_label_id(app_env: AppEnv, team: Team) -> None:
    path = f"/api/datapoints/{team.dp}/values"
    good, bad = (v["id"] for v in team.quality["values"])
    music, noise = (v["id"] for v in team.flags["values"])
    values = {"quality": good, str(team.flags["id"]): [music, noise], "comment": "مرحبا 👋"}
    r = team.ann.put(path, json={"values": values})
    assert r.status_code == 200, r.text
    stored = r.json()["values"]
    assert stored == {
        str(team.quality["id"]): good,
        str(team.flags["id"]): [music, noise],
        next(k for k in stored if stored[k] == "مرحبا 👋"): "مرحبا 👋",
    }
    assert r.json()["status"] == "in_progress"
    assert team.ann.get(path).json()["values"] == stored
    assert team.bob.get(path).json()["values"] == {}
    refused = [
        {"speaker": 1},
        {"nope": 1},
        {"quality": 999999},
        {"quality": [good]},
        {"flags": [music, music]},
        {"comment": 1},
        [],
    ]
    for bad_values in refused:
        r = team.ann.put(path, json={"values": bad_values})
        assert r.status_code in (400, 422), (bad_values, r.text)
    assert team.ann.get(path).json()["values"] == stored
    # A stale version is refused; the current version passes.
    version = team.ann.get(path).json()["version"]
    r = team.ann.put(path, json={"values": {"quality": bad}, "version": version - 1})
    assert r.status_code == 409 and r.json()["current"]["values"] == stored
    r = team.ann.put(path, json={"values": {"quality": bad}, "version": version})
    assert r.status_code == 200 and r.json()["values"] == {str(team.quality["id"]): bad}


def test_values_of_others_only_for_reviewers(app_env: AppEnv, team: Team) -> None:
    path = f"/api/datapoints/{team.dp}/values"
    assert team.ann.get(path, params={"user_id": team.bob_id}).status_code == 403
    body = {"values": {"comment": "x"}, "user_id": team.bob_id}
    assert team.ann.put(path, json=body).status_code == 403
    assert team.rev.put(path, json=body).status_code == 200
    assert team.bob.get(path).json()["values"] != {}
    assert team.rev.get(path, params={"user_id": team.bob_id}).status_code == 200


def test_project_key_must_name_the_user(app_env: AppEnv, team: Team, factory: Factory) -> None:
    keyed = app_env.bearer(factory.api_key(team.project["id"], "manage"))
    r = keyed.post(f"/api/datapoints/{team.dp}/complete")
    assert r.status_code == 403 and r.json()["code"] == "user_required"
    r = keyed.post(f"/api/datapoints/{team.dp}/complete", json={"user_id": team.ann_id})
    assert r.status_code == 200


def test_unassigned_annotator_is_refused(app_env: AppEnv, team: Team, factory: Factory) -> None:
    factory.user("carl")
    factory.member(team.project["id"], "carl", "annotator")
    carl = app_env.login("carl")
    for path in ("review", "complete", "reopen"):
        body = {"marked": True} if path == "review" else {}
        assert carl.post(f"/api/datapoints/{team.dp}/{path}", json=body).status_code == 404
