"""Long recordings as sessions: windows that reference the recording by offset, served
window-relative (peaks, tiles) while segments keep the recording's absolute time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from audino.db.models import Datapoint
from tests.audio.signals import sweep, write
from tests.conftest import AppEnv, Factory

RATE = 8000
FIXED = {"mode": "fixed", "length": 30, "longer_than": 60}


def make_audio(path: Path, seconds: float, gaps: tuple[tuple[float, float], ...] = ()) -> Path:
    samples = sweep(seconds, RATE)
    for a, b in gaps:
        samples[:, round(a * RATE) : round(b * RATE)] = 0
    return write(path, samples, RATE, container="wav", codec="pcm_s16le")


def upload(client: TestClient, project_id: int, path: Path) -> dict[str, Any]:
    r = client.post(
        f"/api/projects/{project_id}/datapoints", files={"file": (path.name, path.read_bytes())}
    )
    assert r.status_code == 201, r.text
    return r.json()["datapoint"]  # type: ignore[no-any-return]


def sessions(client: TestClient, project_id: int, value: Any) -> Any:
    return client.patch(f"/api/projects/{project_id}", json={"settings": {"sessions": value}})


def listed(client: TestClient, project_id: int) -> list[dict[str, Any]]:
    r = client.get(f"/api/projects/{project_id}/datapoints", params={"limit": 100})
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    return make_audio(tmp_path / "interview.wav", 130.0)


@pytest.mark.parametrize(
    "value",
    [
        "fixed",
        {"mode": "sometimes"},
        {"mode": "fixed", "length": 1},
        {"mode": "fixed", "length": "60"},
        {"mode": "fixed", "length": 60, "longer_than": 30},
        {"mode": "fixed", "window": 60},
    ],
)
def test_bad_sessions_settings_are_refused(factory: Factory, value: Any) -> None:
    project = factory.project()
    r = sessions(factory.admin, project["id"], value)
    assert r.status_code in (400, 422), r.text
    if r.status_code == 400:
        assert r.json()["code"] == "bad_sessions" and "sessions" in r.json()["detail"]
    got = factory.admin.get(f"/api/projects/{project['id']}").json()
    assert "sessions" not in got["settings"]


def test_a_long_recording_becomes_consecutive_windows(
    app_env: AppEnv, factory: Factory, recording: Path
) -> None:
    project = factory.project()
    assert sessions(factory.admin, project["id"], FIXED).status_code == 200
    dp = upload(factory.admin, project["id"], recording)
    items = listed(factory.admin, project["id"])
    # The recording leaves the list; its windows take its place, in order.
    assert [(w["offset"], w["duration"], w["window_index"]) for w in items] == [
        (0.0, 30.0, 1),
        (30.0, 30.0, 2),
        (60.0, 30.0, 3),
        (90.0, 40.0, 4),
    ]
    assert {w["parent_id"] for w in items} == {dp["id"]}
    assert {w["window_count"] for w in items} == {4}
    assert {w["original_name"] for w in items} == {"interview.wav"}
    parent = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert parent["window_count"] == 4 and parent["duration"] == pytest.approx(130.0)
    counts = factory.admin.get(f"/api/projects/{project['id']}/datapoints").json()["counts"]
    assert counts["total"] == 4
    # No audio was copied: every window plays the recording's own file.
    with app_env.database.session(write=False) as db:
        keys = set(db.scalars(select(Datapoint.storage_key)))
    assert len(keys) == 1
    whole = factory.admin.get(dp["audio_url"]).content
    assert factory.admin.get(items[1]["audio_url"]).content == whole


def test_window_peaks_and_tiles_start_at_the_window(factory: Factory, recording: Path) -> None:
    project = factory.project()
    sessions(factory.admin, project["id"], FIXED)
    dp = upload(factory.admin, project["id"], recording)
    second = listed(factory.admin, project["id"])[1]
    base, wbase = f"/api/datapoints/{dp['id']}", f"/api/datapoints/{second['id']}"
    info = factory.admin.get(f"{base}/peaks").json()
    winfo = factory.admin.get(f"{wbase}/peaks").json()
    assert winfo["duration"] == pytest.approx(30.0)
    level = info["levels"][0]
    per_second = info["sample_rate"] / level["samples_per_pixel"]
    first = int(30.0 * per_second)
    assert winfo["levels"][0]["length"] == pytest.approx(30.0 * per_second, abs=1)
    whole = factory.admin.get(f"{base}/peaks/0", params={"start": first, "end": first + 500})
    window = factory.admin.get(f"{wbase}/peaks/0", params={"start": 0, "end": 500})
    assert window.content == whole.content and len(window.content) == 500 * 2
    assert window.headers["etag"] != whole.headers["etag"]
    # The coarsest level a window lists is its overview: it fits the screen, not 1 pixel.
    assert 0 < winfo["levels"][-1]["length"] <= 2000
    tile = {"end": 10, "width": 64, "height": 32}
    a = factory.admin.get(f"{base}/spectrogram", params={**tile, "start": 35, "end": 45})
    b = factory.admin.get(f"{wbase}/spectrogram", params={**tile, "start": 5, "end": 15})
    assert a.status_code == b.status_code == 200 and a.content == b.content
    late = factory.admin.get(f"{wbase}/spectrogram", params={**tile, "start": 31, "end": 40})
    assert late.status_code == 400 and late.json()["code"] == "bad_window"


def test_segments_keep_absolute_time_inside_their_window(
    app_env: AppEnv, factory: Factory, recording: Path
) -> None:
    factory.user("ann")
    project = factory.project(ann="annotator")
    sessions(factory.admin, project["id"], FIXED)
    dp = upload(factory.admin, project["id"], recording)
    # Assigning the recording assigns each of its windows.
    r = factory.admin.post(f"/api/datapoints/{dp['id']}/assignments", json={"users": ["ann"]})
    assert r.status_code == 200, r.text
    ann = app_env.login("ann")
    mine = listed(ann, project["id"])
    assert len(mine) == 4
    second = mine[1]
    nxt = ann.get(f"/api/projects/{project['id']}/next").json()["datapoint_id"]
    assert nxt == mine[0]["id"]
    url = f"/api/datapoints/{second['id']}/segments"
    ok = ann.post(url, json={"start": 35.0, "end": 41.5, "transcript": "hello"})
    assert ok.status_code == 201, ok.text
    assert (ok.json()["start"], ok.json()["end"]) == (35.0, 41.5)
    for start, end in [(10.0, 20.0), (55.0, 65.0), (0.0, 5.0)]:
        bad = ann.post(url, json={"start": start, "end": end})
        assert bad.status_code == 400 and bad.json()["code"] == "outside_window", bad.text
        assert "outside this window" in bad.json()["detail"]
    assert [s["start"] for s in ann.get(url).json()] == [35.0]
    # A window with work cannot be merged away, nor deleted on its own.
    r = factory.admin.delete(f"/api/datapoints/{dp['id']}/windows")
    assert r.status_code == 409 and r.json()["code"] == "windows_have_work"
    r = factory.admin.delete(f"/api/datapoints/{second['id']}")
    assert r.status_code == 409 and r.json()["code"] == "window"
    # The recording goes with its windows and their segments.
    assert factory.admin.delete(f"/api/datapoints/{dp['id']}").status_code == 204
    assert listed(factory.admin, project["id"]) == []
    with app_env.database.session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Datapoint)) == 0


def test_split_later_and_merge_back(app_env: AppEnv, factory: Factory, tmp_path: Path) -> None:
    factory.user("ann")
    project = factory.project(ann="annotator")
    pid = project["id"]
    long = upload(factory.admin, pid, make_audio(tmp_path / "long.wav", 100.0))
    short = upload(factory.admin, pid, make_audio(tmp_path / "short.wav", 50.0))
    factory.admin.post(f"/api/datapoints/{long['id']}/assignments", json={"users": ["ann"]})
    r = factory.admin.post(f"/api/projects/{pid}/windows")
    assert r.status_code == 409 and r.json()["code"] == "sessions_off"
    sessions(factory.admin, pid, FIXED)
    r = factory.admin.post(f"/api/projects/{pid}/windows")
    assert r.json() == {"recordings": 1, "windows": 3}
    assert factory.admin.post(f"/api/projects/{pid}/windows").json() == {
        "recordings": 0,
        "windows": 0,
    }
    names = [(d["original_name"], d["window_index"]) for d in listed(factory.admin, pid)]
    assert names == [("short.wav", None), ("long.wav", 1), ("long.wav", 2), ("long.wav", 3)]
    # The recording's annotator now has its windows instead.
    assert [d["window_index"] for d in listed(app_env.login("ann"), pid)] == [1, 2, 3]
    r = factory.admin.post(f"/api/datapoints/{short['id']}/windows")
    assert r.status_code == 409 and r.json()["code"] == "too_short"
    r = factory.admin.delete(f"/api/datapoints/{long['id']}/windows")
    assert r.status_code == 200 and r.json()["windows"] == 3
    again = listed(factory.admin, pid)
    assert [(d["original_name"], d["window_count"]) for d in again] == [
        ("long.wav", 0),
        ("short.wav", 0),
    ]
    assert [a["username"] for a in again[0]["assignments"]] == ["ann"]


def test_silence_mode_cuts_in_the_pauses(factory: Factory, tmp_path: Path) -> None:
    project = factory.project()
    value = {"mode": "silence", "length": 30, "longer_than": 60}
    assert sessions(factory.admin, project["id"], value).status_code == 200
    gaps = ((24.0, 25.0), (61.0, 62.0), (93.0, 94.0))
    upload(factory.admin, project["id"], make_audio(tmp_path / "talk.wav", 125.0, gaps))
    windows = listed(factory.admin, project["id"])
    cuts = [w["offset"] for w in windows[1:]]
    assert len(cuts) == 3
    for cut, (a, b) in zip(cuts, gaps, strict=True):
        assert a <= cut <= b, (cut, a, b)
    ends = [w["offset"] + w["duration"] for w in windows]
    assert ends[-1] == pytest.approx(125.0)
    assert np.allclose([w["offset"] for w in windows[1:]], ends[:-1])
