#!/usr/bin/env python3
"""Install audino from its wheel as a stranger would, and use it.

Builds the wheel (`uv build`), installs it with plain pip into a fresh venv (the runtime
dependencies only: no dev group, no extras), then from that venv: `audino serve --demo` on a
free port (health, admin login through the API, every demo clip processed), `audino project
create`, `audino import` of a folder of audio (processed by that server) and `audino export` of
the project, natively and as a Kaldi folder (audio converted). A runtime import that
pyproject.toml does not declare fails here. Standard library only; run it from anywhere:

    python3 .ci/wheel_smoke.py [--keep]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
ADMIN_PASSWORD = "wheel-smoke-admin-1"
# Generous: a cold first start on a busy 2-core machine; each wait ends as soon as it can.
START_TIMEOUT_S = 180
PROCESS_TIMEOUT_S = 300
# Only in the dev group: if one of these imports in the venv, the test is not what it claims.
DEV_ONLY = ("pytest", "playwright", "pandas", "soundfile", "moto", "mypy")


def log(message: str) -> None:
    print(f"-- {message}", flush=True)


def run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    shown = " ".join(str(a) for a in args)
    log(shown)
    done = subprocess.run(
        [str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"FAILED ({done.returncode}): {shown}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Api:
    """A logged-in API client (session cookie and CSRF header), standard library only."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.csrf = ""

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.csrf:
            request.add_header("X-CSRF-Token", self.csrf)
        with self.opener.open(request, timeout=30) as response:
            return json.loads(response.read())

    def login(self, username: str, password: str) -> None:
        self.csrf = self.call(
            "POST", "/api/auth/login", {"username": username, "password": password}
        )["csrf_token"]

    def project_id(self, name: str) -> int:
        for project in self.call("GET", "/api/projects"):
            if project["name"] == name:
                return int(project["id"])
        raise SystemExit(f"FAILED: no project {name!r} in GET /api/projects")

    def wait_processed(
        self, project_id: int, expected: int, server: Server
    ) -> list[dict[str, Any]]:
        """Waits until the project has `expected` datapoints, all processed; fails on an error."""
        deadline = time.monotonic() + PROCESS_TIMEOUT_S
        while True:
            server.check_alive()
            items = self.call("GET", f"/api/projects/{project_id}/datapoints?limit=200")["items"]
            failed = [i for i in items if i["ingest_status"] == "failed"]
            if failed:
                raise SystemExit(f"FAILED: processing failed: {failed}")
            if len(items) == expected and all(i["ingest_status"] == "ready" for i in items):
                return items  # type: ignore[no-any-return]
            if time.monotonic() > deadline:
                states = [(i["original_name"], i["ingest_status"]) for i in items]
                raise SystemExit(f"FAILED: not processed in {PROCESS_TIMEOUT_S} s: {states}")
            time.sleep(0.5)


class Server:
    def __init__(self, audino: Path, data: Path, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log_file = log_path.open("w")
        command = [str(audino), "serve", "--demo", "--port", str(self.port)]
        command += ["--data-dir", str(data)]
        log(" ".join(command))
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=data.parent,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            # Ctrl-C must reach it even when this script runs with SIGINT ignored (nohup, &).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise SystemExit(f"FAILED: audino serve exited with {self.process.returncode}")

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            self.check_alive()
            try:
                with urllib.request.urlopen(self.base + "/api/health", timeout=5) as response:
                    if json.loads(response.read()).get("status") == "ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"FAILED: /api/health did not answer in {START_TIMEOUT_S} s")
            time.sleep(0.25)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()
        return self.process.returncode


def smoke(scratch: Path) -> None:
    dist, venv, data, audio = (scratch / n for n in ("dist", "venv", "data", "audio"))
    run("uv", "build", "--wheel", "--out-dir", dist, cwd=REPO)
    wheels = sorted(dist.glob("audino-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"FAILED: expected one wheel in {dist}, found {wheels}")

    run(sys.executable, "-m", "venv", venv)
    python, audino = venv / "bin" / "python", venv / "bin" / "audino"
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheels[0])
    leaked = run(python, "-c", f"""
import importlib.util
print(" ".join(m for m in {DEV_ONLY!r} if importlib.util.find_spec(m)))
""").strip()  # fmt: skip
    if leaked:
        raise SystemExit(f"FAILED: dev-only packages in the wheel's venv: {leaked}")
    packages = run(python, "-m", "pip", "list", "--format=freeze").split()
    log(f"{len(packages)} packages installed")

    # The venv alone: nothing from this checkout or the caller's environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUDINO_", "VIRTUAL_ENV"))}
    env.pop("PYTHONPATH", None)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.update(AUDINO_ADMIN_USERNAME="admin", AUDINO_ADMIN_PASSWORD=ADMIN_PASSWORD)
    data.mkdir()

    server = Server(audino, data, env, scratch / "serve.log")
    try:
        server.wait_healthy()
        api = Api(server.base)
        api.login("admin", ADMIN_PASSWORD)
        log("logged in as admin")
        demo = api.project_id("Demo: multilingual speech")
        clips = api.wait_processed(demo, 4, server)
        log(f"demo: {len(clips)} clips processed")
        keywords = api.project_id("Demo: keyword spotting")
        commands = api.wait_processed(keywords, 30, server)
        log(f"keyword demo: {len(commands)} commands processed")

        run(audino, "project", "create", "Smoke", "--data-dir", data, env=env, cwd=scratch)
        audio.mkdir()
        files = sorted(FIXTURES.glob("speech/*.flac")) + [
            FIXTURES / "formats" / name
            for name in ("pcm16_mono_16k.wav", "mp3_stereo_44k.mp3", "vorbis_mono_44k.ogg")
        ]
        for file in files:
            shutil.copy(file, audio / file.name)
        run(audino, "import", audio, "--project", "Smoke", "--data-dir", data, env=env, cwd=scratch)
        smoke_id = api.project_id("Smoke")
        api.wait_processed(smoke_id, len(files), server)
        log(f"import: {len(files)} files processed")

        native = scratch / "smoke.json"
        run(audino, "export", "Smoke", "-o", native, "--data-dir", data, env=env, cwd=scratch)
        exported = json.loads(native.read_text(encoding="utf-8"))
        names = sorted(d["name"] for d in exported["datapoints"])
        if names != sorted(f.name for f in files):
            raise SystemExit(f"FAILED: the native export lists {names}")
        kaldi = scratch / "kaldi"
        run(audino, "export", "Smoke", "--format", "kaldi", "-o", kaldi, "--data-dir", data,
            env=env, cwd=scratch)  # fmt: skip
        if not (kaldi / "wav.scp").is_file():
            raise SystemExit(f"FAILED: no wav.scp in the Kaldi export: {sorted(kaldi.iterdir())}")
        log(f"export: {len(names)} datapoints (native), Kaldi folder written")
    except BaseException:
        server.stop()
        sys.stderr.write(f"\n--- audino serve log ({server.log_path}):\n")
        sys.stderr.write(server.log_path.read_text(errors="replace")[-6000:])
        raise
    code = server.stop()
    if code != 0:
        sys.stderr.write(server.log_path.read_text(errors="replace")[-6000:])
        raise SystemExit(f"FAILED: audino serve exited with {code} on Ctrl-C")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="audino-wheel-"))
    started = time.monotonic()
    try:
        smoke(scratch)
    finally:
        if args.keep:
            log(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    log(f"wheel smoke test passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
