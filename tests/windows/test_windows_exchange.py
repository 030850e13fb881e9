"""Windows in exports and imports: other formats see each recording whole with its
windows' work in the recording's time; the native format keeps the windows."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import AppEnv, Factory
from tests.windows.test_windows_api import FIXED, listed, make_audio, sessions, upload


@pytest.fixture
def split(app_env: AppEnv, factory: Factory, tmp_path: Path) -> dict[str, Any]:
    factory.user("ann")
    project = factory.project(ann="annotator")
    pid = project["id"]
    sessions(factory.admin, pid, FIXED)
    dp = upload(factory.admin, pid, make_audio(tmp_path / "talk.wav", 100.0))
    factory.admin.post(f"/api/datapoints/{dp['id']}/assignments", json={"users": ["ann"]})
    ann = app_env.login("ann")
    wins = listed(ann, pid)
    for window, (start, end) in zip(wins, [(5.0, 7.0), (31.0, 33.5), (61.0, 62.0)], strict=True):
        r = ann.post(
            f"/api/datapoints/{window['id']}/segments",
            json={"start": start, "end": end, "transcript": f"at {start:g}"},
        )
        assert r.status_code == 201, r.text
    return {"pid": pid, "dp": dp, "ann": ann, "windows": wins}


def test_csv_export_shows_the_recording_whole_in_its_own_time(
    factory: Factory, split: dict[str, Any]
) -> None:
    r = factory.admin.get(f"/api/projects/{split['pid']}/export", params={"format": "csv"})
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["recording"] for row in rows} == {"talk.wav"}
    assert sorted(float(row["start"]) for row in rows) == [5.0, 31.0, 61.0]


def test_recording_status_follows_its_windows(factory: Factory, split: dict[str, Any]) -> None:
    ann, pid = split["ann"], split["pid"]
    done = {"format": "csv", "status": "done"}
    for i, window in enumerate(split["windows"]):
        assert ann.post(f"/api/datapoints/{window['id']}/complete").status_code == 200
        recording = factory.admin.get(f"/api/datapoints/{split['dp']['id']}").json()
        last = i == len(split["windows"]) - 1
        assert recording["status"] == ("done" if last else "in_progress")
    rows = list(csv.DictReader(io.StringIO(factory.admin.get(
        f"/api/projects/{pid}/export", params=done).text)))  # fmt: skip
    assert len(rows) == 3


def test_native_round_trip_keeps_the_windows(factory: Factory, split: dict[str, Any]) -> None:
    doc = factory.admin.get(f"/api/projects/{split['pid']}/export").content
    r = factory.admin.post("/api/projects/import", params={"name": "copy"}, content=doc)
    assert r.status_code == 201, r.text
    copy = r.json()["project_id"]
    got = [(d["window_index"], d["window_count"], d["offset"]) for d in listed(factory.admin, copy)]
    assert got == [(1, 3, 0.0), (2, 3, 30.0), (3, 3, 60.0)]
    again = orjson.loads(factory.admin.get(f"/api/projects/{copy}/export").content)
    starts = sorted(s["start"] for item in again["datapoints"] for s in item["segments"])
    assert starts == [5.0, 31.0, 61.0]


def test_rttm_import_lands_in_the_windows_it_starts_in(
    factory: Factory, split: dict[str, Any]
) -> None:
    pid = split["pid"]
    rttm = "SPEAKER talk 1 40.00 3.00 <NA> <NA> A <NA> <NA>\n"
    rttm += "SPEAKER talk 1 75.50 2.00 <NA> <NA> B <NA> <NA>\n"
    r = factory.admin.post(
        f"/api/projects/{pid}/import", params={"format": "rttm", "filename": "x.rttm"},
        content=rttm.encode(),
    )  # fmt: skip
    assert r.status_code == 200, r.text
    wins = split["windows"]
    second = factory.admin.get(f"/api/datapoints/{wins[1]['id']}/segments").json()
    third = factory.admin.get(f"/api/datapoints/{wins[2]['id']}/segments").json()
    assert 40.0 in [s["start"] for s in second]
    assert 75.5 in [s["start"] for s in third]
