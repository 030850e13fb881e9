"""The screens every user meets first: login with clear errors, projects, the data list."""

from __future__ import annotations

from typing import Any

from tests.conftest import FIXTURES
from tests.web.conftest import ADMIN, Server, login, shoot


def test_login_says_what_went_wrong_then_lets_you_in(server: Server, new_page: Any) -> None:
    page = new_page()
    page.goto(f"{server.url}/projects/1")
    page.wait_for_url("**/login?next=*")
    page.get_by_role("button", name="Sign in").click()
    assert "Enter your username and password" in page.get_by_role("alert").inner_text()
    page.get_by_label("Username").fill(ADMIN[0])
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "password" in alert.inner_text().lower()
    shoot(page, "01-login-error")
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/projects/1")  # back where the visitor was going
    assert page.js_errors == []


def test_the_login_page_logs_no_errors_for_a_visitor(server: Server, new_page: Any) -> None:
    """Not being logged in is no error: the app asks who is signed in without a failing 401."""
    page = new_page()
    console: list[str] = []
    page.on(
        "console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None
    )
    statuses: list[tuple[str, int]] = []
    page.on("response", lambda r: statuses.append((r.url, r.status)))
    page.goto(f"{server.url}/projects/1", wait_until="networkidle")
    page.wait_for_url("**/login?next=*")
    page.get_by_role("button", name="Sign in").wait_for()
    page.wait_for_load_state("networkidle")
    shoot(page, "00-login")
    assert [s for s in statuses if s[1] >= 400] == []
    assert console == []
    # Signing in still works, and the signed-in pages log nothing either.
    page.get_by_label("Username").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/projects/1")
    page.wait_for_load_state("networkidle")
    assert console == [] and page.js_errors == []


def test_projects_and_data_list_show_counts_and_filter(server: Server, new_page: Any) -> None:
    with server.api() as api:
        project = api.post("/api/projects", json={"name": "Birds", "description": "Dawn chorus"})
        pid = project.json()["id"]
        for i, name in enumerate(("alpha.flac", "beta.flac")):
            audio = _fixture_audio(i)
            r = api.post(f"/api/projects/{pid}/datapoints", files={"file": (name, audio)})
            assert r.status_code == 201, r.text
    page = new_page()
    login(page, server, *ADMIN)
    card = page.locator("article.project", has_text="Birds")
    assert "Dawn chorus" in card.inner_text()
    shoot(page, "02-projects")
    card.get_by_role("link", name="Data").click()
    page.get_by_role("tab", name="All").click()
    rows = page.locator("table.data-list tbody tr")
    rows.filter(has_text="beta.flac").wait_for()
    assert rows.count() == 2
    page.get_by_label("Search file names").fill("alp")
    page.get_by_label("Search file names").press("Enter")
    rows.filter(has_text="beta.flac").wait_for(state="detached")
    assert rows.count() == 1
    shoot(page, "03-data-list")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "03-data-list-phone")
    assert page.js_errors == []


def _fixture_audio(index: int) -> bytes:
    return sorted((FIXTURES / "speech").glob("*.flac"))[index].read_bytes()
