"""Derived blobs nothing refers to: deletes and re-ingests remove them once committed (and
never when the change rolls back), shared ones stay, and `audino db gc` sweeps the rest."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from audino.cli import app as cli
from audino.db.models import Datapoint, DerivedAudio
from audino.services import datapoints
from audino.services.ingest import derived as derived_audio
from audino.services.ingest import unused_blobs
from audino.storage.blobs import BlobStore
from tests.conftest import FORMATS, AppEnv, Factory

MP3 = FORMATS / "mp3_stereo_44k.mp3"  # gets every derived kind, a playback copy included
HOUR = 3600.0


def upload(factory: Factory, project_id: int, path: Path = MP3) -> dict[str, Any]:
    r = factory.admin.post(
        f"/api/projects/{project_id}/datapoints", files={"file": (path.name, path.read_bytes())}
    )
    assert r.status_code == 201, r.text
    dp: dict[str, Any] = r.json()["datapoint"]
    got = factory.admin.get(f"/api/datapoints/{dp['id']}").json()
    assert got["ingest_status"] == "ready", got
    return dp


def tile(factory: Factory, datapoint_id: int, end: float = 1.0) -> None:
    r = factory.admin.get(f"/api/datapoints/{datapoint_id}/spectrogram?start=0&end={end}")
    assert r.status_code == 200, r.text


def store(env: AppEnv) -> BlobStore:
    return derived_audio.derived_store(env.settings, env.storage)


def recorded(env: AppEnv, datapoint_id: int | None = None) -> set[str]:
    with env.database.session(write=False) as db:
        stmt = select(DerivedAudio.storage_key)
        if datapoint_id is not None:
            stmt = stmt.where(DerivedAudio.datapoint_id == datapoint_id)
        return set(db.scalars(stmt))


def tiles(env: AppEnv) -> set[str]:
    stored = store(env).keys()
    return {key for key in stored if key.startswith("tiles/")}


def age(env: AppEnv, key: str, seconds: float) -> None:
    """Makes a blob of the local derived store look `seconds` old."""
    path = store(env).local_path(key)
    assert path is not None
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_deleting_a_datapoint_removes_its_derived_blobs_and_tiles(
    app_env: AppEnv, factory: Factory
) -> None:
    project = factory.project()
    dp = upload(factory, project["id"])
    tile(factory, dp["id"])
    keys = recorded(app_env, dp["id"])
    assert len(keys) == 4 and keys <= set(store(app_env).keys())
    assert len(tiles(app_env)) == 1
    assert factory.admin.delete(f"/api/datapoints/{dp['id']}").status_code == 204
    assert store(app_env).keys() == []
    assert app_env.storage.keys() == []


def test_a_shared_blob_stays_while_another_datapoint_uses_it(
    app_env: AppEnv, factory: Factory
) -> None:
    first, second = factory.project("First"), factory.project("Second")
    one = upload(factory, first["id"])
    two = upload(factory, second["id"])  # the same file: its ingest reuses the blobs
    keys = recorded(app_env, one["id"])
    assert recorded(app_env, two["id"]) == keys
    tile(factory, one["id"])
    before = set(store(app_env).keys())
    assert factory.admin.delete(f"/api/projects/{first['id']}").status_code == 204
    assert set(store(app_env).keys()) == before  # the blobs and the tile serve `two` still
    assert factory.admin.get(f"/api/datapoints/{two['id']}/peaks/0").status_code == 200
    assert factory.admin.delete(f"/api/projects/{second['id']}").status_code == 204
    assert store(app_env).keys() == [] and app_env.storage.keys() == []


def test_a_failed_delete_leaves_storage_as_it_was(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = factory.project()
    dp = upload(factory, project["id"])
    tile(factory, dp["id"])
    derived, originals = store(app_env).keys(), app_env.storage.keys()

    def broken(self: Session) -> None:
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(Session, "commit", broken)
        assert factory.admin.delete(f"/api/datapoints/{dp['id']}").status_code == 500
        assert factory.admin.delete(f"/api/projects/{project['id']}").status_code == 500
    assert (store(app_env).keys(), app_env.storage.keys()) == (derived, originals)
    assert factory.admin.get(f"/api/datapoints/{dp['id']}/peaks/0").status_code == 200
    # The service itself only says what would go; a rollback keeps it all.
    with app_env.database.new_session() as db:
        row = db.get(Datapoint, dp["id"])
        assert row is not None
        unused = datapoints.delete_datapoint(db, row)
        assert set(unused.derived) == set(derived) - tiles(app_env)
        db.rollback()
    assert (store(app_env).keys(), app_env.storage.keys()) == (derived, originals)
    assert recorded(app_env, dp["id"]) == set(derived) - tiles(app_env)


def test_a_blob_an_ingest_under_way_may_record_is_kept(app_env: AppEnv, factory: Factory) -> None:
    """Deleting one twin while the other is processing keeps the blobs it may record."""
    first, second = factory.project("First"), factory.project("Second")
    one = upload(factory, first["id"])
    two = upload(factory, second["id"])
    keys = recorded(app_env, one["id"])
    with app_env.database.session() as db:
        db.execute(delete(DerivedAudio).where(DerivedAudio.datapoint_id == two["id"]))
        row = db.get(Datapoint, two["id"])
        assert row is not None
        row.ingest_status = "processing"
    assert factory.admin.delete(f"/api/datapoints/{one['id']}").status_code == 204
    assert keys <= set(store(app_env).keys())


def test_reingest_with_new_keys_removes_the_old_ones(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = factory.project("First"), factory.project("Second")
    one = upload(factory, first["id"])
    two = upload(factory, second["id"])
    tile(factory, one["id"])
    old = recorded(app_env, one["id"])
    monkeypatch.setattr(derived_audio, "VERSION", "v-next")
    with app_env.database.session() as db:  # no ready twin: `one` is processed anew
        db.execute(
            update(Datapoint).where(Datapoint.id == two["id"]).values(ingest_status="failed")
        )
    assert factory.admin.post(f"/api/datapoints/{one['id']}/ingest").status_code == 202
    new = recorded(app_env, one["id"])
    assert len(new) == 4 and new.isdisjoint(old)
    assert old | new <= set(store(app_env).keys())  # `two` still has the old ones
    # `two` takes the new blobs from its twin; nothing uses the old ones any more.
    assert factory.admin.post(f"/api/datapoints/{two['id']}/ingest").status_code == 202
    assert recorded(app_env, two["id"]) == new
    assert set(store(app_env).keys()) == new | tiles(app_env)
    assert len(tiles(app_env)) == 1  # the audio is the same: its tiles stay
    # Alone, a re-ingest drops what it made before.
    monkeypatch.setattr(derived_audio, "VERSION", "v-after-next")
    assert factory.admin.delete(f"/api/projects/{second['id']}").status_code == 204
    assert factory.admin.post(f"/api/datapoints/{one['id']}/ingest").status_code == 202
    newest = recorded(app_env, one["id"])
    assert newest.isdisjoint(new) and set(store(app_env).keys()) == newest | tiles(app_env)


def test_gc_lists_and_deletes_only_old_orphans(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    dp = upload(factory, project["id"])
    gone = upload(factory, project["id"], FORMATS / "flac_mono_16k.flac")
    tile(factory, dp["id"])
    tile(factory, gone["id"])
    kept = set(store(app_env).keys())
    # Left behind by an older audino: rows gone, blobs and tiles still there.
    orphans = recorded(app_env, gone["id"])
    with app_env.database.session() as db:
        db.execute(delete(Datapoint).where(Datapoint.id == gone["id"]))
    orphans |= tiles(app_env) - kept_tiles(app_env, dp["id"])
    fresh = "ff/written-by-an-ingest-just-now.dat"
    put(app_env, fresh)
    stored = store(app_env).keys()
    for key in stored:
        if key != fresh:
            age(app_env, key, 2 * HOUR)
    with app_env.database.session(write=False) as db:
        found = unused_blobs.sweep(db, app_env.storage, app_env.settings, dry_run=True)
    assert {blob.key for blob in found.orphans} == orphans
    assert found.orphan_bytes == sum(store(app_env).size(key) for key in orphans)
    assert (found.fresh, found.kept) == (1, len(kept - orphans))
    assert set(store(app_env).keys()) == kept | {fresh}  # a dry run deletes nothing
    with app_env.database.session(write=False) as db:
        unused_blobs.sweep(db, app_env.storage, app_env.settings)
    assert set(store(app_env).keys()) == (kept - orphans) | {fresh}
    assert factory.admin.get(f"/api/datapoints/{dp['id']}/peaks/0").status_code == 200
    with app_env.database.session(write=False) as db:
        swept = unused_blobs.sweep(db, app_env.storage, app_env.settings, grace_seconds=0)
    assert [blob.key for blob in swept.orphans] == [fresh]


def kept_tiles(env: AppEnv, datapoint_id: int) -> set[str]:
    with env.database.session(write=False) as db:
        row = db.get(Datapoint, datapoint_id)
        assert row is not None
        folder = derived_audio.tile_folder(store(env), derived_audio.audio_name(row))
    return {key for key in tiles(env) if key.startswith(f"{folder}/")}


def put(env: AppEnv, key: str, data: bytes = b"x" * 100) -> None:
    path = env.settings.resolved_data_dir / "stray"
    path.write_bytes(data)
    store(env).put_file(path, key)


def test_gc_command(app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    project = factory.project()
    dp = upload(factory, project["id"])
    put(app_env, "aa/orphan.png", b"y" * 1234)
    put(app_env, "ab/fresh.png")
    age(app_env, "aa/orphan.png", 3 * HOUR)
    monkeypatch.setenv("AUDINO_SECRET_KEY", app_env.settings.resolved_secret_key())
    url = app_env.database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("AUDINO_DATABASE_URL", url)
    monkeypatch.setenv("AUDINO_DATA_DIR", str(app_env.settings.resolved_data_dir))
    data_dir = ["--data-dir", str(app_env.settings.resolved_data_dir)]
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "gc", "--dry-run", *data_dir])
    assert result.exit_code == 0, result.output
    assert "aa/orphan.png\t1234" in result.output
    assert "Would delete 1 unused blob (1234 bytes" in result.output
    assert "ab/fresh.png" not in result.output
    assert store(app_env).exists("aa/orphan.png")
    result = runner.invoke(cli, ["db", "gc", "--grace-hours", "2", *data_dir])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 unused blob (1234 bytes" in result.output
    assert not store(app_env).exists("aa/orphan.png") and store(app_env).exists("ab/fresh.png")
    result = runner.invoke(cli, ["db", "gc", "--grace-hours", "0", *data_dir])
    assert "Deleted 1 unused blob (100 bytes" in result.output
    assert recorded(app_env, dp["id"]) == set(store(app_env).keys())


def test_a_large_delete_is_checked_in_batches(app_env: AppEnv, factory: Factory) -> None:
    """More keys than one query may bind: a project of many datapoints."""
    project = factory.project()
    dp = upload(factory, project["id"])
    many = 3 * unused_blobs.BATCH + 7
    with app_env.database.session(write=False) as db:
        row = db.get(Datapoint, dp["id"])
        assert row is not None
        name = derived_audio.audio_name(row)
        held = unused_blobs.Held(
            originals={row.storage_key} | {f"zz/{i}" for i in range(many)},
            derived={f"yy/{i}.dat": f"gone-{i}" for i in range(many)}
            | dict.fromkeys(recorded(app_env, dp["id"]), name),
            names={name} | {f"gone-{i}" for i in range(many)},
        )
        unused = unused_blobs.left_unused(db, held)
    assert unused.originals == sorted(f"zz/{i}" for i in range(many))
    assert unused.derived == sorted(f"yy/{i}.dat" for i in range(many))
    assert unused.tile_names == sorted(f"gone-{i}" for i in range(many))


def test_deleting_a_project_removes_its_export_files(app_env: AppEnv, factory: Factory) -> None:
    from audino.services.exports.jobs import export_store

    exports = export_store(app_env.settings, app_env.storage)
    keep, gone = factory.project("Keep"), factory.project("Gone")
    for project in (keep, gone):
        upload(factory, project["id"])
        r = factory.admin.post(f"/api/projects/{project['id']}/exports", json={"format": "csv"})
        assert r.status_code == 202, r.text
        job = factory.admin.get(f"/api/jobs/{r.json()['id']}").json()
        assert job["status"] == "done", job
    before = sorted(blob.key for blob in exports.blobs())
    assert [key.split("/")[0] for key in before] == [str(keep["id"]), str(gone["id"])]
    assert factory.admin.delete(f"/api/projects/{gone['id']}").status_code == 204
    assert [blob.key for blob in exports.blobs()] == [before[0]]
    # Left by an older audino: a deleted project's file is swept once past the grace period.
    stray = f"{gone['id'] + 100}/7"
    exports.put_file(_scratch(app_env, b"old export"), stray)
    with app_env.database.session(write=False) as db:
        found = unused_blobs.sweep(db, app_env.storage, app_env.settings, grace_seconds=0)
    assert [blob.key for blob in found.export_orphans] == [stray]
    assert [blob.key for blob in exports.blobs()] == [before[0]]


def _scratch(app_env: AppEnv, content: bytes) -> Path:
    path = app_env.settings.resolved_data_dir / "scratch.bin"
    path.write_bytes(content)
    return path
