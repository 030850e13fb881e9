"""The dataset map's API on SQLite and PostgreSQL: low tones and noise bursts land apart, a
noise burst labelled as a tone is worth a second look, annotators see only their items,
the map goes stale when items get features, and every refusal is a sentence (never a 500)."""

from __future__ import annotations

import io
import json
import wave
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from audino.audio import features as audio_features
from audino.services import dataset_map, jobs
from tests.conftest import AppEnv, Factory

RATE = 16_000
needs_librosa = pytest.mark.skipif(
    audio_features.unavailable() is not None, reason="librosa (the `features` extra) is missing"
)


def wav(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def low_tone(i: int) -> bytes:
    t = np.arange(RATE) / RATE
    return wav(0.3 * np.sin(2 * np.pi * (180 + 10 * i) * t))


def noise_burst(i: int) -> bytes:
    rng = np.random.default_rng(i)
    on = np.sin(2 * np.pi * 3 * np.arange(RATE) / RATE) > 0
    return wav(rng.normal(0, 0.1 + 0.02 * i, RATE) * on)


def upload(client: TestClient, pid: int, name: str, audio: bytes, **data: Any) -> int:
    r = client.post(f"/api/projects/{pid}/datapoints", files={"file": (name, audio)}, data=data)
    assert r.status_code == 201, r.text
    return int(r.json()["datapoint"]["id"])


def set_label(client: TestClient, pid: int, ids: list[int], value: str, user: str) -> None:
    r = client.post(
        f"/api/projects/{pid}/selection/label",
        json={"datapoint_ids": ids, "label": "sound", "value": value, "user": user},
    )
    assert r.status_code == 200, r.text


def make_map(client: TestClient, pid: int, **body: Any) -> dict[str, Any]:
    """Starts the map job and returns it finished (the test queue runs it at once)."""
    r = client.post(f"/api/projects/{pid}/map", json=body)
    assert r.status_code == 202, r.text
    assert r.json()["kind"] == "dataset_map"
    job = client.get(f"/api/jobs/{r.json()['id']}").json()
    assert job["status"] == "done", job
    return job  # type: ignore[no-any-return]


def sounds(factory: Factory, pid: int) -> tuple[list[int], list[int]]:
    """Eight low tones and eight noise bursts (the first five of each assigned to ann)."""
    admin = factory.admin
    tones = [
        upload(admin, pid, f"tone_{i}.wav", low_tone(i), assign_to="ann" if i < 5 else "")
        for i in range(8)
    ]
    noises = [
        upload(
            admin,
            pid,
            f"noise_{i}.wav",
            noise_burst(i),
            assign_to="ann" if i < 5 else "",
            metadata=json.dumps({"mic": "usb" if i % 2 else "xlr", "gain": i}),
        )
        for i in range(8)
    ]
    return tones, noises


def labelled_project(factory: Factory) -> tuple[int, list[int], list[int], dict[str, Any]]:
    factory.user("ann")
    factory.user("bea")
    pid = factory.project(ann="annotator", bea="annotator")["id"]
    label = factory.label(
        pid,
        "sound",
        "single",
        scope="datapoint",
        values=[{"value": "tone", "color": "#1f77b4"}, {"value": "noise"}],
    )
    tones, noises = sounds(factory, pid)
    return pid, tones, noises, label


@needs_librosa
def test_tones_and_noise_lie_apart_and_the_odd_one_is_worth_a_look(
    app_env: AppEnv, factory: Factory
) -> None:
    admin = factory.admin
    pid, tones, noises, label = labelled_project(factory)
    odd = noises[-1]
    set_label(admin, pid, [*tones, odd], "tone", "bea")
    set_label(admin, pid, noises[:-1], "noise", "bea")

    r = admin.get(f"/api/projects/{pid}/map")
    assert r.status_code == 409 and r.json()["code"] == "features_not_computed"
    assert "Compute features and map" in r.json()["detail"]
    assert f"POST /api/projects/{pid}/map" in r.json()["detail"]
    r = admin.post(f"/api/projects/{pid}/map", json={"features": False})
    assert r.status_code == 409 and r.json()["code"] == "features_not_computed"

    job = make_map(admin, pid)  # the features first, then the layout
    assert job["result"]["features"]["computed"] == 16
    assert job["result"]["items"] == 16 and job["result"]["method"] == "pca"

    found = admin.get(f"/api/projects/{pid}/map")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["method"] == "pca" and body["stale"] is False and body["job_id"] is None
    assert body["stale_items"] == 0 and body["missing_features"] == 0
    points = {p["datapoint_id"]: p for p in body["points"]}
    assert sorted(points) == sorted(tones + noises)
    assert all(-1 <= p["x"] <= 1 and -1 <= p["y"] <= 1 for p in points.values())
    assert points[tones[0]]["name"] == "tone_0.wav"
    assert points[tones[0]]["duration"] == pytest.approx(1.0, abs=0.01)
    key = str(label["id"])
    assert points[odd]["labels"] == {key: "tone"}
    assert points[noises[0]]["labels"] == {key: "noise"}
    assert points[noises[1]]["metadata"] == {"mic": "usb", "gain": "1"}
    assert points[tones[0]]["metadata"] == {}

    # Apart: every item is nearer the centre of its own kind of sound than the other's.
    xy = {i: np.array([p["x"], p["y"]]) for i, p in points.items()}
    centre_t = np.mean([xy[i] for i in tones], axis=0)
    centre_n = np.mean([xy[i] for i in noises], axis=0)
    for i in tones:
        assert np.linalg.norm(xy[i] - centre_t) < np.linalg.norm(xy[i] - centre_n), i
    for i in noises:
        assert np.linalg.norm(xy[i] - centre_n) < np.linalg.norm(xy[i] - centre_t), i
    assert np.linalg.norm(centre_t - centre_n) > 1.0

    # The noise burst labelled "tone" is the one to look at again, and why.
    assert [o["datapoint_id"] for o in body["outliers"]] == [odd]
    outlier = body["outliers"][0]
    assert outlier["label"] == "sound" and outlier["value"] == "tone"
    assert outlier["nearest"] == "noise" and outlier["name"] == "noise_7.wav"
    assert outlier["distance"] > 3 * outlier["typical"]
    assert outlier["reason"].startswith("Far from the other “tone” items")
    assert "closer to the “noise” items" in outlier["reason"]

    options = {o["key"]: o for o in body["colour_options"]}
    assert options[f"label:{key}"]["values"] == [
        {"value": "tone", "color": "#1f77b4", "count": 9},
        {"value": "noise", "color": None, "count": 7},
    ]
    assert options["meta:mic"]["kind"] == "metadata"
    assert {v["value"] for v in options["meta:mic"]["values"]} == {"usb", "xlr"}
    assert {v["value"] for v in options["meta:gain"]["values"]} == {str(i) for i in range(8)}

    # Labelling shows at once: no new layout needed for colours and outliers.
    set_label(admin, pid, [odd], "noise", "bea")
    body = admin.get(f"/api/projects/{pid}/map").json()
    assert body["outliers"] == [] and body["stale"] is False
    assert {p["datapoint_id"]: p for p in body["points"]}[odd]["labels"] == {key: "noise"}


@needs_librosa
def test_annotators_see_their_items_and_only_managers_make_the_map(
    app_env: AppEnv, factory: Factory
) -> None:
    admin = factory.admin
    pid, tones, noises, label = labelled_project(factory)
    factory.user("rita")
    factory.member(pid, "rita", "reviewer")
    set_label(admin, pid, tones[:5], "tone", "ann")
    set_label(admin, pid, tones[5:], "tone", "bea")
    set_label(admin, pid, [tones[0]], "noise", "bea")  # bea disagrees with ann here
    ann, rita = app_env.login("ann"), app_env.login("rita")
    r = ann.post(f"/api/projects/{pid}/map", json={})
    assert r.status_code == 403 and isinstance(r.json()["detail"], str)
    r = rita.post(f"/api/projects/{pid}/map", json={})
    assert r.status_code == 403
    make_map(admin, pid)

    mine = ann.get(f"/api/projects/{pid}/map").json()
    key = str(label["id"])
    assert sorted(p["datapoint_id"] for p in mine["points"]) == sorted(tones[:5] + noises[:5])
    by_id = {p["datapoint_id"]: p for p in mine["points"]}
    assert by_id[tones[0]]["labels"] == {key: "tone"}  # ann's own value, not bea's
    assert by_id[noises[0]]["labels"] == {}
    everyone = rita.get(f"/api/projects/{pid}/map").json()
    assert len(everyone["points"]) == 16
    # One vote each on tone_0: the label's first value wins the tie.
    assert {p["datapoint_id"]: p for p in everyone["points"]}[tones[0]]["labels"] == {key: "tone"}
    # Another project's people see nothing of it.
    factory.user("otto")
    factory.project("Other", otto="manager")
    otto = app_env.login("otto")
    assert otto.get(f"/api/projects/{pid}/map").status_code == 404
    assert otto.post(f"/api/projects/{pid}/map", json={}).status_code == 404


@needs_librosa
def test_the_map_follows_features_and_says_when_it_is_stale(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = factory.admin
    pid = factory.project()["id"]
    ids = [upload(admin, pid, f"tone_{i}.wav", low_tone(i)) for i in range(4)]
    # A features job lays the map out again when it ends.
    r = admin.post(f"/api/projects/{pid}/features", json={"datapoint_ids": ids[:3]})
    assert r.status_code == 202
    body = admin.get(f"/api/projects/{pid}/map").json()
    assert len(body["points"]) == 3 and body["missing_features"] == 1 and not body["stale"]
    first = body["computed_at"]

    # Features computed while no layout follows (the hook left out): the map says it is stale.
    real_hook = dataset_map.after_features
    monkeypatch.setattr(dataset_map, "after_features", lambda database, project_id: None)
    added = upload(admin, pid, "noise.wav", noise_burst(0))
    assert admin.get(f"/api/projects/{pid}/map").json()["missing_features"] == 2
    admin.post(f"/api/projects/{pid}/features", json={"datapoint_ids": [ids[3], added]})
    body = admin.get(f"/api/projects/{pid}/map").json()
    assert body["stale"] is True and body["stale_items"] == 2 and body["missing_features"] == 0
    assert len(body["points"]) == 3  # the new ones wait for the next layout

    # The hook a features job calls: a new layout, with the new items on it.
    job = real_hook(app_env.database, pid)
    assert job is not None
    body = admin.get(f"/api/projects/{pid}/map").json()
    assert len(body["points"]) == 5 and body["stale"] is False and body["computed_at"] > first


def test_refusals_are_sentences(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = factory.admin
    pid = factory.project()["id"]
    r = admin.post(f"/api/projects/{pid}/map", json={})
    assert r.status_code == 409 and r.json()["code"] == "no_items"
    assert "add audio" in r.json()["detail"]
    r = admin.get(f"/api/projects/{pid}/map")
    assert r.status_code == 409 and "compute the features first" in r.json()["detail"]
    for bad in ({"method": "tsne"}, {"features": "maybe"}, {"method": None}, [1]):
        r = admin.post(f"/api/projects/{pid}/map", json=bad)
        assert r.status_code in (400, 422), (bad, r.text)
        assert isinstance(r.json()["detail"], str), bad
    monkeypatch.setattr("audino.services.dataset_map.layout.umap_available", lambda: False)
    r = admin.post(f"/api/projects/{pid}/map", json={"method": "umap"})
    assert r.status_code == 409 and r.json()["code"] == "umap_unavailable"
    assert "pip install umap-learn" in r.json()["detail"]
    assert admin.get("/api/projects/999999/map").status_code == 404
    assert admin.post("/api/projects/999999/map", json={}).status_code == 404
    assert app_env.client().get(f"/api/projects/{pid}/map").status_code == 401

    # A server without librosa and no features yet: the reason, not a job that fails.
    upload(admin, pid, "tone.wav", low_tone(0))
    monkeypatch.setattr(audio_features, "unavailable", lambda: "librosa is not installed")
    r = admin.post(f"/api/projects/{pid}/map", json={})
    assert r.status_code == 409 and r.json()["code"] == "features_unavailable"
    assert "librosa is not installed" in r.json()["detail"]


@needs_librosa
def test_a_second_request_gets_the_job_under_way(app_env: AppEnv, factory: Factory) -> None:
    """While a map job waits, asking again answers that job instead of queuing another."""
    admin = factory.admin
    pid = factory.project()["id"]
    upload(admin, pid, "tone.wav", low_tone(0))
    with app_env.database.session() as db:
        from audino.db.models import Project

        project = db.get(Project, pid)
        assert project is not None
        waiting = jobs.enqueue(db, dataset_map.KIND, {"project_id": pid}, project_id=pid)
        db.info.clear()  # not handed to the queue: it stays waiting
        waiting_id = waiting.id
    r = admin.post(f"/api/projects/{pid}/map", json={})
    assert r.status_code == 202 and r.json()["id"] == waiting_id
    r = admin.get(f"/api/projects/{pid}/map")
    assert r.status_code == 409 and r.json()["code"] == "map_computing"
    assert r.json()["job_id"] == waiting_id
    assert dataset_map.after_features(app_env.database, pid) is None


@needs_librosa
def test_a_recording_shown_as_windows_is_one_point_that_names_them(
    app_env: AppEnv, factory: Factory
) -> None:
    admin = factory.admin
    factory.user("bea")
    pid = factory.project(bea="annotator")["id"]
    factory.label(pid, "sound", "single", scope="datapoint", values=[{"value": "tone"}])
    session = {"mode": "fixed", "length": 10, "longer_than": 20}
    assert admin.patch(f"/api/projects/{pid}", json={"settings": {"sessions": session}}).is_success
    t = np.arange(25 * RATE) / RATE
    long = upload(admin, pid, "long.wav", wav(0.3 * np.sin(2 * np.pi * 220 * t)))
    short = upload(admin, pid, "short.wav", low_tone(1))
    windows = [
        w["id"]
        for w in admin.get(f"/api/projects/{pid}/datapoints").json()["items"]
        if w["parent_id"]
    ]
    assert len(windows) == 3
    set_label(admin, pid, [long], "tone", "bea")  # sets it on each window
    make_map(admin, pid)
    points = {p["datapoint_id"]: p for p in admin.get(f"/api/projects/{pid}/map").json()["points"]}
    assert sorted(points) == sorted([long, short])
    assert points[long]["window_ids"] == sorted(windows)
    assert "window_ids" not in points[short]
    assert list(points[long]["labels"].values()) == ["tone"]
