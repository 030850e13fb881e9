"""The grid's filters (label value, metadata, duration, text) and its selection actions (set an
item-level label on many items, mark them for review), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from audino.db.models import AuditEvent
from tests.api.test_upload import upload
from tests.conftest import AppEnv, Factory
from tests.s3server import tone_wav


@dataclass
class Grid:
    pid: int
    ids: list[int]  # clip_0 … clip_5, in upload order
    kind: dict[str, Any]  # the item-level label "kind" with values dog, cat
    ann: TestClient
    ann_id: int


@pytest.fixture
def grid(app_env: AppEnv, factory: Factory) -> Grid:
    ann = factory.user("ann")
    project = factory.project("Grid", ann="annotator")
    pid = project["id"]
    kind = factory.label(
        pid, "kind", "single", scope="datapoint", values=[{"value": "dog"}, {"value": "cat"}]
    )
    ids = []
    for i in range(6):
        seconds = 0.5 if i < 3 else 2.0
        meta = {"speaker": "s1" if i % 2 else "s2", "night": i == 5, "take": i}
        r = upload(
            factory.admin,
            pid,
            (f"clip_{i}.wav", tone_wav(i, seconds=seconds)),
            metadata=json.dumps(meta),
            reference_transcript="the quick brown fox" if i == 4 else "",
            assign_to="ann" if i < 4 else "",
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["datapoint"]["id"])
    return Grid(pid, ids, kind, app_env.login("ann"), ann["id"])


def names(client: TestClient, pid: int, **query: Any) -> list[str]:
    r = client.get(f"/api/projects/{pid}/datapoints", params=query)
    assert r.status_code == 200, r.text
    return sorted(d["original_name"] for d in r.json()["items"])


def clips(*numbers: int) -> list[str]:
    return sorted(f"clip_{n}.wav" for n in numbers)


def test_filters_by_metadata_duration_and_text(grid: Grid, admin: TestClient) -> None:
    assert names(admin, grid.pid, meta_key="speaker", meta_value="s1") == clips(1, 3, 5)
    assert names(admin, grid.pid, meta_key="night", meta_value="true") == clips(5)
    assert names(admin, grid.pid, meta_key="take", meta_value="2") == clips(2)
    assert names(admin, grid.pid, meta_key="take") == clips(0, 1, 2, 3, 4, 5)
    assert names(admin, grid.pid, meta_key="nobody") == []
    assert names(admin, grid.pid, min_duration=1) == clips(3, 4, 5)
    assert names(admin, grid.pid, max_duration=1) == clips(0, 1, 2)
    assert names(admin, grid.pid, min_duration=1, max_duration=3, meta_key="speaker",
                 meta_value="s2") == clips(4)  # fmt: skip
    assert names(admin, grid.pid, text="QUICK brown") == clips(4)
    picked = f"{grid.ids[1]}, {grid.ids[4]},{grid.ids[4]}"
    assert names(admin, grid.pid, ids=picked) == clips(1, 4)
    assert names(admin, grid.pid, ids=picked, min_duration=1) == clips(4)
    # Words in a segment's transcript count too.
    seg = {"start": 0.1, "end": 0.3, "transcript": "a barking dog"}
    r = grid.ann.post(f"/api/datapoints/{grid.ids[1]}/segments", json=seg)
    assert r.status_code in (200, 201), r.text
    assert names(admin, grid.pid, text="barking") == clips(1)
    # The annotator sees only what is assigned to them, filtered the same way.
    assert names(grid.ann, grid.pid, min_duration=1) == clips(3)
    assert names(grid.ann, grid.pid, text="barking") == clips(1)


def test_label_value_filter_follows_the_selection_action(
    app_env: AppEnv, grid: Grid, admin: TestClient
) -> None:
    chosen = grid.ids[:3]
    r = admin.post(
        f"/api/projects/{grid.pid}/selection/label",
        json={"datapoint_ids": chosen, "label": "kind", "value": "dog", "user": "ann"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["changed"] == 3
    assert "3 items got “kind” as ann's label" in r.json()["message"]
    dog = next(v["id"] for v in grid.kind["values"] if v["value"] == "dog")
    assert names(admin, grid.pid, label="kind", value="dog") == clips(0, 1, 2)
    assert names(admin, grid.pid, label=str(grid.kind["id"]), value=str(dog)) == clips(0, 1, 2)
    assert names(admin, grid.pid, label="kind", value="cat") == []
    assert names(admin, grid.pid, label="kind", value="none") == clips(3, 4, 5)
    # What the annotator sees in the editor: their own value of the label.
    values = grid.ann.get(f"/api/datapoints/{chosen[0]}/values").json()["values"]
    assert values == {str(grid.kind["id"]): dog}
    # The same again changes nothing and says so.
    r = admin.post(
        f"/api/projects/{grid.pid}/selection/label",
        json={"datapoint_ids": chosen, "label": "kind", "value": dog, "user": "ann"},
    )
    assert r.json()["changed"] == 0 and r.json()["unchanged"] == 3
    # An item not yet assigned to the member gets assigned (clip_5).
    r = admin.post(
        f"/api/projects/{grid.pid}/selection/label",
        json={"datapoint_ids": [grid.ids[5]], "label": "kind", "value": "cat", "user": "ann"},
    )
    assert r.json()["changed"] == 1
    assert names(grid.ann, grid.pid, label="kind", value="cat") == clips(5)
    with app_env.database.session(write=False) as db:
        audited = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "assignment.values")
        )
    assert audited == 4


def test_mark_a_selection_for_review(grid: Grid, admin: TestClient) -> None:
    r = admin.post(
        f"/api/projects/{grid.pid}/selection/review",
        json={"datapoint_ids": [grid.ids[0], grid.ids[1], grid.ids[5]]},
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["changed"], out["skipped"]) == (2, [grid.ids[5]])
    assert "skipped: nobody is assigned to them yet" in out["message"]
    listed = admin.get(f"/api/projects/{grid.pid}/datapoints", params={"review": True}).json()
    assert sorted(d["original_name"] for d in listed["items"]) == clips(0, 1)
    r = admin.post(
        f"/api/projects/{grid.pid}/selection/review",
        json={"datapoint_ids": [grid.ids[0]], "marked": False},
    )
    assert r.json()["changed"] == 1
    listed = admin.get(f"/api/projects/{grid.pid}/datapoints", params={"review": True}).json()
    assert [d["original_name"] for d in listed["items"]] == ["clip_1.wav"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"label": "nope"}, "no label 'nope'"),
        ({"label": "kind", "value": "horse"}, "“horse” is not a value of “kind”"),
        ({"value": "dog"}, "Choose the label"),
        ({"meta_key": 'a"b'}, "without quotes"),
        ({"min_duration": -1}, "shortest duration"),
        ({"min_duration": 5, "max_duration": 1}, "swap them"),
        ({"min_duration": "nan"}, "shortest duration"),
        ({"ids": "1,two"}, "comma-separated list of item numbers"),
        ({"ids": ",".join(map(str, range(1, 2003)))}, "At most 2,000 items"),
    ],
)
def test_bad_filters_are_a_400_in_words(
    grid: Grid, admin: TestClient, query: dict[str, Any], words: str
) -> None:
    r = admin.get(f"/api/projects/{grid.pid}/datapoints", params=query)
    assert r.status_code == 400, r.text
    assert words in r.json()["detail"]


def test_bad_selections_change_nothing(app_env: AppEnv, grid: Grid, admin: TestClient) -> None:
    factory_label = admin.post(
        f"/api/projects/{grid.pid}/labels", json={"name": "speaker", "kind": "single"}
    )
    assert factory_label.status_code == 201
    ids = grid.ids
    cases = [
        ({"datapoint_ids": ids, "label": "kind", "value": "horse"}, 400, "not one of the values"),
        ({"datapoint_ids": ids, "label": "kind", "value": 10**6}, 400, "not one of the values"),
        ({"datapoint_ids": ids, "label": "speaker", "value": 1}, 400, "set on segments"),
        ({"datapoint_ids": ids, "label": "nope", "value": 1}, 400, "no label"),
        ({"datapoint_ids": [*ids, 999999], "label": "kind", "value": "dog"}, 404, "999999"),
        ({"datapoint_ids": [], "label": "kind", "value": "dog"}, 422, "at least 1"),
        ({"datapoint_ids": ids, "label": "kind", "value": "dog", "user": "ghost"}, 400, "ghost"),
    ]
    cases = [({"user": "ann", **body}, code, words) for body, code, words in cases]
    # The admin, not a member, has no labels of their own here.
    cases.append(({"datapoint_ids": ids, "label": "kind", "value": "dog"}, 400, "not a member"))
    for body, code, words in cases:
        r = admin.post(f"/api/projects/{grid.pid}/selection/label", json=body)
        assert r.status_code == code, (body, r.text)
        assert words.lower() in r.text.lower()
    assert names(admin, grid.pid, label="kind", value="none") == clips(0, 1, 2, 3, 4, 5)
    # Annotators may not change many items at once.
    r = grid.ann.post(
        f"/api/projects/{grid.pid}/selection/label",
        json={"datapoint_ids": grid.ids[:1], "label": "kind", "value": "dog"},
    )
    assert r.status_code == 403
    with app_env.database.session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "assignment.values")) == 0  # fmt: skip
