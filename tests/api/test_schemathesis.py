"""Every operation answers as the OpenAPI schema says: to an admin, an annotator, a project
key and a visitor who is not logged in.

schemathesis makes requests from the schema (valid ones aimed at the records seeded here,
valid ones with made-up ids, invalid ones) and checks each answer: never a 5xx, and the
status, media type, headers and body all documented. Each operation starts from the same
seeded data on a fresh copy; generation is derandomized and bounded, so a run is repeatable
(about 2,100 requests, under a minute).
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from audino.api.app import create_app
from audino.config import Settings
from audino.db.engine import Database
from audino.services.bootstrap import ensure_admin
from tests.conftest import ADMIN_PASSWORD, FORMATS, PASSWORD, AppEnv, Factory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and kind of request: valid and aimed at the seeded records, valid,
# invalid. Callers without a user only see where each operation turns them away.
FULL = {"seeded": 6, "positive": 3, "negative": 3}
IDENTITIES = {
    "admin": FULL,
    "annotator": FULL,
    "project_key": {"seeded": 3, "negative": 2},
    "anonymous": {"seeded": 1, "positive": 1},
}
# Callers who cannot delete or change what others made (an upload key adds audio at most)
# share one copy of the data; the others get a fresh copy for each operation.
SHARED = {"project_key", "anonymous"}
SETTINGS = settings(
    max_examples=1,  # replaced per kind below
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def app_settings(data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        admin_username="admin",
        admin_password=ADMIN_PASSWORD,
        secret_key="test-secret",
        queue_url="immediate",
    )


@dataclass
class Seeded:
    """The data dir every operation starts from, and the ids and tokens in it."""

    data_dir: Path
    ids: dict[str, dict[str, Any]]  # user -> path parameter -> value
    tokens: dict[str, str]  # identity -> bearer token


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json() if r.content else None


def _login(client: TestClient, username: str, password: str) -> None:
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    client.headers["X-CSRF-Token"] = _ok(r)["csrf_token"]


def _token(client: TestClient, name: str) -> dict[str, Any]:
    return _ok(client.post("/api/auth/tokens", json={"name": name}), 201)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Seeded:
    """Two projects (the annotator is in the first only), labels, a processed recording with
    a segment, an export job, a project key, and spare tokens and users to delete."""
    data_dir = tmp_path_factory.mktemp("schemathesis") / "data"
    data_dir.mkdir()
    shutil.copy(sqlite_template, data_dir / "audino.db")
    config = app_settings(data_dir)
    database = Database(config)
    ensure_admin(database, config)
    app = create_app(config, database)
    admin, ann = TestClient(app), TestClient(app)
    try:
        _login(admin, "admin", ADMIN_PASSWORD)
        for username in ("ann", "spare"):
            user = {"username": username, "password": PASSWORD}
            _ok(admin.post("/api/users", json=user), 201)
        _login(ann, "ann", PASSWORD)
        users = {u["username"]: u["id"] for u in _ok(admin.get("/api/users"))}
        pid = _ok(admin.post("/api/projects", json={"name": "Seeded"}), 201)["id"]
        _ok(admin.post("/api/projects", json={"name": "Elsewhere"}), 201)
        for username, role in (("ann", "annotator"), ("admin", "manager")):
            member = {"username": username, "role": role}
            _ok(admin.post(f"/api/projects/{pid}/members", json=member), 201)
        speaker = {"name": "speaker", "kind": "single", "values": [{"value": "A"}, {"value": "B"}]}
        label = _ok(admin.post(f"/api/projects/{pid}/labels", json=speaker), 201)
        quality = {"name": "quality", "kind": "text", "scope": "datapoint"}
        _ok(admin.post(f"/api/projects/{pid}/labels", json=quality), 201)
        with (FORMATS / "pcm16_mono_16k.wav").open("rb") as f:
            r = admin.post(
                f"/api/projects/{pid}/datapoints",
                files={"file": ("tone.wav", f, "audio/wav")},
                data={"assign_to": "ann,admin"},
            )
        dp = _ok(r, 201)["datapoint"]
        segment = {"start": 0.1, "end": 0.4, "values": {"speaker": label["values"][0]["id"]}}
        seg = _ok(ann.post(f"/api/datapoints/{dp['id']}/segments", json=segment), 201)
        job = _ok(admin.post(f"/api/projects/{pid}/exports", json={"format": "audino"}), 202)
        key = _ok(admin.post(f"/api/projects/{pid}/api-keys", json={"name": "k"}), 201)
        tokens = {"admin": _token(admin, "fuzz")["key"], "annotator": _token(ann, "fuzz")["key"]}
        spare = {"admin": _token(admin, "spare"), "annotator": _token(ann, "spare")}
        tokens["project_key"] = key["key"]
    finally:
        admin.close()
        ann.close()
        database.dispose()
    common = {
        "project_id": pid,
        "datapoint_id": dp["id"],
        "label_id": label["id"],
        "value_id": label["values"][0]["id"],
        "segment_id": seg["id"],
        "job_id": job["id"],
        "key_id": key["id"],
        "user_id": users["ann"],
        "level": 0,
    }
    return Seeded(
        data_dir, {role: {**common, "token_id": spare[role]["id"]} for role in spare}, tokens
    )


class CurrentApp:
    """One ASGI app for schemathesis to call, serving whichever copy is current.

    It turns down the lifespan, so schemathesis starts no job consumer and keeps no app
    alive once its operation is done.
    """

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            raise RuntimeError("no lifespan in this test")
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def current() -> CurrentApp:
    return CurrentApp()


@pytest.fixture(scope="module")
def schema(current: CurrentApp, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The app's own OpenAPI document, with `current` as the app its requests go to."""
    folder = tmp_path_factory.mktemp("schema")
    app = create_app(app_settings(folder))
    try:
        # An explicit config: no schemathesis.toml or environment changes what runs.
        loaded = schemathesis.openapi.from_dict(app.openapi(), config=schemathesis.Config())
    finally:
        app.state.db.dispose()
    loaded.app = current
    return loaded


@dataclass
class Found:
    """What went wrong, by operation, and how many answers of each status came."""

    failures: dict[str, set[str]]
    statuses: Counter[int] = field(default_factory=Counter)
    cases: int = 0

    def add(self, label: str, message: str) -> None:
        self.failures.setdefault(label, set()).add(message)


@contextmanager
def fresh_copy(seeded: Seeded, target: Path) -> Iterator[Any]:
    """An app on a copy of the seeded data dir, removed afterwards."""
    shutil.copytree(seeded.data_dir, target)
    config = app_settings(target)
    database = Database(config)
    try:
        yield create_app(config, database)
    finally:
        database.dispose()
        shutil.rmtree(target)


def _run(strategy: Any, examples: int, call: Callable[[Any], None], negative: bool) -> None:
    @settings(SETTINGS, max_examples=examples)
    @given(case=strategy)
    def run(case: Any) -> None:
        call(case)

    try:
        run()
    except Unsatisfiable:
        if not negative:
            raise
        # No invalid request exists for it (an operation without parameters).


@pytest.mark.parametrize("identity", list(IDENTITIES))
def test_every_answer_is_documented(
    identity: str, seeded: Seeded, schema: Any, current: CurrentApp, tmp_path: Path
) -> None:
    found = Found({})
    token = seeded.tokens.get(identity)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    ids = seeded.ids.get(identity, seeded.ids["admin"])
    with ExitStack() as shared:
        if identity in SHARED:
            current.app = shared.enter_context(fresh_copy(seeded, tmp_path / "shared"))
        for index, result in enumerate(schema.get_all_operations()):
            operation = result.ok()
            with ExitStack() as own:
                if identity not in SHARED:
                    current.app = own.enter_context(fresh_copy(seeded, tmp_path / str(index)))
                _operation(operation, ids, headers, found, IDENTITIES[identity])
    report = "\n".join(
        f"{label}\n  " + "\n  ".join(sorted(messages))
        for label, messages in sorted(found.failures.items())
    )
    print(f"{found.cases} cases as {identity}: {sorted(found.statuses.items())}")
    assert not found.failures, f"{len(found.failures)} operations answer undocumented:\n{report}"


def _operation(
    operation: Any,
    ids: dict[str, Any],
    headers: dict[str, str],
    found: Found,
    budget: dict[str, int],
) -> None:
    """Runs the kinds of requests `budget` asks for against one operation."""

    def call(case: Any) -> None:
        found.cases += 1
        try:
            response = case.call(headers=headers)
            found.statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                found.add(operation.label, f"{failure.title}: {failure.message}"[:600])
        except Exception as exc:  # the app raised instead of answering
            found.add(operation.label, f"{type(exc).__name__}: {exc}"[:600])

    names = {p.name for p in operation.path_parameters}
    fixed = {k: v for k, v in ids.items() if k in names}
    for kind, examples in budget.items():
        if kind == "seeded" and not fixed:
            continue  # the same requests as "positive"
        negative = kind == "negative"
        strategy = operation.as_strategy(
            GenerationMode.NEGATIVE if negative else GenerationMode.POSITIVE,
            path_parameters=fixed if kind == "seeded" else None,
        )
        _run(strategy, examples, call, negative)


def test_an_export_download_answers_ranges_as_documented(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    """One range is 206, a range past the end a JSON 416; a malformed or multiple range
    gets the whole file (RFC 9110), not FileResponse's plain-text 400 or multipart 206."""
    pid = factory.project("Exported")["id"]
    job = _ok(admin.post(f"/api/projects/{pid}/exports", json={"format": "audino"}), 202)
    url = f"/api/projects/{pid}/exports/{job['id']}/download"
    whole = admin.get(url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "application/json"
    size = len(whole.content)
    part = admin.get(url, headers={"Range": "bytes=2-5"})
    assert part.status_code == 206 and part.content == whole.content[2:6]
    assert part.headers["content-range"] == f"bytes 2-5/{size}"
    past = admin.get(url, headers={"Range": f"bytes={size}-"})
    assert past.status_code == 416 and past.json()["code"] == "range_not_satisfiable"
    assert past.headers["content-range"] == f"bytes */{size}"
    for header in ("bytes=abc", "pages=1-2", "bytes=0-1,4-5"):
        r = admin.get(url, headers={"Range": header})
        assert r.status_code == 200 and r.content == whole.content, header
