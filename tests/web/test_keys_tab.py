"""The API keys tab: a key is issued with a scope (upload unless chosen), the list shows it,
and the key shown once does what its scope says and nothing more."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx

from tests.web.conftest import ADMIN, Server, login, shoot


def _issue(page: Any, name: str, scope: str | None = None) -> str:
    form = page.get_by_role("form", name="New API key")
    form.get_by_label("Key name").fill(name)
    if scope is not None:
        form.get_by_label("Scope").select_option(label=scope)
    form.get_by_role("button", name="Issue key").click()
    secret = page.locator(".secret-card code.secret")
    secret.wait_for()
    key = str(secret.inner_text()).strip()
    return key


def test_keys_are_issued_with_a_scope_that_holds(server: Server, new_page: Any) -> None:
    with server.api() as api:
        pid = int(api.post("/api/projects", json={"name": "Recorders"}).json()["id"])
    page = new_page()
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{pid}/manage/keys")
    form = page.get_by_role("form", name="New API key")
    assert form.get_by_label("Scope").input_value() == "upload"
    form.get_by_text("Upload: adds audio; cannot read, export or change anything.").wait_for()

    upload_key = _issue(page, "field recorder")
    command = page.locator(".secret-card pre.command").inner_text()
    assert f"/api/projects/{pid}/datapoints" in command and upload_key in command
    shoot(page, "keys-upload-issued")
    page.get_by_role("button", name="Done").click()

    export_key = _issue(page, "nightly export", scope="Export")
    command = page.locator(".secret-card pre.command").inner_text()
    assert f"/api/projects/{pid}/export" in command and export_key in command
    page.get_by_role("button", name="Done").click()

    rows = page.locator("table.keys tbody tr")
    rows.nth(1).wait_for()
    scopes = {
        rows.nth(i).locator("td").first.inner_text(): rows.nth(i)
        .locator("td[data-title=Scope]")
        .inner_text()
        for i in range(2)
    }
    assert scopes == {"field recorder": "Upload", "nightly export": "Export"}
    shoot(page, "keys-list-scopes")

    def as_key(key: str) -> httpx.Client:
        return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"})

    with as_key(upload_key) as up, as_key(export_key) as ex:
        assert up.delete(f"/api/projects/{pid}").status_code == 403
        assert up.get(f"/api/projects/{pid}/export").status_code == 403
        assert ex.get(f"/api/projects/{pid}/export", params={"format": "audino"}).status_code == 200
        assert ex.patch(f"/api/projects/{pid}", json={"name": "x"}).status_code == 403
    assert page.js_errors == []
