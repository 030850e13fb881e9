"""The Content-Security-Policy blocks nothing the app needs (issue 11, item 7): the
annotation page (waveform, spectrogram tiles, playback) and the Swagger page at /docs run in
Chromium with no policy violation in the console nor as a `securitypolicyviolation` event."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from benchmarks.long_audio import write_long_audio

from tests.conftest import FIXTURES
from tests.web.conftest import Server, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
# Collected before any of the page's own scripts run (Playwright injects it past the CSP).
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI), true);"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("csp") / "data")
    srv.start()
    with srv.api() as api:
        api.post("/api/users", json={"username": ANN[0], "password": ANN[1]}).raise_for_status()
    try:
        yield srv
    finally:
        srv.stop()


def _watched(new_page: Any) -> tuple[Any, list[str]]:
    page = new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.add_init_script(WATCH)
    return page, console


def _violations(page: Any, console: list[str]) -> list[str]:
    events: list[str] = page.evaluate("() => window.__csp || []")
    return events + [line for line in console if "Content Security Policy" in line]


def test_annotation_page_runs_under_the_policy(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    long_wav = write_long_audio(tmp_path / "long.wav", 180, rate=16000, channels=1, kind="wav")
    with server.api() as api:
        pid = api.post("/api/projects", json={"name": "Policy"}).json()["id"]
        api.post(
            f"/api/projects/{pid}/members", json={"username": ANN[0], "role": "annotator"}
        ).raise_for_status()
        clip = sorted((FIXTURES / "speech").glob("*.flac"))[0]
        dps = [upload_ready(api, pid, clip, ANN[0]), upload_ready(api, pid, long_wav, ANN[0])]
    page, console = _watched(new_page)
    login(page, server, *ANN)
    for dp in dps:
        page.goto(f"{server.url}/datapoints/{dp}")
        page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")
    shoot(page, "csp-annotate")
    headers = httpx.get(f"{server.url}/datapoints/{dps[0]}").headers
    assert "script-src 'self';" in headers["content-security-policy"]
    assert _violations(page, console) == []
    assert page.js_errors == []


def test_docs_page_runs_under_its_policy(server: Server, new_page: Any) -> None:
    page, console = _watched(new_page)
    page.goto(f"{server.url}/docs")
    # The inline script that starts Swagger ran: the operations are listed.
    page.locator(".opblock-tag").first.wait_for(timeout=20_000)
    page.wait_for_load_state("networkidle")
    shoot(page, "csp-docs")
    assert "'sha256-" in httpx.get(f"{server.url}/docs").headers["content-security-policy"]
    assert _violations(page, console) == []
    assert page.js_errors == []
