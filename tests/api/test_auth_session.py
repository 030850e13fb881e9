"""GET /api/auth/session: who is signed in, asked without a failed request when nobody is."""

from __future__ import annotations

from tests.conftest import ADMIN_PASSWORD, AppEnv, Factory


def test_a_visitor_who_is_not_signed_in_gets_200_and_no_user(app_env: AppEnv) -> None:
    r = app_env.client().get("/api/auth/session")
    assert r.status_code == 200
    assert r.json() == {"me": None}
    # The other routes keep their 401.
    assert app_env.client().get("/api/auth/me").status_code == 401


def test_a_signed_in_user_gets_the_same_answer_as_me(app_env: AppEnv) -> None:
    client = app_env.login("admin", ADMIN_PASSWORD)
    r = client.get("/api/auth/session")
    assert r.status_code == 200
    assert r.json()["me"] == client.get("/api/auth/me").json()
    assert r.json()["me"]["username"] == "admin"
    client.post("/api/auth/logout")
    assert client.get("/api/auth/session").json() == {"me": None}


def test_a_project_key_is_a_session_without_a_user(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project("Keys")
    client = app_env.bearer(factory.api_key(project["id"]))
    me = client.get("/api/auth/session").json()["me"]
    assert me["id"] is None and me["via"] == "project_key"


def test_a_bad_token_is_still_refused(app_env: AppEnv) -> None:
    r = app_env.bearer("not-a-real-token").get("/api/auth/session")
    assert r.status_code == 401 and r.json()["code"] == "bad_token"
