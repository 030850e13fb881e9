"""Audio at absurd sample rates or lengths is refused before anything is stored; what
ingest derives from legal audio stays bounded by its duration."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audino.db.models import Datapoint, DerivedAudio
from audino.services.imports.bulk import BulkImport
from tests.api.test_upload import snapshot, upload
from tests.conftest import AppEnv, Factory


def wav(rate: int, samples: int) -> bytes:
    """16-bit mono PCM at `rate`, written by the standard library (a quiet ramp)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes((i * 7) % 256 for i in range(samples * 2)))
    return out.getvalue()


@pytest.mark.parametrize("rate", [1, 2])
def test_tiny_sample_rates_are_refused_and_nothing_stored(
    app_env: AppEnv, factory: Factory, rate: int
) -> None:
    project = factory.project()
    before = snapshot(app_env)
    data = wav(rate, 400_000)  # 800 KB: 111 hours at 1 Hz
    r = upload(factory.admin, project["id"], ("slow.wav", data))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "unsupported_sample_rate"
    assert f"the sample rate is {rate} Hz" in body["detail"]
    assert "1,000 to 768,000 Hz" in body["detail"] and "resample" in body["detail"]
    assert snapshot(app_env) == before


def test_rates_above_the_maximum_are_refused(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    app_env.settings.max_sample_rate = 48_000
    before = snapshot(app_env)
    r = upload(factory.admin, project["id"], ("bat.wav", wav(96_000, 9_600)))
    assert r.status_code == 422 and r.json()["code"] == "unsupported_sample_rate", r.text
    assert "96,000 Hz" in r.json()["detail"]
    assert snapshot(app_env) == before


def test_too_long_recordings_are_refused(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    app_env.settings.max_duration_hours = 1 / 3600  # one second
    before = snapshot(app_env)
    r = upload(factory.admin, project["id"], ("long.wav", wav(8000, 8000 * 3)))
    assert r.status_code == 413 and r.json()["code"] == "too_long", r.text
    assert "lasts" in r.json()["detail"] and "AUDINO_MAX_DURATION_HOURS" in r.json()["detail"]
    assert snapshot(app_env) == before


def test_a_legal_low_rate_works_and_its_derived_data_is_small(
    app_env: AppEnv, factory: Factory
) -> None:
    project = factory.project()
    data = wav(8000, 8000 * 30)  # 30 s at 8 kHz
    r = upload(factory.admin, project["id"], ("phone.wav", data))
    assert r.status_code == 201, r.text
    dp = r.json()["datapoint"]
    assert dp["sample_rate"] == 8000 and dp["duration"] == pytest.approx(30.0)
    with app_env.database.session(write=False) as db:
        sizes = dict(
            db.execute(
                select(DerivedAudio.kind, DerivedAudio.size).where(
                    DerivedAudio.datapoint_id == dp["id"]
                )
            ).all()
        )
    assert sizes, "ingest derived nothing"
    # Peaks, thumbnail and overview of 30 s: kilobytes, well below the audio itself.
    assert sum(sizes.values()) < len(data) / 4, sizes


def test_bulk_import_refuses_tiny_rates_with_the_same_reason(
    app_env: AppEnv, factory: Factory, tmp_path: Path
) -> None:
    pid = factory.project("Bulk")["id"]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "slow.wav").write_bytes(wav(1, 4_000))
    (folder / "phone.wav").write_bytes(wav(8000, 8000))
    summary = BulkImport(app_env.database, app_env.storage, app_env.settings, pid, str(folder))
    result = summary.run()
    assert (result.imported, result.failed) == (1, 1)
    refused = dict(result.failures)
    assert "the sample rate is 1 Hz" in refused["slow.wav"]
    with app_env.database.session(write=False) as db:
        names = list(db.scalars(select(Datapoint.original_name).where(Datapoint.project_id == pid)))
        assert names == ["phone.wav"]
        assert db.scalar(select(func.count()).select_from(Datapoint)) == 1
