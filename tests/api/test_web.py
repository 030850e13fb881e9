"""The built web app and the offline API docs, served by the same app as the API."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess

import pytest
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
    for path in (
        "/api/nope",
        "/api",
        "/api/",
        "/api/projects/1/nope",
        "/api/v1/nope/deeper",
        "/redoc",
        "/redoc/x",
        "/assets/missing.js",
        "/vendor/x.js",
        "/openapi.json/x",
    ):
        r = client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "application/json", path
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


def _entry_script(client: TestClient) -> str:
    found = re.findall(r'src="(/assets/[^"]+\.js)"', client.get("/").text)
    assert found, "index.html names no script"
    return str(found[0])


def _unbrotli(data: bytes) -> bytes:
    """Brotli-decoded bytes, by Node's zlib (the one that wrote them; Python has no brotli)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: it decodes brotli here")
    script = (
        "process.stdout.write(require('zlib').brotliDecompressSync(require('fs').readFileSync(0)))"
    )
    return subprocess.run([node, "-e", script], input=data, capture_output=True, check=True).stdout


def _raw(client: TestClient, path: str, **headers: str) -> tuple[dict[str, str], bytes]:
    # iter_raw: the bytes as sent, before httpx undoes the Content-Encoding.
    with client.stream("GET", path, headers=headers) as r:
        assert r.status_code in (200, 206), (path, r.status_code)
        return dict(r.headers), b"".join(r.iter_raw())


def test_assets_come_compressed_when_the_browser_accepts_it(app_env: AppEnv) -> None:
    client = app_env.client()
    script = _entry_script(client)
    plain = (WEB_DIR / script.lstrip("/")).read_bytes()

    headers, body = _raw(client, script, **{"Accept-Encoding": "gzip, deflate"})
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert headers["content-type"].startswith("text/javascript")
    assert "immutable" in headers["cache-control"]
    assert len(body) < len(plain) / 2
    assert gzip.decompress(body) == plain

    headers, body = _raw(client, script, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert headers["content-encoding"] == "br"
    assert headers["content-type"].startswith("text/javascript")
    assert body == (WEB_DIR / (script.lstrip("/") + ".br")).read_bytes()
    assert len(body) < len(plain) / 2
    assert _unbrotli(body) == plain


def test_assets_stay_plain_when_compression_is_refused_or_a_range_is_asked(
    app_env: AppEnv,
) -> None:
    client = app_env.client()
    script = _entry_script(client)
    plain = (WEB_DIR / script.lstrip("/")).read_bytes()
    for accept in ("identity", "gzip;q=0, br;q=0", ""):
        headers, body = _raw(client, script, **{"Accept-Encoding": accept})
        assert "content-encoding" not in headers, accept
        assert headers["vary"] == "Accept-Encoding"
        assert body == plain

    headers, body = _raw(client, script, **{"Accept-Encoding": "gzip, br", "Range": "bytes=10-99"})
    assert "content-encoding" not in headers
    assert headers["content-range"] == f"bytes 10-99/{len(plain)}"
    assert body == plain[10:100]


def test_a_compressed_asset_is_revalidated_by_its_own_etag(app_env: AppEnv) -> None:
    client = app_env.client()
    script = _entry_script(client)
    first = client.get(script, headers={"Accept-Encoding": "br"})
    plain = client.get(script, headers={"Accept-Encoding": "identity"})
    assert first.headers["etag"] != plain.headers["etag"]
    again = client.get(
        script, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304


def test_the_admin_screens_and_the_editor_load_as_their_own_chunks(app_env: AppEnv) -> None:
    client = app_env.client()
    entry = client.get(_entry_script(client), headers={"Accept-Encoding": "identity"})
    names = {p.name.split("-")[0] for p in (WEB_DIR / "assets").glob("*.js")}
    assert {"ProjectManagePage", "UsersPage", "AnnotatePage"} <= names
    # The first page a visitor sees does not carry the admin screens or the waveform editor.
    assert "Drop audio" not in entry.text and "WaveSurfer" not in entry.text
    assert len(entry.content) < 350_000
