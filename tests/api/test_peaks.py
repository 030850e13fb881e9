"""Peaks levels, spectrogram tiles and the axis over HTTP: ranges, caching, permissions."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import delete, update

from audino.db.models import Datapoint, DerivedAudio
from tests.conftest import FORMATS, AppEnv, Factory

IMMUTABLE = "private, max-age=31536000, immutable"


@pytest.fixture
def stereo(app_env: AppEnv, factory: Factory) -> dict[str, Any]:
    factory.user("ann")
    factory.user("carol")
    project = factory.project(ann="annotator")
    factory.project("Elsewhere", carol="manager")
    data = (FORMATS / "float32_stereo_44k.wav").read_bytes()
    r = factory.admin.post(
        f"/api/projects/{project['id']}/datapoints",
        files={"file": ("stereo.wav", data)},
        data={"assign_to": "ann"},
    )
    assert r.status_code == 201, r.text
    dp = r.json()["datapoint"]
    return {"dp": dp, "base": f"/api/datapoints/{dp['id']}"}


def test_peaks_describe_levels_finest_first(factory: Factory, stereo: dict[str, Any]) -> None:
    info = factory.admin.get(f"{stereo['base']}/peaks").json()
    assert (info["sample_rate"], info["channels"], info["bits"]) == (44100, 2, 8)
    assert info["duration"] == pytest.approx(3.0)
    assert info["levels"] == [{"level": 0, "samples_per_pixel": 512, "length": 259}]


def test_a_level_range_is_pixel_major_min_max_pairs(
    factory: Factory, stereo: dict[str, Any], as_user: Any
) -> None:
    url = f"{stereo['base']}/peaks/0"
    whole = factory.admin.get(url)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "application/octet-stream"
    assert whole.headers["cache-control"] == IMMUTABLE and whole.headers["etag"]
    pixels = np.frombuffer(whole.content, np.int8).reshape(259, 2, 2)
    assert (pixels[:, :, 0] <= pixels[:, :, 1]).all()
    part = as_user("ann").get(url, params={"start": 10, "end": 20})
    assert part.content == whole.content[10 * 4 : 20 * 4]
    clipped = factory.admin.get(url, params={"start": 250, "end": 10**6})
    assert clipped.content == whole.content[250 * 4 :]
    assert factory.admin.get(url, params={"start": 500}).content == b""
    bad = factory.admin.get(url, params={"start": 20, "end": 10})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_range"
    missing = factory.admin.get(f"{stereo['base']}/peaks/3")
    assert missing.status_code == 404 and missing.json()["code"] == "no_level"
    again = factory.admin.get(url, headers={"If-None-Match": whole.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_only_readers_get_peaks_and_tiles(
    app_env: AppEnv, stereo: dict[str, Any], as_user: Any
) -> None:
    carol = as_user("carol")
    for path in ("peaks", "peaks/0", "thumbnail", "spectrogram?start=0&end=1", "spectrogram/axis"):
        assert carol.get(f"{stereo['base']}/{path}").status_code == 404
        assert app_env.client().get(f"{stereo['base']}/{path}").status_code == 401


def test_processing_datapoint_answers_409(
    app_env: AppEnv, factory: Factory, stereo: dict[str, Any]
) -> None:
    with app_env.database.session() as db:
        db.execute(
            update(Datapoint)
            .where(Datapoint.id == stereo["dp"]["id"])
            .values(ingest_status="processing")
        )
    for path in ("peaks", "peaks/0", "thumbnail", "spectrogram?start=0&end=1"):
        r = factory.admin.get(f"{stereo['base']}/{path}")
        assert r.status_code == 409 and r.json()["code"] == "processing", path


def test_spectrogram_tile_is_a_png_of_the_asked_size_and_kept(
    app_env: AppEnv, factory: Factory, stereo: dict[str, Any], as_user: Any
) -> None:
    params = {"start": 0.5, "end": 2.5, "width": 120, "height": 64, "scale": "mel"}
    r = as_user("ann").get(f"{stereo['base']}/spectrogram", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png" and r.headers["cache-control"] == IMMUTABLE
    assert Image.open(io.BytesIO(r.content)).size == (120, 64)
    again = factory.admin.get(f"{stereo['base']}/spectrogram", params=params)
    assert again.content == r.content and again.headers["etag"] == r.headers["etag"]
    other = {**params, "channel": 1, "colormap": "gray", "window": 256, "hop": 128}
    gray = factory.admin.get(f"{stereo['base']}/spectrogram", params=other)
    assert Image.open(io.BytesIO(gray.content)).mode == "L"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": 2, "end": 1}, "bad_window"),
        ({"start": 5, "end": 6}, "bad_window"),
        ({"start": 0, "end": 1, "channel": 2}, "bad_channel"),
    ],
)
def test_spectrogram_refuses_bad_windows(
    factory: Factory, stereo: dict[str, Any], params: dict[str, Any], code: str
) -> None:
    r = factory.admin.get(f"{stereo['base']}/spectrogram", params=params)
    assert r.status_code == 400 and r.json()["code"] == code


def test_spectrogram_parameters_out_of_range_are_422(
    factory: Factory, stereo: dict[str, Any]
) -> None:
    for params in ({"start": 0, "end": 1, "scale": "bark"}, {"start": 0, "end": 1, "width": 0}):
        assert factory.admin.get(f"{stereo['base']}/spectrogram", params=params).status_code == 422


def test_axis_ticks_match_the_tile_rows(factory: Factory, stereo: dict[str, Any]) -> None:
    axis = factory.admin.get(
        f"{stereo['base']}/spectrogram/axis", params={"scale": "linear", "height": 100}
    ).json()
    assert (axis["sample_rate"], axis["min_hz"], axis["max_hz"]) == (44100, 0.0, 22050.0)
    assert axis["ticks"][0] == {"hz": 0.0, "y": 100.0}
    for tick in axis["ticks"]:
        assert tick["y"] == pytest.approx(100 * (1 - tick["hz"] / 22050), abs=0.01)


def test_tiles_longer_than_ten_minutes_come_from_the_overview(
    app_env: AppEnv, factory: Factory, stereo: dict[str, Any]
) -> None:
    params = {"start": 0, "end": 700, "width": 70, "height": 32}
    r = factory.admin.get(f"{stereo['base']}/spectrogram", params=params)
    assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).size == (70, 32)
    with app_env.database.session() as db:  # a datapoint processed before overviews existed
        db.execute(delete(DerivedAudio).where(DerivedAudio.kind == "spectrogram"))
    r = factory.admin.get(f"{stereo['base']}/spectrogram", params={**params, "width": 71})
    assert r.status_code == 400 and r.json()["code"] == "window_too_long"
