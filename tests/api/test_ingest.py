"""Ingest jobs: every format gets ready with peaks; failures show on the datapoint and can
be retried; a dead worker's ingest is run again; nothing half-made is ever ready."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from audino.db.models import Datapoint, DerivedAudio, Job, utcnow
from audino.jobs import JobCancelled, queue
from audino.services.ingest import job as ingest
from tests.conftest import FORMATS, AppEnv, Factory

GOOD = sorted(p for p in FORMATS.iterdir() if not p.name.startswith("bad_"))


def upload(client: TestClient, project_id: int, path: Path, name: str | None = None) -> Any:
    r = client.post(
        f"/api/projects/{project_id}/datapoints",
        files={"file": (name or path.name, path.read_bytes())},
    )
    assert r.status_code == 201, r.text
    return r.json()["datapoint"]


def derived_kinds(env: AppEnv, datapoint_id: int) -> set[str]:
    with env.database.session(write=False) as db:
        rows = db.scalars(select(DerivedAudio).where(DerivedAudio.datapoint_id == datapoint_id))
        return {row.kind for row in rows}


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_every_format_ingests(app_env: AppEnv, factory: Factory, path: Path) -> None:
    project = factory.project()
    dp = upload(factory.admin, project["id"], path)
    # The upload answers before its ingest job runs (right after the commit).
    assert dp["ingest_status"] == "processing" and dp["ingest_job_id"]
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert (got["ingest_status"], got["ingest_error"]) == ("ready", None)
    job = factory.admin.get(f"/api/jobs/{dp['ingest_job_id']}").json()
    assert job["status"] == "done" and job["progress"] == 1.0
    peaks = factory.admin.get(f"/api/datapoints/{dp['id']}/peaks").json()
    assert peaks["channels"] == got["channels"] and peaks["bits"] == 8
    assert peaks["duration"] == pytest.approx(got["duration"])
    level = peaks["levels"][0]
    body = factory.admin.get(f"/api/datapoints/{dp['id']}/peaks/0").content
    assert len(body) == level["length"] * 2 * peaks["channels"]
    assert level["length"] * level["samples_per_pixel"] >= got["duration"] * got["sample_rate"]
    thumb = factory.admin.get(f"/api/datapoints/{dp['id']}/thumbnail")
    assert thumb.headers["content-type"] == "image/png"
    assert {"peaks", "thumbnail"} <= derived_kinds(app_env, dp["id"])


def test_a_failed_ingest_shows_on_the_datapoint_and_a_retry_completes(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = factory.project()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(ingest, "analyse", broken)
    dp = upload(factory.admin, project["id"], FORMATS / "mp3_stereo_44k.mp3")
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert got["ingest_status"] == "failed" and "the disk is full" in got["ingest_error"]
    listed = factory.admin.get(f"/api/projects/{project['id']}/datapoints").json()["items"]
    assert [d["ingest_status"] for d in listed] == ["failed"]
    r = factory.admin.get(f"/api/datapoints/{dp['id']}/peaks")
    assert r.status_code == 409 and r.json()["code"] == "ingest_failed"
    job = factory.admin.get(f"/api/jobs/{dp['ingest_job_id']}").json()
    assert job["status"] == "failed" and "the disk is full" in job["error"]
    # The original still plays while the datapoint is not ready.
    assert factory.admin.get(dp["audio_url"]).headers["content-type"] == "audio/mpeg"

    monkeypatch.undo()
    r = factory.admin.post(f"/api/jobs/{dp['ingest_job_id']}/retry")
    assert r.status_code == 200, r.text
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert (got["ingest_status"], got["ingest_error"]) == ("ready", None)
    assert derived_kinds(app_env, dp["id"]) == {"peaks", "thumbnail", "playback", "spectrogram"}
    assert factory.admin.get(dp["audio_url"]).headers["content-type"] == "audio/flac"


def test_half_stored_results_are_not_ready(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = factory.project()
    real_store = ingest._store

    def store_then_crash(*args: Any) -> Any:
        real_store(*args)  # every blob is written, then the worker fails before the rows
        raise OSError("connection reset")

    monkeypatch.setattr(ingest, "_store", store_then_crash)
    dp = upload(factory.admin, project["id"], FORMATS / "mono_22k.aiff")
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert got["ingest_status"] == "failed" and derived_kinds(app_env, dp["id"]) == set()
    assert factory.admin.get(f"/api/datapoints/{dp['id']}/peaks").status_code == 409


def test_a_dead_workers_ingest_runs_again_and_completes(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = factory.project()

    def dies(*args: Any, **kwargs: Any) -> Any:
        raise JobCancelled  # as if the worker was killed: nothing is recorded

    monkeypatch.setattr(ingest, "analyse", dies)
    dp = upload(factory.admin, project["id"], FORMATS / "flac_mono_16k.flac")
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert got["ingest_status"] == "processing"
    r = factory.admin.get(f"/api/datapoints/{dp['id']}/peaks")
    assert r.status_code == 409 and r.json()["code"] == "processing"
    assert r.json()["job_id"] == dp["ingest_job_id"]
    monkeypatch.undo()
    old = utcnow() - timedelta(seconds=app_env.settings.job_stale_seconds + 5)
    with app_env.database.session() as db:
        db.execute(update(Job).where(Job.id == dp["ingest_job_id"]).values(heartbeat_at=old))
    reaper = queue.current()
    assert reaper is not None and reaper.requeue_stale() == [dp["ingest_job_id"]]
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert got["ingest_status"] == "ready"
    assert factory.admin.get(f"/api/jobs/{dp['ingest_job_id']}").json()["attempts"] == 2


def test_running_ingest_twice_changes_nothing(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    dp = upload(factory.admin, project["id"], FORMATS / "mp3_stereo_44k.mp3")
    before = sorted(app_env.storage.keys())
    with app_env.database.session() as db:
        from audino.services import jobs

        jobs.enqueue(db, "ingest", {"datapoint_id": dp["id"]}, datapoint_id=dp["id"])
    assert sorted(app_env.storage.keys()) == before
    with app_env.database.session(write=False) as db:
        rows = db.scalars(select(DerivedAudio).where(DerivedAudio.datapoint_id == dp["id"]))
        assert len(rows.all()) == 4
        assert db.get(Datapoint, dp["id"]).ingest_status == "ready"  # type: ignore[union-attr]


def test_a_long_upload_cut_short_is_accepted_then_marked_failed(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long files are checked from their header in the request; ingest finds the cut."""
    monkeypatch.setattr("audino.audio.probe.FULL_PROBE_MAX_SECONDS", 1.0)
    project = factory.project()
    dp = upload(factory.admin, project["id"], FORMATS / "bad_truncated.mp3")
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert got["ingest_status"] == "failed"
    assert "truncated" in got["ingest_error"]
    job = factory.admin.get(f"/api/jobs/{dp['ingest_job_id']}").json()
    assert job["status"] == "failed" and "truncated" in job["error"]


def test_a_datapoint_from_before_ingest_is_processed_on_request(
    app_env: AppEnv, factory: Factory, as_user: Any
) -> None:
    factory.user("ann")
    project = factory.project(ann="annotator")
    dp = upload(factory.admin, project["id"], FORMATS / "pcm16_mono_16k.wav")
    with app_env.database.session() as db:  # as the 0003 migration leaves older rows
        db.execute(delete(DerivedAudio).where(DerivedAudio.datapoint_id == dp["id"]))
        db.execute(update(Datapoint).where(Datapoint.id == dp["id"]).values(ingest_job_id=None))
    r = factory.admin.get(f"/api/datapoints/{dp['id']}/peaks")
    assert r.status_code == 404 and r.json()["code"] == "no_peaks"
    assert as_user("ann").post(f"/api/datapoints/{dp['id']}/ingest").status_code == 404
    r = factory.admin.post(f"/api/datapoints/{dp['id']}/ingest")
    assert r.status_code == 202 and r.json()["kind"] == "ingest"
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert (got["ingest_status"], got["ingest_job_id"]) == ("ready", r.json()["id"])
    assert factory.admin.get(f"/api/datapoints/{dp['id']}/peaks").status_code == 200


def test_processing_again_is_refused_while_processing(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "analyse", lambda *a, **k: (_ for _ in ()).throw(JobCancelled))
    project = factory.project()
    dp = upload(factory.admin, project["id"], FORMATS / "pcm16_mono_16k.wav")
    r = factory.admin.post(f"/api/datapoints/{dp['id']}/ingest")
    assert r.status_code == 409 and r.json()["code"] == "processing"


def test_the_same_file_in_another_project_reuses_what_was_derived(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = upload(factory.admin, factory.project("One")["id"], FORMATS / "mp3_stereo_44k.mp3")

    def must_not_decode(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("decoded again")

    monkeypatch.setattr(ingest, "analyse", must_not_decode)
    second = upload(factory.admin, factory.project("Two")["id"], FORMATS / "mp3_stereo_44k.mp3")
    job = factory.admin.get(f"/api/jobs/{second['ingest_job_id']}").json()
    assert job["status"] == "done" and job["result"]["copied_from"] == first["id"]
    a = factory.admin.get(f"/api/datapoints/{first['id']}/peaks/0").content
    b = factory.admin.get(f"/api/datapoints/{second['id']}/peaks/0").content
    assert a == b and derived_kinds(app_env, second["id"]) == {
        "peaks",
        "thumbnail",
        "playback",
        "spectrogram",
    }
    assert factory.admin.get(second["audio_url"]).headers["content-type"] == "audio/flac"
