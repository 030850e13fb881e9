"""Bulk assignment (selection and spread with overlap), the next item, and neighbours."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from audino.db.models import Assignment
from tests import builders
from tests.conftest import AppEnv, Factory


@pytest.fixture
def crew(app_env: AppEnv, factory: Factory) -> dict[str, Any]:
    users = {name: factory.user(name) for name in ("ann", "bob", "cat", "mo")}
    roles = {"ann": "annotator", "bob": "annotator", "cat": "annotator", "mo": "manager"}
    project = factory.project("Work", **roles)
    dps = [
        builders.datapoint(app_env.database, None, project["id"], f"clip{i:02}.wav")
        for i in range(10)
    ]
    return {"project": project["id"], "users": users, "dps": dps}


def _assignments(env: AppEnv) -> list[tuple[int, int]]:
    with env.database.session() as db:
        rows = db.execute(select(Assignment.datapoint_id, Assignment.user_id))
        return [(dp, user) for dp, user in rows]


def test_spread_gives_each_annotator_n_with_overlap_by_two_different_people(
    app_env: AppEnv, crew: dict[str, Any]
) -> None:
    manager = app_env.login("mo")
    r = manager.post(
        f"/api/projects/{crew['project']}/assignments",
        json={"users": ["ann", "bob"], "per_user": 3, "overlap": 0.5},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["per_user"] == {"ann": 3, "bob": 3}
    assert body["datapoints"] == 4 and body["assignments"] == 6
    rows = _assignments(app_env)
    per_dp = Counter(dp for dp, _ in rows)
    assert sorted(per_dp.values()) == [1, 1, 2, 2]
    assert len(set(rows)) == len(rows)  # never the same person twice on one item
    assert set(per_dp) == set(crew["dps"][:4])  # oldest unassigned first


@pytest.mark.parametrize(("per_user", "overlap"), [(2, 0.5), (3, 0.2), (5, 1.0), (4, 0.33)])
def test_spread_never_gives_anyone_more_than_asked(
    app_env: AppEnv, crew: dict[str, Any], per_user: int, overlap: float
) -> None:
    r = app_env.login("mo").post(
        f"/api/projects/{crew['project']}/assignments",
        json={"users": ["ann", "bob"], "per_user": per_user, "overlap": overlap},
    )
    assert r.status_code == 200, r.text
    assert r.json()["per_user"] == {"ann": per_user, "bob": per_user}
    assert len(_assignments(app_env)) == 2 * per_user


def test_spread_skips_assigned_items_and_scales_down_when_few_are_left(
    app_env: AppEnv, crew: dict[str, Any]
) -> None:
    manager = app_env.login("mo")
    url = f"/api/projects/{crew['project']}/assignments"
    assert manager.post(url, json={"users": ["ann"], "per_user": 8}).status_code == 200
    r = manager.post(url, json={"users": ["bob", "cat"], "per_user": 5})
    assert r.json()["per_user"] == {"bob": 1, "cat": 1}
    r = manager.post(url, json={"users": ["bob"], "per_user": 1})
    assert r.status_code == 400 and r.json()["code"] == "none_left"
    assert len(_assignments(app_env)) == 10


def test_selection_assigns_every_user_and_refuses_unknown_ids_without_changes(
    app_env: AppEnv, crew: dict[str, Any]
) -> None:
    manager = app_env.login("mo")
    url = f"/api/projects/{crew['project']}/assignments"
    dps = crew["dps"]
    r = manager.post(url, json={"users": ["ann", "cat"], "datapoint_ids": dps[:3]})
    assert r.status_code == 200 and r.json()["assignments"] == 6
    again = manager.post(url, json={"users": ["ann"], "datapoint_ids": dps[:3]})
    assert again.json()["assignments"] == 0  # already there: nothing added
    bad = manager.post(url, json={"users": ["bob"], "datapoint_ids": [dps[5], 999_999]})
    assert bad.status_code == 404 and "999999" in bad.json()["detail"]
    assert len(_assignments(app_env)) == 6


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"users": ["ann"]}, "bad_assignment"),
        ({"users": ["ann"], "per_user": 2, "datapoint_ids": [1]}, "bad_assignment"),
        ({"users": ["ann"], "per_user": 2, "overlap": 0.3}, "bad_overlap"),
        ({"users": ["nobody"], "per_user": 2}, None),
        ({"users": ["ann"], "per_user": 0}, "validation_error"),
        ({"users": ["ann"], "per_user": 2, "overlap": 1.5}, "validation_error"),
    ],
)
def test_bad_assignment_requests_are_refused(
    app_env: AppEnv, crew: dict[str, Any], body: dict[str, Any], code: str | None
) -> None:
    r = app_env.login("mo").post(f"/api/projects/{crew['project']}/assignments", json=body)
    assert 400 <= r.status_code < 500
    if code:
        assert r.json()["code"] == code
    assert _assignments(app_env) == []


def test_only_managers_assign(app_env: AppEnv, crew: dict[str, Any]) -> None:
    r = app_env.login("ann").post(
        f"/api/projects/{crew['project']}/assignments", json={"users": ["ann"], "per_user": 1}
    )
    assert r.status_code == 403


def test_next_prefers_in_progress_then_wraps_around(app_env: AppEnv, crew: dict[str, Any]) -> None:
    ann_id, dps = crew["users"]["ann"]["id"], crew["dps"]
    for dp, status in zip(dps[:4], ("done", "todo", "in_progress", "todo"), strict=True):
        builders.assignment(app_env.database, dp, ann_id, status=status)
    ann = app_env.login("ann")
    url = f"/api/projects/{crew['project']}/next"
    assert ann.get(url).json() == {"datapoint_id": dps[2]}
    assert ann.get(url, params={"after": dps[2]}).json() == {"datapoint_id": dps[3]}
    assert ann.get(url, params={"after": dps[3]}).json() == {"datapoint_id": dps[2]}
    ann.post(f"/api/datapoints/{dps[2]}/complete")
    assert ann.get(url, params={"after": dps[2]}).json() == {"datapoint_id": dps[3]}
    assert ann.get(url, params={"after": dps[3]}).json() == {"datapoint_id": dps[1]}
    bob = app_env.login("bob")
    assert bob.get(url).json() == {"datapoint_id": None}


def test_neighbours_follow_the_callers_list(app_env: AppEnv, crew: dict[str, Any]) -> None:
    ann_id, dps = crew["users"]["ann"]["id"], crew["dps"]
    for dp in (dps[1], dps[4], dps[7]):
        builders.assignment(app_env.database, dp, ann_id)
    ann = app_env.login("ann")
    got = ann.get(f"/api/datapoints/{dps[4]}/neighbours").json()
    assert got == {"previous": dps[1], "next": dps[7], "next_in_queue": dps[7]}
    manager = app_env.login("mo")
    got = manager.get(f"/api/datapoints/{dps[4]}/neighbours").json()
    assert got["previous"] == dps[3] and got["next"] == dps[5]
    assert ann.get(f"/api/datapoints/{dps[5]}/neighbours").status_code in (403, 404)
