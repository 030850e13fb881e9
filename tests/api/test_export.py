"""Export over the API: native round trip, unicode, the audino-v1 shape, permissions,
filters and streaming."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import orjson

from audino.formats.selection import PREDICTIONS_LEFT_OUT
from audino.services.exports import dataset as exports
from tests import builders
from tests.conftest import AppEnv, Factory


def export(client: Any, project_id: int, **params: Any) -> bytes:
    r = client.get(f"/api/projects/{project_id}/export", params=params)
    assert r.status_code == 200, r.text
    return r.content  # type: ignore[no-any-return]


def without_ids(doc: dict[str, Any], *, segment_ids: bool = True) -> dict[str, Any]:
    """The document minus what an import into the same instance must change."""
    doc = orjson.loads(orjson.dumps(doc))
    doc["project"].pop("name")
    for dp in doc["datapoints"]:
        dp.pop("id")
        dp.pop("parent_id")
        for seg in dp["segments"]:
            if segment_ids:
                seg.pop("id")
    return doc


def test_native_round_trip_is_exact(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Rich")
    first = export(admin, rich.id, predictions="include")
    r = admin.post("/api/projects/import", params={"name": "Rich copy"}, content=first)
    assert r.status_code == 201, r.text
    result = r.json()
    assert result["created_project"] and result["datapoints"] == len(rich.datapoints)
    assert result["segment_ids_renewed"] == result["segments"]  # same instance: ids taken
    second = export(admin, result["project_id"], predictions="include")
    a, b = orjson.loads(first), orjson.loads(second)
    assert b["project"]["name"] == "Rich copy"
    assert any(s["source"] == "model" for dp in b["datapoints"] for s in dp["segments"])
    assert without_ids(a) == without_ids(b)
    # Timestamps of datapoints, assignments and segments survive to the microsecond.
    assert a["datapoints"][0]["segments"][0]["created_at"].endswith(".123456+00:00")


def test_round_trip_into_fresh_instance_keeps_segment_ids(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Rich")
    first = export(admin, rich.id, predictions="include")
    # Deleting the project frees its segment ids (the blobs are put back as a copy would).
    storage = app_env.storage
    blobs = {key: storage.local_path(key).read_bytes() for key in storage.keys()}  # noqa: SIM118
    assert admin.delete(f"/api/projects/{rich.id}").status_code == 204
    for key, content in blobs.items():
        path = app_env.storage.local_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    r = admin.post("/api/projects/import", content=first)
    assert r.status_code == 201, r.text
    assert r.json()["segment_ids_renewed"] == 0
    second = export(admin, r.json()["project_id"], predictions="include")
    a, b = orjson.loads(first), orjson.loads(second)
    assert without_ids(a, segment_ids=False) == without_ids(b, segment_ids=False)
    assert a["project"] == b["project"]


def test_native_layout_and_names(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Rich")
    doc = orjson.loads(export(admin, rich.id, predictions="include"))
    assert list(doc) == ["format", "version", "project", "labels", "users", "datapoints"]
    assert doc["format"] == "audino" and doc["version"] == 1
    assert doc["project"]["settings"] == {"overlap": 2, "vad": {"on": True}}
    assert [lb["name"] for lb in doc["labels"]] == [
        "speaker", "tags", "note", "score", "overlap", "quality",
    ]  # fmt: skip
    assert doc["labels"][0]["values"][0] == {
        "value": "A", "color": "#ff0000", "hotkey": "a", "position": 0,
    }  # fmt: skip
    assert doc["users"] == [
        {"username": "alice", "role": "annotator"},
        {"username": "bob", "role": "reviewer"},
        {"username": "carol", "role": "manager"},
        {"username": "dave", "role": None},
    ]
    dp = doc["datapoints"][0]
    assert dp["assignments"][0]["values"] == {"quality": "good"}
    alice = [s for s in dp["segments"] if s["author"] == "alice"][0]
    assert alice["values"] == {
        "speaker": "A", "tags": ["noise", "laughter 😀"], "note": "ok ✓", "score": 0.25,
        "overlap": False,
    }  # fmt: skip
    model = [s for s in dp["segments"] if s["source"] == "model"][0]
    assert model["author"] is None and model["confidence"] == 0.875
    starts = [s["start"] for s in dp["segments"]]
    assert starts == sorted(starts)
    assert len(doc["datapoints"]) == len(rich.datapoints)
    assert doc["datapoints"][-1]["assignments"] == [] and doc["datapoints"][-1]["segments"] == []


def test_unicode_is_exported_byte_exact(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Unicode")
    body = export(admin, rich.id)
    for text in rich.transcripts + ["laughter 😀", "🎙️"]:
        assert text.encode("utf-8") in body  # raw UTF-8, not \\u escapes
    doc = orjson.loads(body)
    assert [dp["reference_transcript"] for dp in doc["datapoints"][:-1]] == rich.transcripts
    hindi = next(m for m in builders.speech_manifest() if m["file"].startswith("hi"))
    texts = {s["transcript"] for dp in doc["datapoints"] for s in dp["segments"]}
    assert {s["text"] for s in hindi["segments"]} <= texts


def test_v1_shape(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "V1")
    r = admin.get(f"/api/projects/{rich.id}/export", params={"format": "audino-v1"})
    assert r.status_code == 200, r.text
    assert "V1-audino-v1.json" in r.headers["content-disposition"]
    entries = r.json()
    assert isinstance(entries, list)
    keys = {
        "original_filename", "filename", "url", "reference_transcription",
        "is_marked_for_review", "created_at", "last_modified", "assigned_user", "segmentations",
    }  # fmt: skip
    assert all(set(e) == keys for e in entries)
    # One entry per assigned user; the unassigned datapoint once, with assigned_user null.
    per_dp = [1 if i % 2 == 0 else 2 for i in range(len(rich.datapoints) - 1)] + [1]
    assert len(entries) == sum(per_dp)
    last = entries[-1]
    assert last["original_filename"] == "silence.wav" and last["assigned_user"] is None
    first = entries[0]
    assert first["url"] == f"/api/datapoints/{rich.datapoints[0]}/audio"
    assert "/" not in first["filename"] and first["filename"].endswith(".wav")
    assert first["assigned_user"] == {"id": rich.users["alice"], "username": "alice",
                                      "role": "annotator"}  # fmt: skip
    seg = first["segmentations"][0]
    assert set(seg) == {"start_time", "end_time", "transcription", "created_at",
                        "last_modified", "annotations"}  # fmt: skip
    ids = builders.label_ids(app_env.database, rich.id)
    ann = seg["annotations"]
    speaker_id, speaker_values = ids["speaker"]
    assert ann["speaker"] == {"id": speaker_id, "values": {"id": speaker_values["A"],
                                                           "value": "A"}}  # fmt: skip
    tags_id, tag_values = ids["tags"]
    assert ann["tags"] == {"id": tags_id, "values": [
        {"id": tag_values["noise"], "value": "noise"},
        {"id": tag_values["laughter 😀"], "value": "laughter 😀"},
    ]}  # fmt: skip
    assert ann["note"] == {"id": ids["note"][0], "values": {"id": None, "value": "ok ✓"}}
    # alice's entry holds only alice's segments (not bob's, dave's or the model's)
    manifest_texts = [seg["text"] for seg in builders.speech_manifest()[0]["segments"]]
    assert [s["transcription"] for s in first["segmentations"]] == manifest_texts


def test_only_managers_export(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Perm")
    for username, status in (("alice", 403), ("bob", 403), ("carol", 200), ("dave", 404)):
        client = app_env.login(username)
        r = client.get(f"/api/projects/{rich.id}/export")
        assert r.status_code == status, (username, r.text)
        if status != 200:
            assert set(r.json()) >= {"detail", "code"}
    assert admin.get("/api/projects/999/export").status_code == 404


def test_filters_by_status_and_author(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Filters")
    done = orjson.loads(export(admin, rich.id, status="done"))
    assert [dp["status"] for dp in done["datapoints"]] == ["done", "done"]
    review = orjson.loads(export(admin, rich.id, status="review"))
    assert [dp["marked_for_review"] for dp in review["datapoints"]] == [True]
    bob = orjson.loads(export(admin, rich.id, author="bob"))
    assert len(bob["datapoints"]) == len(rich.datapoints) - 1  # bob segmented all but one
    assert {s["author"] for dp in bob["datapoints"] for s in dp["segments"]} == {"bob"}
    assert {a["user"] for dp in bob["datapoints"] for a in dp["assignments"]} <= {"bob"}
    assert bob["users"] == [{"username": "bob", "role": "reviewer"}]
    r = admin.get(f"/api/projects/{rich.id}/export", params={"status": "nope"})
    assert r.status_code == 400 and r.json()["code"] == "bad_status"
    r = admin.get(f"/api/projects/{rich.id}/export", params={"author": "nobody"})
    assert r.status_code == 404 and r.json()["code"] == "unknown_author"
    r = admin.get(f"/api/projects/{rich.id}/export", params={"format": "kaldi-xyz"})
    assert r.status_code == 400 and r.json()["code"] == "unknown_format"


def test_formats_are_listed(app_env: AppEnv, admin: Any) -> None:
    r = admin.get("/api/formats")
    assert r.status_code == 200
    by_name = {f["name"]: f for f in r.json()}
    assert by_name["audino"]["can_import"] is True
    assert by_name["audino-v1"]["matches_files"] is True and by_name["audino"]["description"]
    assert app_env.client().get("/api/formats").status_code == 401


def test_export_streams(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    project = factory.project("Stream")
    for i in range(5):
        dp = builders.datapoint(app_env.database, app_env.storage, project["id"], f"{i}.wav")
        builders.segments(app_env.database, dp, None, [{"start": 0.0, "end": 1.0}])
    with app_env.database.session(write=False) as db:
        from audino.services import projects

        plan = exports.plan_export(db, projects.get_project(db, project["id"]), "audino")
    statements: list[str] = []
    from sqlalchemy import event

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(app_env.database.engine, "before_cursor_execute", record)
    try:
        chunks = exports.stream_export(app_env.database, plan, batch=2)
        head = next(chunks)
        assert head.endswith(b'"datapoints":[')
        assert not any("FROM datapoints" in s and "LIMIT" in s for s in statements)
        rest = list(chunks)
    finally:
        event.remove(app_env.database.engine, "before_cursor_execute", record)
    pages = [s for s in statements if "FROM datapoints" in s and "LIMIT" in s]
    assert len(pages) == 4  # 2 + 2 + 1 + the empty page that ends it
    assert len(orjson.loads(head + b"".join(rest))["datapoints"]) == 5
    with admin.stream("GET", f"/api/projects/{project['id']}/export") as r:
        assert r.status_code == 200
        assert "content-length" not in r.headers
        assert r.headers["content-type"].startswith("application/json")
        assert 'attachment; filename="Stream-audino.json"' in r.headers["content-disposition"]
        assert len(orjson.loads(r.read())["datapoints"]) == 5


# ---- a model's predictions (#18): exclude (default), include, as_annotator ---------------


def _sources(doc: dict[str, Any]) -> list[tuple[str | None, str, str | None]]:
    return sorted(
        (s["author"], s["source"], s["model"]) for dp in doc["datapoints"] for s in dp["segments"]
    )  # type: ignore[arg-type]


def test_predictions_are_left_out_by_default_and_reported(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    from tests.api.test_export_jobs import finished, start

    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Preds")
    predicted = len(rich.datapoints) - 1  # one silero-vad segment on each but the last
    doc = orjson.loads(export(admin, rich.id))
    assert all(source == "human" for _, source, _ in _sources(doc))
    assert {author for author, _, _ in _sources(doc)} == {"alice", "bob", "dave"}
    assert orjson.loads(export(admin, rich.id, predictions="exclude")) == doc
    for body in ({"format": "audino"}, {"format": "rttm"}, {"format": "csv"}):
        job = finished(admin, start(admin, rich.id, **body)["id"])
        skipped = job["result"]["report"]["segments_skipped"]
        assert skipped == {PREDICTIONS_LEFT_OUT: predicted}, body
    # Nothing to report when they are kept.
    job = finished(admin, start(admin, rich.id, format="csv", predictions="include")["id"])
    assert PREDICTIONS_LEFT_OUT not in job["result"]["report"]["segments_skipped"]


def test_predictions_included_where_the_format_has_a_place(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Preds")
    doc = orjson.loads(export(admin, rich.id, predictions="include"))
    models = [s for dp in doc["datapoints"] for s in dp["segments"] if s["source"] == "model"]
    assert len(models) == len(rich.datapoints) - 1
    assert all(
        (s["author"], s["model"], s["model_version"], s["confidence"])
        == (None, "silero-vad", "5.1", 0.875)
        for s in models
    )
    # CSV: its source and confidence columns say which rows are a model's.
    rows = list(csv.DictReader(io.StringIO(export(admin, rich.id, format="csv",
                                                  predictions="include").decode())))  # fmt: skip
    assert sum(1 for r in rows if r["source"] == "model") == len(models)
    assert {r["confidence"] for r in rows if r["source"] == "model"} == {"0.875"}
    # RTTM has no place for them: they are turns like any other.
    plain = _rttm_turns(export(admin, rich.id, format="rttm"))
    kept = _rttm_turns(export(admin, rich.id, format="rttm", predictions="include"))
    assert len(kept) - len(plain) == len(models)


def _rttm_turns(body: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        names = [n for n in zf.namelist() if n.endswith(".rttm")]
        return [line for n in names for line in zf.read(n).decode().splitlines()]


def test_each_model_version_as_an_annotator(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Preds")
    annotator = "model:silero-vad@5.1"
    doc = orjson.loads(export(admin, rich.id, predictions="as_annotator"))
    assert {"username": annotator, "role": None} in doc["users"]
    found = _sources(doc)
    assert all(source == "human" for _, source, _ in found)
    mine = [s for dp in doc["datapoints"] for s in dp["segments"] if s["author"] == annotator]
    assert len(mine) == len(rich.datapoints) - 1
    assert all((s["model"], s["confidence"]) == ("silero-vad", 0.875) for s in mine)
    # CSV: the model is an author beside alice, bob and dave.
    text = export(admin, rich.id, format="csv", predictions="as_annotator").decode()
    authors = {r["author"] for r in csv.DictReader(io.StringIO(text))}
    assert authors == {"alice", "bob", "dave", annotator}
    # With one annotator per datapoint, the model version stays beside the chosen person.
    text = export(
        admin, rich.id, format="csv", predictions="as_annotator", one_annotator="true"
    ).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sum(1 for r in rows if r["author"] == annotator) == len(mine)
    assert "bob" not in {r["author"] for r in rows}


def test_a_model_annotator_is_a_label_studio_annotation(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Preds")

    def tasks(**params: Any) -> list[dict[str, Any]]:
        body = export(admin, rich.id, format="labelstudio", **params)
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            name = next(n for n in zf.namelist() if n.endswith(".json") and "report" not in n)
            return orjson.loads(zf.read(name))  # type: ignore[no-any-return]

    first = tasks()[0]
    assert first["predictions"] == []
    first = tasks(predictions="include")[0]
    assert [p["model_version"] for p in first["predictions"]] == ["silero-vad 5.1"]
    first = tasks(predictions="as_annotator")[0]
    assert first["predictions"] == []
    by = [a["completed_by"]["username"] for a in first["annotations"]]
    assert "model:silero-vad@5.1" in by


def test_an_unknown_predictions_choice_is_refused(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Preds")
    r = admin.get(f"/api/projects/{rich.id}/export", params={"predictions": "all"})
    assert r.status_code == 400 and r.json()["code"] == "bad_option"
    r = admin.post(f"/api/projects/{rich.id}/exports", json={"predictions": "all"})
    assert r.status_code in (400, 422)
