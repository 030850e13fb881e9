"""Pushing predictions from a script: model segments created, updated in place when sent again
with the same ids (people's decisions on them kept), human work untouched, and a batch with
one bad item refused as a whole with a 400 naming that item."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from audino.db.models import Segment
from tests.api.test_segments import make_datapoint
from tests.conftest import AppEnv, Factory


def push(client: Any, pid: int, items: list[dict[str, Any]], version: str = "1") -> Any:
    body = {"model": "my-model", "version": version, "predictions": items}
    return client.post(f"/api/projects/{pid}/predictions", json=body)


def segment_count(env: AppEnv) -> int:
    with env.database.session(write=False) as db:
        return int(db.scalar(select(func.count()).select_from(Segment)) or 0)


@pytest.fixture
def world(app_env: AppEnv, factory: Factory) -> dict[str, Any]:
    ann_id = factory.user("ann")["id"]
    project = factory.project("Pushed", ann="annotator")
    pid = project["id"]
    factory.label(pid, "kind", "single", values=[{"value": "speech"}, {"value": "music"}])
    factory.label(pid, "tags", "multi", values=[{"value": "x"}, {"value": "y"}])
    factory.label(pid, "note", "text")
    factory.label(pid, "quality", "single", scope="datapoint", values=[{"value": "ok"}])
    dp = make_datapoint(app_env, pid, (ann_id,), duration=6.0, channels=2)
    return {"pid": pid, "dp": dp, "ann": app_env.login("ann")}


def items(dp: int, n: int = 3, **extra: Any) -> list[dict[str, Any]]:
    return [
        {"id": f"p{i}", "datapoint_id": dp, "start": i, "end": i + 0.5, "confidence": 0.5,
         "transcript": f"word {i}", "labels": {"kind": "speech", "tags": ["x", "y"]}, **extra}
        for i in range(n)
    ]  # fmt: skip


def test_push_then_push_again_updates_in_place(
    app_env: AppEnv, admin: Any, world: dict[str, Any]
) -> None:
    pid, dp, ann = world["pid"], world["dp"], world["ann"]
    human = ann.post(f"/api/datapoints/{dp}/segments", json={"start": 0.1, "end": 0.2})
    assert human.status_code == 201, human.text
    r = push(admin, pid, items(dp))
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 3, "updated": 0}
    listed = ann.get(f"/api/datapoints/{dp}/predictions").json()
    assert [(p["start"], p["end"], p["confidence"], p["transcript"]) for p in listed] == [
        (0.0, 0.5, 0.5, "word 0"),
        (1.0, 1.5, 0.5, "word 1"),
        (2.0, 2.5, 0.5, "word 2"),
    ]
    assert {(p["source"], p["model"], p["model_version"], p["author"]) for p in listed} == {
        ("model", "my-model", "1", None)
    }
    rejected = listed[1]["id"]
    assert ann.post(f"/api/datapoints/{dp}/predictions/{rejected}/reject").status_code == 204

    again = items(dp, confidence=0.9)
    r = push(admin, pid, again, version="2")
    assert r.json() == {"created": 0, "updated": 3}
    after = ann.get(f"/api/datapoints/{dp}/predictions").json()
    assert [p["id"] for p in after] == [p["id"] for p in listed]
    assert {(p["confidence"], p["model_version"]) for p in after} == {(0.9, "2")}
    assert [p["decision"] for p in after] == [None, "rejected", None]
    # The person's own segment is as it was; no copies were made.
    mine = ann.get(f"/api/datapoints/{dp}/segments").json()
    assert [(s["start"], s["end"], s["source"]) for s in mine] == [(0.1, 0.2, "human")]
    assert segment_count(app_env) == 4


def test_values_are_stored_like_a_model_runs(admin: Any, world: dict[str, Any]) -> None:
    pid, dp, ann = world["pid"], world["dp"], world["ann"]
    one = {"datapoint": "clip.wav", "start": 1, "end": 2, "channel": 1,
           "labels": {"kind": "music", "note": "loud"}}  # fmt: skip
    assert push(admin, pid, [one]).json() == {"created": 1, "updated": 0}
    labels = {lb["name"]: lb for lb in admin.get(f"/api/projects/{pid}/labels").json()}
    (got,) = ann.get(f"/api/datapoints/{dp}/predictions").json()
    music = next(v["id"] for v in labels["kind"]["values"] if v["value"] == "music")
    assert got["values"] == {str(labels["kind"]["id"]): music, str(labels["note"]["id"]): "loud"}
    assert got["channel"] == 1
    # Without ids every push adds new predictions.
    assert push(admin, pid, [one]).json() == {"created": 1, "updated": 0}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": 2, "end": 2}, "Prediction 1: it starts at 2.0 s, not before its end"),
        ({"end": 6.5}, "Prediction 1: 1.0–6.5 s is outside the recording (0.0–6.0 s)."),
        ({"start": -1}, "Prediction 1: -1.0–1.5 s is outside the recording"),
        ({"datapoint_id": 999}, "Prediction 1: item 999 is not in this project."),
        ({"datapoint_id": None, "datapoint": "nope.wav"}, "no item of this project is named"),
        ({"datapoint_id": None}, "Prediction 1: say which item it is on"),
        ({"labels": {"colour": "red"}}, "Prediction 1: this project has no label 'colour'."),
        ({"labels": {"kind": "noise"}}, "Prediction 1: label 'kind' has no value 'noise'."),
        ({"labels": {"tags": ["x", "z"]}}, "label 'tags' has no value 'z'."),
        ({"labels": {"note": 3}}, "Prediction 1: label 'note' takes text, not 3."),
        ({"labels": {"quality": "ok"}}, "label 'quality' is for whole items"),
        ({"confidence": 1.5}, "Prediction 1: confidence 1.5 is not between 0 and 1."),
        ({"channel": 2}, "Prediction 1: channel 2 does not exist"),
        ({"id": "p0"}, "Prediction 1: its id 'p0' is also prediction 0's."),
    ],
)
def test_one_bad_item_writes_nothing(
    app_env: AppEnv, admin: Any, world: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    batch = items(world["dp"])
    batch[1] |= change
    r = push(admin, world["pid"], batch)
    assert r.status_code == 400, r.text
    assert message in r.json()["detail"]
    assert segment_count(app_env) == 0


def test_only_managers_push(app_env: AppEnv, world: dict[str, Any]) -> None:
    r = push(world["ann"], world["pid"], items(world["dp"]))
    assert r.status_code == 403, r.text
    assert segment_count(app_env) == 0


def test_keys_are_per_model(admin: Any, world: dict[str, Any]) -> None:
    pid, dp = world["pid"], world["dp"]
    assert push(admin, pid, items(dp)).json() == {"created": 3, "updated": 0}
    body = {"model": "other-model", "version": "1", "predictions": items(dp)}
    r = admin.post(f"/api/projects/{pid}/predictions", json=body)
    assert r.json() == {"created": 3, "updated": 0}


def test_too_many_in_one_request(admin: Any, world: dict[str, Any]) -> None:
    batch = [{"datapoint_id": world["dp"], "start": 0, "end": 1}] * 5001
    r = push(admin, world["pid"], batch)
    assert r.status_code == 422, r.text
