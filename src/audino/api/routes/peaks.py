"""Peaks, thumbnail and spectrogram tiles of a datapoint's audio, for those who may read it,
and processing it again (managers)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from audino.api import openapi
from audino.api.deps import DatapointManager, DatapointReader, DbDep, SettingsDep, StorageDep
from audino.api.routes.jobs import JobPublic, job_public
from audino.audio import spectrogram
from audino.db.models import Datapoint
from audino.services import windows
from audino.services.errors import InvalidInput, NotFound
from audino.services.ingest import derived as derived_audio
from audino.services.ingest import job as ingest

router = APIRouter(prefix="/api", tags=["audio"])

IMMUTABLE = "private, max-age=31536000, immutable"
MAX_PIXELS = 1 << 22


class PeaksLevel(BaseModel):
    level: int
    samples_per_pixel: int
    length: int


class PeaksInfo(BaseModel):
    duration: float
    sample_rate: int
    channels: int
    bits: int
    levels: list[PeaksLevel]


class FrequencyTick(BaseModel):
    hz: float
    y: float


class SpectrogramAxis(BaseModel):
    scale: str
    height: int
    sample_rate: int
    min_hz: float
    max_hz: float
    ticks: list[FrequencyTick]


def _derived(media_type: str, what: str) -> dict[str, Any]:
    """The decorator arguments of a file derived from the audio, sent with an ETag."""
    etag = {"ETag": {"required": True, "schema": {"type": "string"}}}
    return {
        "response_class": Response,
        "responses": {
            200: {**openapi.binary(media_type, description=what), "headers": etag},
            **openapi.NOT_MODIFIED,
            **openapi.answers(409),  # the audio is still being processed, or that failed
        },
        "openapi_extra": {"parameters": [openapi.IF_NONE_MATCH]},
    }


def _cached(request: Request, etag: str) -> Response | None:
    if etag in (t.strip() for t in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": IMMUTABLE})
    return None


def _peaks(db: Session, dp: Datapoint) -> derived_audio.Peaks:
    return windows.window_peaks(derived_audio.peaks(db, windows.parent_of(db, dp)), dp)


@router.post("/datapoints/{datapoint_id}/ingest", response_model=JobPublic, status_code=202)
def reingest(access: DatapointManager, db: DbDep) -> JobPublic:
    """Processes the audio again (peaks, thumbnail, playback copy) as a new ingest job:
    for datapoints added before ingest existed, or to redo a failed one."""
    principal = access.principal
    actor = principal.user.id if principal.user else None
    return job_public(ingest.again(db, access.datapoint, actor_id=actor))


@router.get(
    "/datapoints/{datapoint_id}/peaks", response_model=PeaksInfo, responses=openapi.answers(409)
)
def get_peaks(access: DatapointReader, db: DbDep) -> PeaksInfo:
    """The levels of the peaks pyramid, finest (about 10 ms per pixel) to coarsest. A
    window's peaks start at the window's start."""
    found = _peaks(db, access.datapoint)
    return PeaksInfo(
        duration=found.duration,
        sample_rate=found.sample_rate,
        channels=found.channels,
        bits=8,
        levels=[
            PeaksLevel(level=lv.level, samples_per_pixel=lv.samples_per_pixel, length=lv.length)
            for lv in found.levels
        ],
    )


@router.get(
    "/datapoints/{datapoint_id}/peaks/{level}",
    **_derived("application/octet-stream", "int8 min/max pairs."),
)
def get_peaks_level(
    request: Request,
    access: DatapointReader,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
    level: Annotated[int, Path(ge=0, le=64)],
    start: Annotated[int | None, Query(ge=0, le=2**40)] = None,
    end: Annotated[int | None, Query(ge=0, le=2**40)] = None,
) -> Response:
    """int8 min/max pairs of pixels [start, end): for each pixel, for each channel, min then
    max (value / 127 of full scale). The range is clipped to the level's length."""
    found = _peaks(db, access.datapoint)
    if level >= len(found.levels):
        raise NotFound(
            f"There is no peaks level {level}; levels are 0 to {len(found.levels) - 1}.",
            code="no_level",
        )
    chosen = found.levels[level]
    first = min(start or 0, chosen.length)
    last = chosen.length if end is None else min(end, chosen.length)
    if last < first:
        raise InvalidInput("end must not be before start.", code="bad_range")
    # The level's byte offset tells windows of one recording apart.
    etag = f'"{found.key.rsplit("/", 1)[-1]}-{level}-{chosen.offset}-{first}-{last}"'
    if (hit := _cached(request, etag)) is not None:
        return hit
    a, b = chosen.data_range(found.channels, first, last)
    with derived_audio.derived_store(settings, storage).open(found.key) as f:
        f.seek(a)
        body = f.read(b - a)
    return Response(
        body,
        media_type="application/octet-stream",
        headers={"Cache-Control": IMMUTABLE, "ETag": etag},
    )


@router.get("/datapoints/{datapoint_id}/thumbnail", **_derived("image/png", "A PNG."))
def get_thumbnail(
    request: Request,
    access: DatapointReader,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> Response:
    """A small PNG of the whole waveform (all channels merged)."""
    dp = windows.parent_of(db, access.datapoint)
    derived_audio.require_ready(dp)
    row = derived_audio.find(db, dp.id, derived_audio.THUMBNAIL)
    if row is None:
        raise NotFound(f"Datapoint {dp.id} has no thumbnail.", code="no_thumbnail")
    etag = f'"{row.storage_key.rsplit("/", 1)[-1]}"'
    if (hit := _cached(request, etag)) is not None:
        return hit
    with derived_audio.derived_store(settings, storage).open(row.storage_key) as f:
        body = f.read()
    return Response(
        body, media_type="image/png", headers={"Cache-Control": IMMUTABLE, "ETag": etag}
    )


@router.get("/datapoints/{datapoint_id}/spectrogram", **_derived("image/png", "A PNG tile."))
def get_spectrogram(
    request: Request,
    access: DatapointReader,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
    start: Annotated[float, Query(ge=0, le=1e7)],
    end: Annotated[float, Query(gt=0, le=1e7)],
    width: Annotated[int, Query(ge=1, le=spectrogram.MAX_WIDTH)] = 512,
    height: Annotated[int, Query(ge=8, le=spectrogram.MAX_HEIGHT)] = 256,
    scale: Literal["linear", "mel", "log"] = "linear",
    window: Annotated[int, Query(ge=spectrogram.MIN_WINDOW, le=spectrogram.MAX_WINDOW)] = 1024,
    hop: Annotated[int | None, Query(ge=1, le=spectrogram.MAX_WINDOW)] = None,
    db_range: Annotated[float, Query(ge=10, le=200)] = 80.0,
    colormap: Literal["viridis", "magma", "gray"] = "viridis",
    channel: Annotated[int, Query(ge=0, le=255)] = 0,
) -> Response:
    """A PNG tile of the spectrogram of [start, end) s, `width` columns (one STFT frame
    centred in each) by `height` rows (top = highest frequency, see /spectrogram/axis)."""
    spec = spectrogram.TileSpec(
        start=start,
        end=end,
        width=width,
        height=height,
        scale=scale,
        window=window,
        hop=hop,
        db_range=db_range,
        colormap=colormap,
        channel=channel,
    )
    dp = access.datapoint
    spec = windows.window_tile(dp, spec)  # a window's tiles are its recording's
    recording = windows.parent_of(db, dp)
    key, _ = derived_audio.spectrogram_tile(db, storage, settings, recording, spec)
    etag = f'"{key.rsplit("/", 1)[-1]}"'
    if (hit := _cached(request, etag)) is not None:
        return hit
    with derived_audio.derived_store(settings, storage).open(key) as f:
        body = f.read()
    return Response(
        body, media_type="image/png", headers={"Cache-Control": IMMUTABLE, "ETag": etag}
    )


@router.get("/datapoints/{datapoint_id}/spectrogram/axis", response_model=SpectrogramAxis)
def get_spectrogram_axis(
    access: DatapointReader,
    height: Annotated[int, Query(ge=8, le=spectrogram.MAX_HEIGHT)] = 256,
    scale: Literal["linear", "mel", "log"] = "linear",
) -> SpectrogramAxis:
    """Round frequencies and their row (pixels from the top) for a tile of this height."""
    rate = max(1, access.datapoint.sample_rate)
    low = float(spectrogram.frequency_at(0.0, scale, rate))
    return SpectrogramAxis(
        scale=scale,
        height=height,
        sample_rate=rate,
        min_hz=low,
        max_hz=rate / 2,
        ticks=[FrequencyTick(**t) for t in spectrogram.axis_ticks(scale, height, rate)],
    )
