"""SQLAlchemy 2 typed models of audino's data model (see docs/architecture.md)."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Role(enum.StrEnum):
    manager = "manager"
    annotator = "annotator"
    reviewer = "reviewer"


class LabelKind(enum.StrEnum):
    single = "single"
    multi = "multi"
    text = "text"
    number = "number"
    boolean = "boolean"


class LabelScope(enum.StrEnum):
    segment = "segment"
    datapoint = "datapoint"


class AssignmentStatus(enum.StrEnum):
    todo = "todo"
    in_progress = "in_progress"
    done = "done"


class ReviewStatus(enum.StrEnum):
    """A reviewer's verdict on a user's submitted work (None: not reviewed since submitted)."""

    accepted = "accepted"
    rejected = "rejected"


class SegmentSource(enum.StrEnum):
    human = "human"
    model = "model"
    import_ = "import"


class IngestStatus(enum.StrEnum):
    processing = "processing"
    ready = "ready"
    failed = "failed"


class ApiKeyKind(enum.StrEnum):
    personal = "personal"
    project = "project"


class ApiKeyScope(enum.StrEnum):
    """What a project key may do: add audio, read and export, or everything a manager does."""

    upload = "upload"
    export = "export"
    manage = "manage"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuthSession(Base):
    """A browser login: the cookie carries the token, the row keeps only its hash."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="joined")


class ApiKey(Base):
    """A bearer secret for scripts: a user's personal token or a project's upload key."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Project keys only (personal tokens act as their user): an ApiKeyScope value.
    scope: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class LoginFailure(Base):
    """Failed logins counted under one throttle key, shared by every process on the database.

    Times are Unix seconds from the limiter's clock (services/auth.py); the key is a hash,
    so neither usernames (passwords typed into that field) nor addresses are kept.
    """

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # Logins under this key are refused before their password is checked until then; 0: not.
    locked_until: Mapped[float] = mapped_column(Double, default=0.0)
    # From then on the count is forgotten and the row may be pruned.
    expires_at: Mapped[float] = mapped_column(Double, index=True)
    updated_at: Mapped[float] = mapped_column(Double)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class Label(Base):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16), default=LabelScope.segment.value)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    color: Mapped[str | None] = mapped_column(String(32), default=None)
    hotkey: Mapped[str | None] = mapped_column(String(32), default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    values: Mapped[list[LabelValue]] = relationship(
        back_populates="label",
        order_by="LabelValue.position, LabelValue.id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class LabelValue(Base):
    __tablename__ = "label_values"
    __table_args__ = (UniqueConstraint("label_id", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(200))
    color: Mapped[str | None] = mapped_column(String(32), default=None)
    hotkey: Mapped[str | None] = mapped_column(String(32), default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)

    label: Mapped[Label] = relationship(back_populates="values")


class Datapoint(Base):
    __tablename__ = "datapoints"
    __table_args__ = (
        UniqueConstraint("project_id", "sha256"),
        Index("ix_datapoints_project_status_id", "project_id", "status", "id"),
        Index("ix_datapoints_project_name_id", "project_id", "original_name", "id"),
        Index("ix_datapoints_project_review_id", "project_id", "marked_for_review", "id"),
        # Covers the per-status counts shown with every list.
        Index(
            "ix_datapoints_project_counts",
            "project_id",
            "window_count",
            "status",
            "marked_for_review",
        ),
        Index("ix_datapoints_parent_id", "parent_id"),
        # Which stored audio is still used (deletes) and twins by content (ingest).
        Index("ix_datapoints_storage_key", "storage_key"),
        Index("ix_datapoints_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    storage_key: Mapped[str] = mapped_column(String(255))
    original_name: Mapped[str] = mapped_column(String(512))
    duration: Mapped[float] = mapped_column(Double)
    sample_rate: Mapped[int] = mapped_column(Integer)
    channels: Mapped[int] = mapped_column(Integer)
    codec: Mapped[str] = mapped_column(String(64))
    container: Mapped[str] = mapped_column(String(64), default="")
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    reference_transcript: Mapped[str] = mapped_column(Text, default="")
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    # Derived from the assignments so lists and counts need no join.
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.todo.value)
    marked_for_review: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("datapoints.id", ondelete="CASCADE"), default=None
    )
    offset: Mapped[float] = mapped_column(Double, default=0.0)
    # A long recording presented as consecutive windows (children with parent_id and offset):
    # how many it has (0: annotated as a whole). A window's 1-based place in its recording.
    window_count: Mapped[int] = mapped_column(Integer, default=0)
    window_index: Mapped[int | None] = mapped_column(Integer, default=None)
    # Ingest (peaks, thumbnail, playback copy): processing | ready | failed.
    ingest_status: Mapped[str] = mapped_column(String(16), default=IngestStatus.ready.value)
    ingest_error: Mapped[str | None] = mapped_column(Text, default=None)
    ingest_job_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # A gold item: this user's segments on it are the reference annotators are scored on.
    gold_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DerivedAudio(Base):
    """A blob ingest derived from a datapoint's audio: peaks, thumbnail or playback copy."""

    __tablename__ = "derived_audio"
    __table_args__ = (
        UniqueConstraint("datapoint_id", "kind"),
        Index("ix_derived_audio_storage_key", "storage_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    datapoint_id: Mapped[int] = mapped_column(ForeignKey("datapoints.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    storage_key: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    # peaks: {"levels": [...], "bits": 8}; playback: {"reason": ...}.
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("datapoint_id", "user_id"),
        Index("ix_assignments_user_status_datapoint", "user_id", "status", "datapoint_id"),
        # The review queue: submitted work not yet reviewed, oldest first.
        Index("ix_assignments_review_queue", "status", "review_status", "completed_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    datapoint_id: Mapped[int] = mapped_column(ForeignKey("datapoints.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.todo.value)
    marked_for_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # Datapoint-scope label values chosen by this user: {"<label id>": value}.
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    # When the person skipped the item outside a round: it comes last in their queue.
    skipped_at: Mapped[datetime | None] = mapped_column(default=None)
    # A ReviewStatus value; cleared when the user submits (completes) the work again.
    review_status: Mapped[str | None] = mapped_column(String(16), default=None)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Seconds the user spent working on the item in the editor, idle time left out.
    active_seconds: Mapped[float] = mapped_column(Double, default=0.0)

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])


class Segment(Base):
    __tablename__ = "segments"
    __table_args__ = (
        Index("ix_segments_datapoint_author_start", "datapoint_id", "author_id", "start"),
        Index("ix_segments_datapoint_model", "datapoint_id", "model", "model_version"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    datapoint_id: Mapped[int] = mapped_column(ForeignKey("datapoints.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Who last created or changed it, when not its author: a reviewer's correction.
    edited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    start: Mapped[float] = mapped_column(Double)
    end: Mapped[float] = mapped_column(Double)
    channel: Mapped[int | None] = mapped_column(Integer, default=None)
    low_hz: Mapped[float | None] = mapped_column(Double, default=None)
    high_hz: Mapped[float | None] = mapped_column(Double, default=None)
    transcript: Mapped[str] = mapped_column(Text, default="")
    # Segment-scope label values: {"<label id>": value id | [value ids] | text | number | bool}.
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source: Mapped[str] = mapped_column(String(16), default=SegmentSource.human.value)
    model: Mapped[str | None] = mapped_column(String(200), default=None)
    model_version: Mapped[str | None] = mapped_column(String(100), default=None)
    confidence: Mapped[float | None] = mapped_column(Double, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class JobStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Job(Base):
    """A background task users can watch: its progress, outcome, and how often it ran."""

    __tablename__ = "jobs"
    __table_args__ = (
        # The reaper looks for running jobs whose worker stopped beating.
        Index("ix_jobs_status_heartbeat", "status", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.queued.value)
    progress: Mapped[float] = mapped_column(Double, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text, default=None)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    datapoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("datapoints.id", ondelete="CASCADE"), index=True, default=None
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)


class PredictionDecision(Base):
    """One person's decision on a model's segment: accepted (their own segment made from it,
    `segment_id`), edited (accepted and changed) or rejected. An accepted prediction whose
    segment was deleted since counts as undecided again."""

    __tablename__ = "prediction_decisions"
    __table_args__ = (
        UniqueConstraint(
            "prediction_id", "user_id", name="uq_prediction_decisions_prediction_user"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prediction_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    segment_id: Mapped[str | None] = mapped_column(
        ForeignKey("segments.id", ondelete="SET NULL"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QueueRound(Base):
    """A round of active learning: the `size` most uncertain open items of a project when a
    manager started it, in that order (QueueRoundItem), until it is closed."""

    __tablename__ = "queue_rounds"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        Index("ix_queue_rounds_project_closed", "project_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the project
    size: Mapped[int] = mapped_column(Integer)  # the items it holds
    # The queue order it was picked by (uncertainty | disagreement) and the models it used.
    order: Mapped[str] = mapped_column(String(16))
    models: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class QueueRoundItem(Base):
    """An item of a round at its frozen place; `score` is what it was ranked by then."""

    __tablename__ = "queue_round_items"
    __table_args__ = (
        UniqueConstraint("round_id", "datapoint_id"),
        Index("ix_queue_round_items_round_position", "round_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("queue_rounds.id", ondelete="CASCADE"))
    datapoint_id: Mapped[int] = mapped_column(
        ForeignKey("datapoints.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Double, default=None)


class QueueRoundSkip(Base):
    """One person skipped a round's item: it comes back to them at the end of the round, the
    items skipped earliest first (skipping again moves it to the end again)."""

    __tablename__ = "queue_round_skips"
    __table_args__ = (UniqueConstraint("round_id", "user_id", "datapoint_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("queue_rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    datapoint_id: Mapped[int] = mapped_column(
        ForeignKey("datapoints.id", ondelete="CASCADE"), index=True
    )
    skipped_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(Base):
    """A note on an item or one of its segments: threaded, resolvable, mentioning members."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_datapoint_resolved", "datapoint_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    datapoint_id: Mapped[int] = mapped_column(ForeignKey("datapoints.id", ondelete="CASCADE"))
    # A comment on a segment; kept (on the item) when the segment is deleted.
    segment_id: Mapped[str | None] = mapped_column(String(36), default=None)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True, default=None
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The annotator whose work it is about (a rejection names them), when there is one.
    about_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str] = mapped_column(String(16), default="comment")  # comment | rejection
    body: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list[int]] = mapped_column(JSON, default=list)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_datapoint", "datapoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    # The item an event is about (segments, assignments, comments), for its history.
    datapoint_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DatapointFeatures(Base):
    """The audio features of a recording (audino.services.features): where the .npz of its
    feature arrays is in the derived store, and its summary vector for the dataset map."""

    __tablename__ = "datapoint_features"
    __table_args__ = (Index("ix_datapoint_features_storage_key", "storage_key"),)

    datapoint_id: Mapped[int] = mapped_column(
        ForeignKey("datapoints.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(String(32))
    storage_key: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    frames: Mapped[int] = mapped_column(Integer)
    # float32 little-endian, audino.audio.features.SUMMARY_LENGTH values.
    summary: Mapped[bytes] = mapped_column(LargeBinary)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class DatasetMap(Base):
    """A project's dataset map (audino.services.dataset_map): the 2-D position of each item
    with audio features, as the last `dataset_map` job laid them out."""

    __tablename__ = "dataset_maps"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    method: Mapped[str] = mapped_column(String(16))  # "pca" | "umap"
    version: Mapped[str] = mapped_column(String(16))
    items: Mapped[int] = mapped_column(Integer)
    # The newest summary vector laid out: a newer one means the map is out of date.
    features_at: Mapped[datetime | None] = mapped_column(default=None)
    # `items` int64 datapoint ids, then `items` (x, y) float32 pairs, little-endian.
    layout: Mapped[bytes] = mapped_column(LargeBinary)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProjectTemplate(Base):
    """A project setup saved to start new projects from (audino.services.templates): its
    labels, settings, guidelines and suggested exports as one checked template document."""

    __tablename__ = "project_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The template document (audino.templates.document), as checked when it was saved.
    document: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
