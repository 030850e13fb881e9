"""Uploading audio: formats, refusals, dedupe, size limits, fields, permissions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from audino.db.models import AuditEvent, Datapoint
from tests.conftest import FORMATS, SPEECH, AppEnv, Factory

# What each format fixture was made from: (duration s, sample rate, channels).
SOURCE = 7.4334
EXPECTED: dict[str, tuple[float, int, int]] = {
    "aac_mono_16k.m4a": (SOURCE, 16000, 1),
    "flac_mono_16k.flac": (SOURCE, 16000, 1),
    "float32_stereo_44k.wav": (3.0, 44100, 2),
    "mono_22k.aiff": (SOURCE, 22050, 1),
    "mp3_stereo_44k.mp3": (SOURCE, 44100, 2),
    "opus_mono.webm": (SOURCE, 48000, 1),
    "opus_mono_48k.opus": (SOURCE, 48000, 1),
    "pcm16_4ch_16k.wav": (5.0, 16000, 4),
    "pcm16_mono_16k.wav": (SOURCE, 16000, 1),
    "pcm24_mono_48k.wav": (3.0, 48000, 1),
    "pcm8u_stereo_16k.wav": (SOURCE, 16000, 2),
    "ulaw_mono_8k.wav": (SOURCE, 8000, 1),
    "vorbis_mono_44k.ogg": (SOURCE, 44100, 1),
}
BAD = sorted(p.name for p in FORMATS.glob("bad_*"))
SPEECH_CLIPS = [
    json.loads(line) for line in (SPEECH / "manifest.jsonl").read_text().splitlines() if line
]
WAV = FORMATS / "pcm16_mono_16k.wav"


def upload(
    client: TestClient, project_id: int, *paths: Path | tuple[str, bytes], **fields: Any
) -> Any:
    files = []
    for p in paths:
        name, data = (p.name, p.read_bytes()) if isinstance(p, Path) else p
        files.append(("file", (name, data, "application/octet-stream")))
    return client.post(f"/api/projects/{project_id}/datapoints", files=files, data=fields)


def snapshot(env: AppEnv) -> tuple[int, list[str], list[str]]:
    """Datapoint count, stored blobs and temp files: what a refused upload must not change."""
    with env.database.session(write=False) as db:
        count = db.scalar(select(func.count()).select_from(Datapoint)) or 0
    temp = env.settings.temp_dir
    temps = sorted(p.name for p in temp.iterdir()) if temp.exists() else []
    return count, env.storage.keys(), temps


def test_every_good_format_fixture_is_listed() -> None:
    found = {p.name for p in FORMATS.iterdir() if not p.name.startswith("bad_")}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_good_formats_upload_with_their_duration(
    app_env: AppEnv, factory: Factory, name: str
) -> None:
    project = factory.project()
    r = upload(factory.admin, project["id"], FORMATS / name)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "created" and body["filename"] == name
    dp = body["datapoint"]
    duration, rate, channels = EXPECTED[name]
    assert abs(dp["duration"] - duration) <= 0.05
    assert (dp["sample_rate"], dp["channels"]) == (rate, channels)
    assert dp["original_name"] == name and dp["size"] == (FORMATS / name).stat().st_size
    assert dp["content_type"].startswith("audio/")
    assert len(app_env.storage.keys()) == 1


def test_speech_clips_have_their_manifest_durations(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    r = upload(factory.admin, project["id"], *(SPEECH / c["file"] for c in SPEECH_CLIPS))
    assert r.status_code == 200, r.text
    by_name = {item["filename"]: item for item in r.json()}
    for clip in SPEECH_CLIPS:
        item = by_name[clip["file"]]
        assert item["status"] == "created"
        assert abs(item["datapoint"]["duration"] - clip["duration"]) <= 0.05


@pytest.mark.parametrize("name", BAD)
def test_bad_files_are_refused_and_change_nothing(
    app_env: AppEnv, factory: Factory, name: str
) -> None:
    project = factory.project()
    before = snapshot(app_env)
    r = upload(factory.admin, project["id"], FORMATS / name)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "bad_audio"
    assert r.json()["detail"].startswith(f"{name}: ")
    assert snapshot(app_env) == before


def test_truncated_mp3_message_names_both_lengths(factory: Factory) -> None:
    project = factory.project()
    r = upload(factory.admin, project["id"], FORMATS / "bad_truncated.mp3")
    detail = r.json()["detail"]
    assert "7.43 s" in detail and "truncated" in detail


def test_many_files_report_each_and_go_on_past_a_broken_one(
    app_env: AppEnv, factory: Factory
) -> None:
    project = factory.project()
    r = upload(
        factory.admin, project["id"], WAV, FORMATS / "bad_random.ogg", FORMATS / "mono_22k.aiff"
    )
    assert r.status_code == 200, r.text
    results = r.json()
    assert [x["status"] for x in results] == ["created", "error", "created"]
    assert results[1]["code"] == "bad_audio" and "bad_random.ogg" in results[1]["detail"]
    assert "datapoint" not in results[1]
    assert len(app_env.storage.keys()) == 2


def test_all_files_broken_is_422_with_results(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    before = snapshot(app_env)
    r = upload(factory.admin, project["id"], FORMATS / "bad_empty.wav", FORMATS / "bad_random.ogg")
    assert r.status_code == 422
    assert r.json()["code"] == "all_failed"
    assert [x["status"] for x in r.json()["results"]] == ["error", "error"]
    assert snapshot(app_env) == before


def test_same_file_twice_is_a_duplicate(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    first = upload(factory.admin, project["id"], WAV)
    assert first.status_code == 201
    again = upload(factory.admin, project["id"], ("renamed.wav", WAV.read_bytes()))
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["datapoint"]["id"] == first.json()["datapoint"]["id"]
    assert again.json()["datapoint"]["original_name"] == WAV.name
    assert len(app_env.storage.keys()) == 1
    assert snapshot(app_env)[0] == 1


def test_same_file_for_another_user_adds_an_assignment(factory: Factory) -> None:
    factory.user("ann")
    factory.user("bob")
    project = factory.project(ann="annotator", bob="annotator")
    r1 = upload(factory.admin, project["id"], WAV, assign_to="ann")
    assert r1.status_code == 201
    r2 = upload(factory.admin, project["id"], WAV, assign_to="bob")
    assert r2.status_code == 200 and r2.json()["status"] == "assigned"
    names = {a["username"] for a in r2.json()["datapoint"]["assignments"]}
    assert names == {"ann", "bob"}
    r3 = upload(factory.admin, project["id"], WAV, assign_to="ann,bob")
    assert r3.json()["status"] == "duplicate"


def test_same_file_in_two_projects_is_stored_once(app_env: AppEnv, factory: Factory) -> None:
    p1, p2 = factory.project("One"), factory.project("Two")
    a = upload(factory.admin, p1["id"], WAV).json()["datapoint"]
    b = upload(factory.admin, p2["id"], WAV).json()["datapoint"]
    assert a["id"] != b["id"]
    assert len(app_env.storage.keys()) == 1
    assert factory.admin.delete(f"/api/datapoints/{a['id']}").status_code == 204
    assert len(app_env.storage.keys()) == 1
    assert factory.admin.delete(f"/api/datapoints/{b['id']}").status_code == 204
    assert app_env.storage.keys() == []


def test_storage_key_is_not_the_filename(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    upload(factory.admin, project["id"], ("../../etc/passwd", WAV.read_bytes()))
    (key,) = app_env.storage.keys()
    assert "passwd" not in key and ".." not in key and key.endswith(".wav")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\y.wav", "y.wav"),
        ("evil\u202egnp.wav", "evilgnp.wav"),
        ("..", "upload"),
    ],
)
def test_filenames_are_cleaned(factory: Factory, sent: str, kept: str) -> None:
    project = factory.project()
    r = upload(factory.admin, project["id"], (sent, WAV.read_bytes()))
    assert r.status_code == 201, r.text
    assert r.json()["datapoint"]["original_name"] == kept


def raw_upload(client: TestClient, project_id: int, filename: bytes, data: bytes) -> Any:
    body = (
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\n\r\n'
        + data
        + b"\r\n--xyz--\r\n"
    )
    return client.post(
        f"/api/projects/{project_id}/datapoints",
        content=body,
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (b"caf\xe9\xff.wav", "caf\ufffd\ufffd.wav"),
        (b"a\x01b\x7f\x00.wav", "ab.wav"),
        ("n\u00e4me.wav".encode(), "n\u00e4me.wav"),
        (b"..\\..\\x.wav", "x.wav"),
    ],
)
def test_raw_filename_bytes(factory: Factory, sent: bytes, kept: str) -> None:
    project = factory.project()
    r = raw_upload(factory.admin, project["id"], sent, WAV.read_bytes())
    assert r.status_code == 201, r.text
    assert r.json()["datapoint"]["original_name"] == kept


def test_fields_are_stored(factory: Factory) -> None:
    factory.user("ann")
    project = factory.project(ann="annotator")
    r = upload(
        factory.admin,
        project["id"],
        WAV,
        reference_transcript="the birch canoe",
        metadata='{"speaker": "s1", "take": 2}',
        assign_to="ann",
    )
    assert r.status_code == 201, r.text
    dp = r.json()["datapoint"]
    assert dp["reference_transcript"] == "the birch canoe"
    assert dp["metadata"] == {"speaker": "s1", "take": 2}
    assert [a["username"] for a in dp["assignments"]] == ["ann"]


def test_assign_to_as_repeated_fields_and_ids(factory: Factory) -> None:
    ann, bob = factory.user("ann"), factory.user("bob")
    project = factory.project(ann="annotator", bob="reviewer")
    files = [("file", (WAV.name, WAV.read_bytes()))]
    data = {"assign_to": [str(ann["id"]), "bob"]}
    r = factory.admin.post(f"/api/projects/{project['id']}/datapoints", files=files, data=data)
    assert r.status_code == 201, r.text
    users = sorted(a["user_id"] for a in r.json()["datapoint"]["assignments"])
    assert users == sorted([ann["id"], bob["id"]])


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"metadata": "{not json"}, "bad_metadata"),
        ({"metadata": "[1, 2]"}, "bad_metadata"),
        ({"metadata": '{"x": NaN}'}, "bad_metadata"),
        ({"assign_to": "ghost,ann"}, "unknown_assignee"),
        ({"reference_transcript": "a\x00b"}, "bad_text"),
    ],
)
def test_bad_fields_are_400_and_change_nothing(
    app_env: AppEnv, factory: Factory, fields: dict[str, str], code: str
) -> None:
    factory.user("ann")
    project = factory.project(ann="annotator")
    before = snapshot(app_env)
    r = upload(factory.admin, project["id"], WAV, **fields)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == code
    if code == "unknown_assignee":
        assert "ghost" in r.json()["detail"] and "ann" not in r.json()["unknown"]
    assert snapshot(app_env) == before


def test_non_member_assignee_is_refused(factory: Factory) -> None:
    factory.user("outsider")
    project = factory.project()
    r = upload(factory.admin, project["id"], WAV, assign_to="outsider")
    assert r.status_code == 400 and "outsider" in r.json()["detail"]


@pytest.mark.parametrize(
    ("content", "headers", "code"),
    [
        (b"", {"Content-Type": "multipart/form-data; boundary=b"}, "no_file"),
        (b"garbage", {"Content-Type": "multipart/form-data; boundary=b"}, "bad_multipart"),
        (b"{}", {"Content-Type": "application/json"}, "not_multipart"),
        (b"x", {"Content-Type": "multipart/form-data"}, "bad_multipart"),
        (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF',
            {"Content-Type": "multipart/form-data; boundary=b"},
            "bad_multipart",
        ),
        (
            b'--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--b--\r\n',
            {"Content-Type": "multipart/form-data; boundary=b"},
            "no_file",
        ),
        (
            b"--b\r\nContent-Disposition: form-data\r\n\r\nhi\r\n--b--\r\n",
            {"Content-Type": "multipart/form-data; boundary=b"},
            "bad_multipart",
        ),
    ],
)
def test_malformed_requests_are_400(
    app_env: AppEnv, factory: Factory, content: bytes, headers: dict[str, str], code: str
) -> None:
    project = factory.project()
    before = snapshot(app_env)
    r = factory.admin.post(
        f"/api/projects/{project['id']}/datapoints", content=content, headers=headers
    )
    assert r.status_code == 400, r.text
    assert r.json()["code"] == code
    assert snapshot(app_env) == before


def test_upload_over_the_limit_is_413(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    app_env.settings.max_upload_bytes = 100_000
    before = snapshot(app_env)
    r = upload(factory.admin, project["id"], WAV)
    assert r.status_code == 413
    assert r.json()["code"] == "too_large" and "100000 bytes" in r.json()["detail"]
    assert snapshot(app_env) == before


def test_limit_applies_while_streaming_without_content_length(
    app_env: AppEnv, factory: Factory
) -> None:
    project = factory.project()
    app_env.settings.max_upload_bytes = 50_000
    before = snapshot(app_env)
    data = WAV.read_bytes()

    def body() -> Any:
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'
        for i in range(0, len(data), 8192):
            yield data[i : i + 8192]
        yield b"\r\n--b--\r\n"

    r = factory.admin.post(
        f"/api/projects/{project['id']}/datapoints",
        content=body(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 413, r.text
    assert snapshot(app_env) == before


def test_content_length_is_checked_up_front(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    r = factory.admin.post(
        f"/api/projects/{project['id']}/datapoints",
        content=b"--b--",
        headers={
            "Content-Type": "multipart/form-data; boundary=b",
            "Content-Length": str(app_env.settings.max_upload_bytes * 2),
        },
    )
    assert r.status_code == 413


def test_huge_form_field_is_refused(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    r = upload(factory.admin, project["id"], WAV, reference_transcript="x" * (2 * 1024 * 1024))
    assert r.status_code == 413 and r.json()["code"] == "field_too_large"
    assert snapshot(app_env)[0] == 0


def test_annotator_and_reviewer_cannot_upload(factory: Factory, as_user: Any) -> None:
    factory.user("ann")
    factory.user("rev")
    project = factory.project(ann="annotator", rev="reviewer")
    for name in ("ann", "rev"):
        r = upload(as_user(name), project["id"], WAV)
        assert r.status_code == 403, r.text


def test_non_member_cannot_upload(factory: Factory, as_user: Any) -> None:
    factory.user("stranger")
    project = factory.project()
    assert upload(as_user("stranger"), project["id"], WAV).status_code == 404


def test_project_key_uploads_only_to_its_project(app_env: AppEnv, factory: Factory) -> None:
    own, other = factory.project("Own"), factory.project("Other")
    client = app_env.bearer(factory.api_key(own["id"], "manage"))
    r = upload(client, own["id"], WAV)
    assert r.status_code == 201, r.text
    assert upload(client, other["id"], WAV).status_code == 404
    assert client.get(f"/api/projects/{other['id']}/datapoints").status_code == 404
    dp_id = r.json()["datapoint"]["id"]
    other_dp = upload(factory.admin, other["id"], FORMATS / "mono_22k.aiff").json()["datapoint"]
    assert client.get(f"/api/datapoints/{dp_id}").status_code == 200
    assert client.get(f"/api/datapoints/{other_dp['id']}").status_code == 404
    assert client.delete(f"/api/datapoints/{other_dp['id']}").status_code == 404


def test_upload_is_audited(app_env: AppEnv, factory: Factory) -> None:
    factory.user("ann")
    project = factory.project(ann="annotator")
    upload(factory.admin, project["id"], WAV, assign_to="ann")
    with app_env.database.session(write=False) as db:
        actions = set(db.scalars(select(AuditEvent.action)))
    assert {"datapoint.upload", "datapoint.assign"} <= actions
