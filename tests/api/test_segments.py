"""Segments: CRUD, validation, versions, ownership, batches, concurrency and Unicode."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from audino.db.models import Assignment, AuditEvent, Datapoint, Segment
from tests.conftest import SPEECH, AppEnv, Factory


def make_datapoint(
    env: AppEnv,
    project_id: int,
    assign: tuple[int, ...] = (),
    *,
    duration: float = 10.0,
    channels: int = 2,
    sample_rate: int = 16000,
) -> int:
    """A datapoint row without audio (segments never read the blob)."""
    with env.database.session() as db:
        dp = Datapoint(
            project_id=project_id,
            storage_key=f"00/{uuid.uuid4().hex}",
            original_name="clip.wav",
            duration=duration,
            sample_rate=sample_rate,
            channels=channels,
            codec="pcm_s16le",
            size=1,
            sha256=uuid.uuid4().hex,
        )
        db.add(dp)
        db.flush()
        for user_id in assign:
            db.add(Assignment(datapoint_id=dp.id, user_id=user_id))
        return dp.id


@dataclass
class World:
    project: dict[str, Any]
    dp: int
    ann: TestClient
    bob: TestClient
    rev: TestClient
    ann_id: int
    bob_id: int
    speaker: dict[str, Any]
    tags: dict[str, Any]


@pytest.fixture
def world(app_env: AppEnv, factory: Factory) -> World:
    ann, bob = factory.user("ann"), factory.user("bob")
    factory.user("rita")
    project = factory.project("Seg", ann="annotator", bob="annotator", rita="reviewer")
    pid = project["id"]
    speaker = factory.label(pid, "speaker", "single", values=[{"value": "A"}, {"value": "B"}])
    tags = factory.label(pid, "tags", "multi", values=[{"value": "x"}, {"value": "y"}])
    factory.label(pid, "note", "text")
    factory.label(pid, "snr", "number")
    factory.label(pid, "noisy", "boolean")
    factory.label(pid, "quality", "single", scope="datapoint", values=[{"value": "ok"}])
    dp = make_datapoint(app_env, pid, (ann["id"], bob["id"]))
    return World(
        project,
        dp,
        app_env.login("ann"),
        app_env.login("bob"),
        app_env.login("rita"),
        ann["id"],
        bob["id"],
        speaker,
        tags,
    )


def url(w: World, suffix: str = "") -> str:
    return f"/api/datapoints/{w.dp}/segments{suffix}"


def count(env: AppEnv) -> int:
    with env.database.session(write=False) as db:
        return int(db.scalar(select(func.count()).select_from(Segment)) or 0)


def test_create_list_get_roundtrip(app_env: AppEnv, world: World) -> None:
    a, b = world.speaker["values"]
    x, y = world.tags["values"]
    body = {
        "start": 1.25,
        "end": 2.5,
        "channel": 1,
        "low_hz": 100,
        "high_hz": 8000,
        "transcript": "hello",
        "values": {
            "speaker": b["id"],
            str(world.tags["id"]): [x["id"], y["id"]],
            "note": "n",
            "snr": 12.5,
            "noisy": False,
        },
        "attributes": {"speaker_age": 30, "nested": [1, {"k": "v"}]},
        "source": "model",
        "model": "whisper",
        "model_version": "v3",
        "confidence": 0.5,
    }
    r = world.ann.post(url(world), json=body)
    assert r.status_code == 201, r.text
    seg = r.json()
    assert uuid.UUID(seg["id"]) and seg["version"] == 1 and seg["author"] == "ann"
    assert seg["author_id"] == world.ann_id and seg["datapoint_id"] == world.dp
    assert seg["values"][str(world.speaker["id"])] == b["id"]
    assert seg["values"][str(world.tags["id"])] == [x["id"], y["id"]]
    assert len(seg["values"]) == 5 and seg["created_at"].endswith("Z")
    for key in ("start", "end", "channel", "transcript", "attributes", "source", "confidence"):
        assert seg[key] == body[key]
    assert world.ann.get(url(world)).json() == [seg]
    assert world.ann.get(f"/api/segments/{seg['id']}").json() == seg


def test_client_id_is_idempotent(app_env: AppEnv, world: World) -> None:
    sid = str(uuid.uuid4())
    body = {"id": sid, "start": 0, "end": 1, "transcript": "a"}
    first = world.ann.post(url(world), json=body)
    again = world.ann.post(url(world), json=body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and count(app_env) == 1
    r = world.ann.post(url(world), json=body | {"transcript": "b"})
    assert r.status_code == 409 and r.json()["code"] == "segment_exists"
    assert r.json()["current"]["transcript"] == "a"
    r = world.ann.post(url(world), json={"id": "not-a-uuid", "start": 0, "end": 1})
    assert r.status_code == 400 and "UUID" in r.json()["detail"]


BAD = [
    ({"start": -1, "end": 1}, "negative"),
    ({"start": 2, "end": 2}, "before end"),
    ({"start": 3, "end": 2}, "before end"),
    ({"start": 0, "end": 10.5}, "past the end"),
    ({"start": "0", "end": 1}, "number"),
    ({"start": 0, "end": 1e400}, "finite"),
    ({"start": 0, "end": 10**400}, "number"),
    ({"start": 0, "end": 1, "channel": 2}, "channel"),
    ({"start": 0, "end": 1, "channel": -1}, "channel"),
    ({"start": 0, "end": 1, "low_hz": 10}, "low_hz"),
    ({"start": 0, "end": 1, "low_hz": 10, "high_hz": 9000}, "half the sample rate"),
    ({"start": 0, "end": 1, "low_hz": 500, "high_hz": 400}, "low_hz"),
    ({"start": 0, "end": 1, "transcript": "x" * 100_001}, "100000"),
    ({"start": 0, "end": 1, "transcript": "a\x00b"}, "NUL"),
    ({"start": 0, "end": 1, "source": "robot"}, "source"),
    ({"start": 0, "end": 1, "confidence": 1.5}, "confidence"),
    ({"start": 0, "end": 1, "values": {"nope": 1}}, "Unknown label 'nope'"),
    ({"start": 0, "end": 1, "values": {"speaker": 999999}}, "999999"),
    ({"start": 0, "end": 1, "values": {"speaker": [1]}}, "speaker"),
    ({"start": 0, "end": 1, "values": {"quality": 1}}, "datapoint-scope"),
    ({"start": 0, "end": 1, "values": {"snr": "loud"}}, "snr"),
    ({"start": 0, "end": 1, "values": {"noisy": 1}}, "noisy"),
    ({"start": 0, "end": 1, "values": {"note": 5}}, "note"),
    ({"start": 0, "end": 1, "values": {"snr": 10**30}}, "too large"),
    ({"start": 0, "end": 1, "values": []}, "values"),
    ({"start": 0, "end": 1, "attributes": {"a": "\x00"}}, "NUL"),
    ({"end": 1}, "start"),
]


def test_invalid_segments_are_refused(app_env: AppEnv, world: World) -> None:
    # One app for all cases: building one per case would cost a second each.
    for body, message in BAD:
        r = world.ann.post(
            url(world), content=json.dumps(body), headers={"content-type": "application/json"}
        )
        assert r.status_code in (400, 422), (body, r.text)
        assert message in r.json()["detail"], (body, r.json())
    assert count(app_env) == 0


MALFORMED = [
    '{"start": NaN, "end": 1}',
    '{"start": 0, "end": Infinity}',
    '{"start": 0, "end": 1, "values": {"snr": NaN}}',
    '{"start": 0, "end": 1, "attributes": {"a": -Infinity}}',
    '{"start": 0, "end": 1, "transcript": "\\ud800"}',
    '{"start": 0, "end": 1, "id": 5}',
    '{"start": 0, "end": 1, "version": 99999999999999999999}',
    '{"start": 0, "end": 1',
    "[]",
    "",
]


def test_malformed_json_is_refused(app_env: AppEnv, world: World) -> None:
    for raw in MALFORMED:
        for target in (url(world), url(world, "/batch")):
            body = raw if target == url(world) or raw in ("", "[]") else f'{{"upserts": [{raw}]}}'
            r = world.ann.post(target, content=body, headers={"content-type": "application/json"})
            assert r.status_code in (400, 422), (target, body, r.text)
            assert r.json()["code"], r.text
    assert count(app_env) == 0


def test_values_from_other_project_are_unknown(
    app_env: AppEnv, world: World, factory: Factory
) -> None:
    other = factory.project("Other")
    foreign = factory.label(other["id"], "foreign", "single", values=[{"value": "z"}])
    for values in (
        {str(foreign["id"]): foreign["values"][0]["id"]},
        {"speaker": foreign["values"][0]["id"]},
    ):
        r = world.ann.post(url(world), json={"start": 0, "end": 1, "values": values})
        assert r.status_code == 400, r.text
    assert count(app_env) == 0


def test_end_within_a_millisecond_of_duration_is_accepted(world: World) -> None:
    assert world.ann.post(url(world), json={"start": 9, "end": 10.0009}).status_code == 201


def test_versions_refuse_stale_writes(app_env: AppEnv, world: World) -> None:
    seg = world.ann.post(url(world), json={"start": 0, "end": 1}).json()
    one = f"/api/segments/{seg['id']}"
    r = world.ann.patch(one, json={"version": 1, "transcript": "first"})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["end"] == 1
    r = world.ann.patch(one, json={"version": 1, "transcript": "lost"})
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    assert r.json()["current"]["transcript"] == "first"
    assert world.ann.delete(one, params={"version": 1}).status_code == 409
    assert world.ann.delete(one).status_code == 422
    assert world.ann.patch(one, json={"transcript": "x"}).status_code == 422
    assert world.ann.patch(one, json={"version": 2, "start": 5}).status_code == 400
    assert world.ann.delete(one, params={"version": 2}).status_code == 204
    assert world.ann.delete(one, params={"version": 2}).status_code == 404
    assert world.ann.get(f"/api/segments/{uuid.uuid4()}").status_code == 404
    assert world.ann.get("/api/segments/not-a-uuid").status_code == 404
    assert world.ann.delete("/api/segments/nope", params={"version": 1}).status_code == 404
    assert count(app_env) == 0


def test_audit_keeps_before_and_after(app_env: AppEnv, world: World) -> None:
    seg = world.ann.post(url(world), json={"start": 0, "end": 1, "transcript": "a"}).json()
    world.rev.patch(f"/api/segments/{seg['id']}", json={"version": 1, "transcript": "b"})
    world.ann.delete(f"/api/segments/{seg['id']}", params={"version": 2})
    with app_env.database.session(write=False) as db:
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "segment").order_by(AuditEvent.id)
        ).all()
        got = [(e.action, e.before, e.after) for e in events]
    assert [a for a, _, _ in got] == ["segment.create", "segment.update", "segment.delete"]
    assert got[0][1] is None and got[0][2]["transcript"] == "a"
    assert got[1][1]["transcript"] == "a" and got[1][2]["transcript"] == "b"
    assert got[2][1]["version"] == 2 and got[2][2] is None


def test_annotators_see_and_change_only_their_own(app_env: AppEnv, world: World) -> None:
    mine = world.ann.post(url(world), json={"start": 0, "end": 1, "transcript": "ann"}).json()
    theirs = world.bob.post(url(world), json={"start": 0, "end": 1, "transcript": "bob"}).json()
    assert [s["id"] for s in world.ann.get(url(world)).json()] == [mine["id"]]
    assert world.ann.get(url(world), params={"author_id": world.bob_id}).status_code == 403
    other = f"/api/segments/{theirs['id']}"
    assert world.ann.get(other).status_code == 404
    assert world.ann.patch(other, json={"version": 1, "transcript": "x"}).status_code == 404
    assert world.ann.delete(other, params={"version": 1}).status_code == 404
    batch = {"upserts": [theirs | {"transcript": "x"}]}
    r = world.ann.post(url(world, "/batch"), json=batch)
    assert r.status_code == 403 and r.json()["code"] == "not_your_segment"
    copy = {k: theirs[k] for k in ("id", "start", "end")}
    r = world.ann.post(url(world, "/batch"), json={"upserts": [copy]})
    assert r.status_code == 403 and "current" not in r.json()
    r = world.ann.post(url(world, "/batch"), json={"deletes": [{"id": theirs["id"], "version": 1}]})
    assert r.status_code == 403
    # Reviewers read everyone's work, filter by author, and correct it; the author stays.
    assert len(world.rev.get(url(world)).json()) == 2
    only_bob = world.rev.get(url(world), params={"author_id": world.bob_id}).json()
    assert [s["transcript"] for s in only_bob] == ["bob"]
    r = world.rev.patch(other, json={"version": 1, "transcript": "fixed"})
    assert r.status_code == 200 and r.json()["author"] == "bob"
    assert world.bob.get(other).json()["transcript"] == "fixed"


def test_unassigned_and_outsiders_are_refused(
    app_env: AppEnv, world: World, factory: Factory
) -> None:
    factory.user("carl")
    factory.user("zed")
    factory.member(world.project["id"], "carl", "annotator")
    carl, zed = app_env.login("carl"), app_env.login("zed")
    body = {"start": 0, "end": 1}
    assert carl.post(url(world), json=body).status_code == 404
    assert carl.get(url(world)).status_code == 404
    assert zed.post(url(world), json=body).status_code == 404
    assert app_env.client().get(url(world)).status_code == 401
    assert world.ann.get("/api/datapoints/999999/segments").status_code == 404


def test_project_key_writes_as_its_creator(app_env: AppEnv, world: World, factory: Factory) -> None:
    key = factory.api_key(world.project["id"], "manage")
    r = app_env.bearer(key).post(url(world), json={"start": 0, "end": 1, "source": "model"})
    assert r.status_code == 201, r.text
    assert r.json()["author"] == "admin"


def test_saving_starts_the_assignment(app_env: AppEnv, world: World) -> None:
    world.ann.post(url(world), json={"start": 0, "end": 1})
    with app_env.database.session(write=False) as db:
        statuses = dict(
            db.execute(
                select(Assignment.user_id, Assignment.status).where(
                    Assignment.datapoint_id == world.dp
                )
            ).all()
        )
        dp = db.get(Datapoint, world.dp)
        assert dp is not None and dp.status == "in_progress"
    assert statuses == {world.ann_id: "in_progress", world.bob_id: "todo"}


def test_batch_saves_all_or_nothing(app_env: AppEnv, world: World) -> None:
    keep = world.ann.post(url(world), json={"start": 0, "end": 1, "transcript": "keep"}).json()
    drop = world.ann.post(url(world), json={"start": 1, "end": 2, "transcript": "drop"}).json()
    good = {
        "upserts": [
            {"start": 3, "end": 4, "transcript": "new"},
            keep | {"transcript": "kept", "version": 1},
        ],
        "deletes": [{"id": drop["id"], "version": 1}],
    }
    bad_item = {"upserts": [*good["upserts"], {"start": 5, "end": 99}], "deletes": good["deletes"]}
    r = world.ann.post(url(world, "/batch"), json=bad_item)
    assert r.status_code == 400 and r.json()["detail"].startswith("upserts[2]")
    stale = {"upserts": good["upserts"], "deletes": [{"id": drop["id"], "version": 7}]}
    r = world.ann.post(url(world, "/batch"), json=stale)
    assert r.status_code == 409 and r.json()["current"]["id"] == drop["id"]
    assert sorted(s["transcript"] for s in world.ann.get(url(world)).json()) == ["drop", "keep"]
    r = world.ann.post(url(world, "/batch"), json=good)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["deleted"] == [drop["id"]]
    assert [s["transcript"] for s in out["segments"]] == ["new", "kept"]
    assert out["segments"][1]["version"] == 2 and out["segments"][1]["id"] == keep["id"]
    assert sorted(s["transcript"] for s in world.ann.get(url(world)).json()) == ["kept", "new"]


def test_batch_edge_cases(app_env: AppEnv, world: World, factory: Factory) -> None:
    batch = url(world, "/batch")
    r = world.ann.post(batch, json={})
    assert r.status_code == 200 and r.json() == {"segments": [], "deleted": []}
    sid = str(uuid.uuid4())
    twice = {"upserts": [{"id": sid, "start": 0, "end": 1}, {"id": sid, "start": 1, "end": 2}]}
    assert world.ann.post(batch, json=twice).status_code == 400
    both = {"upserts": [{"id": sid, "start": 0, "end": 1}], "deletes": [{"id": sid, "version": 1}]}
    assert world.ann.post(batch, json=both).status_code == 400
    huge = {"upserts": [{"start": 0, "end": 1}] * 10_000}
    r = world.ann.post(batch, json=huge)
    assert r.status_code == 413 and r.json()["code"] == "batch_too_large"
    missing = {"deletes": [{"id": str(uuid.uuid4()), "version": 1}]}
    assert world.ann.post(batch, json=missing).status_code == 404
    assert world.ann.post(batch, json={"deletes": [{"id": "x", "version": 1}]}).status_code == 400
    assert world.ann.post(batch, json={"upserts": "nope"}).status_code == 422
    # A segment id of another datapoint cannot be moved or deleted through this one.
    other_dp = make_datapoint(app_env, world.project["id"], (world.ann_id,))
    seg = world.ann.post(f"/api/datapoints/{other_dp}/segments", json={"start": 0, "end": 1})
    moved = {"upserts": [seg.json() | {"version": 1}]}
    assert world.ann.post(batch, json=moved).status_code == 409
    assert count(app_env) == 1


def test_unicode_is_stored_byte_exact(app_env: AppEnv, world: World) -> None:
    manifest = [json.loads(line) for line in (SPEECH / "manifest.jsonl").read_text().splitlines()]
    texts = [
        s["text"] for m in manifest if m["file"][:2] in ("hi", "ar", "zh") for s in m["segments"]
    ]
    texts += [
        "👩‍👩‍👧‍👦 🎙️ ok",
        "e\u0301 n\u0303 a\u0308\u0323",
        "\u202eRTL override\u202c",
        "𝄞 \U0010fffd",
    ]
    upserts = [
        {"start": i * 0.5, "end": i * 0.5 + 0.25, "transcript": t} for i, t in enumerate(texts)
    ]
    r = world.ann.post(url(world, "/batch"), json={"upserts": upserts})
    assert r.status_code == 200, r.text
    assert [s["transcript"] for s in r.json()["segments"]] == texts
    assert [s["transcript"] for s in world.ann.get(url(world)).json()] == texts
    with app_env.database.session(write=False) as db:
        stored = set(db.scalars(select(Segment.transcript)))
    assert {t.encode() for t in stored} == {t.encode() for t in texts}


def in_threads(work: Any, n: int) -> list[Any]:
    """Runs work(i) for i < n in n threads at once; returns the results in order."""
    results: list[Any] = [None] * n
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = work(i)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


def _token(client: TestClient) -> str:
    r = client.post("/api/auth/tokens", json={"name": "bench"})
    assert r.status_code == 201, r.text
    return str(r.json()["key"])


def test_concurrent_batches_lose_and_duplicate_nothing(app_env: AppEnv, world: World) -> None:
    key, threads, per_thread, size = _token(world.ann), 8, 6, 10

    def work(n: int) -> list[int]:
        client, codes = app_env.bearer(key), []
        for i in range(per_thread):
            upserts = [
                {"start": j * 0.1, "end": j * 0.1 + 0.05, "transcript": f"{n}-{i}-{j}"}
                for j in range(size)
            ]
            codes.append(client.post(url(world, "/batch"), json={"upserts": upserts}).status_code)
        return codes

    codes = [c for cs in in_threads(work, threads) for c in cs]
    assert codes.count(200) == threads * per_thread, codes
    assert count(app_env) == codes.count(200) * size


def test_concurrent_updates_of_one_version_have_one_winner(app_env: AppEnv, world: World) -> None:
    seg = world.ann.post(url(world), json={"start": 0, "end": 1}).json()
    key = _token(world.ann)

    def work(n: int) -> int:
        body = {"version": 1, "transcript": f"w{n}"}
        return app_env.bearer(key).patch(f"/api/segments/{seg['id']}", json=body).status_code

    assert sorted(in_threads(work, 8)) == [200] + [409] * 7
    assert world.ann.get(f"/api/segments/{seg['id']}").json()["version"] == 2


def test_concurrent_retries_of_one_create_make_one_row(app_env: AppEnv, world: World) -> None:
    key, body = _token(world.ann), {"id": str(uuid.uuid4()), "start": 0, "end": 1}

    def work(_: int) -> tuple[int, int]:
        r = app_env.bearer(key).post(url(world, "/batch"), json={"upserts": [body]})
        return r.status_code, r.json()["segments"][0]["version"] if r.status_code == 200 else 0

    assert in_threads(work, 8) == [(200, 1)] * 8
    assert count(app_env) == 1


def test_a_box_band_is_checked_on_every_write_and_nothing_changes(
    app_env: AppEnv, world: World
) -> None:
    """Patches and batch saves meet the same band rules as creates: both ends or neither,
    0 <= low < high <= half the sample rate (8000 Hz here), said in words."""
    box = {"start": 1, "end": 2, "low_hz": 500.0, "high_hz": 4000.0}
    seg = world.ann.post(url(world), json=box).json()
    one = f"/api/segments/{seg['id']}"
    for change, message in [
        ({"high_hz": 400.0}, "0 <= low_hz < high_hz <= 8000"),
        ({"low_hz": 4000.0}, "got 4000.0..4000.0"),
        ({"high_hz": 8000.5}, "half the sample rate"),
        ({"low_hz": -1.0}, "0 <= low_hz"),
        ({"low_hz": None}, "Give both low_hz and high_hz, or neither."),
    ]:
        r = world.ann.patch(one, json={"version": 1, **change})
        assert r.status_code == 400, (change, r.text)
        assert r.json()["code"] == "bad_frequency" and message in r.json()["detail"], r.json()
        batch = {"upserts": [{**box, **change, "id": seg["id"], "version": 1}]}
        r = world.ann.post(url(world, "/batch"), json=batch)
        assert r.status_code == 400 and message in r.json()["detail"], (change, r.text)
    assert world.ann.get(one).json() == seg
    # A band at the very top is fine; clearing both makes it a plain segment.
    r = world.ann.patch(one, json={"version": 1, "high_hz": 8000.0})
    assert r.status_code == 200 and (r.json()["low_hz"], r.json()["high_hz"]) == (500.0, 8000.0)
    r = world.ann.patch(one, json={"version": 2, "low_hz": None, "high_hz": None})
    assert r.status_code == 200 and (r.json()["low_hz"], r.json()["high_hz"]) == (None, None)
    assert count(app_env) == 1
