"""Security headers on every answer (issue 11, item 7): app pages, the API, audio, errors and
/docs; HSTS only with Secure cookies; audio with its real type and nosniff."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from audino.api.security_headers import (
    SecurityHeaders,
    app_policy,
    bucket_origins,
    inline_script_hashes,
)
from audino.config import Settings
from tests.conftest import FORMATS, AppEnv, Factory

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


def _check_common(response: object) -> dict[str, list[str]]:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in COMMON.items():
        assert headers.get(name) == value, (name, headers)
    csp = _directives(headers["content-security-policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    return csp


def test_every_kind_of_answer_carries_the_headers(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    project = factory.project("Headers")
    upload = admin.post(
        f"/api/projects/{project['id']}/datapoints",
        files={"file": ("a.wav", (FORMATS / "pcm16_mono_16k.wav").read_bytes())},
    )
    assert upload.status_code == 201, upload.text
    dp = upload.json()["datapoint"]
    anonymous = app_env.client()
    answers = {
        "page": anonymous.get("/projects/1"),
        "api": admin.get("/api/projects"),
        "api error": anonymous.get("/api/projects"),
        "unknown api": anonymous.get("/api/nothing-here"),
        "health": anonymous.get("/api/health"),
        "audio": admin.get(f"/api/datapoints/{dp['id']}/audio"),
        "original": admin.get(f"/api/datapoints/{dp['id']}/audio", params={"original": True}),
        "range": admin.get(f"/api/datapoints/{dp['id']}/audio", headers={"Range": "bytes=0-9"}),
        "openapi": anonymous.get("/openapi.json"),
    }
    assert answers["api error"].status_code == 401
    for what, response in answers.items():
        csp = _check_common(response)
        assert csp["script-src"] == ["'self'"], what
        assert "strict-transport-security" not in response.headers, what  # cookies not Secure

    # Audio: its real type (never sniffed into something else), played inline.
    assert answers["audio"].headers["content-type"].startswith("audio/")
    assert answers["original"].headers["content-type"] == "audio/wav"
    assert answers["range"].status_code == 206
    assert answers["range"].headers["content-type"].startswith("audio/")


def test_docs_allow_exactly_their_inline_script(app_env: AppEnv) -> None:
    r = app_env.client().get("/docs")
    assert r.status_code == 200
    csp = _check_common(r)
    scripts = re.findall(r"<script>(.*?)</script>", r.text, flags=re.S)
    assert scripts, "the Swagger page starts itself with an inline script"
    wanted = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    }
    assert set(csp["script-src"]) == {"'self'", *wanted}
    assert int(r.headers["content-length"]) == len(r.content)


def test_hsts_only_when_cookies_are_secure(app_env: AppEnv) -> None:
    async def hello(_: Request) -> PlainTextResponse:
        return PlainTextResponse("hi")

    for secure in (True, False):
        settings = app_env.settings.model_copy(update={"cookie_secure": secure})
        app = Starlette(routes=[Route("/", hello)])
        app.add_middleware(SecurityHeaders, settings=settings)
        with TestClient(app) as client:
            r = client.get("/")
        _check_common(r)
        assert ("strict-transport-security" in r.headers) is secure
        if secure:
            assert r.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_built_page_has_no_inline_script() -> None:
    from audino.api.web import WEB_DIR

    index = WEB_DIR / "index.html"
    if not index.is_file():
        pytest.skip("the web app is not built in this checkout")
    assert inline_script_hashes(index.read_text()) == []


def test_presigned_audio_origin_is_allowed() -> None:
    settings = Settings(storage_presign_seconds=60, s3_endpoint_url="http://127.0.0.1:9000/x")
    assert bucket_origins(settings) == ["http://127.0.0.1:9000"]
    csp = _directives(app_policy(settings))
    assert "http://127.0.0.1:9000" in csp["media-src"]
    assert "http://127.0.0.1:9000" in csp["connect-src"]
    assert bucket_origins(Settings()) == []
