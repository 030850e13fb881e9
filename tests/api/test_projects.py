"""Projects, members, settings and project API keys, with the permission rules."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import AppEnv, Factory


def test_project_crud_and_settings(admin: TestClient) -> None:
    r = admin.post("/api/projects", json={"name": "Birds", "settings": {"keymap": {"play": "k"}}})
    assert r.status_code == 201
    pid = r.json()["id"]
    r = admin.patch(
        f"/api/projects/{pid}",
        json={"description": "dawn chorus", "settings": {"ui": {"spectrogram": True}}},
    )
    assert r.json()["description"] == "dawn chorus"
    assert r.json()["settings"] == {"ui": {"spectrogram": True}}
    assert admin.get(f"/api/projects/{pid}").json()["counts"]["total"] == 0
    assert admin.delete(f"/api/projects/{pid}").status_code == 204
    assert admin.get(f"/api/projects/{pid}").status_code == 404


def test_duplicate_and_empty_names(admin: TestClient, factory: Factory) -> None:
    factory.project("Birds")
    assert admin.post("/api/projects", json={"name": "Birds"}).status_code == 409
    assert admin.post("/api/projects", json={"name": "   "}).status_code == 400
    assert admin.post("/api/projects", json={"name": ""}).status_code == 422
    assert admin.post("/api/projects", json={"name": 5}).status_code == 422
    assert admin.post("/api/projects", json={"name": "x", "settings": []}).status_code == 422


def test_members_see_only_their_projects(app_env: AppEnv, factory: Factory) -> None:
    factory.user("alice")
    factory.user("bob")
    mine = factory.project("Mine", alice="annotator")
    factory.project("Theirs", bob="manager")
    alice = app_env.login("alice")
    assert [p["name"] for p in alice.get("/api/projects").json()] == ["Mine"]
    assert alice.get("/api/projects").json()[0]["role"] == "annotator"
    assert alice.get(f"/api/projects/{mine['id']}").status_code == 200
    assert alice.get(f"/api/projects/{mine['id'] + 1}").status_code == 404


def test_annotator_cannot_manage(app_env: AppEnv, factory: Factory) -> None:
    factory.user("alice")
    project = factory.project("P", alice="annotator")
    alice = app_env.login("alice")
    pid = project["id"]
    assert alice.patch(f"/api/projects/{pid}", json={"name": "hacked"}).status_code == 403
    assert alice.delete(f"/api/projects/{pid}").status_code == 403
    assert (
        alice.post(
            f"/api/projects/{pid}/members", json={"username": "alice", "role": "manager"}
        ).status_code
        == 403
    )
    assert alice.post(f"/api/projects/{pid}/api-keys", json={}).status_code == 403
    assert (
        alice.post(f"/api/projects/{pid}/labels", json={"name": "x", "kind": "text"}).status_code
        == 403
    )
    assert alice.post("/api/projects", json={"name": "new"}).status_code == 403


def test_manager_runs_their_project_only(app_env: AppEnv, factory: Factory) -> None:
    factory.user("mia")
    factory.user("alice")
    mine = factory.project("Mine", mia="manager")
    other = factory.project("Other")
    mia = app_env.login("mia")
    r = mia.post(
        f"/api/projects/{mine['id']}/members", json={"username": "alice", "role": "reviewer"}
    )
    assert r.status_code == 201 and r.json()["role"] == "reviewer"
    assert (
        mia.patch(
            f"/api/projects/{mine['id']}/members/{r.json()['user_id']}", json={"role": "annotator"}
        ).json()["role"]
        == "annotator"
    )
    assert mia.patch(f"/api/projects/{mine['id']}", json={"description": "d"}).status_code == 200
    assert mia.patch(f"/api/projects/{other['id']}", json={"description": "d"}).status_code == 404
    assert (
        mia.post(
            f"/api/projects/{other['id']}/members", json={"username": "alice", "role": "annotator"}
        ).status_code
        == 404
    )


def test_member_validation(admin: TestClient, factory: Factory) -> None:
    factory.user("alice")
    pid = factory.project("P")["id"]
    r = admin.post(f"/api/projects/{pid}/members", json={"username": "alice", "role": "boss"})
    assert r.status_code == 400 and r.json()["code"] == "bad_role"
    r = admin.post(f"/api/projects/{pid}/members", json={"username": "ghost", "role": "annotator"})
    assert r.status_code == 404
    assert admin.delete(f"/api/projects/{pid}/members/99").status_code == 404
    assert admin.get(f"/api/projects/{pid}/members").json() == []


def test_project_key_is_scoped_to_its_project(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    p1 = factory.project("One")
    p2 = factory.project("Two")
    key = factory.api_key(p1["id"], "manage")
    scripted = app_env.bearer(key)
    assert [p["name"] for p in scripted.get("/api/projects").json()] == ["One"]
    assert scripted.get(f"/api/projects/{p1['id']}/labels").status_code == 200
    assert scripted.get(f"/api/projects/{p2['id']}/labels").status_code == 404
    assert scripted.get("/api/users").status_code == 403
    # Keys are listed without their secret and can be revoked.
    keys = admin.get(f"/api/projects/{p1['id']}/api-keys").json()
    assert len(keys) == 1 and "key" not in keys[0] and key.startswith(keys[0]["prefix"])
    assert admin.delete(f"/api/projects/{p1['id']}/api-keys/{keys[0]['id']}").status_code == 204
    assert scripted.get("/api/projects").status_code == 401
    # A key cannot be revoked through another project.
    key2 = factory.api_key(p2["id"])
    kid = admin.get(f"/api/projects/{p2['id']}/api-keys").json()[0]["id"]
    assert admin.delete(f"/api/projects/{p1['id']}/api-keys/{kid}").status_code == 404
    assert app_env.bearer(key2).get("/api/projects").status_code == 200


def test_audit_events_are_recorded(app_env: AppEnv, admin: TestClient) -> None:
    admin.post("/api/projects", json={"name": "Audited"})
    from sqlalchemy import select

    from audino.db.models import AuditEvent

    with app_env.database.session(write=False) as db:
        actions = [e.action for e in db.scalars(select(AuditEvent))]
    assert "project.create" in actions
