"""The feature explorer's API on SQLite and PostgreSQL: compute as a job, then read the
catalogue and each feature as JSON, CSV and NPY; refusals (404, 409, 403, 400); the same
audio computed once; features at ingest; the summary vectors; blobs kept and removed."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from audino.audio import features as audio_features
from audino.jobs import JobCancelled, JobContext
from audino.services import features
from audino.services.ingest import unused_blobs
from audino.services.ingest.derived import derived_store
from tests.audio.signals import sweep, write
from tests.conftest import FORMATS, AppEnv, Factory

WAV = FORMATS / "pcm16_mono_16k.wav"  # 7.43 s
needs_librosa = pytest.mark.skipif(
    audio_features.unavailable() is not None, reason="librosa (the `features` extra) is missing"
)


def upload(client: TestClient, project_id: int, path: Path = WAV, **fields: Any) -> dict[str, Any]:
    r = client.post(
        f"/api/projects/{project_id}/datapoints",
        files={"file": (path.name, path.read_bytes())},
        data=fields,
    )
    assert r.status_code == 201, r.text
    return r.json()["datapoint"]  # type: ignore[no-any-return]


def compute(client: TestClient, project_id: int, ids: list[int] | None = None) -> dict[str, Any]:
    """Starts the job and returns it finished (the test queue runs it at once)."""
    body = {} if ids is None else {"datapoint_ids": ids}
    r = client.post(f"/api/projects/{project_id}/features", json=body)
    assert r.status_code == 202, r.text
    assert r.json()["kind"] == "features"
    job = client.get(f"/api/jobs/{r.json()['id']}").json()
    assert job["status"] == "done", job
    return job  # type: ignore[no-any-return]


def blob_keys(env: AppEnv) -> set[str]:
    stored = derived_store(env.settings, env.storage).keys()
    return {key for key in stored if key.endswith(".npz")}


@needs_librosa
def test_compute_then_read_json_csv_and_npy(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    pid = factory.project()["id"]
    dp = upload(admin, pid)["id"]
    base = f"/api/datapoints/{dp}/features"
    catalogue = admin.get(base).json()
    assert catalogue["computed"] is False and catalogue["job_id"] is None
    names = [f["name"] for f in catalogue["features"]]
    assert names == list(audio_features.FEATURE_NAMES)
    r = admin.get(f"{base}/mfcc")
    assert r.status_code == 409 and r.json()["code"] == "features_not_computed"
    assert f"POST /api/projects/{pid}/features" in r.json()["detail"]

    job = compute(admin, pid, [dp])
    assert job["datapoint_id"] == dp
    assert job["result"]["computed"] == 1 and job["result"]["failed"] == 0
    catalogue = admin.get(base).json()
    assert catalogue["computed"] is True
    frames = catalogue["frames"]
    assert frames == audio_features.analysis_frames(round(7.4334 * audio_features.SAMPLE_RATE))
    mel = next(f for f in catalogue["features"] if f["name"] == "mel")
    assert mel["rows"] == len(mel["row_labels"]) == len(mel["row_values"]) == 128
    assert mel["unit"] == "dB" and mel["link"].startswith("https://")

    for entry in catalogue["features"]:
        name, rows = entry["name"], entry["rows"]
        r = admin.get(f"{base}/{name}")
        assert r.status_code == 200, (name, r.text)
        assert f"datapoint-{dp}-{name}.json" in r.headers["content-disposition"]
        body = r.json()
        assert body["rows"] == entry["row_labels"] and len(body["times"]) == frames
        values = np.array(body["values"], np.float32)
        assert values.shape == (rows, frames)

        r = admin.get(f"{base}/{name}", params={"format": "csv"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert f"datapoint-{dp}-{name}.csv" in r.headers["content-disposition"]
        table = list(csv.reader(io.StringIO(r.text)))
        assert table[0] == ["time", *entry["row_labels"]]
        assert len(table) == frames + 1
        np.testing.assert_allclose([float(line[0]) for line in table[1:]], body["times"], atol=1e-6)
        from_csv = np.array([[float(v) for v in line[1:]] for line in table[1:]]).T
        np.testing.assert_allclose(from_csv, values, rtol=1e-5, atol=1e-5)

        r = admin.get(f"{base}/{name}", params={"format": "npy"})
        assert r.status_code == 200
        assert f"datapoint-{dp}-{name}.npy" in r.headers["content-disposition"]
        array = np.load(io.BytesIO(r.content), allow_pickle=False)
        assert array.dtype == np.float32
        np.testing.assert_array_equal(array, values)
    # The times are those of the audio: 512 samples at 22.05 kHz apart, the first at 0.
    times = admin.get(f"{base}/rms").json()["times"]
    assert times[0] == 0 and times[1] == pytest.approx(512 / 22050)


@needs_librosa
def test_refusals_are_sentences(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    factory.user("ann")
    factory.user("otto")
    pid = factory.project(ann="annotator", otto="annotator")["id"]
    other = factory.project("Other")["id"]
    dp = upload(admin, pid, assign_to="ann")["id"]
    elsewhere = upload(admin, other)["id"]
    ann, otto = app_env.login("ann"), app_env.login("otto")

    r = admin.get(f"/api/datapoints/{dp}/features/loudness")
    assert r.status_code == 404 and r.json()["code"] == "unknown_feature"
    assert "mfcc" in r.json()["detail"]
    assert admin.get("/api/datapoints/999999/features").status_code == 404
    r = admin.get(f"/api/datapoints/{dp}/features/rms", params={"format": "xlsx"})
    assert r.status_code in (400, 422) and isinstance(r.json()["detail"], str)
    # Only managers start the job; annotators see only what is assigned to them.
    r = ann.post(f"/api/projects/{pid}/features", json={})
    assert r.status_code == 403 and isinstance(r.json()["detail"], str)
    assert otto.get(f"/api/datapoints/{dp}/features").status_code == 404
    r = admin.post(f"/api/projects/{pid}/features", json={"datapoint_ids": [elsewhere]})
    assert r.status_code == 400 and r.json()["code"] == "unknown_datapoint"
    r = admin.post(f"/api/projects/{pid}/features", json={"datapoint_ids": []})
    assert r.status_code == 400 and r.json()["code"] == "empty"

    compute(admin, pid)
    assert ann.get(f"/api/datapoints/{dp}/features/chroma").status_code == 200
    assert otto.get(f"/api/datapoints/{dp}/features/chroma").status_code == 404
    r = admin.get(f"/api/datapoints/{elsewhere}/features/chroma")
    assert r.status_code == 409  # a project's job computes that project's items only
    # A damaged blob is a sentence, never a 500.
    (key,) = blob_keys(app_env)
    path = derived_store(app_env.settings, app_env.storage).local_path(key)
    assert path is not None
    path.write_bytes(b"not a zip")
    r = admin.get(f"/api/datapoints/{dp}/features/chroma")
    assert r.status_code == 409 and r.json()["code"] == "features_unreadable"


@needs_librosa
def test_the_same_audio_is_computed_once(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    first, second = factory.project("One")["id"], factory.project("Two")["id"]
    a = upload(admin, first)["id"]
    b = upload(admin, second)["id"]  # the same file in another project
    assert compute(admin, first)["result"]["computed"] == 1
    again = compute(admin, first)["result"]
    assert again["already"] == 1 and again["computed"] == 0
    twin = compute(admin, second)["result"]
    assert twin["reused"] == 1 and twin["computed"] == 0
    assert len(blob_keys(app_env)) == 1
    one = admin.get(f"/api/datapoints/{a}/features/mfcc?format=npy").content
    assert admin.get(f"/api/datapoints/{b}/features/mfcc?format=npy").content == one
    # The blob is in use: `audino db gc` keeps it, and it goes with its last datapoint.
    with app_env.database.session(write=False) as db:
        swept = unused_blobs.find_orphans(db, app_env.storage, app_env.settings, grace_seconds=0)
    assert not [blob for blob in swept.orphans if blob.key.endswith(".npz")]
    assert admin.delete(f"/api/datapoints/{a}").status_code == 204
    assert len(blob_keys(app_env)) == 1
    assert admin.delete(f"/api/projects/{second}").status_code == 204
    assert blob_keys(app_env) == set()


@needs_librosa
def test_the_job_reports_progress_and_a_cancelled_run_keeps_what_it_finished(
    app_env: AppEnv, factory: Factory
) -> None:
    admin = factory.admin
    pid = factory.project()["id"]
    first = upload(admin, pid)["id"]
    second = upload(admin, pid, FORMATS / "flac_mono_16k.flac")["id"]
    seen: list[tuple[float, str]] = []

    def report(fraction: float, message: str) -> None:
        seen.append((fraction, message))
        if message.startswith("Audio features: 1 of 2"):
            raise JobCancelled("taken away")  # what a job given to another worker sees

    payload = {"project_id": pid, "datapoint_ids": None}
    ctx = JobContext(0, features.KIND, payload, app_env.database, app_env.storage, app_env.settings)
    ctx.report = report
    with pytest.raises(JobCancelled):
        features.compute_features(ctx)
    assert admin.get(f"/api/datapoints/{first}/features").json()["computed"] is True
    assert admin.get(f"/api/datapoints/{second}/features").json()["computed"] is False
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 0.5  # half: one of two
    result = compute(admin, pid)["result"]
    assert result["already"] == 1 and result["computed"] == 1


@needs_librosa
def test_features_at_ingest(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    pid = factory.project()["id"]
    for bad in ("yes", 1, [True]):
        r = admin.patch(f"/api/projects/{pid}", json={"settings": {"features_at_ingest": bad}})
        assert r.status_code == 400 and "features_at_ingest" in r.json()["detail"], bad
    r = admin.patch(f"/api/projects/{pid}", json={"settings": {"features_at_ingest": True}})
    assert r.status_code == 200 and r.json()["settings"]["features_at_ingest"] is True
    dp = upload(admin, pid)["id"]
    catalogue = admin.get(f"/api/datapoints/{dp}/features").json()
    assert catalogue["computed"] is True
    jobs = admin.get("/api/jobs", params={"datapoint_id": dp, "kind": "features"}).json()
    assert [j["status"] for j in jobs] == ["done"]
    assert admin.get(f"/api/datapoints/{dp}/features/tonnetz").status_code == 200
    # Off: a new item waits for a manager's job.
    admin.patch(f"/api/projects/{pid}", json={"settings": {"features_at_ingest": False}})
    path = FORMATS / "flac_mono_16k.flac"
    later = upload(admin, pid, path)["id"]
    assert admin.get(f"/api/datapoints/{later}/features").json()["computed"] is False


@needs_librosa
def test_summary_vectors_for_the_map(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    factory.user("ann")
    pid = factory.project(ann="annotator")["id"]
    mine = upload(admin, pid, WAV, assign_to="ann")["id"]
    theirs = upload(admin, pid, FORMATS / "flac_mono_16k.flac")["id"]
    assert admin.get(f"/api/projects/{pid}/features/summary").json() == []
    compute(admin, pid)
    found = admin.get(f"/api/projects/{pid}/features/summary").json()
    assert [row["datapoint_id"] for row in found] == sorted([mine, theirs])
    assert {len(row["vector"]) for row in found} == {audio_features.SUMMARY_LENGTH}
    assert all(np.isfinite(row["vector"]).all() for row in found)
    ann = app_env.login("ann")
    assert [
        row["datapoint_id"] for row in ann.get(f"/api/projects/{pid}/features/summary").json()
    ] == [mine]


@needs_librosa
def test_a_window_reads_its_span_of_the_recording(
    app_env: AppEnv, factory: Factory, tmp_path: Path
) -> None:
    admin = factory.admin
    pid = factory.project()["id"]
    session = {"mode": "fixed", "length": 10, "longer_than": 20}
    assert admin.patch(f"/api/projects/{pid}", json={"settings": {"sessions": session}}).is_success
    path = write(tmp_path / "long.wav", sweep(25.0, 8000), 8000, container="wav", codec="pcm_s16le")
    recording = upload(admin, pid, path)["id"]
    items = admin.get(f"/api/projects/{pid}/datapoints").json()["items"]
    second = next(w for w in items if w["window_index"] == 2)
    assert admin.get(f"/api/datapoints/{second['id']}/features").json()["computed"] is False
    job = compute(admin, pid, [second["id"]])  # a window stands for its recording
    assert job["result"]["recordings"] == 1
    catalogue = admin.get(f"/api/datapoints/{second['id']}/features").json()
    assert catalogue["computed"] is True and catalogue["recording_id"] == recording
    whole = admin.get(f"/api/datapoints/{recording}/features/spectral_centroid").json()
    part = admin.get(f"/api/datapoints/{second['id']}/features/spectral_centroid").json()
    times = np.array(part["times"])
    assert times[0] >= 0 and times[-1] < second["duration"]
    offset = second["offset"]
    inside = [i for i, t in enumerate(whole["times"]) if offset <= t < offset + 10]
    assert part["values"][0] == [whole["values"][0][i] for i in inside]
    # The sweep rises 150 Hz a second: the window's centroid follows its own time.
    middle = int(np.argmin(np.abs(times - 5.0)))
    assert part["values"][0][middle] == pytest.approx(300 + 150 * (offset + 5.0), rel=0.02)


def test_without_librosa_the_answer_names_the_extra(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server without the `features` extra says so instead of failing."""
    message = "Computing audio features needs the optional `features` extra: audino[features]."
    monkeypatch.setattr(audio_features, "unavailable", lambda: message)
    admin = factory.admin
    pid = factory.project()["id"]
    dp = upload(admin, pid)["id"]
    r = admin.post(f"/api/projects/{pid}/features", json={})
    assert r.status_code == 409 and r.json()["code"] == "features_unavailable"
    assert "audino[features]" in r.json()["detail"]
    r = admin.patch(f"/api/projects/{pid}", json={"settings": {"features_at_ingest": True}})
    assert r.status_code == 409 and "audino[features]" in r.json()["detail"]
    catalogue = admin.get(f"/api/datapoints/{dp}/features").json()
    assert catalogue["unavailable"] == message and catalogue["computed"] is False
    assert admin.get(f"/api/datapoints/{dp}/features/rms").status_code == 409
