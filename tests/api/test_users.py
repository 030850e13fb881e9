"""Administering users: create, list, roles, deactivate, reset password, last admin."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import ADMIN_PASSWORD, AppEnv, Factory


def test_admin_creates_and_lists_users(admin: TestClient, factory: Factory) -> None:
    factory.user("alice")
    r = admin.post("/api/users", json={"username": "bob"})
    assert r.status_code == 201
    assert len(r.json()["generated_password"]) >= 12
    names = [u["username"] for u in admin.get("/api/users").json()]
    assert names == ["admin", "alice", "bob"]


def test_duplicate_username_is_409(admin: TestClient, factory: Factory) -> None:
    factory.user("alice")
    r = admin.post("/api/users", json={"username": "alice", "password": "another-pass-1"})
    assert r.status_code == 409 and r.json()["code"] == "username_taken"


def test_bad_username_and_weak_password_are_400(admin: TestClient) -> None:
    r = admin.post("/api/users", json={"username": "has space", "password": "long-enough-1"})
    assert r.status_code == 400 and r.json()["code"] == "bad_username"
    r = admin.post("/api/users", json={"username": "ok", "password": "short"})
    assert r.status_code == 400 and r.json()["code"] == "weak_password"
    assert len(admin.get("/api/users").json()) == 1


def test_non_admin_cannot_manage_users(app_env: AppEnv, factory: Factory) -> None:
    factory.user("alice")
    alice = app_env.login("alice")
    assert alice.get("/api/users").status_code == 403
    r = alice.post("/api/users", json={"username": "mallory", "password": "password-123"})
    assert r.status_code == 403 and r.json()["code"] == "admin_required"


def test_last_admin_cannot_be_removed(admin: TestClient, app_env: AppEnv, factory: Factory) -> None:
    r = admin.patch("/api/users/1", json={"is_admin": False})
    assert r.status_code == 409 and r.json()["code"] == "last_admin"
    assert admin.patch("/api/users/1", json={"is_active": False}).status_code == 409
    assert admin.delete("/api/users/1").status_code == 409
    second = factory.user("root2", is_admin=True)
    assert admin.patch("/api/users/1", json={"is_admin": False}).status_code == 200
    root2 = app_env.login("root2")
    assert root2.delete(f"/api/users/{second['id']}").status_code == 409
    assert root2.delete("/api/users/1").status_code == 204


def test_reset_password_logs_user_out(app_env: AppEnv, admin: TestClient, factory: Factory) -> None:
    user = factory.user("alice")
    alice = app_env.login("alice")
    r = admin.post(f"/api/users/{user['id']}/password", json={})
    assert r.status_code == 200
    new_password = r.json()["generated_password"]
    assert alice.get("/api/auth/me").status_code == 401
    app_env.login("alice", new_password)


def test_make_admin(app_env: AppEnv, admin: TestClient, factory: Factory) -> None:
    user = factory.user("alice")
    assert admin.patch(f"/api/users/{user['id']}", json={"is_admin": True}).json()["is_admin"]
    assert app_env.login("alice").get("/api/users").status_code == 200


def test_unknown_user_is_404(admin: TestClient) -> None:
    assert admin.get("/api/users/999").status_code == 404
    assert admin.patch("/api/users/999", json={"is_active": False}).status_code == 404
    assert admin.get("/api/users/not-a-number").status_code == 422


def test_admin_login_after_restart_uses_same_secret(app_env: AppEnv) -> None:
    app_env.login("admin", ADMIN_PASSWORD)
