"""Every API operation × every identity that has no business with project A: none of them
gets a 2xx (or a 5xx) on A's resources, and anonymous callers get 401.

The operations come from the app's own OpenAPI document, so a new route is in the matrix
the day it is added; its path parameters are filled with project A's real ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_upload import WAV, upload
from tests.conftest import AppEnv, Factory

METHODS = ("get", "post", "put", "patch", "delete")
# Not about any project's resources: the caller's own session and tokens, the format list.
PERSONAL = {
    "/api/auth/login",
    "/api/auth/logout",
    "/api/auth/me",
    "/api/auth/session",
    "/api/auth/password",
    "/api/auth/tokens",
    "/api/health",
    "/api/formats",
    "/api/models",  # the auto-annotators this server knows, to anyone signed in
    # Project templates are the server's, shared by everyone signed in (tests/api/
    # test_templates.py checks who may save, import and delete them).
    "/api/templates",
    "/api/templates/import",
    "/api/templates/{template_id}",
    "/api/templates/{template_id}/file",
}
# Answered to anyone, signed in or not.
PUBLIC = {"/api/auth/login", "/api/auth/session", "/api/health", "/api/formats"}
# Lists of the caller's own things; checked below for leaks rather than refusals.
LISTS = {"/api/projects", "/api/jobs"}
# Where a project key uploads into its own project (no project in the path).
OWN_UPLOAD = {"/api/data", "/api/projects/import", "/api/projects"}


@dataclass
class Target:
    """Project A and one of each thing in it."""

    ids: dict[str, Any]
    project_name: str
    job_ids: set[int]


def _target(app_env: AppEnv, factory: Factory) -> Target:
    admin = factory.admin
    factory.user("ann")
    project = factory.project("Secret A", ann="annotator")
    pid = project["id"]
    label = factory.label(pid, "speaker", "single", values=[{"value": "X"}, {"value": "Y"}])
    up = upload(admin, pid, WAV, assign_to="ann")
    assert up.status_code == 201, up.text
    dp = up.json()["datapoint"]["id"]
    ann = app_env.login("ann")
    seg = ann.post(f"/api/datapoints/{dp}/segments", json={"start": 0.1, "end": 0.4}).json()
    comment = admin.post(f"/api/datapoints/{dp}/comments", json={"body": "secret"}).json()
    export = admin.post(f"/api/projects/{pid}/exports", json={"format": "audino"}).json()
    key = admin.post(f"/api/projects/{pid}/api-keys", json={"scope": "manage"}).json()
    token = ann.post("/api/auth/tokens", json={"name": "ann's"}).json()
    event = admin.get(f"/api/datapoints/{dp}/history").json()[0]
    ann_id = next(u["id"] for u in admin.get("/api/users").json() if u["username"] == "ann")
    jobs = {j["id"] for j in admin.get("/api/jobs", params={"project_id": pid}).json()}
    return Target(
        {
            "project_id": pid,
            "datapoint_id": dp,
            "segment_id": seg["id"],
            "label_id": label["id"],
            "value_id": label["values"][0]["id"],
            "comment_id": comment["id"],
            "job_id": export["id"],
            "key_id": key["id"],
            "token_id": token["id"],
            "event_id": event["id"],
            "user_id": ann_id,
            "level": 0,
            "feature": "rms",
        },
        "Secret A",
        jobs,
    )


def _identities(app_env: AppEnv, factory: Factory, target: Target) -> dict[str, TestClient]:
    """Callers with a place in project B (or none), and A's own upload-only key."""
    factory.user("mona")
    factory.user("otto")
    other = factory.project("B", mona="manager", otto="annotator")
    upload_key = factory.api_key(target.ids["project_id"], "upload")
    return {
        "anonymous": app_env.client(),
        "manager of B": app_env.login("mona"),
        "annotator of B": app_env.login("otto"),
        "B's manage key": app_env.bearer(factory.api_key(other["id"], "manage")),
        "B's export key": app_env.bearer(factory.api_key(other["id"], "export")),
        "A's upload key": app_env.bearer(upload_key),
    }


def _operations(app_env: AppEnv) -> Iterator[tuple[str, str]]:
    spec = app_env.app.openapi()
    for path, ops in spec["paths"].items():
        for method in ops:
            if method in METHODS:
                yield method, path


def test_no_identity_reaches_another_projects_resources(app_env: AppEnv, factory: Factory) -> None:
    target = _target(app_env, factory)
    callers = _identities(app_env, factory, target)
    checked = 0
    leaks: list[str] = []
    for method, path in _operations(app_env):
        if path in PERSONAL and path not in PUBLIC:
            continue
        url = re.sub(r"{(\w+)}", lambda m: str(target.ids[m.group(1)]), path)
        for who, client in callers.items():
            if path in PUBLIC or path in LISTS:
                continue
            if who == "A's upload key" and (
                path == "/api/projects/{project_id}/datapoints" and method == "post"
            ):
                continue  # the one thing it is for
            if path in OWN_UPLOAD and who != "anonymous":
                continue  # acts on the caller's own (or a new) project
            body = None if method in ("get", "delete") else {}
            r = client.request(method.upper(), url, json=body)
            checked += 1
            expected = {401} if who == "anonymous" else {401, 403, 404}
            if r.status_code not in expected:
                leaks.append(f"{who}: {method.upper()} {url} -> {r.status_code} {r.text[:120]}")
    assert leaks == [], "\n".join(leaks)
    # What lists show: none of A's projects or jobs.
    for who, client in callers.items():
        if who in ("anonymous", "A's upload key"):
            continue
        names = [p["name"] for p in client.get("/api/projects").json()]
        assert target.project_name not in names, who
        jobs = {j["id"] for j in client.get("/api/jobs").json()}
        assert not jobs & target.job_ids, who
    print(f"access matrix: {checked} requests, {len(callers)} identities")  # noqa: T201
    assert checked > 400


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_public_routes_answer_anyone(app_env: AppEnv, path: str) -> None:
    method = "post" if path == "/api/auth/login" else "get"
    body = {"username": "nobody", "password": "wrong-password"} if method == "post" else None
    r = app_env.client().request(method.upper(), path, json=body)
    assert r.status_code < 500
    assert r.status_code in (200, 401)
