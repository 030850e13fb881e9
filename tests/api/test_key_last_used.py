"""A key's "last used" is written when it is used (at most once a minute) and shown in the
key lists, for personal tokens and project keys alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from audino.db.models import ApiKey
from tests.conftest import AppEnv, Factory


def _listed(client, url: str, key_id: int) -> str | None:  # type: ignore[no-untyped-def]
    rows = client.get(url).json()
    return next(k for k in rows if k["id"] == key_id)["last_used_at"]


def test_last_used_is_recorded_and_throttled(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    r = admin.post("/api/auth/tokens", json={"name": "script"})
    assert r.status_code == 201, r.text
    token, token_id = r.json()["key"], r.json()["id"]
    assert _listed(admin, "/api/auth/tokens", token_id) is None  # never used yet
    before = datetime.now(UTC)
    assert app_env.bearer(token).get("/api/auth/me").status_code == 200
    first = _listed(admin, "/api/auth/tokens", token_id)
    assert first is not None and datetime.fromisoformat(first) >= before - timedelta(seconds=1)
    # Used again at once: not written again (a read stays a read).
    assert app_env.bearer(token).get("/api/auth/me").status_code == 200
    assert _listed(admin, "/api/auth/tokens", token_id) == first
    # A minute later it is.
    with app_env.database.session() as db:
        past = datetime.now(UTC) - timedelta(minutes=5)
        db.execute(update(ApiKey).where(ApiKey.id == token_id).values(last_used_at=past))
    assert app_env.bearer(token).get("/api/auth/me").status_code == 200
    assert datetime.fromisoformat(_listed(admin, "/api/auth/tokens", token_id) or "") > past


def test_project_keys_show_their_last_use(app_env: AppEnv, factory: Factory) -> None:
    pid = factory.project("Keys")["id"]
    r = factory.admin.post(
        f"/api/projects/{pid}/api-keys", json={"name": "reader", "scope": "export"}
    )
    key, key_id = r.json()["key"], r.json()["id"]
    url = f"/api/projects/{pid}/api-keys"
    assert _listed(factory.admin, url, key_id) is None
    assert app_env.bearer(key).get(f"/api/projects/{pid}").status_code == 200
    assert _listed(factory.admin, url, key_id) is not None
    # A revoked key is refused and its last use stays what it was.
    used = _listed(factory.admin, url, key_id)
    assert factory.admin.delete(f"{url}/{key_id}").status_code == 204
    assert app_env.bearer(key).get(f"/api/projects/{pid}").status_code == 401
    assert _listed(factory.admin, url, key_id) == used
