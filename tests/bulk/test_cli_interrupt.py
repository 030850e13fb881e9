"""`audino import` stopped with Ctrl-C in the middle, then run again: nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import upgrade
from audino.db.models import Datapoint
from tests import builders
from tests.conftest import audino_command
from tests.s3server import tone_wav

CLIPS = 300


def _counts(data_dir: Path) -> tuple[int, int]:
    database = Database(Settings(data_dir=data_dir))
    try:
        with database.session(write=False) as db:
            rows = db.scalar(select(func.count()).select_from(Datapoint)) or 0
            distinct = db.scalar(select(func.count(func.distinct(Datapoint.sha256)))) or 0
            return int(rows), int(distinct)
    finally:
        database.dispose()


# The command as `nohup` or a script's `&` starts it: SIGINT ignored from exec on.
_SIGINT_IGNORED = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "os.execv(sys.executable, [sys.executable, '-m', 'audino.cli', *sys.argv[1:]])"
)


def _import(data_dir: Path, folder: Path, *, sigint_ignored: bool = False) -> subprocess.Popen[str]:
    args = ["import", str(folder), "-p", "Calls", "--workers", "2", "--data-dir", str(data_dir)]
    command = (
        [sys.executable, "-c", _SIGINT_IGNORED, *args] if sigint_ignored else audino_command(*args)
    )
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    data_dir = tmp_path / "data"
    database = Database(Settings(data_dir=data_dir))
    upgrade(database.engine)
    builders.project(database, "Calls")
    database.dispose()
    folder = tmp_path / "in"
    for i in range(CLIPS):
        batch = folder / f"batch{i % 7}"
        batch.mkdir(parents=True, exist_ok=True)
        (batch / f"clip_{i:04d}.wav").write_bytes(tone_wav(i))
    return data_dir, folder


def _interrupt(data_dir: Path, proc: subprocess.Popen[str]) -> int:
    """Ctrl-C once 20 files are in; returns how many were imported by then."""
    deadline = time.monotonic() + 120
    while _counts(data_dir)[0] < 20:
        assert proc.poll() is None, proc.communicate()[0]
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    output = proc.communicate(timeout=120)[0]
    assert proc.returncode == 130, output
    assert "Interrupted" in output and "run the same command again" in output.lower()
    stopped_at, distinct = _counts(data_dir)
    assert 20 <= stopped_at < CLIPS and distinct == stopped_at
    return stopped_at


def test_ctrl_c_then_resume(tmp_path: Path) -> None:
    data_dir, folder = _setup(tmp_path)
    stopped_at = _interrupt(data_dir, _import(data_dir, folder))

    resumed = _import(data_dir, folder)
    output = resumed.communicate(timeout=300)[0]
    assert resumed.returncode == 0, output
    assert f"{CLIPS - stopped_at} imported" in output
    assert f"{stopped_at} already there" in output
    assert _counts(data_dir) == (CLIPS, CLIPS)


def test_ctrl_c_stops_an_import_started_with_sigint_ignored(tmp_path: Path) -> None:
    """`nohup audino import … &` then `kill -INT`: the import still stops (and can resume)."""
    data_dir, folder = _setup(tmp_path)
    _interrupt(data_dir, _import(data_dir, folder, sigint_ignored=True))
