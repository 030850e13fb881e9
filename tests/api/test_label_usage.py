"""Deleting a label or value that annotations use: counts, refuse, move or clear — never a
dangling id, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import select

from audino.db.models import AuditEvent, Segment
from tests import builders
from tests.conftest import AppEnv, Factory


@dataclass
class Scene:
    pid: int
    dps: list[int]
    alice: int
    speaker: dict[str, Any]
    tags: dict[str, Any]
    quality: dict[str, Any]
    note: dict[str, Any]

    def value(self, label: dict[str, Any], text: str) -> int:
        return int(next(v["id"] for v in label["values"] if v["value"] == text))

    def url(self, label: dict[str, Any], value: str | None = None) -> str:
        base = f"/api/projects/{self.pid}/labels/{label['id']}"
        return f"{base}/values/{self.value(label, value)}" if value else base


def _scene(app_env: AppEnv, factory: Factory) -> Scene:
    """Two datapoints: speaker A on three segments and B on one, tags [x, y] on one, and a
    required whole-recording quality answered `ok` on both (the second item is done)."""
    pid = factory.project("Usage")["id"]
    speaker = factory.label(pid, "speaker", "single", values=[{"value": "A"}, {"value": "B"}])
    tags = factory.label(pid, "tags", "multi", values=[{"value": "x"}, {"value": "y"}])
    quality = factory.label(
        pid,
        "quality",
        "single",
        scope="datapoint",
        required=True,
        values=[{"value": "ok"}, {"value": "bad"}],
    )
    note = factory.label(pid, "note", "text")
    db = app_env.database
    alice = builders.user(db, "alice")
    builders.member(db, pid, alice, "annotator")
    dps = [builders.datapoint(db, None, pid, f"clip{i}.wav") for i in range(2)]
    scene = Scene(pid, dps, alice, speaker, tags, quality, note)
    a, b = scene.value(speaker, "A"), scene.value(speaker, "B")
    x, y = scene.value(tags, "x"), scene.value(tags, "y")
    sp, tg, nt = str(speaker["id"]), str(tags["id"]), str(note["id"])
    builders.segments(db, dps[0], alice, [
        {"start": 0.0, "end": 1.0, "values": {sp: a}},
        {"start": 1.0, "end": 2.0, "values": {sp: a, nt: "see 7"}},
        {"start": 2.0, "end": 3.0, "values": {sp: b}},
        # A note whose text is the speaker label's id must not count as a use of it.
        {"start": 3.0, "end": 4.0, "values": {nt: sp}},
    ])  # fmt: skip
    builders.segments(db, dps[1], alice, [
        {"start": 0.0, "end": 1.0, "values": {sp: a, tg: [x, y]}},
    ])  # fmt: skip
    ok = str(quality["id"])
    builders.assignment(db, dps[0], alice, values={ok: scene.value(quality, "ok")})
    builders.assignment(
        db, dps[1], alice, status="done", values={ok: scene.value(quality, "ok")}, version=4
    )
    return scene


def _segments(admin: TestClient, dp: int) -> list[dict[str, Any]]:
    rows = admin.get(f"/api/datapoints/{dp}/segments").json()
    return sorted(rows, key=lambda s: s["start"])


def _label_values(admin: TestClient, scene: Scene, label: dict[str, Any]) -> list[str]:
    return [v["value"] for v in admin.get(scene.url(label)).json()["values"]]


def test_usage_counts_each_label_and_value(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    scene = _scene(app_env, factory)
    usage = admin.get(f"{scene.url(scene.speaker)}/usage").json()
    assert (usage["segments"], usage["assignments"], usage["datapoints"]) == (4, 0, 2)
    by_value = {v["value_id"]: v for v in usage["values"]}
    assert by_value[scene.value(scene.speaker, "A")] == {
        "value_id": scene.value(scene.speaker, "A"),
        "segments": 3,
        "assignments": 0,
        "datapoints": 2,
    }
    assert by_value[scene.value(scene.speaker, "B")]["segments"] == 1
    quality = admin.get(f"{scene.url(scene.quality)}/usage").json()
    assert (quality["segments"], quality["assignments"], quality["datapoints"]) == (0, 2, 2)
    assert [v["assignments"] for v in quality["values"]] == [2, 0]
    note = admin.get(f"{scene.url(scene.note)}/usage").json()
    assert (note["segments"], note["values"]) == (2, [])
    # Annotators may read the counts; only managers delete.
    alice = app_env.login("alice")
    assert alice.get(f"{scene.url(scene.speaker)}/usage").status_code == 200
    assert alice.delete(scene.url(scene.speaker, "B")).status_code == 403


def test_deleting_a_used_value_is_refused_with_the_counts(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    scene = _scene(app_env, factory)
    before = _segments(admin, scene.dps[0])
    r = admin.delete(scene.url(scene.speaker, "A"))
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "value_in_use"
    assert body["usage"] == {"segments": 3, "assignments": 0, "datapoints": 2}
    assert "“A” is used by 3 segments on 2 datapoints" in body["detail"]
    assert _label_values(admin, scene, scene.speaker) == ["A", "B"]
    assert _segments(admin, scene.dps[0]) == before


def test_moving_a_value_rewrites_every_use_in_one_go(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    scene = _scene(app_env, factory)
    a, b = scene.value(scene.speaker, "A"), scene.value(scene.speaker, "B")
    sp = str(scene.speaker["id"])
    r = admin.delete(scene.url(scene.speaker, "A"), params={"in_use": "move", "move_to": b})
    assert r.status_code == 204, r.text
    assert _label_values(admin, scene, scene.speaker) == ["B"]
    first = _segments(admin, scene.dps[0])
    assert [s["values"].get(sp) for s in first] == [b, b, b, None]
    assert [s["version"] for s in first] == [2, 2, 1, 1]  # only the rewritten ones moved on
    assert first[1]["values"][str(scene.note["id"])] == "see 7"  # other labels untouched
    assert _segments(admin, scene.dps[1])[0]["values"][sp] == b
    usage = admin.get(f"{scene.url(scene.speaker)}/usage").json()
    assert usage["segments"] == 4 and usage["values"][0]["segments"] == 4

    # Exports and the editor's save path see B, and A is no value any more.
    exported = orjson.loads(admin.get(f"/api/projects/{scene.pid}/export?format=audino").content)
    speakers = [
        seg["values"].get("speaker") for dp in exported["datapoints"] for seg in dp["segments"]
    ]
    assert sorted(s for s in speakers if s) == ["B", "B", "B", "B"]
    seg = first[0]
    r = admin.post(
        f"/api/datapoints/{scene.dps[0]}/segments/batch",
        json={
            "upserts": [{"id": seg["id"], "version": 2, "start": 0, "end": 1, "values": {sp: a}}]
        },
    )
    assert r.status_code == 400 and r.json()["code"] == "unknown_label_value"

    with app_env.database.session(write=False) as db:
        event = db.scalars(
            select(AuditEvent).where(AuditEvent.action == "label_value.delete")
        ).one()
        assert event.before == {"value": "A", "label": "speaker"}
        assert event.after == {
            "in_use": "move",
            "changed": {"segments": 3, "assignments": 0, "datapoints": 2},
            "moved_to": {"id": b, "value": "B"},
        }


def test_clearing_a_multiple_choice_value_keeps_the_others(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    scene = _scene(app_env, factory)
    tg = str(scene.tags["id"])
    y = scene.value(scene.tags, "y")
    assert admin.delete(scene.url(scene.tags, "x"), params={"in_use": "clear"}).status_code == 204
    assert _segments(admin, scene.dps[1])[0]["values"][tg] == [y]
    assert admin.delete(scene.url(scene.tags, "y"), params={"in_use": "clear"}).status_code == 204
    values = _segments(admin, scene.dps[1])[0]["values"]
    assert tg not in values and values[str(scene.speaker["id"])]  # the empty list goes


def test_a_required_value_moves_but_is_not_cleared_from_done_items(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    scene = _scene(app_env, factory)
    q = str(scene.quality["id"])
    r = admin.delete(scene.url(scene.quality, "ok"), params={"in_use": "clear"})
    assert r.status_code == 409
    assert r.json()["code"] == "required_label_in_use"
    assert "1 done item would be left without it" in r.json()["detail"]
    bad = scene.value(scene.quality, "bad")
    r = admin.delete(scene.url(scene.quality, "ok"), params={"in_use": "move", "move_to": bad})
    assert r.status_code == 204
    alice = app_env.login("alice")
    for dp in scene.dps:
        answer = alice.get(f"/api/datapoints/{dp}/values").json()
        assert answer["values"] == {q: bad}
    done = alice.get(f"/api/datapoints/{scene.dps[1]}/values").json()
    assert done["status"] == "done" and done["version"] == 5


def test_bad_move_targets_change_nothing(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    scene = _scene(app_env, factory)
    url = scene.url(scene.speaker, "A")
    other_label_value = scene.value(scene.tags, "x")
    cases = [
        ({"in_use": "move"}, 400, "move_target_missing"),
        ({"in_use": "move", "move_to": scene.value(scene.speaker, "A")}, 400, "bad_move_target"),
        ({"in_use": "move", "move_to": other_label_value}, 400, "bad_move_target"),
        ({"in_use": "sideways"}, 422, "validation_error"),
    ]
    for params, status, code in cases:
        r = admin.delete(url, params=params)
        assert (r.status_code, r.json()["code"]) == (status, code), params
    assert _label_values(admin, scene, scene.speaker) == ["A", "B"]
    assert admin.get(f"{scene.url(scene.speaker)}/usage").json()["values"][0]["segments"] == 3


def test_deleting_a_used_label_is_refused_or_clears_it_everywhere(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    scene = _scene(app_env, factory)
    sp = str(scene.speaker["id"])
    r = admin.delete(scene.url(scene.speaker))
    assert r.status_code == 409 and r.json()["code"] == "label_in_use"
    assert r.json()["usage"] == {"segments": 4, "assignments": 0, "datapoints": 2}
    assert admin.delete(scene.url(scene.speaker), params={"in_use": "move"}).status_code == 400
    r = admin.delete(scene.url(scene.speaker), params={"in_use": "clear"})
    assert r.status_code == 204
    assert admin.get(scene.url(scene.speaker)).status_code == 404
    with app_env.database.session(write=False) as db:
        stored = list(db.scalars(select(Segment.values)))
    assert stored and not any(sp in values for values in stored)
    assert any(values.get(str(scene.note["id"])) == sp for values in stored)  # a note's text
    # An unused label goes without a word, as before.
    empty = factory.label(scene.pid, "unused", "boolean")
    assert admin.delete(f"/api/projects/{scene.pid}/labels/{empty['id']}").status_code == 204
