"""Bulk import from folders, globs and an S3 bucket (moto): refusals, resume, assignment."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from audino.db.models import Assignment, Datapoint, Job
from audino.services.errors import InvalidInput, NotFound
from audino.services.imports.bulk import BulkImport, FileOutcome, ImportSummary
from tests.conftest import FORMATS, AppEnv, Factory
from tests.s3server import Bucket, tone_wav

GOOD_FORMATS = sorted(p.name for p in FORMATS.iterdir() if not p.name.startswith("bad_"))
BAD_FORMATS = sorted(p.name for p in FORMATS.iterdir() if p.name.startswith("bad_"))


def run(env: AppEnv, project_id: int, source: str, **kw: Any) -> ImportSummary:
    return BulkImport(env.database, env.storage, env.settings, project_id, source, **kw).run()


def clips(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"clip_{i:04d}.wav"
        path.write_bytes(tone_wav(i))
        paths.append(path)
    return paths


def datapoints(env: AppEnv, project_id: int) -> list[Datapoint]:
    with env.database.session(write=False) as db:
        query = select(Datapoint).where(Datapoint.project_id == project_id)
        return list(db.scalars(query.order_by(Datapoint.id)))


def test_folder_import_refuses_broken_files_with_reasons(
    app_env: AppEnv, factory: Factory, tmp_path: Path
) -> None:
    pid = factory.project("Formats")["id"]
    folder = tmp_path / "in"
    shutil.copytree(FORMATS, folder / "formats")
    (folder / "notes.txt").write_text("not audio, not picked up")
    (folder / ".hidden.wav").write_bytes(tone_wav(1))
    summary = run(app_env, pid, str(folder), workers=3)
    assert summary.found == len(GOOD_FORMATS) + len(BAD_FORMATS)
    assert summary.imported == len(GOOD_FORMATS)
    assert summary.failed == len(BAD_FORMATS)
    refused = dict(summary.failures)
    assert sorted(refused) == [f"formats/{name}" for name in BAD_FORMATS]
    assert "empty" in refused["formats/bad_empty.wav"]
    assert "truncated" in refused["formats/bad_truncated.mp3"]
    rows = datapoints(app_env, pid)
    assert sorted(dp.original_name for dp in rows) == GOOD_FORMATS
    assert rows[0].metadata_["import_path"].startswith("formats/")
    assert summary.seconds_imported == pytest.approx(sum(dp.duration for dp in rows))
    # Every file went through the upload path, ingest job included.
    with app_env.database.session(write=False) as db:
        ingested = set(
            db.scalars(select(Job.datapoint_id).where(Job.kind == "ingest", Job.status == "done"))
        )
    assert ingested == {dp.id for dp in rows}
    assert {dp.ingest_status for dp in rows} == {"ready"}

    again = run(app_env, pid, str(folder))
    assert (again.imported, again.skipped, again.failed) == (0, len(GOOD_FORMATS), len(BAD_FORMATS))
    assert len(datapoints(app_env, pid)) == len(GOOD_FORMATS)


def test_glob_takes_only_what_it_matches(app_env: AppEnv, factory: Factory, tmp_path: Path) -> None:
    pid = factory.project("Glob")["id"]
    clips(tmp_path / "a", 3)
    clips(tmp_path / "b" / "deep", 2, start=10)
    summary = run(app_env, pid, str(tmp_path / "**" / "clip_00?1.wav"))
    assert summary.imported == 2
    names = {dp.original_name for dp in datapoints(app_env, pid)}
    assert names == {"clip_0001.wav", "clip_0011.wav"}


def test_interrupted_import_resumes_without_duplicates(
    app_env: AppEnv, factory: Factory, tmp_path: Path
) -> None:
    pid = factory.project("Resume")["id"]
    clips(tmp_path / "in", 30)
    seen: list[FileOutcome] = []

    class Stop(Exception):
        pass

    def stop_after_ten(summary: ImportSummary, outcome: FileOutcome | None) -> None:
        if outcome is not None:
            seen.append(outcome)
            if len(seen) == 10:
                raise Stop

    with pytest.raises(Stop):
        run(app_env, pid, str(tmp_path / "in"), workers=4, progress=stop_after_ten)
    first = len(datapoints(app_env, pid))
    # Files in flight when it stopped finish; files not started wait for the next run.
    assert 10 <= first < 30
    summary = run(app_env, pid, str(tmp_path / "in"), workers=4)
    assert summary.skipped == first
    assert summary.imported == 30 - first
    rows = datapoints(app_env, pid)
    assert len(rows) == 30
    assert len({dp.sha256 for dp in rows}) == 30


def test_assign_shares_new_files_with_overlap(
    app_env: AppEnv, factory: Factory, tmp_path: Path
) -> None:
    factory.user("ann")
    factory.user("bob")
    pid = factory.project("Assign", ann="annotator", bob="annotator")["id"]
    clips(tmp_path / "in", 20)
    summary = run(app_env, pid, str(tmp_path / "in"), assign=["ann", "bob"], overlap=0.2)
    assert summary.imported == 20
    with app_env.database.session(write=False) as db:
        per_dp = db.execute(
            select(Assignment.datapoint_id, func.count()).group_by(Assignment.datapoint_id)
        ).all()
        per_user = dict(
            db.execute(select(Assignment.user_id, func.count()).group_by(Assignment.user_id)).all()
        )
    assert len(per_dp) == 20
    assert sorted(n for _, n in per_dp).count(2) == 4  # 20 % of the files, twice
    assert sorted(per_user.values()) == [12, 12]


def test_bad_arguments_are_refused_before_reading(
    app_env: AppEnv, factory: Factory, tmp_path: Path
) -> None:
    factory.user("ann")
    pid = factory.project("Args", ann="annotator")["id"]
    clips(tmp_path / "in", 1)
    with pytest.raises(InvalidInput, match="two annotators"):
        run(app_env, pid, str(tmp_path / "in"), assign=["ann"], overlap=0.5)
    with pytest.raises(InvalidInput, match="not members|not a member|nobody"):
        run(app_env, pid, str(tmp_path / "in"), assign=["nobody"])
    with pytest.raises(NotFound):
        run(app_env, pid, str(tmp_path / "missing"))
    with pytest.raises(NotFound):
        run(app_env, 999, str(tmp_path / "in"))
    assert datapoints(app_env, pid) == []


def test_import_from_s3_bucket(
    app_env: AppEnv, factory: Factory, bucket: Bucket, tmp_path: Path
) -> None:
    pid = factory.project("Bucket")["id"]
    for i in range(6):
        bucket.put(f"calls/day{i % 2}/clip_{i}.wav", tone_wav(i))
    bucket.put("calls/broken.wav", b"RIFF not really")
    bucket.put("calls/readme.md", b"# skipped: not audio")
    bucket.put("other/clip_9.wav", tone_wav(9))
    summary = run(app_env, pid, bucket.url("calls"), workers=3)
    assert (summary.found, summary.imported, summary.failed) == (7, 6, 1)
    assert summary.failures[0][0] == "broken.wav"
    rows = datapoints(app_env, pid)
    assert sorted(dp.metadata_["import_path"] for dp in rows) == sorted(
        f"day{i % 2}/clip_{i}.wav" for i in range(6)
    )
    # The audio landed in our storage, byte for byte, and the temp copies are gone.
    with app_env.storage.open(rows[0].storage_key) as f:
        assert f.read() == tone_wav(int(rows[0].original_name[5:-4]))
    assert not list(app_env.settings.temp_dir.glob("upload-*"))

    # Interrupted after two files, then resumed: the rest come in, nothing twice.
    bucket.put("calls/day2/clip_7.wav", tone_wav(7))
    bucket.put("calls/day2/clip_8.wav", tone_wav(8))

    def stop(summary: ImportSummary, outcome: FileOutcome | None) -> None:
        if outcome is not None and summary.done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(app_env, pid, bucket.url("calls"), workers=1, progress=stop)
    resumed = run(app_env, pid, bucket.url("calls"))
    assert resumed.imported + resumed.skipped == 8
    assert len(datapoints(app_env, pid)) == 8


@pytest.mark.slow
@pytest.mark.parametrize("app_env", ["sqlite"], indirect=True)
def test_thousand_clips_with_progress(app_env: AppEnv, factory: Factory, tmp_path: Path) -> None:
    pid = factory.project("Thousand")["id"]
    folder = tmp_path / "in"
    for sub in range(10):
        clips(folder / f"batch{sub}", 100, start=sub * 100)
    reports: list[tuple[int, int]] = []

    def progress(summary: ImportSummary, outcome: FileOutcome | None) -> None:
        reports.append((summary.done, summary.found))

    summary = run(app_env, pid, str(folder), workers=4, progress=progress)
    assert (summary.found, summary.imported, summary.failed) == (1000, 1000, 0)
    assert reports[0] == (0, 1000)
    assert [done for done, _ in reports] == list(range(1001))
    assert summary.seconds_imported == pytest.approx(1000 * 0.05)
    assert len(datapoints(app_env, pid)) == 1000


def test_bucket_endpoint_from_settings(
    app_env: AppEnv, factory: Factory, bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AUDINO_S3_ENDPOINT_URL read through the settings (a .env file), not the process env."""
    monkeypatch.delenv("AUDINO_S3_ENDPOINT_URL")
    monkeypatch.setattr(app_env.settings, "s3_endpoint_url", bucket.endpoint)
    pid = factory.project("Endpoint")["id"]
    bucket.put("in/clip_0.wav", tone_wav(0))
    assert run(app_env, pid, bucket.url("in")).imported == 1
