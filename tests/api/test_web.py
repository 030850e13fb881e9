"""The built web app and the offline API docs, served by the same app as the API."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from audino.api.web import WEB_DIR
from audino.cli import app as cli
from tests.conftest import AppEnv


def test_the_app_answers_any_client_route_with_its_page(app_env: AppEnv) -> None:
    client = app_env.client()
    for path in ("/", "/login", "/projects/3", "/datapoints/12?x=1", "/projects/3/manage/labels"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert '<div id="root">' in r.text
        assert r.headers["cache-control"] == "no-cache"


def test_bundles_are_served_and_cached_for_good(app_env: AppEnv) -> None:
    client = app_env.client()
    page = client.get("/").text
    bundles = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)
    assert any(b.endswith(".js") for b in bundles) and any(b.endswith(".css") for b in bundles)
    for bundle in bundles:
        r = client.get(bundle)
        assert r.status_code == 200 and len(r.content) > 100
        assert "immutable" in r.headers["cache-control"]
    assert client.get("/favicon.svg").headers["content-type"].startswith("image/svg")


def test_unknown_api_paths_and_other_methods_stay_json_errors(app_env: AppEnv) -> None:
    client = app_env.client()
    for path in ("/api/nope", "/api", "/assets/missing.js", "/vendor/x.js", "/openapi.json/x"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.json()["code"] == "not_found"
    r = client.post("/projects/3")
    assert r.status_code in (404, 405) and "code" in r.json()


def test_paths_outside_the_build_are_not_served(app_env: AppEnv) -> None:
    client = app_env.client()
    for path in ("/..%2F..%2Fpyproject.toml", "/%2e%2e/%2e%2e/cli.py", "/../api/app.py"):
        r = client.get(path)
        assert "[project]" not in r.text and "def create_app" not in r.text


def test_api_docs_load_swagger_from_the_package_not_a_cdn(app_env: AppEnv) -> None:
    client: TestClient = app_env.client()
    page = client.get("/docs").text
    assert "/vendor/swagger/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr" not in page and "unpkg" not in page
    assert client.get("/vendor/swagger/swagger-ui-bundle.js").status_code == 200
    assert (WEB_DIR / "vendor" / "swagger" / "LICENSE").is_file()


def test_openapi_command_prints_the_schema_the_client_is_generated_from() -> None:
    result = CliRunner().invoke(cli, ["openapi"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert "/api/projects/{project_id}/assignments" in schema["paths"]
    committed = json.loads((WEB_DIR.parents[2] / "frontend" / "openapi.json").read_text())
    assert committed == schema, "frontend/openapi.json is stale: run `audino openapi`"
