"""A real audino server on a free port, in a thread, for the client to talk HTTP to: SQLite
in a temp data dir, jobs run at once, a manager with a personal token, and a project of the
speech fixtures with their transcripts as human segments."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from audino.api.app import create_app
from audino.config import Settings
from audino.db.engine import Database
from audino.db.models import ApiKeyKind
from audino.services import auth
from audino.services.bootstrap import ensure_admin
from tests import builders
from tests.conftest import ADMIN_PASSWORD, SPEECH

CLIPS = [json.loads(line) for line in (SPEECH / "manifest.jsonl").read_text().splitlines()][:3]


@dataclass
class Served:
    url: str
    token: str
    database: Database
    project_id: int
    datapoints: dict[str, int]  # file name -> id
    manager_id: int


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("served")
    settings = Settings(
        data_dir=folder / "data",
        admin_username="admin",
        admin_password=ADMIN_PASSWORD,
        secret_key="test-secret",
        queue_url="immediate",
    )
    settings.resolved_data_dir.mkdir(parents=True)
    shutil.copy(sqlite_template, settings.resolved_data_dir / "audino.db")
    database = Database(settings)
    ensure_admin(database, settings)
    app = create_app(settings, database)

    manager = builders.user(database, "mia")
    project = builders.project(database, "Speech")
    builders.member(database, project, manager, "manager")
    with database.session() as db:
        token = auth.issue_api_key(
            db, kind=ApiKeyKind.personal, name="client", created_by_id=manager, user_id=manager
        ).key

    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start within 30 s"
        time.sleep(0.01)
    try:
        datapoints = _fill(app, token, project)
        yield Served(f"http://127.0.0.1:{port}", token, database, project, datapoints, manager)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
        database.dispose()


def _fill(app: Any, token: str, project_id: int) -> dict[str, int]:
    """Labels, the clips (uploaded and ingested) and their transcripts as segments."""
    # Not entered: the server thread runs the app's lifespan already.
    api = TestClient(app)
    try:
        api.headers["Authorization"] = f"Bearer {token}"
        for name, kind, values in (("speaker", "single", ["A", "B"]), ("mood", "single",
                                   ["calm", "busy"]), ("tags", "multi", ["x", "y"])):  # fmt: skip
            body = {"name": name, "kind": kind, "values": [{"value": v} for v in values]}
            r = api.post(f"/api/projects/{project_id}/labels", json=body)
            assert r.status_code == 201, r.text
        labels = {lb["name"]: lb for lb in api.get(f"/api/projects/{project_id}/labels").json()}
        value = {(lb["name"], v["value"]): v["id"] for lb in labels.values() for v in lb["values"]}
        files = [("file", (c["file"], (SPEECH / c["file"]).read_bytes())) for c in CLIPS]
        r = api.post(f"/api/projects/{project_id}/datapoints", files=files)
        assert r.status_code == 200, r.text
        ids = {item["filename"]: item["datapoint"]["id"] for item in r.json()}
        for clip in CLIPS:
            for n, seg in enumerate(clip["segments"]):
                speaker = "A" if n == 0 else "B"
                body = {
                    "start": seg["start"],
                    "end": seg["end"],
                    "transcript": seg["text"],
                    "values": {
                        str(labels["speaker"]["id"]): value[("speaker", speaker)],
                        str(labels["tags"]["id"]): [value[("tags", "x")]],
                    },
                }
                r = api.post(f"/api/datapoints/{ids[clip['file']]}/segments", json=body)
                assert r.status_code == 201, r.text
        return ids
    finally:
        api.close()
