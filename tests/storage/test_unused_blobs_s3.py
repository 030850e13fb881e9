"""Derived blobs in an S3 bucket (a moto server): a delete removes them and their tiles,
and the sweep finds orphans by the bucket's LastModified."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from audino.api.app import create_app
from audino.services.ingest import derived as derived_audio
from audino.services.ingest import unused_blobs
from tests.conftest import ADMIN_PASSWORD, FORMATS, AppEnv, Factory
from tests.s3server import Bucket

MP3 = FORMATS / "mp3_stereo_44k.mp3"


@pytest.fixture
def s3_env(app_env: AppEnv, bucket: Bucket) -> Iterator[AppEnv]:
    app_env.settings.storage_url = bucket.url("audio")
    app_env.app = create_app(app_env.settings, app_env.database)
    yield app_env


@pytest.fixture
def factory(s3_env: AppEnv) -> Factory:
    return Factory(s3_env, s3_env.login("admin", ADMIN_PASSWORD))


def upload(factory: Factory, project_id: int) -> int:
    r = factory.admin.post(
        f"/api/projects/{project_id}/datapoints", files={"file": (MP3.name, MP3.read_bytes())}
    )
    assert r.status_code == 201, r.text
    datapoint_id: int = r.json()["datapoint"]["id"]
    got = factory.admin.get(f"/api/datapoints/{datapoint_id}").json()
    assert got["ingest_status"] == "ready", got
    r = factory.admin.get(f"/api/datapoints/{datapoint_id}/spectrogram?start=0&end=1")
    assert r.status_code == 200
    return datapoint_id


def in_bucket(bucket: Bucket, folder: str) -> list[str]:
    root = f"{bucket.name}/{folder}/"
    return sorted(path.removeprefix(root) for path in bucket.fs.find(root))


def test_a_delete_empties_the_derived_folder_of_the_bucket(
    s3_env: AppEnv, factory: Factory, bucket: Bucket
) -> None:
    project = factory.project()
    datapoint_id = upload(factory, project["id"])
    derived = in_bucket(bucket, "audio-derived")
    assert len(derived) == 5 and sum(key.startswith("tiles/") for key in derived) == 1
    assert factory.admin.delete(f"/api/datapoints/{datapoint_id}").status_code == 204
    bucket.fs.invalidate_cache()
    assert in_bucket(bucket, "audio-derived") == [] and in_bucket(bucket, "audio") == []


def test_the_sweep_finds_orphans_in_the_bucket(
    s3_env: AppEnv, factory: Factory, bucket: Bucket
) -> None:
    project = factory.project()
    upload(factory, project["id"])
    used = in_bucket(bucket, "audio-derived")
    bucket.put("audio-derived/aa/stray.dat", b"z" * 321)
    bucket.put("audio-derived/tiles/bb/gone-audio/tile.png", b"t" * 10)
    settings, storage = s3_env.settings, s3_env.storage
    store = derived_audio.derived_store(settings, storage)
    assert all(blob.modified is not None for blob in store.blobs())
    with s3_env.database.session(write=False) as db:
        now = unused_blobs.find_orphans(db, storage, settings)
        later = unused_blobs.find_orphans(db, storage, settings, now=time.time() + 7200)
    assert (now.orphans, now.fresh, now.kept) == ([], 2, len(used))
    assert [blob.key for blob in later.orphans] == ["aa/stray.dat", "tiles/bb/gone-audio/tile.png"]
    assert later.orphan_bytes == 331 and later.kept == len(used)
    with s3_env.database.session(write=False) as db:
        unused_blobs.sweep(db, storage, settings, dry_run=True, grace_seconds=0)
        assert len(in_bucket(bucket, "audio-derived")) == len(used) + 2
        swept = unused_blobs.sweep(db, storage, settings, grace_seconds=0)
    assert len(swept.orphans) == 2
    bucket.fs.invalidate_cache()
    assert in_bucket(bucket, "audio-derived") == used
