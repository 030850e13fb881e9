"""No request may produce a 500: every endpoint gets hostile paths, queries and bodies."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import FORMATS, AppEnv, Factory

PATH_VALUES = ["1", "0", "-1", "99999999999999999999", "abc", "%2e%2e%2f", "1.5", "   "]
JSON_BODIES: list[Any] = [
    None,
    {},
    [],
    "text",
    0,
    {"name": None},
    {"name": "x" * 100_000},
    {"start": "NaN", "end": "Infinity"},
    {"ids": ["a", None]},
    {"values": {"x": {"y": []}}},
    {"users": [None, -1, "ghost"]},
    {"settings": "not an object"},
]
RAW_BODIES = [b"{", b"\xff\xfe\x00garbage", b'{"start": NaN, "end": Infinity}', b"[" * 5000]
QUERIES = [
    {},
    {"limit": "-5"},
    {"limit": "99999999999999"},
    {"cursor": "!!!"},
    {"status": "weird"},
    {"sort": "nope"},
    {"format": "../../x"},
    {"author_id": "x"},
]


def _operations(client: TestClient) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").json()
    ops = [(m.upper(), path) for path, item in spec["paths"].items() for m in item]
    # Deletions last, so the other requests still find data to work on.
    return sorted(ops, key=lambda op: (op[0] == "DELETE", op[1], op[0]))


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def _check(r: Any, what: str) -> None:
    assert r.status_code < 500, f"{what} -> {r.status_code} {r.text[:300]}"
    if r.status_code >= 400:
        body = r.json()
        assert isinstance(body.get("detail"), str) and isinstance(body.get("code"), str), what


def test_no_endpoint_answers_500(app_env: AppEnv, factory: Factory, admin: TestClient) -> None:
    factory.user("alice")
    project = factory.project("P", alice="annotator")
    factory.label(project["id"], "speaker", values=[{"value": "A"}])
    with (FORMATS / "pcm16_mono_16k.wav").open("rb") as f:
        admin.post(
            f"/api/projects/{project['id']}/datapoints", files={"file": ("a.wav", f, "audio/wav")}
        )
    anonymous = app_env.client()
    for method, path in _operations(admin):
        if path in ("/api/auth/logout",):
            continue
        for value in PATH_VALUES:
            url = _fill(path, value)
            for client in (admin, anonymous):
                _check(client.request(method, url), f"{method} {url}")
        url = _fill(path, "1")
        for query in QUERIES:
            _check(admin.request(method, url, params=query), f"{method} {url} ?{query}")
        if method in ("POST", "PUT", "PATCH"):
            for body in JSON_BODIES:
                _check(admin.request(method, url, json=body), f"{method} {url} {body!r:.60}")
            for raw in RAW_BODIES:
                r = admin.request(
                    method, url, content=raw, headers={"content-type": "application/json"}
                )
                _check(r, f"{method} {url} raw {raw[:20]!r}")
            r = admin.request(
                method,
                url,
                content=b"--x\r\ngarbage",
                headers={"content-type": "multipart/form-data; boundary=x"},
            )
            _check(r, f"{method} {url} broken multipart")
