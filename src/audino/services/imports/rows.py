"""Records to table rows for imports: stored forms, this instance's ids, bulk inserts.

Callers check the records first; `Rows` only converts and writes, inside the caller's
transaction, keeping the file's segment ids unless they are already taken here.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from audino.db.bulk import BulkWriter
from audino.db.models import Assignment, Datapoint, Segment, utcnow
from audino.formats.records import AssignmentRecord, Recording, SegmentRecord
from audino.services.labels.mapping import ValueIds

DATAPOINT = (
    "id", "project_id", "storage_key", "original_name", "duration", "sample_rate", "channels",
    "codec", "container", "size", "sha256", "reference_transcript", "metadata", "status",
    "marked_for_review", "parent_id", "offset", "created_at", "updated_at",
)  # fmt: skip
ASSIGNMENT = (
    "datapoint_id", "user_id", "status", "marked_for_review", "values", "version",
    "created_at", "updated_at", "completed_at",
)  # fmt: skip
SEGMENT = (
    "id", "datapoint_id", "author_id", "start", "end", "channel", "low_hz", "high_hz",
    "transcript", "values", "attributes", "source", "model", "model_version", "confidence",
    "version", "created_at", "updated_at",
)  # fmt: skip


class Rows:
    """Rows collected per table, then written with one bulk insert each."""

    def __init__(self, conn: Connection, user_ids: dict[str, int], schema: ValueIds) -> None:
        self.conn = conn
        self.bulk = BulkWriter(conn)
        self.user_ids = user_ids
        self.author_id: dict[str | None, int | None] = {None: None}
        self.author_id.update(user_ids)
        self.encode = schema.encode  # raises BadValue
        self.now = utcnow()
        self.datapoints: list[tuple[Any, ...]] = []
        self.assignments: list[tuple[Any, ...]] = []
        self.segments: list[tuple[Any, ...]] = []

    def new_datapoint_ids(self, count: int) -> list[int]:
        return self.bulk.next_ids(Datapoint.__table__, count)  # type: ignore[arg-type]

    def datapoint(self, dp_id: int, project_id: int, r: Recording, parent_id: int | None) -> None:
        ts, made = self.bulk.ts, r.created_at or self.now
        self.datapoints.append((
            dp_id, project_id, r.storage_key, r.name, r.duration, r.sample_rate, r.channels,
            r.codec, r.container, r.size, r.sha256, r.reference_transcript,
            orjson.dumps(r.metadata).decode(), r.status, r.marked_for_review, parent_id,
            r.offset, ts(made), ts(r.updated_at or made),
        ))  # fmt: skip

    def assignment(self, dp_id: int, a: AssignmentRecord) -> None:
        ts, made = self.bulk.ts, a.created_at or self.now
        self.assignments.append((
            dp_id, self.user_ids[a.user], a.status, a.marked_for_review, self.encode(a.values),
            a.version, ts(made), ts(a.updated_at or made), ts(a.completed_at),
        ))  # fmt: skip

    def segments_of(self, dp_id: int, segments: tuple[SegmentRecord, ...]) -> None:
        ts, now, encode, author_id = self.bulk.ts, self.now, self.encode, self.author_id
        dumps, append, new_id = orjson.dumps, self.segments.append, uuid.uuid4
        last: Any = None
        last_text: Any = None
        for s in segments:
            sid = s.id
            if sid is None or len(sid) > 36:
                sid = str(new_id())
            # updated_at is mostly created_at, parsed once: convert each object once.
            made = s.created_at or now
            if made is not last:
                last, last_text = made, ts(made)
            updated = s.updated_at
            attributes = s.attributes
            append((
                sid, dp_id, author_id[s.author], s.start, s.end, s.channel, s.low_hz, s.high_hz,
                s.transcript, encode(s.values), dumps(attributes).decode() if attributes else "{}",
                s.source, s.model, s.model_version, s.confidence, s.version, last_text,
                last_text if updated is None or updated is made else ts(updated),
            ))  # fmt: skip

    def write(self) -> int:
        """Inserts everything collected; returns how many segment ids had to be renewed."""
        bulk, conn = self.bulk, self.conn
        renewed = 0
        with bulk.roomy_cache():
            bulk.insert(Datapoint.__table__, DATAPOINT, self.datapoints)  # type: ignore[arg-type]
            bulk.insert(Assignment.__table__, ASSIGNMENT, self.assignments)  # type: ignore[arg-type]
            segments: Any = Segment.__table__
            try:
                # Keep the file's segment ids (a restore); look up clashes only if one fails.
                with conn.begin_nested():
                    bulk.insert(segments, SEGMENT, self.segments)
            except (IntegrityError, conn.dialect.loaded_dbapi.IntegrityError):
                renewed = self._renew_taken_ids()
                if not renewed:
                    raise
                bulk.insert(segments, SEGMENT, self.segments)
        return renewed

    def _renew_taken_ids(self) -> int:
        """A fresh uuid for every segment whose id is already in use here."""
        ids = [r[0] for r in self.segments]
        taken: set[str] = set()
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            taken.update(self.conn.scalars(select(Segment.id).where(Segment.id.in_(chunk))))
        self.segments = [(str(uuid.uuid4()), *r[1:]) if r[0] in taken else r for r in self.segments]
        return len(taken)
