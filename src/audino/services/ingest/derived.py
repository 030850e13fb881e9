"""Reading what ingest derived from a datapoint's audio: the peaks pyramid, the playback
copy, and spectrogram tiles (made on demand and kept in storage)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.audio import overview, spectrogram
from audino.audio.peaks import Level, level_from_dict
from audino.config import Settings
from audino.db.models import Datapoint, DerivedAudio, IngestStatus
from audino.services.errors import Conflict, InvalidInput, NotFound
from audino.storage import remote
from audino.storage.blobs import BlobStore

PEAKS = "peaks"
THUMBNAIL = "thumbnail"
PLAYBACK = "playback"
OVERVIEW = "spectrogram"  # the coarse whole-file spectrogram long tiles are drawn from
FEATURES = "features"  # the feature explorer's arrays (services/features.py), not ingest's
VERSION = "v1"
_SUFFIX = {PEAKS: ".dat", THUMBNAIL: ".png", PLAYBACK: ".flac", OVERVIEW: ".bin"}
KINDS = tuple(_SUFFIX)  # what ingest derives
TILES = "tiles"  # the folder of cached spectrogram tiles, one subfolder per audio


_stores: dict[tuple[str, str, int], BlobStore] = {}


def derived_store(settings: Settings, storage: BlobStore) -> BlobStore:
    """Where derived blobs live: beside the originals' store, under `<its url>-derived`.

    They are a cache that ingest can rebuild, so they stay out of the originals' listing,
    their deletion bookkeeping and their backups.
    """
    url = storage.url.rstrip("/") + "-derived"
    secret = settings.resolved_secret_key()
    store = _stores.get((url, secret, storage.presign_seconds))
    if store is None:
        options = remote.fs_options(
            url, endpoint_url=settings.s3_endpoint_url, extra=settings.storage_options
        )
        store = _stores[(url, secret, storage.presign_seconds)] = BlobStore(
            url, secret, options, presign_seconds=storage.presign_seconds
        )
    return store


def derived_key(storage: BlobStore, name: str, kind: str, version: str | None = None) -> str:
    """A content-derived key: the same audio always yields the same derived blob."""
    suffix = ".npz" if kind == FEATURES else _SUFFIX.get(kind, "")
    return storage.key_for(f"{name}:{kind}:{version or VERSION}", suffix)


def audio_name(dp: Datapoint) -> str:
    """What derived keys are made from: the audio's content, so twins share them."""
    return dp.sha256 or dp.storage_key


def tile_folder(storage: BlobStore, name: str) -> str:
    """The folder holding every cached tile of one audio (so they go in one delete)."""
    return f"{TILES}/{storage.key_for(f'{name}:{TILES}')}"


def tile_key(storage: BlobStore, name: str, spec: spectrogram.TileSpec) -> str:
    digest = storage.key_for(f"{name}:{spec.cache_name()}", ".png").replace("/", "")
    return f"{tile_folder(storage, name)}/{digest}"


def find(db: Session, datapoint_id: int, kind: str) -> DerivedAudio | None:
    return db.scalar(
        select(DerivedAudio).where(
            DerivedAudio.datapoint_id == datapoint_id, DerivedAudio.kind == kind
        )
    )


def require_ready(dp: Datapoint) -> None:
    """409 while ingest runs or after it failed."""
    if dp.ingest_status == IngestStatus.processing.value:
        raise Conflict(
            f"Datapoint {dp.id} is still being processed; try again when it is ready.",
            code="processing",
            extra={"job_id": dp.ingest_job_id},
        )
    if dp.ingest_status == IngestStatus.failed.value:
        raise Conflict(
            dp.ingest_error or f"Processing datapoint {dp.id} failed.",
            code="ingest_failed",
            extra={"job_id": dp.ingest_job_id},
        )


@dataclass
class Peaks:
    key: str
    duration: float
    sample_rate: int
    channels: int
    levels: list[Level]


def peaks(db: Session, dp: Datapoint) -> Peaks:
    require_ready(dp)
    row = find(db, dp.id, PEAKS)
    if row is None:
        raise NotFound(
            f"Datapoint {dp.id} has no peaks (it was added before peaks existed).",
            code="no_peaks",
        )
    return Peaks(
        key=row.storage_key,
        duration=dp.duration,
        sample_rate=int(row.info.get("sample_rate", dp.sample_rate)),
        channels=int(row.info.get("channels", dp.channels)),
        levels=[level_from_dict(raw) for raw in row.info.get("levels", [])],
    )


def playback_copy(db: Session, dp: Datapoint) -> DerivedAudio | None:
    """The seek-exact browser copy, when ingest made one."""
    if dp.ingest_status != IngestStatus.ready.value:
        return None
    return find(db, dp.id, PLAYBACK)


def check_tile(dp: Datapoint, spec: spectrogram.TileSpec) -> None:
    if not spec.end > spec.start:
        raise InvalidInput("The spectrogram window must end after it starts.", code="bad_window")
    if spec.start >= dp.duration:
        raise InvalidInput(
            f"The window starts after the audio ends ({dp.duration:.3f} s).", code="bad_window"
        )
    if spec.channel >= max(1, dp.channels):
        raise InvalidInput(
            f"Channel {spec.channel} does not exist; the audio has {dp.channels}.",
            code="bad_channel",
        )


def spectrogram_tile(
    db: Session, storage: BlobStore, settings: Settings, dp: Datapoint, spec: spectrogram.TileSpec
) -> tuple[str, bool]:
    """The key of the PNG tile in the derived store (made now when missing), and whether
    it was made."""
    require_ready(dp)
    check_tile(dp, spec)
    derived = derived_store(settings, storage)
    key = tile_key(derived, audio_name(dp), spec)
    if derived.exists(key):
        return key, False
    if spec.end - spec.start > spectrogram.MAX_TILE_SECONDS:
        png = _overview_tile(db, derived, dp, spec)
    else:
        copy = find(db, dp.id, PLAYBACK)
        # Decode from the seek-exact copy when there is one: its timestamps are exact.
        source = (derived, copy.storage_key) if copy else (storage, dp.storage_key)
        with _source(*source) as audio:
            png = spectrogram.tile(audio, spec, dp.sample_rate)
    settings.temp_dir.mkdir(parents=True, exist_ok=True)
    temp = settings.temp_dir / f"tile-{uuid.uuid4().hex}.png"
    try:
        temp.write_bytes(png)
        derived.put_file(temp, key)
    finally:
        temp.unlink(missing_ok=True)
    return key, True


def _overview_tile(
    db: Session, derived: BlobStore, dp: Datapoint, spec: spectrogram.TileSpec
) -> bytes:
    row = find(db, dp.id, OVERVIEW)
    if row is None:
        raise InvalidInput(
            f"A spectrogram tile of this datapoint covers at most "
            f"{spectrogram.MAX_TILE_SECONDS:g} s (it has no overview); ask for a shorter window.",
            code="window_too_long",
        )
    info = {key: int(value) for key, value in row.info.items()}
    first, last = overview.frame_range(info, spec)
    size = info["channels"] * info["bins"]
    with derived.open(row.storage_key) as f:
        f.seek(first * size)
        frames = f.read((last - first + 1) * size)
    return overview.tile(frames, first, info, spec)


@contextlib.contextmanager
def _source(storage: BlobStore, key: str) -> Iterator[Path | IO[bytes]]:
    """A local path, or a remote blob opened for ranged reads (PyAV seeks in it)."""
    local = storage.local_path(key)
    if local is not None:
        yield local
        return
    with storage.open(key) as f:
        yield f
