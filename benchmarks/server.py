"""A real `audino serve` subprocess on a loopback port, for the server benchmarks."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ADMIN_PASSWORD = "benchmark-admin-1"
SECRET = "benchmark-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def audino_command() -> list[str]:
    script = Path(sys.executable).parent / "audino"
    if script.exists():
        return [str(script)]
    found = shutil.which("audino")
    return [found] if found else [sys.executable, "-m", "audino.cli"]


def rss_mib(pid: int) -> float:
    """Resident set size of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


class Server:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"{data_dir.name}-server.log"
        self.last_cookies: list[str] = []

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 60.0) -> float:
        """Starts the server; returns seconds until /api/health answered 200."""
        env = os.environ | {
            "AUDINO_ADMIN_USERNAME": "admin",
            "AUDINO_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "AUDINO_SECRET_KEY": SECRET,
            "AUDINO_LOG_LEVEL": "warning",  # no access log line per request
        }
        command = [*audino_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--data-dir", str(self.data_dir)]  # fmt: skip
        began = time.perf_counter()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        deadline = began + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"audino serve exited; see {self.log}")
            try:
                status, _ = self.request("GET", "/api/health", timeout=1.0)
                if status == 200:
                    return time.perf_counter() - began
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"audino serve did not answer within {timeout} s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            sent = {"Content-Type": "application/json"} if payload is not None else {}
            conn.request(method, path, body=payload, headers=sent | (headers or {}))
            response = conn.getresponse()
            data = response.read()
            content = json.loads(data) if data.startswith((b"{", b"[")) else data
            self.last_cookies = [
                value.split(";", 1)[0]
                for key, value in response.getheaders()
                if key.lower() == "set-cookie"
            ]
            return response.status, content
        finally:
            conn.close()
