"""Import over the API: bad files are refused with where and why, and change nothing."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from audino.db.models import AuditEvent, Datapoint, Label, Project, Segment, User
from tests import builders
from tests.conftest import AppEnv, Factory


def counts(env: AppEnv) -> dict[str, int]:
    with env.database.session(write=False) as db:
        return {
            model.__tablename__: int(db.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Project, User, Datapoint, Segment, Label, AuditEvent)
        }


def small_doc(storage: Any, **overrides: Any) -> dict[str, Any]:
    """A valid one-datapoint native document whose audio is in `storage`."""
    key, sha = builders.store_blob(storage, b"RIFF fake audio")
    doc: dict[str, Any] = {
        "format": "audino",
        "version": 1,
        "project": {"name": "Imported", "description": "", "settings": {}},
        "labels": [{"name": "speaker", "kind": "single", "values": [{"value": "A"}]}],
        "users": [{"username": "admin", "role": None}],
        "datapoints": [
            {
                "name": "a.wav", "storage_key": key, "sha256": sha, "duration": 2.0,
                "sample_rate": 16000, "channels": 1,
                "segments": [{"start": 0.5, "end": 1.0, "author": "admin", "transcript": "नमस्ते",
                              "values": {"speaker": "A"}}],
            }
        ],
    }  # fmt: skip
    doc.update(overrides)
    return doc


def post(client: Any, body: bytes | dict[str, Any], **params: Any) -> Any:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return client.post("/api/projects/import", params=params, content=content)


def test_small_import_and_defaults(app_env: AppEnv, admin: Any) -> None:
    r = post(admin, small_doc(app_env.storage))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["project_name"] == "Imported" and body["segments"] == 1
    exported = orjson.loads(admin.get(f"/api/projects/{body['project_id']}/export").content)
    seg = exported["datapoints"][0]["segments"][0]
    assert seg["transcript"] == "नमस्ते" and seg["values"] == {"speaker": "A"}
    assert seg["source"] == "human" and seg["version"] == 1 and seg["id"]


def test_not_json_gives_line_and_column(app_env: AppEnv, admin: Any) -> None:
    before = counts(app_env)
    r = post(admin, b'{"format": "audino",\n  "version": 1,\n  oops}')
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "bad_file" and (body["line"], body["column"]) == (3, 3)
    assert "line 3" in body["detail"]
    assert counts(app_env) == before


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: [], "$", "expected an object"),
        (lambda d: d | {"format": "label-studio"}, "format", "not an audino export"),
        (lambda d: d | {"version": 9}, "version", "unsupported version"),
        (lambda d: d | {"project": {"description": "no name"}}, "project", "'name'"),
        (lambda d: d | {"datapoints": {"a": 1}}, "$", "must be a list"),
        (
            lambda d: d["datapoints"][0].pop("storage_key") and d,
            "datapoints[0]",
            "missing field 'storage_key'",
        ),
        (
            lambda d: d["datapoints"][0]["segments"][0].update(start="0.5") or d,
            "datapoints[0].segments[0]",
            "'start' must be a number, not a string",
        ),
        (
            lambda d: d["datapoints"][0]["segments"][0].update(end=0.1) or d,
            "datapoints[0].segments[0]",
            "start <= end",
        ),
        (
            lambda d: d["datapoints"][0]["segments"][0].update(created_at="yesterday") or d,
            "datapoints[0].segments[0]",
            "ISO 8601",
        ),
        (
            lambda d: d["labels"][0]["values"].append({"value": 3}) or d,
            "labels[0].values[1]",
            "'value' must be a string",
        ),
    ],
)
def test_wrong_shape_says_where(
    app_env: AppEnv, admin: Any, change: Any, path: str, words: str
) -> None:
    doc = change(small_doc(app_env.storage))
    before = counts(app_env)
    r = post(admin, doc)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "bad_file" and body["path"] == path and words in body["detail"]
    assert counts(app_env) == before


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d["datapoints"][0]["segments"][0].update(values={"speaker": "Z"}), "bad_value"),
        (lambda d: d["datapoints"][0]["segments"][0].update(values={"nope": 1}), "bad_value"),
        (lambda d: d["datapoints"][0].update(status="finished"), "bad_file"),
        (lambda d: d["datapoints"][0]["segments"][0].update(source="robot"), "bad_file"),
        (lambda d: d["datapoints"][0]["segments"][0].update(transcript="a\x00b"), "bad_file"),
        (lambda d: d["labels"][0].update(kind="colour"), "bad_file"),
        (lambda d: d["labels"][0].update(color="#" + "f" * 40), "bad_file"),
        (lambda d: d["users"][0].update(role="boss"), "bad_role"),
        (lambda d: d["datapoints"].append(dict(d["datapoints"][0])), "duplicate_audio"),
    ],
)
def test_inconsistent_file_changes_nothing(
    app_env: AppEnv, admin: Any, change: Any, code: str
) -> None:
    doc = small_doc(app_env.storage)
    change(doc)
    before = counts(app_env)
    r = post(admin, doc)
    assert r.status_code in (400, 422), r.text
    assert r.json()["code"] == code, r.text
    assert counts(app_env) == before


def test_unknown_users_listed_or_created_inactive(app_env: AppEnv, admin: Any) -> None:
    doc = small_doc(app_env.storage)
    doc["users"].append({"username": "zoë", "role": "annotator"})
    doc["datapoints"][0]["segments"][0]["author"] = "ghost"
    before = counts(app_env)
    r = post(admin, doc)
    assert r.status_code == 422 and r.json()["code"] == "unknown_users"
    assert r.json()["usernames"] == ["zoë", "ghost"]
    assert counts(app_env) == before
    r = post(admin, doc, create_users="true")
    assert r.status_code == 201, r.text
    assert r.json()["users_created"] == ["zoë", "ghost"]
    login = app_env.client().post("/api/auth/login", json={"username": "ghost", "password": "!"})
    assert login.status_code == 401
    members = admin.get(f"/api/projects/{r.json()['project_id']}/members").json()
    assert [(m["username"], m["role"], m["is_active"]) for m in members] == [
        ("zoë", "annotator", False)
    ]


def test_missing_audio_listed_unless_metadata_only(app_env: AppEnv, admin: Any) -> None:
    doc = small_doc(app_env.storage)
    doc["datapoints"][0]["storage_key"] = "ab/0123456789abcdef.wav"
    before = counts(app_env)
    r = post(admin, doc)
    assert r.status_code == 422 and r.json()["code"] == "missing_audio"
    assert r.json()["missing"] == ["a.wav"] and "'a.wav'" in r.json()["detail"]
    assert counts(app_env) == before
    r = post(admin, doc, allow_missing_audio="true")
    assert r.status_code == 201 and r.json()["audio_missing"] == ["a.wav"]
    doc["datapoints"][0]["storage_key"] = "../../etc/passwd"
    r = post(admin, doc | {"project": {"name": "Other"}}, allow_missing_audio="true")
    assert r.status_code == 422 and "invalid storage key" in r.json()["detail"]


def test_name_clash_and_permissions(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    doc = small_doc(app_env.storage)
    assert post(admin, doc).status_code == 201
    r = post(admin, doc)
    assert r.status_code == 409 and r.json()["code"] == "project_exists"
    assert post(admin, doc, name="Second").status_code == 201
    factory.user("mallory")
    r = post(app_env.login("mallory"), doc, name="Third")
    assert r.status_code == 403 and r.json()["code"] == "admin_required"
    assert app_env.client().post("/api/projects/import", content=b"{}").status_code == 401


def test_multipart_upload_and_limits(app_env: AppEnv, admin: Any) -> None:
    data = orjson.dumps(small_doc(app_env.storage))
    r = admin.post(
        "/api/projects/import", files={"file": ("export.json", data, "application/json")}
    )
    assert r.status_code == 201, r.text
    r = admin.post("/api/projects/import", files={"other": ("x.json", data, "application/json")})
    assert r.status_code == 400 and r.json()["code"] == "no_file"
    assert post(admin, b"").json()["code"] == "no_file"
    app_env.settings.max_upload_bytes = 100
    assert post(admin, data).status_code == 413


def test_import_into_existing_project(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    factory.user("carol")
    factory.user("alice")
    project = factory.project("Target", carol="manager", alice="annotator")
    factory.label(project["id"], "speaker", "single", values=[{"value": "B"}])
    doc = small_doc(app_env.storage)
    doc["labels"].append({"name": "note", "kind": "text"})
    doc["users"] = [{"username": "carol", "role": "manager"}, {"username": "admin"}]
    carol = app_env.login("carol")
    r = carol.post(f"/api/projects/{project['id']}/import", content=orjson.dumps(doc))
    assert r.status_code == 200, r.text
    assert r.json()["created_project"] is False and r.json()["labels_created"] == 1
    labels = {lb["name"]: lb for lb in admin.get(f"/api/projects/{project['id']}/labels").json()}
    assert [v["value"] for v in labels["speaker"]["values"]] == ["B", "A"]
    r = carol.post(f"/api/projects/{project['id']}/import", content=orjson.dumps(doc))
    assert r.status_code == 409 and r.json()["code"] == "duplicate_audio"
    doc["labels"][0]["kind"] = "multi"
    doc["datapoints"][0]["sha256"] = "0" * 64
    r = carol.post(f"/api/projects/{project['id']}/import", content=orjson.dumps(doc))
    assert r.status_code == 409 and r.json()["code"] == "label_kind_mismatch"
    alice = app_env.login("alice")
    r = alice.post(f"/api/projects/{project['id']}/import", content=orjson.dumps(doc))
    assert r.status_code == 403
    r = carol.post(
        f"/api/projects/{project['id']}/import",
        params={"create_users": "true"},
        content=orjson.dumps(doc),
    )
    assert r.status_code == 403 and r.json()["code"] == "admin_required"


def test_v1_needs_a_project_holding_the_files(app_env: AppEnv, admin: Any) -> None:
    r = post(admin, b"[]", format="audino-v1")
    assert r.status_code == 400 and r.json()["code"] == "needs_project"


def test_v1_annotations_attach_to_files_by_name(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    rich = builders.rich_project(app_env.database, app_env.storage, factory, "Source")
    v1 = admin.get(f"/api/projects/{rich.id}/export", params={"format": "audino-v1"}).content
    source = orjson.loads(admin.get(f"/api/projects/{rich.id}/export").content)
    target = factory.project("Target")
    for dp in source["datapoints"]:
        builders.datapoint(app_env.database, app_env.storage, target["id"], dp["name"])
    before = counts(app_env)
    r = admin.post(
        f"/api/projects/{target['id']}/import", params={"format": "audino-v1"}, content=v1
    )
    assert r.status_code == 200, r.text
    assert r.json()["datapoints"] == 0 and r.json()["labels_created"] == 5
    after = orjson.loads(admin.get(f"/api/projects/{target['id']}/export").content)

    def annotations(doc: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for dp in doc["datapoints"]:
            assigned = {a["user"] for a in dp["assignments"]}
            out[dp["name"]] = sorted(
                (s["author"], s["start"], s["end"], s["transcript"], orjson.dumps(s["values"]))
                for s in dp["segments"]
                if s["author"] in assigned or not assigned
            )
        return out

    assert annotations(after) == annotations(source)
    assert [a["user"] for a in after["datapoints"][1]["assignments"]] == ["alice", "bob"]
    kinds = {lb["name"]: lb["kind"] for lb in after["labels"]}
    assert kinds == {"speaker": "single", "tags": "multi", "note": "text", "score": "number",
                     "overlap": "boolean"}  # fmt: skip
    assert counts(app_env)["datapoints"] == before["datapoints"]
    # Files that are not in the project are listed, and nothing is added.
    other = factory.project("Empty")
    before = counts(app_env)
    r = admin.post(
        f"/api/projects/{other['id']}/import", params={"format": "audino-v1"}, content=v1
    )
    assert r.status_code == 422 and r.json()["code"] == "unknown_files"
    assert "en_us_1.flac" in r.json()["missing"]
    assert counts(app_env) == before
