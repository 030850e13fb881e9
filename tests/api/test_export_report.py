"""What an export could not carry, reported: in the job's result, and in the zip of a
multi-file export as export-report.json; a single-file format's report is in the job only."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import orjson
from sqlalchemy import select

from audino.db.models import Datapoint, User
from tests import builders
from tests.api.test_export_formats import speech_project
from tests.api.test_export_jobs import finished, start
from tests.conftest import AppEnv, Factory

NO_TRANSCRIPT = "no transcript"
ESTIMATED = "CTM words with estimated times (confidence 0.0000)"


def untranscribed(env: AppEnv, pid: int, count: int) -> None:
    """`count` more segments by alice on the first datapoint, each with no transcript."""
    with env.database.session() as db:
        dp = db.scalar(select(Datapoint.id).where(Datapoint.project_id == pid).limit(1))
        alice = db.scalar(select(User.id).where(User.username == "alice"))
    assert dp is not None
    specs = [{"start": 0.01 * k, "end": 0.01 * k + 0.005} for k in range(count)]
    builders.segments(env.database, dp, alice, specs)


def test_a_multi_file_export_reports_in_the_job_and_in_its_zip(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    pid = speech_project(app_env, factory)
    untranscribed(app_env, pid, 4)
    job = finished(admin, start(admin, pid, format="kaldi")["id"])
    report = job["result"]["report"]
    assert report == {
        "format": "kaldi",
        "segments_skipped": {NO_TRANSCRIPT: 4},
        "values_left_out": {},
        "lines_estimated": {},
        "file": "export-report.json",
    }
    download = admin.get(job["result"]["download_url"]).content
    with zipfile.ZipFile(io.BytesIO(download)) as zf:
        in_zip = orjson.loads(zf.read("export-report.json"))
    assert in_zip == {k: v for k, v in report.items() if k != "file"}
    # The streamed export carries the same report in its zip.
    streamed = admin.get(f"/api/projects/{pid}/export", params={"format": "kaldi"})
    with zipfile.ZipFile(io.BytesIO(streamed.content)) as zf:
        assert orjson.loads(zf.read("export-report.json")) == in_zip


def test_a_single_file_export_reports_in_the_job_only(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    pid = speech_project(app_env, factory)
    untranscribed(app_env, pid, 2)
    job = finished(admin, start(admin, pid, format="ctm")["id"])
    report = job["result"]["report"]
    assert report["format"] == "ctm" and report["file"] is None
    assert report["segments_skipped"] == {NO_TRANSCRIPT: 2}
    ctm = admin.get(job["result"]["download_url"]).content
    assert b"export-report" not in ctm and b"no transcript" not in ctm
    assert ctm == admin.get(f"/api/projects/{pid}/export", params={"format": "ctm"}).content
    estimated = [line for line in ctm.decode().splitlines() if line.endswith(" 0.0000")]
    assert estimated and report["lines_estimated"] == {ESTIMATED: len(estimated)}


def test_an_export_that_loses_nothing_reports_nothing(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    pid = speech_project(app_env, factory)
    job = finished(admin, start(admin, pid, format="eaf")["id"])
    report = job["result"]["report"]
    assert report == {
        "format": "eaf",
        "segments_skipped": {},
        "values_left_out": {},
        "lines_estimated": {},
        "file": None,
    }
    download = admin.get(job["result"]["download_url"]).content
    with zipfile.ZipFile(io.BytesIO(download)) as zf:
        assert "export-report.json" not in zf.namelist()
