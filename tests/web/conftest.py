"""Browser tests: a real `audino serve` on a loopback port, driven by Debian's Chromium.

The server runs as a subprocess with its own data dir, so a test can stop and restart it
(the "server restart" and "offline" cases). Screenshots go to test-artifacts/screenshots.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.conftest import audino_command

CHROMIUM = os.environ.get("AUDINO_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ADMIN = ("admin", "admin-password-1")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One `audino serve` process; `stop()` and `start()` keep the port and the data."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir.parent / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "AUDINO_ADMIN_USERNAME": ADMIN[0],
            "AUDINO_ADMIN_PASSWORD": ADMIN[1],
            "AUDINO_LOG_LEVEL": "warning",
        }
        command = audino_command(
            "serve", "--port", str(self.port), "--data-dir", str(self.data_dir)
        )
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 120  # a cap, not a pause: a loaded machine starts slowly
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"audino serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"audino serve did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    @contextmanager
    def api(self, username: str = ADMIN[0], password: str = ADMIN[1]) -> Iterator[httpx.Client]:
        """An API client logged in as `username` (for setting up and checking results)."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            r = client.post("/api/auth/login", json={"username": username, "password": password})
            r.raise_for_status()
            client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            yield client


def upload_ready(
    api: httpx.Client, project_id: int, path: Path, assign_to: str | None = None
) -> int:
    """Uploads a file to a project (assigned to `assign_to`) and waits until it is processed."""
    data = {"assign_to": assign_to} if assign_to else None
    with path.open("rb") as f:
        r = api.post(
            f"/api/projects/{project_id}/datapoints", files={"file": (path.name, f)}, data=data
        )
    r.raise_for_status()
    dp = int(r.json()["datapoint"]["id"])
    deadline = time.monotonic() + 120
    while api.get(f"/api/datapoints/{dp}").json()["ingest_status"] == "processing":
        assert time.monotonic() < deadline, f"{path.name} is still processing"
        time.sleep(0.2)
    return dp


def annotated_project(api: httpx.Client, name: str, annotator: tuple[str, str]) -> int:
    """A new project with a new user in it as annotator; its id."""
    username, password = annotator
    api.post("/api/users", json={"username": username, "password": password}).raise_for_status()
    pid = int(api.post("/api/projects", json={"name": name}).json()["id"])
    r = api.post(f"/api/projects/{pid}/members", json={"username": username, "role": "annotator"})
    r.raise_for_status()
    return pid


@pytest.fixture(scope="session")
def seed_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder as a first start leaves it (database migrated, administrator made),
    copied for each test's server so that work is done once per run, not per test."""
    seed = tmp_path_factory.mktemp("seed") / "data"
    srv = Server(seed)
    srv.start()
    srv.stop()
    return seed


@pytest.fixture
def server(tmp_path: Path, seed_data: Path) -> Iterator[Server]:
    shutil.copytree(seed_data, tmp_path / "data")
    srv = Server(tmp_path / "data")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Makes pages in fresh browser contexts (one per user); all closed after the test."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 800, **options: Any) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return track_errors(context.new_page())

    yield make
    for context in contexts:
        context.close()


def track_errors(page: Any) -> Any:
    """Collects the page's uncaught script errors in `page.js_errors` (tests expect none)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return page


def shoot(page: Any, name: str) -> Path:
    """A full-page screenshot kept as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Any, server: Server, username: str, password: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Projects").wait_for()
