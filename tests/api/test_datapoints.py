"""Datapoint list, filters, keyset pagination, read/edit/delete, assignments, status."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, update

from audino.db.models import Assignment, AuditEvent, Datapoint
from audino.services import assignments
from tests.conftest import FORMATS, AppEnv, Factory

WAV = FORMATS / "pcm16_mono_16k.wav"
STATUSES = ("todo", "in_progress", "done")


def upload(client: TestClient, project_id: int, name: str = "a.wav", **fields: Any) -> Any:
    # Append the name so each upload is a distinct file (distinct sha256).
    data = WAV.read_bytes() + name.encode()
    r = client.post(
        f"/api/projects/{project_id}/datapoints", files={"file": (name, data)}, data=fields
    )
    assert r.status_code == 201, r.text
    return r.json()["datapoint"]


def bulk(env: AppEnv, project_id: int, names: list[str]) -> list[int]:
    """Datapoint rows straight into the database (no audio), for listing tests."""
    rows = [
        {
            "project_id": project_id,
            "storage_key": f"fake/{i}",
            "original_name": name,
            "duration": 1.0,
            "sample_rate": 16000,
            "channels": 1,
            "codec": "pcm_s16le",
            "container": "wav",
            "size": 100,
            "sha256": hashlib.sha256(f"{project_id}-{i}".encode()).hexdigest(),
            "reference_transcript": "",
            "metadata": {},
            "status": STATUSES[i % 3],
            "marked_for_review": i % 5 == 0,
            "offset": 0.0,
        }
        for i, name in enumerate(names)
    ]
    with env.database.session() as db:
        db.execute(insert(Datapoint), rows)
        return list(
            db.scalars(
                select(Datapoint.id)
                .where(Datapoint.project_id == project_id)
                .order_by(Datapoint.id)
            )
        )


def walk(client: TestClient, project_id: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        r = client.get(f"/api/projects/{project_id}/datapoints", params=query)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= params.get("limit", 50)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("sort", ["id", "-id", "name", "-name", "created", "-created"])
def test_keyset_pagination_walks_every_row_once_in_order(
    app_env: AppEnv, factory: Factory, sort: str
) -> None:
    project = factory.project()
    # Repeated names check that ties are broken by id and nothing is skipped at a page edge.
    names = [f"clip-{(i * 7919) % 1000:04d}.wav" for i in range(3000)]
    ids = bulk(app_env, project["id"], names)
    other = factory.project("Other")
    bulk(app_env, other["id"], ["x.wav"] * 10)
    items = walk(factory.admin, project["id"], sort=sort, limit=497)
    got = [(d["original_name"], d["id"]) for d in items]
    assert len(got) == len(set(got)) == 3000
    by_id = dict(zip(ids, names, strict=True))
    if sort.lstrip("-") == "name":
        expected = sorted(((by_id[i], i) for i in ids), reverse=sort.startswith("-"))
    else:
        expected = sorted(((by_id[i], i) for i in ids), key=lambda x: x[1])
        expected.reverse() if sort.startswith("-") else None
    assert got == expected


@pytest.mark.parametrize("sort", ["id", "-id", "name"])
def test_annotator_pagination_over_own_assignments(
    app_env: AppEnv, factory: Factory, as_user: Any, sort: str
) -> None:
    ann = factory.user("ann")
    project = factory.project(ann="annotator")
    ids = bulk(app_env, project["id"], [f"c{i % 17}.wav" for i in range(900)])
    mine = ids[::2]
    with app_env.database.session() as db:
        db.execute(
            insert(Assignment),
            [
                {"datapoint_id": d, "user_id": ann["id"], "status": STATUSES[(d // 2) % 3]}
                for d in mine
            ],
        )
    client = as_user("ann")
    for params in ({}, {"review": "false"}, {"status": "done"}):
        got = [d["id"] for d in walk(client, project["id"], sort=sort, limit=41, **params)]
        assert len(got) == len(set(got))
        expected = [d for d in mine if params.get("status") in (None, STATUSES[(d // 2) % 3])]
        assert sorted(got) == expected
        if sort != "name":
            assert got == (expected[::-1] if sort == "-id" else expected)
    manager = walk(factory.admin, project["id"], assignee="ann", limit=77)
    assert [d["id"] for d in manager] == mine


def test_list_counts_and_defaults(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    bulk(app_env, project["id"], [f"{i}.wav" for i in range(60)])
    r = factory.admin.get(f"/api/projects/{project['id']}/datapoints")
    page = r.json()
    assert len(page["items"]) == 50 and page["next_cursor"]
    assert page["counts"] == {
        "total": 60,
        "todo": 20,
        "in_progress": 20,
        "done": 20,
        "marked_for_review": 12,
    }


def set_assignment(
    env: AppEnv, datapoint_id: int, user_id: int, status: str, marked: bool = False
) -> None:
    with env.database.session() as db:
        db.execute(
            update(Assignment)
            .where(Assignment.datapoint_id == datapoint_id, Assignment.user_id == user_id)
            .values(status=status, marked_for_review=marked)
        )
        assignments.refresh_status(db, datapoint_id)


@pytest.fixture
def team(app_env: AppEnv, factory: Factory) -> dict[str, Any]:
    """A project with two annotators, a reviewer and three uploaded datapoints."""
    ann, bob, rev = factory.user("ann"), factory.user("bob"), factory.user("rev")
    factory.user("stranger")
    project = factory.project(ann="annotator", bob="annotator", rev="reviewer")
    a = upload(factory.admin, project["id"], "Alpha_1.wav", assign_to="ann,bob")
    b = upload(factory.admin, project["id"], "beta%.wav", assign_to="ann")
    c = upload(factory.admin, project["id"], "gamma.wav", assign_to="bob")
    set_assignment(app_env, a["id"], ann["id"], "done")
    set_assignment(app_env, b["id"], ann["id"], "in_progress", marked=True)
    return {"project": project, "ann": ann, "bob": bob, "rev": rev, "a": a, "b": b, "c": c}


def names(client: TestClient, project_id: int, **params: Any) -> list[str]:
    r = client.get(f"/api/projects/{project_id}/datapoints", params=params)
    assert r.status_code == 200, r.text
    return [d["original_name"] for d in r.json()["items"]]


def test_manager_filters(factory: Factory, team: dict[str, Any]) -> None:
    pid, admin = team["project"]["id"], factory.admin
    assert names(admin, pid) == ["Alpha_1.wav", "beta%.wav", "gamma.wav"]
    # Alpha: ann done, bob todo -> in_progress overall.
    assert names(admin, pid, status="in_progress") == ["Alpha_1.wav", "beta%.wav"]
    assert names(admin, pid, status="todo") == ["gamma.wav"]
    assert names(admin, pid, review="true") == ["beta%.wav"]
    assert names(admin, pid, review="false") == ["Alpha_1.wav", "gamma.wav"]
    assert names(admin, pid, assignee="bob") == ["Alpha_1.wav", "gamma.wav"]
    assert names(admin, pid, assignee=str(team["ann"]["id"])) == ["Alpha_1.wav", "beta%.wav"]
    assert names(admin, pid, assignee="ann", status="done") == ["Alpha_1.wav"]
    assert names(admin, pid, assignee="nobody") == []
    assert names(admin, pid, filename="ALPHA") == ["Alpha_1.wav"]
    assert names(admin, pid, filename="%") == ["beta%.wav"]
    assert names(admin, pid, filename="_") == ["Alpha_1.wav"]
    assert names(admin, pid, sort="-name") == ["gamma.wav", "beta%.wav", "Alpha_1.wav"]
    counts = admin.get(f"/api/projects/{pid}/datapoints").json()["counts"]
    assert counts == {"total": 3, "todo": 1, "in_progress": 2, "done": 0, "marked_for_review": 1}


def test_annotator_sees_only_own_assignments(
    factory: Factory, team: dict[str, Any], as_user: Any
) -> None:
    pid = team["project"]["id"]
    ann = as_user("ann")
    assert names(ann, pid) == ["Alpha_1.wav", "beta%.wav"]
    assert names(ann, pid, status="done") == ["Alpha_1.wav"]
    assert names(ann, pid, status="in_progress") == ["beta%.wav"]
    assert names(ann, pid, review="true") == ["beta%.wav"]
    assert names(ann, pid, assignee="bob") == []
    page = ann.get(f"/api/projects/{pid}/datapoints").json()
    first = page["items"][0]
    assert first["status"] == "done" and first["my_assignment"]["status"] == "done"
    assert [a["username"] for a in first["assignments"]] == ["ann"]
    assert page["counts"]["total"] == 2 and page["counts"]["done"] == 1
    assert names(as_user("bob"), pid) == ["Alpha_1.wav", "gamma.wav"]


def test_reviewer_sees_all(factory: Factory, team: dict[str, Any], as_user: Any) -> None:
    pid = team["project"]["id"]
    rev = as_user("rev")
    assert names(rev, pid) == ["Alpha_1.wav", "beta%.wav", "gamma.wav"]
    dp = rev.get(f"/api/datapoints/{team['a']['id']}").json()
    assert {a["username"] for a in dp["assignments"]} == {"ann", "bob"}


def test_non_member_sees_nothing(factory: Factory, team: dict[str, Any], as_user: Any) -> None:
    stranger = as_user("stranger")
    pid = team["project"]["id"]
    assert stranger.get(f"/api/projects/{pid}/datapoints").status_code == 404
    r = stranger.get(f"/api/datapoints/{team['a']['id']}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_annotator_cannot_tell_an_unassigned_datapoint_from_a_missing_one(
    factory: Factory, team: dict[str, Any], as_user: Any
) -> None:
    ann = as_user("ann")
    unassigned = ann.get(f"/api/datapoints/{team['c']['id']}")
    missing = ann.get("/api/datapoints/999999")
    assert unassigned.status_code == missing.status_code == 404
    assert unassigned.json()["code"] == missing.json()["code"] == "not_found"
    assert unassigned.json()["detail"].replace(str(team["c"]["id"]), "N") == missing.json()[
        "detail"
    ].replace("999999", "N")
    for path in ("audio", "segments", "peaks"):
        assert ann.get(f"/api/datapoints/{team['c']['id']}/{path}").status_code == 404, path
    assert ann.get(f"/api/datapoints/{team['b']['id']}").status_code == 200


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"cursor": "garbage!!"}, 400, "bad_cursor"),
        ({"cursor": "bm90IGpzb24"}, 400, "bad_cursor"),
        ({"cursor": "WyJuYW1lIiwxLDFd"}, 400, "bad_cursor"),  # ["name",1,1]
        ({"status": "finished"}, 400, "bad_status"),
        ({"sort": "size"}, 400, "bad_sort"),
        ({"limit": "-1"}, 422, "validation_error"),
        ({"limit": "0"}, 422, "validation_error"),
        ({"limit": "100000"}, 422, "validation_error"),
        ({"limit": "99999999999999999999999"}, 422, "validation_error"),
        ({"review": "maybe"}, 422, "validation_error"),
        ({"assignee": "x" * 500}, 422, "validation_error"),
    ],
)
def test_bad_list_parameters(
    factory: Factory, params: dict[str, str], status: int, code: str
) -> None:
    project = factory.project()
    r = factory.admin.get(f"/api/projects/{project['id']}/datapoints", params=params)
    assert r.status_code == status, r.text
    assert r.json()["code"] == code


def cursor_of(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"assignee": "\x00"},
        {"assignee": "99999999999999999999999"},
        {"filename": "a\x00"},
        {"cursor": cursor_of("name", "a\x00", 1), "sort": "name"},
        {"cursor": cursor_of("id", 2**70, 2**70)},
        {"cursor": cursor_of("id", -1, -1)},
        {"cursor": cursor_of("id", 1, True)},
        {"cursor": cursor_of("name", None, 1), "sort": "name"},
        {"cursor": cursor_of("id", 1)},
        {"cursor": cursor_of({"a": 1})},
        {"cursor": "%00"},
        {"cursor": "\u00e9"},
    ],
)
def test_nasty_list_parameters_never_500(factory: Factory, params: dict[str, str]) -> None:
    project = factory.project()
    r = factory.admin.get(f"/api/projects/{project['id']}/datapoints", params=params)
    assert r.status_code in (200, 400, 422), r.text
    assert r.status_code == 200 or r.json()["code"]


def test_nasty_assignees_are_400(factory: Factory) -> None:
    dp = upload(factory.admin, factory.project()["id"])
    for users in (["\x00"], ["a\ud800"], [99999999999999999999999], [-1], [""]):
        r = factory.admin.post(
            f"/api/datapoints/{dp['id']}/assignments",
            content=json.dumps({"users": users}),
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code in (200, 400, 422), r.text


def test_deep_metadata_is_refused(factory: Factory) -> None:
    dp = upload(factory.admin, factory.project()["id"])
    deep: Any = 1
    for _ in range(200):
        deep = {"k": deep}
    r = factory.admin.patch(f"/api/datapoints/{dp['id']}", json={"metadata": deep})
    assert r.status_code in (400, 422) and r.json()["code"]
    text = "[" * 5000 + "]" * 5000
    r = factory.admin.post(
        f"/api/projects/{dp['project_id']}/datapoints",
        files={"file": ("b.wav", WAV.read_bytes())},
        data={"metadata": '{"a": ' + text + "}"},
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_metadata"


def test_cursor_from_another_sort_is_refused(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    bulk(app_env, project["id"], ["a.wav", "b.wav", "c.wav"])
    url = f"/api/projects/{project['id']}/datapoints"
    cursor = factory.admin.get(url, params={"limit": 1}).json()["next_cursor"]
    r = factory.admin.get(url, params={"limit": 1, "sort": "name", "cursor": cursor})
    assert r.status_code == 400 and r.json()["code"] == "bad_cursor"


def test_get_includes_audio_metadata(factory: Factory, team: dict[str, Any]) -> None:
    dp = factory.admin.get(f"/api/datapoints/{team['a']['id']}").json()
    assert dp["sample_rate"] == 16000 and dp["channels"] == 1 and dp["codec"] == "pcm_s16le"
    assert dp["container"] == "wav" and dp["content_type"] == "audio/wav"
    assert dp["audio_url"] == f"/api/datapoints/{dp['id']}/audio"
    assert dp["status"] == "in_progress"
    statuses = {a["username"]: a["status"] for a in dp["assignments"]}
    assert statuses == {"ann": "done", "bob": "todo"}
    assert dp["my_assignment"] is None


def test_get_unknown_datapoint_is_404(factory: Factory) -> None:
    assert factory.admin.get("/api/datapoints/999999").status_code == 404
    assert factory.admin.get("/api/datapoints/99999999999999999999999").status_code in (400, 422)


def test_patch(app_env: AppEnv, factory: Factory, team: dict[str, Any], as_user: Any) -> None:
    url = f"/api/datapoints/{team['a']['id']}"
    r = factory.admin.patch(
        url,
        json={
            "original_name": "../renamed.wav",
            "reference_transcript": "hello",
            "metadata": {"k": [1, "v"]},
        },
    )
    assert r.status_code == 200, r.text
    dp = r.json()
    assert dp["original_name"] == "renamed.wav"
    assert dp["reference_transcript"] == "hello" and dp["metadata"] == {"k": [1, "v"]}
    r = factory.admin.patch(url, json={"reference_transcript": None})
    assert r.json()["reference_transcript"] == "" and r.json()["metadata"] == {"k": [1, "v"]}
    assert as_user("ann").patch(url, json={"original_name": "x.wav"}).status_code == 403
    assert as_user("rev").patch(url, json={"original_name": "x.wav"}).status_code == 403
    with app_env.database.session(write=False) as db:
        event = db.scalars(
            select(AuditEvent).where(AuditEvent.action == "datapoint.update")
        ).first()
    assert event is not None and event.before and event.before["original_name"] == "Alpha_1.wav"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"metadata": [1, 2]}, 422),
        ({"metadata": "x"}, 422),
        ({"original_name": ""}, 400),
        ({"original_name": "a\x00b"}, 400),
        ({"reference_transcript": "a\x00b"}, 400),
        ({"reference_transcript": "\ud800"}, 400),
        ({"metadata": {"k": "\x00"}}, 400),
        ({"original_name": "x" * 600}, 422),
    ],
)
def test_patch_refuses_bad_values(factory: Factory, body: dict[str, Any], status: int) -> None:
    dp = upload(factory.admin, factory.project()["id"])
    r = factory.admin.patch(
        f"/api/datapoints/{dp['id']}",
        content=json.dumps(body),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == status, r.text
    assert r.json()["code"]


def test_delete(app_env: AppEnv, factory: Factory, team: dict[str, Any], as_user: Any) -> None:
    url = f"/api/datapoints/{team['a']['id']}"
    assert as_user("ann").delete(url).status_code == 403
    assert len(app_env.storage.keys()) == 3
    assert factory.admin.delete(url).status_code == 204
    assert factory.admin.get(url).status_code == 404
    assert len(app_env.storage.keys()) == 2
    assert factory.admin.delete(url).status_code == 404
    with app_env.database.session(write=False) as db:
        assert (
            db.scalar(select(Assignment).where(Assignment.datapoint_id == team["a"]["id"])) is None
        )
        actions = list(db.scalars(select(AuditEvent.action)))
    assert "datapoint.delete" in actions


def test_assign_and_unassign(
    app_env: AppEnv, factory: Factory, team: dict[str, Any], as_user: Any
) -> None:
    c = team["c"]
    url = f"/api/datapoints/{c['id']}/assignments"
    r = factory.admin.post(url, json={"users": ["ann", team["rev"]["id"]]})
    assert r.status_code == 200, r.text
    assert {a["username"] for a in r.json()["assignments"]} == {"ann", "bob", "rev"}
    assert as_user("ann").get(f"/api/datapoints/{c['id']}").status_code == 200
    r = factory.admin.post(url, json={"users": ["ghost", 424242]})
    assert r.status_code == 400 and "ghost" in r.json()["detail"] and "424242" in r.json()["detail"]
    r = factory.admin.post(url, json={"users": ["stranger"]})
    assert r.status_code == 400 and r.json()["code"] == "unknown_assignee"
    assert factory.admin.post(url, json={"users": "ann"}).status_code == 422
    assert as_user("ann").post(url, json={"users": ["ann"]}).status_code == 403
    ann_id = team["ann"]["id"]
    assert factory.admin.delete(f"{url}/{ann_id}").status_code == 204
    assert factory.admin.delete(f"{url}/{ann_id}").status_code == 404
    assert as_user("ann").get(f"/api/datapoints/{c['id']}").status_code == 404
    with app_env.database.session(write=False) as db:
        actions = list(db.scalars(select(AuditEvent.action)))
    assert "datapoint.unassign" in actions and "datapoint.assign" in actions


def test_unassigning_updates_status(
    app_env: AppEnv, factory: Factory, team: dict[str, Any]
) -> None:
    a = team["a"]
    # ann done, bob todo -> in_progress; without bob -> done.
    factory.admin.delete(f"/api/datapoints/{a['id']}/assignments/{team['bob']['id']}")
    assert factory.admin.get(f"/api/datapoints/{a['id']}").json()["status"] == "done"


@pytest.mark.parametrize(
    ("statuses", "marks", "status", "marked"),
    [
        ([], [], "todo", False),
        (["todo", "todo"], [False, False], "todo", False),
        (["todo", "in_progress"], [False, False], "in_progress", False),
        (["todo", "done"], [False, True], "in_progress", True),
        (["done", "done"], [False, False], "done", False),
    ],
)
def test_refresh_status(
    app_env: AppEnv,
    factory: Factory,
    statuses: list[str],
    marks: list[bool],
    status: str,
    marked: bool,
) -> None:
    users = [factory.user(f"u{i}") for i in range(len(statuses))]
    project = factory.project(**{u["username"]: "annotator" for u in users})
    names = ",".join(u["username"] for u in users)
    dp = upload(factory.admin, project["id"], **({"assign_to": names} if names else {}))
    with app_env.database.session() as db:
        for user, s, m in zip(users, statuses, marks, strict=True):
            db.execute(
                update(Assignment)
                .where(Assignment.datapoint_id == dp["id"], Assignment.user_id == user["id"])
                .values(status=s, marked_for_review=m)
            )
        row = assignments.refresh_status(db, dp["id"])
        assert row is not None and (row.status, row.marked_for_review) == (status, marked)
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert (got["status"], got["marked_for_review"]) == (status, marked)
