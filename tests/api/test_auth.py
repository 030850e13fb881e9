"""Login, sessions, CSRF, tokens and the failed-login limiter."""

from __future__ import annotations

from tests.conftest import ADMIN_PASSWORD, PASSWORD, AppEnv, Factory


def test_login_sets_httponly_session_and_csrf(app_env: AppEnv) -> None:
    client = app_env.client()
    r = client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status_code == 200
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("audino_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    assert r.json()["is_admin"] is True


def test_wrong_password_is_401_with_json_error(app_env: AppEnv) -> None:
    r = app_env.client().post("/api/auth/login", json={"username": "admin", "password": "nope"})
    assert r.status_code == 401
    assert r.json() == {"detail": "Wrong username or password.", "code": "bad_credentials"}


def test_unauthenticated_request_is_401(app_env: AppEnv) -> None:
    r = app_env.client().get("/api/projects")
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"


def test_cookie_write_without_csrf_is_refused(app_env: AppEnv) -> None:
    client = app_env.login("admin", ADMIN_PASSWORD)
    del client.headers["X-CSRF-Token"]
    r = client.post("/api/projects", json={"name": "x"})
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    client.headers["X-CSRF-Token"] = "forged"
    assert client.post("/api/projects", json={"name": "x"}).status_code == 403
    assert app_env.login("admin", ADMIN_PASSWORD).get("/api/projects").json() == []


def test_logout_revokes_session(app_env: AppEnv) -> None:
    client = app_env.login("admin", ADMIN_PASSWORD)
    cookie = client.cookies.get("audino_session")
    assert client.post("/api/auth/logout").status_code == 204
    other = app_env.client()
    other.cookies.set("audino_session", cookie)
    assert other.get("/api/auth/me").status_code == 401


def test_failed_logins_are_rate_limited(app_env: AppEnv) -> None:
    client = app_env.client()
    for _ in range(app_env.settings.login_max_failures):
        r = client.post("/api/auth/login", json={"username": "admin", "password": "wrong"})
        assert r.status_code == 401
    r = client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status_code == 429
    assert r.json()["code"] == "login_rate_limited"


def test_personal_token_works_and_can_be_revoked(app_env: AppEnv, factory: Factory) -> None:
    factory.user("bob")
    bob = app_env.login("bob")
    r = bob.post("/api/auth/tokens", json={"name": "script"})
    assert r.status_code == 201
    key, token_id = r.json()["key"], r.json()["id"]
    scripted = app_env.bearer(key)
    assert scripted.get("/api/auth/me").json()["username"] == "bob"
    # Bearer writes need no CSRF token.
    assert scripted.post("/api/auth/tokens", json={"name": "more"}).status_code == 201
    assert bob.delete(f"/api/auth/tokens/{token_id}").status_code == 204
    assert scripted.get("/api/auth/me").status_code == 401


def test_tokens_are_stored_hashed(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project("P")
    key = factory.api_key(project["id"])
    from sqlalchemy import select

    from audino.db.models import ApiKey

    with app_env.database.session(write=False) as db:
        stored = [row.key_hash for row in db.scalars(select(ApiKey))]
    assert key not in stored and all(len(h) == 64 for h in stored)


def test_change_own_password(app_env: AppEnv, factory: Factory) -> None:
    factory.user("carol")
    carol = app_env.login("carol")
    other_session = app_env.login("carol")
    r = carol.post(
        "/api/auth/password", json={"current_password": "wrong", "new_password": "new-password-9"}
    )
    assert r.status_code == 400
    r = carol.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "new-password-9"}
    )
    assert r.status_code == 204
    assert carol.get("/api/auth/me").status_code == 200
    assert other_session.get("/api/auth/me").status_code == 401
    app_env.login("carol", "new-password-9")


def test_deactivated_user_cannot_log_in(app_env: AppEnv, factory: Factory, admin) -> None:  # type: ignore[no-untyped-def]
    user = factory.user("dave")
    dave = app_env.login("dave")
    assert admin.patch(f"/api/users/{user['id']}", json={"is_active": False}).status_code == 200
    assert dave.get("/api/auth/me").status_code == 401
    r = app_env.client().post("/api/auth/login", json={"username": "dave", "password": PASSWORD})
    assert r.status_code == 401 and r.json()["code"] == "account_inactive"
