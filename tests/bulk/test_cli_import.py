"""`audino import` on a data dir, with typer's CliRunner: summary, exit codes, annotations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select
from typer.testing import CliRunner

from audino.cli import app
from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import upgrade
from audino.db.models import Assignment, Datapoint, Segment
from tests import builders
from tests.conftest import FORMATS
from tests.s3server import Bucket, tone_wav

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir with project "Calls" and two annotators in it."""
    monkeypatch.setenv("AUDINO_DATA_DIR", str(tmp_path / "data"))  # the CLI sets it
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables at the terminal width
    settings = Settings(data_dir=tmp_path / "data")
    database = Database(settings)
    upgrade(database.engine)
    pid = builders.project(database, "Calls")
    for name in ("ann", "bob"):
        builders.member(database, pid, builders.user(database, name), "annotator")
    database.dispose()
    return tmp_path / "data"


def run(data_dir: Path, *args: str) -> Result:
    return runner.invoke(app, ["import", *args, "--data-dir", str(data_dir)])


def count(data_dir: Path, model: type) -> int:
    database = Database(Settings(data_dir=data_dir))
    try:
        with database.session(write=False) as db:
            return int(db.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        database.dispose()


def test_import_folder_reports_and_resumes(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        (folder / f"clip_{i}.wav").write_bytes(tone_wav(i))
    shutil.copy(FORMATS / "bad_truncated.mp3", folder)
    report = tmp_path / "report.json"
    result = run(
        data_dir, str(folder), "--project", "Calls", "--assign", "ann,bob", "--report", str(report)
    )
    assert result.exit_code == 0, result.output
    assert "4 imported" in result.output
    assert "1 refused" in result.output
    assert "bad_truncated.mp3" in result.output and "truncated" in result.output
    assert count(data_dir, Datapoint) == 4
    assert count(data_dir, Assignment) == 4
    written = json.loads(report.read_text())
    assert (written["imported"], written["failed"]) == (4, 1)
    assert written["failures"][0]["file"] == "bad_truncated.mp3"

    again = run(data_dir, str(folder), "-p", "Calls", "--workers", "1")
    assert again.exit_code == 0, again.output
    assert "0 imported" in again.output and "4 already there" in again.output
    assert count(data_dir, Datapoint) == 4


def test_exit_codes(data_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copy(FORMATS / "bad_empty.wav", broken)
    nothing = run(data_dir, str(broken), "-p", "Calls")
    assert nothing.exit_code == 1
    assert "bad_empty.wav" in nothing.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(data_dir, str(empty), "-p", "Calls").exit_code == 1
    assert run(data_dir, str(broken), "-p", "Nope").exit_code == 2
    lonely = run(data_dir, str(broken), "-p", "Calls", "--assign", "ann", "--overlap", "0.3")
    assert lonely.exit_code == 2
    assert "two annotators" in lonely.output
    assert run(data_dir, str(tmp_path / "missing"), "-p", "Calls").exit_code == 2
    notes = tmp_path / "notes.json"
    notes.write_text("{}")
    ambiguous = run(data_dir, str(broken), "-p", "Calls", "--annotations", str(notes))
    assert ambiguous.exit_code == 2
    assert "name the format" in ambiguous.output
    unknown = run(
        data_dir,
        str(broken),
        "-p",
        "Calls",
        "--annotations",
        str(notes),
        "--annotations-format",
        "x",
    )
    assert unknown.exit_code == 2
    assert "Unknown format" in unknown.output


def test_annotations_join_the_imported_files(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        (folder / f"clip_{i}.wav").write_bytes(tone_wav(i))
    rttm = tmp_path / "turns.rttm"
    rttm.write_text(
        "SPEAKER clip_0 1 0.000 0.020 <NA> <NA> spk1 <NA> <NA>\n"
        "SPEAKER clip_1 1 0.010 0.030 <NA> <NA> spk2 <NA> <NA>\n"
    )
    result = run(data_dir, str(folder), "-p", "Calls", "--annotations", str(rttm))
    assert result.exit_code == 0, result.output
    assert "2 segments" in result.output
    assert count(data_dir, Segment) == 2
    # Run again (as after an interruption): the same annotations are not added twice.
    again = run(data_dir, str(folder), "-p", "Calls", "--annotations", str(rttm))
    assert again.exit_code == 0, again.output
    assert "added before" in again.output
    assert count(data_dir, Segment) == 2


def test_import_from_bucket(data_dir: Path, bucket: Bucket) -> None:
    for i in range(3):
        bucket.put(f"in/clip_{i}.wav", tone_wav(i))
    result = run(data_dir, bucket.url("in"), "-p", "Calls")
    assert result.exit_code == 0, result.output
    assert "3 imported" in result.output
    assert count(data_dir, Datapoint) == 3


def test_a_rerun_queues_what_a_killed_run_saved_but_never_queued(
    data_dir: Path, tmp_path: Path
) -> None:
    from audino.db.models import Job
    from audino.jobs import queue
    from audino.storage.blobs import BlobStore

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        (folder / f"clip_{i}.wav").write_bytes(tone_wav(i))
    assert run(data_dir, str(folder), "-p", "Calls").exit_code == 0
    settings = Settings(data_dir=data_dir)
    database = Database(settings)
    huey = queue.JobQueue(settings, database, BlobStore.from_settings(settings)).huey
    try:
        with database.session(write=False) as db:
            ingest = sorted(db.scalars(select(Job.id).where(Job.kind == "ingest")))
        assert len(ingest) == 2 and sorted(m.args[0] for m in huey.pending()) == ingest
        # Killed between saving the jobs and queueing them: the jobs are in no queue, so
        # their datapoints would say "processing" until a server restart.
        huey.flush()
        assert huey.pending() == []
        again = run(data_dir, str(folder), "-p", "Calls")
        assert again.exit_code == 0 and "2 already there" in again.output, again.output
        assert sorted(m.args[0] for m in huey.pending()) == ingest  # queued again, once each
    finally:
        database.dispose()
