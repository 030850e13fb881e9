"""Plain records that every dataset format reads and writes; formats never see the database.

A `Dataset` is a project's label schema, the users it refers to, and an iterable of
`AnnotatedRecording`s (a `Recording` with its `SegmentRecord`s). On export the iterable
streams from the database; on import a format returns it as a list. Label values are named
by label name and value text, so records survive id remapping between instances.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

# A segment's or assignment's label values: label name -> value text (single), list of
# value texts (multi), str (text), int | float (number) or bool (boolean).
Values = Mapping[str, Any]

# Records are values: formats read them and build new ones, never change them. The three
# built by the hundred thousand (recordings, assignments, segments) are not `frozen`, as a
# frozen dataclass takes twice as long to construct.


@dataclass(frozen=True, slots=True)
class LabelValueSpec:
    value: str
    color: str | None = None
    hotkey: str | None = None
    position: int = 0
    id: int | None = None  # the source's id, when it came from a database


@dataclass(frozen=True, slots=True)
class LabelSpec:
    name: str
    kind: str  # single | multi | text | number | boolean
    scope: str = "segment"  # segment | datapoint
    required: bool = False
    color: str | None = None
    hotkey: str | None = None
    position: int = 0
    values: tuple[LabelValueSpec, ...] = ()
    id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UserRef:
    """A user referred to by username; `role` is their project role, None for non-members."""

    username: str
    role: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    name: str
    description: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None


@dataclass(slots=True)
class AssignmentRecord:
    user: str  # username
    status: str = "todo"
    marked_for_review: bool = False
    values: Values = field(default_factory=dict)  # datapoint-scope label values
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(slots=True)
class Recording:
    """One audio file (a datapoint) and its metadata; time in seconds."""

    id: int | None
    name: str  # the original file name
    storage_key: str
    duration: float
    sample_rate: int
    channels: int
    codec: str = ""
    container: str = ""
    size: int = 0
    sha256: str | None = None
    reference_transcript: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    status: str = "todo"
    marked_for_review: bool = False
    parent_id: int | None = None
    offset: float = 0.0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    url: str | None = None  # where the audio can be fetched, when known
    assignments: tuple[AssignmentRecord, ...] = ()


@dataclass(slots=True)
class SegmentRecord:
    """A span of a recording (optionally a time-frequency box) with its annotations."""

    id: str | None
    recording_id: int | None
    author: str | None  # username; None for model output without an owner
    start: float
    end: float
    channel: int | None = None
    low_hz: float | None = None
    high_hz: float | None = None
    transcript: str = ""
    values: Values = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    source: str = "human"
    model: str | None = None
    model_version: str | None = None
    confidence: float | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None


class AnnotatedRecording(NamedTuple):
    recording: Recording
    segments: tuple[SegmentRecord, ...]


@dataclass(frozen=True, slots=True)
class Dataset:
    project: ProjectInfo
    labels: tuple[LabelSpec, ...]
    users: tuple[UserRef, ...]
    items: Iterable[AnnotatedRecording]


class FormatError(ValueError):
    """A file that does not parse or has the wrong shape; says where when it can."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
    ) -> None:
        where = ", ".join(
            part
            for part in (
                f"line {line}" if line is not None else "",
                f"column {column}" if column is not None else "",
                f"at {path}" if path else "",
            )
            if part
        )
        super().__init__(f"{message} ({where})" if where else message)
        self.message = message
        self.line = line
        self.column = column
        self.path = path
