"""Exports as jobs: queued, streamed into storage with progress, downloaded, pruned."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import orjson
from sqlalchemy import update

from audino.db.models import Assignment, Job
from audino.services.exports import jobs as export_jobs
from tests import builders
from tests.api.test_export_formats import speech_project
from tests.conftest import AppEnv, Factory


def start(client: Any, pid: int, **body: Any) -> dict[str, Any]:
    r = client.post(f"/api/projects/{pid}/exports", json=body)
    assert r.status_code == 202, r.text
    return r.json()  # type: ignore[no-any-return]


def finished(client: Any, job_id: int) -> dict[str, Any]:
    r = client.get(f"/api/jobs/{job_id}")
    assert r.status_code == 200, r.text
    job = r.json()
    assert job["status"] == "done", job
    return job  # type: ignore[no-any-return]


def test_export_job_writes_the_same_file_as_the_stream(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    pid = speech_project(app_env, factory)
    job = finished(admin, start(admin, pid, format="rttm", status="all")["id"])
    assert job["kind"] == "export" and job["progress"] == 1.0 and job["project_id"] == pid
    result = job["result"]
    assert result["datapoints"] == 3 and result["filename"] == "Speech-rttm.zip"
    url = f"/api/projects/{pid}/exports/{job['id']}/download"
    assert result["download_url"] == url
    r = admin.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert "Speech-rttm.zip" in r.headers["content-disposition"]
    assert int(r.headers["content-length"]) == result["size"] == len(r.content)
    assert r.content == admin.get(f"/api/projects/{pid}/export?format=rttm").content
    part = admin.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == r.content[10:20]


def test_export_job_with_options_and_audio(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    pid = speech_project(app_env, factory)
    job = start(
        admin,
        pid,
        format="librispeech",
        splits="train=1,test=1",
        split_by="speaker",
        sample_rate=8000,
        codec="wav",
        speaker_label="speaker",
    )
    result = finished(admin, job["id"])["result"]
    r = admin.get(result["download_url"])
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = zf.namelist()
    clips = [n for n in names if n.endswith(".wav")]
    assert len(clips) == 6
    assert any(n.endswith(".trans.txt") for n in names)


def test_bad_requests_queue_nothing(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    pid = speech_project(app_env, factory)
    for body in (
        {"format": "nope"},
        {"format": "kaldi", "codec": "aac"},
        {"format": "kaldi", "splits": "train=x"},
        {"format": "kaldi", "speaker_label": "nope"},
        {"format": "kaldi", "gender_label": "nope"},
        {"format": "kaldi", "audio_root": "relative/folder"},
        {"format": "kaldi", "audio_root": "/data/two\nlines"},
        {"format": "rttm", "status": "sleeping"},
        {"format": "rttm", "author": "nobody"},
        {"format": "rttm", "sample_rate": "fast"},
    ):
        r = admin.post(f"/api/projects/{pid}/exports", json=body)
        assert r.status_code in (400, 404, 422), (body, r.text)
    assert admin.get("/api/jobs", params={"project_id": pid, "kind": "export"}).json() == []


def test_download_waits_for_the_job_and_checks_the_project(
    app_env: AppEnv, factory: Factory, admin: Any, as_user: Any
) -> None:
    pid = speech_project(app_env, factory)
    job_id = start(admin, pid, format="csv")["id"]
    url = f"/api/projects/{pid}/exports/{job_id}/download"
    with app_env.database.session() as db:
        db.execute(update(Job).where(Job.id == job_id).values(status="running", progress=0.4))
    r = admin.get(url)
    assert r.status_code == 409 and r.json()["code"] == "export_not_ready"
    assert "40%" in r.json()["detail"]
    with app_env.database.session() as db:
        db.execute(update(Job).where(Job.id == job_id).values(status="failed", error="disk full"))
    r = admin.get(url)
    assert r.status_code == 409 and r.json()["code"] == "export_failed"
    assert "disk full" in r.json()["detail"]
    # Retrying runs the task again: it writes the same blob.
    assert admin.post(f"/api/jobs/{job_id}/retry").status_code == 200
    assert admin.get(url).status_code == 200
    other = factory.project("Other")["id"]
    r = admin.get(f"/api/projects/{other}/exports/{job_id}/download")
    assert r.status_code == 404 and r.json()["code"] == "no_export"
    assert admin.get(f"/api/projects/{pid}/exports/99999/download").status_code == 404
    # Exports are for managers, as the streamed export is.
    assert as_user("alice").get(url).status_code == 403
    assert as_user("alice").post(f"/api/projects/{pid}/exports", json={}).status_code == 403


def test_only_the_newest_exports_are_kept(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    pid = speech_project(app_env, factory)
    ids = [start(admin, pid, format="csv")["id"] for _ in range(export_jobs.KEEP + 2)]
    store = export_jobs.export_store(app_env.settings, app_env.storage)
    kept = [job_id for job_id in ids if store.exists(export_jobs.export_key(pid, job_id))]
    assert kept == ids[2:]
    r = admin.get(f"/api/projects/{pid}/exports/{ids[0]}/download")
    assert r.status_code == 404 and r.json()["code"] == "export_expired"
    assert admin.get(f"/api/jobs/{ids[1]}").json()["result"]["expired"] is True
    assert admin.get(f"/api/projects/{pid}/exports/{ids[-1]}/download").status_code == 200


def test_formats_say_which_options_apply(app_env: AppEnv, admin: Any) -> None:
    formats = {f["name"]: f for f in admin.get("/api/formats").json()}
    assert formats["librispeech"]["audio"] and formats["librispeech"]["splits"]
    assert formats["commonvoice"]["locale"] and formats["rttm"]["speakers"]
    assert not formats["audacity"]["speakers"] and not formats["textgrid"]["splits"]
    assert not formats["audino"]["audio"] and not formats["audino"]["speakers"]


def test_reviewed_means_completed_by_a_reviewer_or_manager(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Reviewed")
    url = f"/api/projects/{rich.id}/export"
    assert orjson.loads(admin.get(url, params={"status": "reviewed"}).content)["datapoints"] == []
    reviewed = rich.datapoints[1]  # bob, a reviewer, is assigned; alice's work is done
    with app_env.database.session() as db:
        db.execute(
            update(Assignment)
            .where(Assignment.datapoint_id == reviewed, Assignment.user_id == rich.users["bob"])
            .values(status="done")
        )
    doc = orjson.loads(admin.get(url, params={"status": "reviewed"}).content)
    assert [dp["reference_transcript"] for dp in doc["datapoints"]] == [rich.transcripts[1]]
    job = finished(admin, start(admin, rich.id, format="csv", status="reviewed")["id"])
    assert job["result"]["datapoints"] == 1
