"""Shared test setup: an app per test on SQLite and on PostgreSQL, clients and factories.

API tests take the `app_env` fixture (or `admin`, `as_user`, `factory`) and run once per
database backend. PostgreSQL runs when AUDINO_TEST_POSTGRES_URL is set; in CI (CI=true)
a missing PostgreSQL is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from audino.api.app import create_app
from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import upgrade
from audino.db.models import Base
from audino.services import auth

REPO = Path(__file__).resolve().parents[1]
# The audio the tests use lives in the repository (tests/fixtures/make_fixtures.sh rebuilds it).
FIXTURES = REPO / "tests" / "fixtures"
FORMATS = FIXTURES / "formats"
SPEECH = FIXTURES / "speech"
ADMIN_PASSWORD = "admin-password-1"
PASSWORD = "user-password-1"

POSTGRES_URL = os.environ.get("AUDINO_TEST_POSTGRES_URL", "")

# Cheap argon2 parameters keep the many test logins fast; production hashes are unchanged,
# and verification still reads the parameters from each stored hash.
auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_POSTGRES_LEFT_OUT = pytest.StashKey[int]()


# `python -c` this as the child's program, then the command's arguments: SIGINT back to
# Python's default (Ctrl-C raises KeyboardInterrupt) before audino starts. A suite started with
# SIGINT ignored (nohup, a script's `&`, some CI runners) would otherwise hand that on.
_AUDINO_MAIN = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'audino'; from audino.cli import main; main()"
)


def audino_command(*args: str) -> list[str]:
    """The argv of `audino ARGS` run by this Python, as a terminal would start it."""
    return [sys.executable, "-c", _AUDINO_MAIN, *args]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without PostgreSQL (and outside CI), its variants are left out at collection: one
    summary line says so, instead of a skip line for each of them."""
    if POSTGRES_URL or IN_CI:
        return
    keep, left_out = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("app_env") == "postgres"
        (left_out if on_postgres else keep).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = keep
        config.stash[_POSTGRES_LEFT_OUT] = len(left_out)
        # Under pytest-xdist each worker collects; the count travels back to the controller.
        if hasattr(config, "workeroutput"):
            config.workeroutput["postgres_left_out"] = len(left_out)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: a worker's count of left-out PostgreSQL variants (all workers collect
    the same tests, so any one of them tells)."""
    left_out = getattr(node, "workeroutput", {}).get("postgres_left_out", 0)
    if left_out:
        node.config.stash[_POSTGRES_LEFT_OUT] = left_out


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    left_out = config.stash.get(_POSTGRES_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(
            f"{left_out} PostgreSQL variants not run: AUDINO_TEST_POSTGRES_URL is not set "
            "(e.g. postgresql://postgres@127.0.0.1:5432/test)"
        )


def _pg_url(schema: str) -> str:
    url = POSTGRES_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(autouse=True)
def _audino_environment() -> Iterator[None]:
    """No test inherits AUDINO_* variables from an earlier one: a command run in-process sets
    AUDINO_DATA_DIR (for the jobs it queues) in this process's environment."""
    before = {k: v for k, v in os.environ.items() if k.startswith("AUDINO_")}
    yield
    for key in [k for k in os.environ if k.startswith("AUDINO_") and k not in before]:
        del os.environ[key]
    os.environ.update(before)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    folder = tmp_path_factory.mktemp("template")
    database = Database(Settings(data_dir=folder))
    upgrade(database.engine)
    database.dispose()
    return folder / "audino.db"


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """One migrated schema per test run; tables are emptied between tests."""
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("AUDINO_TEST_POSTGRES_URL is not set; CI must run the PostgreSQL tests.")
        pytest.skip("AUDINO_TEST_POSTGRES_URL is not set")
    schema = f"audino_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_pg_url("public"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(Settings(), _pg_url(schema))
    upgrade(database.engine)
    database.dispose()
    try:
        yield schema
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class AppEnv:
    """One running app: its settings, database, storage, and client helpers."""

    settings: Settings
    database: Database
    app: Any
    backend: str
    clients: list[TestClient] = field(default_factory=list)

    @property
    def storage(self) -> Any:
        return self.app.state.storage

    def client(self) -> TestClient:
        client = TestClient(self.app, raise_server_exceptions=False)
        self.clients.append(client)
        return client

    def login(self, username: str, password: str = PASSWORD) -> TestClient:
        client = self.client()
        r = client.post("/api/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client

    def bearer(self, key: str) -> TestClient:
        client = self.client()
        client.headers["Authorization"] = f"Bearer {key}"
        return client


@pytest.fixture(params=["sqlite", "postgres"])
def app_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AppEnv]:
    backend: str = request.param
    settings = Settings(
        data_dir=tmp_path / "data",
        admin_username="admin",
        admin_password=ADMIN_PASSWORD,
        secret_key="test-secret",
        queue_url="immediate",  # each job runs as soon as the transaction queuing it commits
    )
    settings.resolved_data_dir.mkdir(parents=True)
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, settings.resolved_data_dir / "audino.db")
        database = Database(settings)
    else:
        schema = request.getfixturevalue("postgres_schema")
        database = Database(settings, _pg_url(schema))
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with database.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    from audino.services.bootstrap import ensure_admin

    ensure_admin(database, settings)
    env = AppEnv(settings, database, create_app(settings, database), backend)
    try:
        yield env
    finally:
        for client in env.clients:
            client.close()
        database.dispose()


@pytest.fixture
def admin(app_env: AppEnv) -> TestClient:
    return app_env.login("admin", ADMIN_PASSWORD)


class Factory:
    """Creates users, projects, labels and memberships through the API as the admin."""

    def __init__(self, env: AppEnv, admin: TestClient) -> None:
        self.env = env
        self.admin = admin

    def user(self, username: str, *, is_admin: bool = False) -> dict[str, Any]:
        r = self.admin.post(
            "/api/users", json={"username": username, "password": PASSWORD, "is_admin": is_admin}
        )
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    def project(self, name: str = "Project", **members: str) -> dict[str, Any]:
        """A project; keyword arguments add members: `alice="annotator"`."""
        r = self.admin.post("/api/projects", json={"name": name})
        assert r.status_code == 201, r.text
        project = r.json()
        for username, role in members.items():
            self.member(project["id"], username, role)
        return project  # type: ignore[no-any-return]

    def member(self, project_id: int, username: str, role: str) -> None:
        r = self.admin.post(
            f"/api/projects/{project_id}/members", json={"username": username, "role": role}
        )
        assert r.status_code == 201, r.text

    def label(
        self, project_id: int, name: str, kind: str = "single", **extra: Any
    ) -> dict[str, Any]:
        r = self.admin.post(
            f"/api/projects/{project_id}/labels", json={"name": name, "kind": kind, **extra}
        )
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    def api_key(self, project_id: int, scope: str = "upload") -> str:
        body = {"name": "test", "scope": scope}
        r = self.admin.post(f"/api/projects/{project_id}/api-keys", json=body)
        assert r.status_code == 201, r.text
        return r.json()["key"]  # type: ignore[no-any-return]


@pytest.fixture
def factory(app_env: AppEnv, admin: TestClient) -> Factory:
    return Factory(app_env, admin)


@pytest.fixture
def as_user(app_env: AppEnv) -> Callable[[str], TestClient]:
    return lambda username: app_env.login(username)
