"""Audio kept in an S3 bucket (a moto server): the blob store, and the audio endpoint
streaming it with Range or redirecting to a presigned URL, still checked per user."""

from __future__ import annotations

import hashlib
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from audino.api.app import create_app
from audino.config import Settings
from audino.storage.blobs import BlobStore
from tests.conftest import ADMIN_PASSWORD, FORMATS, AppEnv, Factory
from tests.s3server import Bucket

FLAC = FORMATS / "flac_mono_16k.flac"
DATA = FLAC.read_bytes()
SIZE = len(DATA)


def fetch(url: str, range_: str) -> tuple[int, bytes, str]:
    """A plain HTTP GET (as a browser would make to the bucket), not through our app."""
    request = urllib.request.Request(url, headers={"Range": range_})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.read(), response.headers["Content-Type"]


def test_blob_store_in_a_bucket(bucket: Bucket, tmp_path: Path) -> None:
    store = BlobStore(bucket.url("audio"), "secret")
    assert not store.is_local and store.local_path("ab/cd") is None
    source = tmp_path / "a.flac"
    source.write_bytes(DATA)
    key = store.key_for(hashlib.sha256(DATA).hexdigest(), ".flac")
    assert store.put_file(source, key) is True
    assert store.put_file(source, key) is False  # stored once
    assert bucket.fs.exists(f"{bucket.name}/audio/{key}")
    assert store.exists(key) and store.size(key) == SIZE
    assert store.keys() == [key]
    assert b"".join(store.stream(key, 100, 1000, chunk=333)) == DATA[100:1100]
    assert b"".join(store.stream(key, SIZE - 10, 50)) == DATA[-10:]
    assert store.missing([key, "00/none"]) == [1]
    assert store.presigned_url(key) is None  # off unless asked for
    signed = store.presigned_url(key, 60)
    assert signed is not None and signed.startswith(bucket.endpoint)
    assert fetch(signed, "bytes=10-19")[:2] == (206, DATA[10:20])
    store.delete(key)
    assert not store.exists(key) and store.keys() == []


def test_store_from_settings_reads_the_endpoint(
    bucket: Bucket, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AUDINO_S3_ENDPOINT_URL")
    settings = Settings(
        data_dir=tmp_path,
        secret_key="s",
        storage_url=bucket.url("audio"),
        s3_endpoint_url=bucket.endpoint,
        storage_presign_seconds=30,
    )
    store = BlobStore.from_settings(settings)
    bucket.put("audio/xx/probe.flac", DATA)
    assert store.size("xx/probe.flac") == SIZE
    assert store.presign_seconds == 30
    assert store.presigned_url("xx/probe.flac") is not None


@pytest.fixture
def s3_env(app_env: AppEnv, bucket: Bucket) -> Iterator[AppEnv]:
    """The app with its audio in the bucket (AUDINO_STORAGE_URL=s3://…)."""
    app_env.settings.storage_url = bucket.url("audio")
    app_env.app = create_app(app_env.settings, app_env.database)
    yield app_env


@pytest.fixture
def audio(s3_env: AppEnv, bucket: Bucket) -> dict[str, Any]:
    admin = s3_env.login("admin", ADMIN_PASSWORD)
    factory = Factory(s3_env, admin)
    factory.user("ann")
    factory.user("bob")
    project = factory.project(ann="annotator", bob="annotator")
    r = admin.post(
        f"/api/projects/{project['id']}/datapoints",
        files={"file": (FLAC.name, DATA)},
        data={"assign_to": "ann"},
    )
    assert r.status_code == 201, r.text
    dp = r.json()["datapoint"]
    assert bucket.fs.find(f"{bucket.name}/audio")  # the upload landed in the bucket
    return {"url": f"/api/datapoints/{dp['id']}/audio?original=true", "admin": admin}


def test_audio_streams_from_the_bucket_with_range(s3_env: AppEnv, audio: dict[str, Any]) -> None:
    ann = s3_env.login("ann")
    whole = ann.get(audio["url"])
    assert whole.status_code == 200
    assert whole.content == DATA
    assert whole.headers["accept-ranges"] == "bytes"
    part = ann.get(audio["url"], headers={"Range": "bytes=1000-4999"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 1000-4999/{SIZE}"
    assert part.content == DATA[1000:5000]
    tail = ann.get(audio["url"], headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == DATA[-100:]
    past = ann.get(audio["url"], headers={"Range": f"bytes={SIZE}-"})
    assert past.status_code == 416
    assert s3_env.login("bob").get(audio["url"]).status_code == 404  # not assigned: unknown
    assert s3_env.client().get(audio["url"]).status_code == 401


def test_audio_redirects_to_a_presigned_url(s3_env: AppEnv, audio: dict[str, Any]) -> None:
    s3_env.app.state.storage.presign_seconds = 60
    ann = s3_env.login("ann")
    r = ann.get(audio["url"], follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["cache-control"] == "private, no-store"
    signed = r.headers["location"]
    assert "Signature=" in signed or "X-Amz-Signature=" in signed
    assert fetch(signed, "bytes=0-99") == (206, DATA[:100], "audio/flac")
    # The permission check still comes first: no redirect for those who may not listen.
    assert s3_env.login("bob").get(audio["url"], follow_redirects=False).status_code == 404
    assert s3_env.client().get(audio["url"], follow_redirects=False).status_code == 401


def test_ingest_reads_audio_from_the_bucket(s3_env: AppEnv, audio: dict[str, Any]) -> None:
    """The upload's ingest job ran against the bucket-backed store and finished."""
    dp_url = audio["url"].removesuffix("/audio?original=true")
    dp = audio["admin"].get(dp_url).json()
    assert dp["ingest_status"] == "ready", dp
    ann = s3_env.login("ann")
    default = ann.get(dp_url + "/audio")  # the browser copy when ingest made one
    assert default.status_code == 200
    assert len(default.content) > 0


def test_local_store_never_redirects(factory: Factory, admin: TestClient) -> None:
    """A local store never redirects, whatever presign_seconds says."""
    store = factory.env.storage
    store.presign_seconds = 60
    assert store.presigned_url("ab/cdef") is None


def test_blobs_written_elsewhere_are_seen(bucket: Bucket, tmp_path: Path) -> None:
    """Another process (a worker, `audino import`) stores a blob after we listed."""
    store = BlobStore(bucket.url("audio"), "secret")
    bucket.put("audio/aa/first.flac", DATA)
    assert store.keys() == ["aa/first.flac"]
    assert not store.exists("aa/second.flac")
    bucket.put("audio/aa/second.flac", DATA)  # through another client
    assert store.exists("aa/second.flac")
    assert store.missing(["aa/first.flac", "aa/second.flac"]) == []


def test_a_range_request_costs_one_head_and_one_get(s3_env: AppEnv, audio: dict[str, Any]) -> None:
    """What a seek costs against the bucket: the size, then the bytes asked for."""
    calls: list[str] = []
    store = s3_env.app.state.storage
    store.fs.s3.meta.events.register("before-call.s3", lambda model, **_: calls.append(model.name))
    r = s3_env.login("ann").get(audio["url"], headers={"Range": "bytes=5000-5999"})
    assert r.status_code == 206 and r.content == DATA[5000:6000]
    assert sorted(calls) == ["GetObject", "HeadObject"]
