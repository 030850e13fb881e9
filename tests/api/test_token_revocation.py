"""A password change logs the user out everywhere, personal API tokens included (issue 11,
item 6): on their own change, on an admin's reset and on `audino user passwd`. Project keys
belong to the project and stay; other users' tokens stay."""

from __future__ import annotations

from fastapi.testclient import TestClient

from audino.services import users
from tests.conftest import PASSWORD, AppEnv, Factory


def _token(client: TestClient, name: str = "script") -> str:
    r = client.post("/api/auth/tokens", json={"name": name})
    assert r.status_code == 201, r.text
    return str(r.json()["key"])


def _works(env: AppEnv, key: str) -> bool:
    r = env.bearer(key).get("/api/auth/me")
    assert r.status_code in (200, 401), r.text
    return r.status_code == 200


def test_own_password_change_revokes_personal_tokens(app_env: AppEnv, factory: Factory) -> None:
    factory.user("carol")
    factory.user("dan")
    project = factory.project("Keys", carol="manager")
    carol = app_env.login("carol")
    token = _token(carol)
    project_key = factory.api_key(project["id"], "export")
    dans = _token(app_env.login("dan"))
    assert _works(app_env, token)

    r = carol.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "new-pass-9x"}
    )
    assert r.status_code == 204, r.text
    assert not _works(app_env, token)
    assert carol.get("/api/auth/me").status_code == 200  # the session that changed it stays
    listed = carol.get("/api/auth/tokens").json()
    assert [t["revoked_at"] is not None for t in listed] == [True]
    assert _works(app_env, dans)  # someone else's token is untouched
    keyed = app_env.bearer(project_key).get(f"/api/projects/{project['id']}")
    assert keyed.status_code == 200  # the project's key is the project's, not carol's
    # A new token after the change works.
    assert _works(app_env, _token(carol, "after"))


def test_change_made_with_a_token_revokes_that_token_too(app_env: AppEnv, factory: Factory) -> None:
    factory.user("erin")
    key = _token(app_env.login("erin"))
    r = app_env.bearer(key).post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "new-pass-9x"}
    )
    assert r.status_code == 204, r.text
    assert not _works(app_env, key)
    app_env.login("erin", "new-pass-9x")


def test_admin_reset_revokes_sessions_and_tokens(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    user = factory.user("fay")
    fay = app_env.login("fay")
    first, second = _token(fay, "a"), _token(fay, "b")
    admins_own = _token(admin, "admin-script")
    r = admin.post(f"/api/users/{user['id']}/password", json={})
    assert r.status_code == 200, r.text
    assert not _works(app_env, first) and not _works(app_env, second)
    assert fay.get("/api/auth/me").status_code == 401
    assert _works(app_env, admins_own)
    app_env.login("fay", r.json()["generated_password"])


def test_cli_passwd_revokes_tokens(app_env: AppEnv, factory: Factory) -> None:
    factory.user("gus")
    key = _token(app_env.login("gus"))
    with app_env.database.session() as db:
        gus = users.find_by_username(db, "gus")
        assert gus is not None
        users.set_password(db, gus, "new-pass-9x")  # what `audino user passwd` runs
    assert not _works(app_env, key)
