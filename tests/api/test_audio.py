"""Streaming a datapoint's audio with HTTP Range, from a local folder and a remote store."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from audino.storage.blobs import BlobStore
from tests.conftest import FORMATS, AppEnv, Factory

WAV = FORMATS / "pcm16_mono_16k.wav"
DATA = WAV.read_bytes()
SIZE = len(DATA)


@pytest.fixture(params=["local", "remote"])
def store(request: pytest.FixtureRequest, app_env: AppEnv) -> str:
    """Runs each test on the local folder store and on a non-local fsspec store."""
    if request.param == "remote":
        url = f"memory://audino-{uuid.uuid4().hex}"
        app_env.app.state.storage = BlobStore(url, "test-secret")
    return str(request.param)


@pytest.fixture
def audio(app_env: AppEnv, factory: Factory, store: str) -> dict[str, Any]:
    factory.user("ann")
    factory.user("bob")
    project = factory.project(ann="annotator", bob="annotator")
    r = factory.admin.post(
        f"/api/projects/{project['id']}/datapoints",
        files={"file": (WAV.name, DATA)},
        data={"assign_to": "ann"},
    )
    assert r.status_code == 201, r.text
    dp = r.json()["datapoint"]
    return {"url": f"/api/datapoints/{dp['id']}/audio", "project": project, "datapoint": dp}


def get(client: TestClient, url: str, range_: str | None = None) -> Any:
    return client.get(url, headers={"Range": range_} if range_ else {})


def test_full_get(factory: Factory, audio: dict[str, Any]) -> None:
    r = get(factory.admin, audio["url"])
    assert r.status_code == 200
    assert r.content == DATA
    assert r.headers["content-type"] == "audio/wav"
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers["content-length"] == str(SIZE)
    assert r.headers.get("etag") and r.headers.get("last-modified")


@pytest.mark.parametrize(
    ("range_", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, SIZE - 1),
        ("bytes=-100", SIZE - 100, SIZE - 1),
        ("bytes=-999999999", 0, SIZE - 1),
        (f"bytes={SIZE - 10}-{SIZE + 500}", SIZE - 10, SIZE - 1),
        ("bytes=5-5", 5, 5),
    ],
)
def test_ranges(factory: Factory, audio: dict[str, Any], range_: str, start: int, end: int) -> None:
    r = get(factory.admin, audio["url"], range_)
    assert r.status_code == 206, r.text
    assert r.content == DATA[start : end + 1]
    assert r.headers["content-range"] == f"bytes {start}-{end}/{SIZE}"
    assert r.headers["content-length"] == str(end - start + 1)
    assert r.headers["content-type"] == "audio/wav"


@pytest.mark.parametrize("range_", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
def test_unsatisfiable_range_is_416_json(
    factory: Factory, audio: dict[str, Any], range_: str
) -> None:
    r = get(factory.admin, audio["url"], range_)
    assert r.status_code == 416
    assert r.json()["code"] == "range_not_satisfiable"
    assert r.headers["content-range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize(
    "range_", ["bytes=abc", "items=0-5", "bytes=9-2", "bytes=-", "bytes=0-1,5-9", "bytes 0-5"]
)
def test_malformed_or_multiple_ranges_get_the_whole_file(
    factory: Factory, audio: dict[str, Any], range_: str
) -> None:
    r = get(factory.admin, audio["url"], range_)
    assert r.status_code == 200
    assert r.content == DATA


def test_head(factory: Factory, audio: dict[str, Any]) -> None:
    r = factory.admin.head(audio["url"])
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-length"] == str(SIZE)
    r = factory.admin.head(audio["url"], headers={"Range": "bytes=0-9"})
    assert r.status_code == 206 and r.headers["content-length"] == "10"


def test_assigned_annotator_may_stream(audio: dict[str, Any], as_user: Any) -> None:
    r = get(as_user("ann"), audio["url"], "bytes=0-99")
    assert r.status_code == 206 and r.content == DATA[:100]


def test_unassigned_annotator_may_not(audio: dict[str, Any], as_user: Any) -> None:
    r = get(as_user("bob"), audio["url"])
    assert r.status_code in (403, 404)
    assert r.json()["code"] and r.content != DATA


def test_member_of_another_project_may_not(
    factory: Factory, audio: dict[str, Any], as_user: Any
) -> None:
    factory.user("carol")
    factory.project("Elsewhere", carol="manager")
    r = get(as_user("carol"), audio["url"])
    assert r.status_code == 404


def test_anonymous_is_401(app_env: AppEnv, audio: dict[str, Any]) -> None:
    assert app_env.client().get(audio["url"]).status_code == 401


def test_missing_blob_is_404(app_env: AppEnv, factory: Factory, audio: dict[str, Any]) -> None:
    storage = app_env.storage
    for key in storage.keys():  # noqa: SIM118 (a BlobStore, not a dict)
        storage.delete(key)
    r = get(factory.admin, audio["url"])
    assert r.status_code == 404 and r.json()["code"] == "blob_missing"


@pytest.mark.parametrize(
    ("name", "content_type", "served"),
    [
        ("mp3_stereo_44k.mp3", "audio/mpeg", "audio/flac"),  # seeks by estimate: a copy
        ("opus_mono_48k.opus", "audio/ogg", "audio/flac"),
        ("vorbis_mono_44k.ogg", "audio/ogg", "audio/flac"),
        ("opus_mono.webm", "audio/webm", "audio/flac"),
        ("aac_mono_16k.m4a", "audio/mp4", "audio/mp4"),
        ("flac_mono_16k.flac", "audio/flac", "audio/flac"),  # has a seek table: as it is
        ("mono_22k.aiff", "audio/aiff", "audio/flac"),  # not playable in Chromium: a copy
    ],
)
def test_content_type_follows_the_container(
    factory: Factory, store: str, name: str, content_type: str, served: str
) -> None:
    """?original=1 is the upload as it came; the plain URL is what a browser should play."""
    project = factory.project()
    data = (FORMATS / name).read_bytes()
    r = factory.admin.post(
        f"/api/projects/{project['id']}/datapoints", files={"file": ("renamed.bin", data)}
    )
    assert r.status_code == 201, r.text
    url = r.json()["datapoint"]["audio_url"]
    got = factory.admin.get(f"{url}?original=1", headers={"Range": "bytes=0-15"})
    assert got.status_code == 206
    assert got.headers["content-type"].split(";")[0] == content_type
    assert got.content == data[:16]
    if store == "local":  # the ingest job reads the store the app started with
        played = factory.admin.get(url, headers={"Range": "bytes=0-3"})
        assert played.status_code == 206
        assert played.headers["content-type"].split(";")[0] == served
        assert (played.content == b"fLaC") == (served == "audio/flac")
        if served != content_type:
            assert played.headers["content-disposition"].endswith('.flac"')
