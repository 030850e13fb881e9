"""Long recordings as sessions: a project option presents each long recording as
consecutive windows that annotators take one by one.

A window is a datapoint with `parent_id` (the recording), `offset` (where it starts in the
recording) and its own duration; it shares the recording's stored audio and derived blobs
(no copies). Its segments are stored in the recording's absolute time. A split recording
has `window_count` > 0 and leaves the lists and queues; its windows take its place.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from audino.audio import spectrogram
from audino.audio import windows as cutting
from audino.audio.peaks import OVERVIEW_PIXELS, Level
from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    IngestStatus,
    Project,
    Segment,
)
from audino.formats.records import SegmentRecord
from audino.services import assignments, audit
from audino.services.errors import Conflict, InvalidInput, NotFound
from audino.services.ingest import derived as derived_audio
from audino.services.ingest.derived import Peaks, check_tile
from audino.storage.blobs import BlobStore

SETTING = "sessions"
MODES = ("off", "fixed", "silence")
DEFAULT_LENGTH = 60.0
MIN_LENGTH = 5.0
MAX_LENGTH = 3600.0


@dataclass(frozen=True)
class SessionsConfig:
    mode: str = "off"
    length: float = DEFAULT_LENGTH
    longer_than: float = 2 * DEFAULT_LENGTH

    @property
    def on(self) -> bool:
        return self.mode != "off"


def _seconds(raw: object, what: str, low: float, high: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise InvalidInput(f"sessions.{what} must be a number of seconds.", code="bad_sessions")
    if not low <= raw <= high:
        raise InvalidInput(
            f"sessions.{what} must be between {low:g} and {high:g} seconds (got {raw:g}).",
            code="bad_sessions",
        )
    return float(raw)


def config_of(settings: Mapping[str, Any] | None) -> SessionsConfig:
    """The project's sessions option, checked: 400 naming what is wrong."""
    raw = (settings or {}).get(SETTING)
    if raw is None:
        return SessionsConfig()
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            'sessions must be an object like {"mode": "fixed", "length": 60}.',
            code="bad_sessions",
        )
    unknown = sorted(set(raw) - {"mode", "length", "longer_than"})
    if unknown:
        raise InvalidInput(
            f"Unknown sessions option(s): {', '.join(map(str, unknown))}; "
            "use mode, length and longer_than.",
            code="bad_sessions",
        )
    mode = raw.get("mode", "off")
    if mode not in MODES:
        raise InvalidInput(
            f"sessions.mode must be one of {', '.join(MODES)} (got {mode!r}).",
            code="bad_sessions",
        )
    length = _seconds(raw.get("length", DEFAULT_LENGTH), "length", MIN_LENGTH, MAX_LENGTH)
    longer_than = _seconds(raw.get("longer_than", 2 * length), "longer_than", length, 1e7)
    return SessionsConfig(str(mode), length, longer_than)


def parent_of(db: Session, dp: Datapoint) -> Datapoint:
    """The recording a window belongs to (the datapoint itself when it is not a window)."""
    if dp.parent_id is None:
        return dp
    parent = db.get(Datapoint, dp.parent_id)
    return parent if parent is not None else dp


def window_counts(db: Session, parent_ids: set[int]) -> dict[int, int]:
    if not parent_ids:
        return {}
    rows = db.execute(
        select(Datapoint.id, Datapoint.window_count).where(Datapoint.id.in_(parent_ids))
    )
    return {pid: count for pid, count in rows}


def _has_segments(db: Session, ids: list[int]) -> bool:
    return bool(ids) and bool(db.scalar(select(exists().where(Segment.datapoint_id.in_(ids)))))


def _loudness(db: Session, derived: BlobStore, dp: Datapoint) -> tuple[Any, float] | None:
    """Per finest peaks pixel, the loudest absolute value; None without peaks."""
    try:
        found = derived_audio.peaks(db, dp)
    except (NotFound, Conflict):
        return None
    if not found.levels:
        return None
    finest = found.levels[0]
    a, b = finest.data_range(found.channels, 0, finest.length)
    with derived.open(found.key) as f:
        f.seek(a)
        pixels = f.read(b - a)
    step = finest.samples_per_pixel / found.sample_rate
    return cutting.peak_loudness(pixels, found.channels), step


def plan(
    db: Session, derived: BlobStore | None, dp: Datapoint, config: SessionsConfig
) -> list[tuple[float, float]]:
    if config.mode == "silence" and derived is not None:
        found = _loudness(db, derived, dp)
        if found is not None:
            loudness, step = found
            return cutting.silence_windows(dp.duration, config.length, loudness, step)
    return cutting.fixed_windows(dp.duration, config.length)


def check_splittable(db: Session, dp: Datapoint, config: SessionsConfig) -> None:
    if dp.parent_id is not None:
        raise Conflict(f"Datapoint {dp.id} is itself a window.", code="window")
    if dp.window_count:
        raise Conflict(
            f"Datapoint {dp.id} is already split into {dp.window_count} windows.",
            code="already_windowed",
        )
    if dp.ingest_status != IngestStatus.ready.value:
        raise Conflict(
            f"Datapoint {dp.id} is not processed yet; it is split when it is ready.",
            code="processing",
        )
    if not config.on:
        raise Conflict(
            "The project does not present recordings as windows; set sessions.mode first.",
            code="sessions_off",
        )
    if dp.duration <= config.longer_than:
        raise Conflict(
            f"Datapoint {dp.id} lasts {dp.duration:.1f} s; only recordings longer than "
            f"{config.longer_than:g} s are split.",
            code="too_short",
        )
    if _has_segments(db, [dp.id]):
        raise Conflict(
            f"Datapoint {dp.id} already has segments; it is kept whole.",
            code="has_segments",
        )


def split(
    db: Session,
    dp: Datapoint,
    config: SessionsConfig,
    derived: BlobStore | None,
    *,
    actor_id: int | None = None,
) -> list[Datapoint]:
    """Presents a recording as windows; its assignees are assigned every window."""
    check_splittable(db, dp, config)
    spans = plan(db, derived, dp, config)
    if len(spans) < 2:
        return []
    made = [
        Datapoint(
            project_id=dp.project_id,
            storage_key=dp.storage_key,
            original_name=dp.original_name,
            duration=round(end - start, 6),
            sample_rate=dp.sample_rate,
            channels=dp.channels,
            codec=dp.codec,
            container=dp.container,
            size=dp.size,
            sha256=None,
            metadata_={},
            parent_id=dp.id,
            offset=start,
            window_index=i,
            ingest_status=IngestStatus.ready.value,
        )
        for i, (start, end) in enumerate(spans, start=1)
    ]
    db.add_all(made)
    dp.window_count = len(made)
    db.flush()
    assignees = list(db.scalars(select(Assignment.user_id).where(Assignment.datapoint_id == dp.id)))
    db.execute(delete(Assignment).where(Assignment.datapoint_id == dp.id))
    for window in made:
        for user_id in assignees:
            db.add(Assignment(datapoint_id=window.id, user_id=user_id))
    db.flush()
    assignments.refresh_status(db, dp.id)
    audit.record(
        db,
        user_id=actor_id,
        action="datapoint.split",
        entity_type="datapoint",
        entity_id=dp.id,
        project_id=dp.project_id,
        after={"mode": config.mode, "length": config.length, "windows": len(made)},
    )
    return made


def split_one(
    db: Session, dp: Datapoint, derived: BlobStore, *, actor_id: int | None = None
) -> list[Datapoint]:
    """Splits one recording as its project's `sessions` setting says."""
    project = db.get(Project, dp.project_id)
    return split(
        db, dp, config_of(project.settings if project else None), derived, actor_id=actor_id
    )


def split_if_configured(db: Session, dp: Datapoint, derived: BlobStore) -> int:
    """After ingest: splits the recording when its project asks for it (else nothing)."""
    project = db.get(Project, dp.project_id)
    try:
        config = config_of(project.settings if project else None)
        check_splittable(db, dp, config)
    except (InvalidInput, Conflict):
        return 0
    return len(split(db, dp, config, derived))


def split_project(
    db: Session, project: Project, derived: BlobStore, *, actor_id: int | None = None
) -> tuple[int, int]:
    """Splits every recording the option applies to that is not split yet and has no
    segments; returns (recordings, windows)."""
    config = config_of(project.settings)
    if not config.on:
        raise Conflict(
            "The project does not present recordings as windows; set sessions.mode first.",
            code="sessions_off",
        )
    candidates = db.scalars(
        select(Datapoint)
        .where(
            Datapoint.project_id == project.id,
            Datapoint.parent_id.is_(None),
            Datapoint.window_count == 0,
            Datapoint.ingest_status == IngestStatus.ready.value,
            Datapoint.duration > config.longer_than,
            ~exists().where(Segment.datapoint_id == Datapoint.id),
        )
        .order_by(Datapoint.id)
    ).all()
    recordings = windows = 0
    for dp in candidates:
        made = split(db, dp, config, derived, actor_id=actor_id)
        if made:
            recordings += 1
            windows += len(made)
    return recordings, windows


def merge(db: Session, dp: Datapoint, *, actor_id: int | None = None) -> int:
    """Presents a split recording whole again; refused once any window has work."""
    if not dp.window_count:
        raise Conflict(f"Datapoint {dp.id} is not split into windows.", code="not_windowed")
    ids = list(db.scalars(select(Datapoint.id).where(Datapoint.parent_id == dp.id)))
    started = db.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(
            Assignment.datapoint_id.in_(ids),
            or_(
                Assignment.status != AssignmentStatus.todo.value,
                Assignment.marked_for_review.is_(True),
            ),
        )
    )
    if started or _has_segments(db, ids):
        raise Conflict(
            f"The windows of datapoint {dp.id} already have annotations or started work; "
            "they cannot be merged back.",
            code="windows_have_work",
        )
    assignees = set(db.scalars(select(Assignment.user_id).where(Assignment.datapoint_id.in_(ids))))
    db.execute(delete(Assignment).where(Assignment.datapoint_id.in_(ids)))
    db.execute(delete(Datapoint).where(Datapoint.id.in_(ids)))
    existing = set(db.scalars(select(Assignment.user_id).where(Assignment.datapoint_id == dp.id)))
    for user_id in sorted(assignees - existing):
        db.add(Assignment(datapoint_id=dp.id, user_id=user_id))
    count = dp.window_count
    dp.window_count = 0
    db.flush()
    assignments.refresh_status(db, dp.id)
    audit.record(
        db,
        user_id=actor_id,
        action="datapoint.merge_windows",
        entity_type="datapoint",
        entity_id=dp.id,
        project_id=dp.project_id,
        before={"windows": count},
    )
    return count


def window_peaks(found: Peaks, dp: Datapoint) -> Peaks:
    """A window's view of its recording's peaks: each level starts at the window's first
    pixel, and levels stop at the first one that fits an overview."""
    if dp.parent_id is None:
        return found
    levels: list[Level] = []
    for lv in found.levels:
        per_second = found.sample_rate / lv.samples_per_pixel
        first = min(lv.length, math.floor(dp.offset * per_second))
        last = min(lv.length, math.ceil((dp.offset + dp.duration) * per_second))
        length = max(0, last - first)
        shift = first * 2 * found.channels
        levels.append(Level(len(levels), lv.samples_per_pixel, length, lv.offset + shift))
        if length <= OVERVIEW_PIXELS:
            break
    return dataclasses.replace(found, duration=dp.duration, levels=levels)


def window_tile(dp: Datapoint, spec: spectrogram.TileSpec) -> spectrogram.TileSpec:
    """A tile asked of a window (seconds from its start) as a tile of its recording."""
    if dp.parent_id is None:
        return spec
    check_tile(dp, spec)
    return dataclasses.replace(spec, start=spec.start + dp.offset, end=spec.end + dp.offset)


def check_deletable(dp: Datapoint) -> None:
    """A window goes with its recording, or when the recording is merged back."""
    if dp.parent_id is not None and dp.window_index is not None:
        raise Conflict(
            f"Datapoint {dp.id} is window {dp.window_index} of recording {dp.parent_id}; "
            "delete the recording, or merge its windows back first.",
            code="window",
        )


def spread(
    db: Session, recording_id: int, segments: tuple[SegmentRecord, ...]
) -> list[tuple[int, tuple[SegmentRecord, ...]]]:
    """Imported segments of a recording, by the datapoint that holds them: the recording
    itself, or for one presented as windows, the window each segment starts in."""
    spans = db.execute(
        select(Datapoint.id, Datapoint.offset)
        .where(Datapoint.parent_id == recording_id, Datapoint.window_index.is_not(None))
        .order_by(Datapoint.offset)
    ).all()
    if not spans:
        return [(recording_id, segments)]
    starts = [offset for _, offset in spans]
    held: dict[int, list[SegmentRecord]] = {window_id: [] for window_id, _ in spans}
    for s in segments:
        place = max(0, bisect.bisect_right(starts, s.start) - 1)
        held[spans[place][0]].append(s)
    return [(window_id, tuple(found)) for window_id, found in held.items()]


def renumber(db: Session, project_id: int) -> None:
    """Window places and counts from parents and offsets (after an import of windows)."""
    kids: list[tuple[int, int]] = db.execute(  # type: ignore[assignment]
        select(Datapoint.id, Datapoint.parent_id)
        .where(Datapoint.project_id == project_id, Datapoint.parent_id.is_not(None))
        .order_by(Datapoint.parent_id, Datapoint.offset, Datapoint.id)
    ).all()
    if not kids:
        return
    places: dict[int, int] = {}
    for window_id, parent_id in kids:
        place = places[parent_id] = places.get(parent_id, 0) + 1
        db.execute(update(Datapoint).where(Datapoint.id == window_id).values(window_index=place))
    for parent_id, count in places.items():
        db.execute(update(Datapoint).where(Datapoint.id == parent_id).values(window_count=count))
