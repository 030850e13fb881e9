"""Project API keys act within their scope: upload (the default), export, or manage.

The audit: a fresh "upload key" could edit the project, add a manager, export everything
and delete the project. Now a key does only what its scope says, enforced in the one
access rule, and the keys list shows each key's scope.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from audino.db.models import ApiKey, Project
from tests.api.test_upload import WAV, upload
from tests.conftest import AppEnv, Factory


def _key(factory: Factory, pid: int, **body: Any) -> dict[str, Any]:
    r = factory.admin.post(f"/api/projects/{pid}/api-keys", json={"name": "script", **body})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _manager_moves(client: TestClient, pid: int, factory: Factory) -> dict[str, int]:
    """What the audit tried with a fresh key, by name: the status codes it got."""
    factory.user("mallory")
    return {
        "edit project": client.patch(f"/api/projects/{pid}", json={"name": "Owned"}).status_code,
        "add manager": client.post(
            f"/api/projects/{pid}/members", json={"username": "mallory", "role": "manager"}
        ).status_code,
        "new label": client.post(
            f"/api/projects/{pid}/labels", json={"name": "x", "kind": "text"}
        ).status_code,
        "new key": client.post(f"/api/projects/{pid}/api-keys", json={}).status_code,
        "delete project": client.delete(f"/api/projects/{pid}").status_code,
    }


def _unchanged(app_env: AppEnv, pid: int, name: str) -> None:
    with app_env.database.session(write=False) as db:
        project = db.get(Project, pid)
        assert project is not None and project.name == name


def test_a_new_key_is_an_upload_key(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project("Scoped")
    pid = project["id"]
    made = _key(factory, pid)
    assert made["scope"] == "upload"
    key = app_env.bearer(made["key"])

    r = upload(key, pid, WAV)
    assert r.status_code == 201, r.text
    dp_id = r.json()["datapoint"]["id"]

    refused = _manager_moves(key, pid, factory)
    assert refused == dict.fromkeys(refused, 403), refused
    _unchanged(app_env, pid, "Scoped")
    # Nor does it read or export what is there.
    assert key.get(f"/api/projects/{pid}/export").status_code == 403
    assert key.post(f"/api/projects/{pid}/exports", json={"format": "audino"}).status_code == 403
    assert key.get(f"/api/projects/{pid}/datapoints").status_code == 403
    assert key.get(f"/api/datapoints/{dp_id}/audio").status_code == 404  # not known to it
    assert key.get("/api/projects").json() == []
    members = factory.admin.get(f"/api/projects/{pid}/members").json()
    assert [m["username"] for m in members] == []


def test_the_403_says_what_the_key_may_do(app_env: AppEnv, factory: Factory) -> None:
    pid = factory.project("Scoped")["id"]
    key = app_env.bearer(_key(factory, pid)["key"])
    r = key.delete(f"/api/projects/{pid}")
    assert r.status_code == 403
    assert "upload key" in r.json()["detail"] and "manage" in r.json()["detail"]


def test_an_export_key_reads_and_exports_but_changes_nothing(
    app_env: AppEnv, factory: Factory
) -> None:
    pid = factory.project("Scoped")["id"]
    dp_id = upload(factory.admin, pid, WAV).json()["datapoint"]["id"]
    made = _key(factory, pid, scope="export")
    key = app_env.bearer(made["key"])

    assert key.get(f"/api/projects/{pid}/export").status_code == 200
    job = key.post(f"/api/projects/{pid}/exports", json={"format": "audino"})
    assert job.status_code == 202, job.text
    assert key.get(f"/api/jobs/{job.json()['id']}").json()["status"] == "done"
    assert key.get(f"/api/projects/{pid}/exports/{job.json()['id']}/download").status_code == 200
    assert job.json()["id"] in [j["id"] for j in key.get("/api/jobs").json()]
    assert key.get(f"/api/datapoints/{dp_id}/audio").status_code in (200, 206)
    assert [p["role"] for p in key.get("/api/projects").json()] == ["export key"]

    refused = _manager_moves(key, pid, factory)
    assert refused == dict.fromkeys(refused, 403), refused
    assert upload(key, pid, WAV).status_code == 403
    seg = {"start": 0, "end": 0.5, "transcript": "x"}
    assert key.post(f"/api/datapoints/{dp_id}/segments", json=seg).status_code == 403
    assert key.delete(f"/api/datapoints/{dp_id}").status_code == 403
    _unchanged(app_env, pid, "Scoped")


def test_an_export_key_does_not_see_the_projects_imports(app_env: AppEnv, factory: Factory) -> None:
    pid = factory.project("Scoped")["id"]
    exported = factory.admin.post(f"/api/projects/{pid}/exports", json={"format": "audino"})
    bundle = factory.admin.get(f"/api/projects/{pid}/export").content
    imported = factory.admin.post(
        f"/api/projects/{pid}/import", content=bundle, headers={"content-type": "application/zip"}
    )
    assert imported.status_code == 200, imported.text
    key = app_env.bearer(_key(factory, pid, scope="export")["key"])
    kinds = {j["kind"] for j in key.get("/api/jobs").json()}
    assert exported.json()["id"] in [j["id"] for j in key.get("/api/jobs").json()]
    assert kinds == {"export"}


def test_a_manage_key_is_a_manager(app_env: AppEnv, factory: Factory) -> None:
    pid = factory.project("Scoped")["id"]
    key = app_env.bearer(_key(factory, pid, scope="manage")["key"])
    assert key.patch(f"/api/projects/{pid}", json={"name": "Renamed"}).status_code == 200
    assert upload(key, pid, WAV).status_code == 201
    assert key.get(f"/api/projects/{pid}/export").status_code == 200


@pytest.mark.parametrize("scope", ["admin", "", "UPLOAD", 3])
def test_an_unknown_scope_is_refused(app_env: AppEnv, factory: Factory, scope: Any) -> None:
    pid = factory.project("Scoped")["id"]
    r = factory.admin.post(f"/api/projects/{pid}/api-keys", json={"scope": scope})
    assert r.status_code == 422
    assert "scope" in r.json()["detail"]
    with app_env.database.session(write=False) as db:
        assert db.query(ApiKey).count() == 0


def test_keys_list_their_scope(factory: Factory) -> None:
    pid = factory.project("Scoped")["id"]
    for scope in ("upload", "export", "manage"):
        _key(factory, pid, scope=scope)
    listed = factory.admin.get(f"/api/projects/{pid}/api-keys").json()
    assert [k["scope"] for k in listed] == ["upload", "export", "manage"]
