"""The `audino` command: users, projects, keys, migrations, and a real `serve`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from audino.cli import app
from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import HEAD, upgrade
from tests.conftest import audino_command

runner = CliRunner()


def run(data_dir: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)], input=stdin)
    return result.exit_code, result.output


def test_user_and_project_commands(tmp_path: Path) -> None:
    code, out = run(
        tmp_path, "user", "add", "alice", "--admin", "--password-stdin", stdin="alice-password-1\n"
    )
    assert code == 0 and "Created user 'alice'" in out
    code, out = run(tmp_path, "user", "add", "alice", "--password-stdin", stdin="x-password-2\n")
    assert code == 1 and "already exists" in out
    code, out = run(tmp_path, "user", "add", "bob", "--password-stdin", stdin="short\n")
    assert code == 1 and "at least 8" in out
    code, out = run(
        tmp_path, "user", "passwd", "alice", "--password-stdin", stdin="new-password-1\n"
    )
    assert code == 0
    code, out = run(tmp_path, "user", "list")
    assert "alice" in out and "admin" in out
    code, out = run(tmp_path, "project", "create", "Birds")
    assert code == 0 and "Birds" in out
    code, out = run(tmp_path, "project", "api-key", "Birds")
    assert code == 0
    key = out.splitlines()[0]
    assert key.startswith("aud_k_")
    code, out = run(tmp_path, "project", "api-key", "Birds", "--scope", "export")
    assert code == 0 and out.splitlines()[0].startswith("aud_k_") and "export key" in out
    code, out = run(tmp_path, "project", "api-key", "Birds", "--scope", "owner")
    assert code == 2 and "owner" in out
    code, out = run(tmp_path, "project", "api-key", "Birds", "--list")
    assert "active" in out and key not in out
    scopes = [line.split("\t")[3] for line in out.splitlines()]
    assert scopes == ["upload", "export"]
    key_id = out.split()[0]
    code, out = run(tmp_path, "project", "api-key", "Birds", "--revoke", key_id)
    assert code == 0
    code, out = run(tmp_path, "project", "api-key", "Birds", "--list")
    assert "revoked" in out
    code, out = run(tmp_path, "project", "api-key", "Nope")
    assert code == 1 and "No project" in out


def test_db_upgrade_is_idempotent(tmp_path: Path) -> None:
    code, out = run(tmp_path, "db", "upgrade")
    assert code == 0 and "upgraded" in out
    code, out = run(tmp_path, "db", "upgrade")
    assert code == 0 and "already" in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(
    data_dir: Path, port: int, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        audino_command("serve", "--port", str(port), "--data-dir", str(data_dir), *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _wait_healthy(port: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("server did not start")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    return out


def test_serve_first_start_prints_one_time_password_and_demo(tmp_path: Path) -> None:
    port = _free_port()
    env = {"AUDINO_ADMIN_USERNAME": "", "AUDINO_ADMIN_PASSWORD": ""}
    proc = _serve(tmp_path, port, "--demo", env=env)
    try:
        _wait_healthy(port, proc)
    finally:
        out = _stop(proc)
    match = re.search(r"one-time password: (\S+)", out)
    assert match, out
    # What a slow first start is doing, in order, before the server takes over the output.
    steps = [
        f"Starting audino (data in {tmp_path})…",
        "Creating the database…",
        "Created the first administrator 'admin'",
        "Preparing the demo project and its clips…",
        "Demo project 'Demo: multilingual speech' created",
        "Demo project 'Demo: keyword spotting' created with 30 spoken commands",
        f"audino is serving on http://127.0.0.1:{port}",
        "Application startup complete.",
    ]
    at = [out.find(step) for step in steps]
    assert -1 not in at and at == sorted(at), out
    assert "AUDINO_COOKIE_SECURE" not in out  # on loopback the plain cookie is expected
    demo = re.search(r"assigned to 'annotator' with password (\S+)", out)
    assert demo, out
    # Restart: nothing is created again and the passwords still work.
    proc = _serve(tmp_path, port, "--demo", env=env)
    try:
        _wait_healthy(port, proc)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            r = client.post(
                "/api/auth/login", json={"username": "admin", "password": match.group(1)}
            )
            assert r.status_code == 200
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            r = client.post(
                "/api/auth/login", json={"username": "annotator", "password": demo.group(1)}
            )
            assert r.status_code == 200
            projects = {p["name"]: p for p in client.get("/api/projects").json()}
            assert projects["Demo: multilingual speech"]["counts"]["todo"] == 4
            assert projects["Demo: keyword spotting"]["counts"]["todo"] == 30
    finally:
        out = _stop(proc)
    assert "one-time password" not in out and "Demo project" not in out
    assert "Starting audino" in out
    assert "Creating the database" not in out and "Preparing the demo" not in out


def test_serve_says_when_it_migrates_the_database(tmp_path: Path) -> None:
    database = Database(Settings(data_dir=tmp_path))
    upgrade(database.engine, "0003")
    database.dispose()
    port = _free_port()
    proc = _serve(tmp_path, port)
    try:
        _wait_healthy(port, proc)
    finally:
        out = _stop(proc)
    assert f"Migrating the database from version 0003 to {HEAD}…" in out, out
    assert out.index("Migrating") < out.index("audino is serving"), out


def test_serve_on_a_taken_port_says_so_first_and_exits(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(tmp_path / "data", port, "--demo")
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 1, out
    assert out.splitlines() == [f"Port {port} is already in use; pick another with --port."], out
    assert not (tmp_path / "data").exists()  # nothing was created before it said so


@pytest.mark.parametrize("secure", ["false", "true"])
def test_serve_on_a_network_address_warns_while_the_cookie_is_not_secure(
    tmp_path: Path, secure: str
) -> None:
    port = _free_port()
    proc = _serve(tmp_path, port, "--host", "0.0.0.0", env={"AUDINO_COOKIE_SECURE": secure})
    try:
        _wait_healthy(port, proc)
    finally:
        out = _stop(proc)
    warned = "set AUDINO_COOKIE_SECURE=true" in out
    assert warned == (secure == "false"), out
    if warned:
        assert "serving on 0.0.0.0, reachable from other machines" in out
        assert out.index("Warning: serving on") < out.index("audino is serving"), out


@pytest.mark.parametrize(
    ("host", "warns"),
    [
        ("127.0.0.1", False),
        ("127.8.0.1", False),
        ("::1", False),
        ("[::1]", False),
        ("localhost", False),
        ("0.0.0.0", True),
        ("::", True),
        ("192.168.1.20", True),
        ("audino.lab.example", True),
    ],
)
def test_which_addresses_warn_about_the_cookie(host: str, warns: bool) -> None:
    from audino.cli.serve import insecure_cookie_warning

    assert (insecure_cookie_warning(host, cookie_secure=False) is not None) == warns
    assert insecure_cookie_warning(host, cookie_secure=True) is None


def test_project_create_from_a_template(tmp_path: Path) -> None:
    code, out = run(tmp_path, "project", "create", "Calls", "--template", "bioacoustic-calls")
    assert code == 0 and "from the template 'Bioacoustic calls'" in out, out
    code, out = run(tmp_path, "project", "create", "Other", "--template", "nope")
    assert code == 1 and "no template 'nope'" in out and "keyword-spotting" in out
    from sqlalchemy import select

    from audino.db.models import Label, Project

    database = Database(Settings(data_dir=tmp_path))
    try:
        with database.session() as db:
            names = db.scalars(select(Project.name)).all()
            labels = db.scalars(select(Label.name).order_by(Label.position)).all()
    finally:
        database.dispose()
    assert names == ["Calls"] and labels == ["species", "call type"]
