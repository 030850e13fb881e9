"""Bulk import: every audio file of a folder, glob or bucket into a project, in parallel.

Each file goes through the upload path (`uploads.ingest_file`: size limit, probe, store
once, datapoint row, ingest job) in its own transaction, so an interrupted import keeps
what it finished; a second run skips files already in the project by SHA-256 and adds
the rest. Worker threads read, hash and probe; SQLite serialises the short writes.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audino.config import Settings
from audino.db.engine import Database
from audino.db.models import Assignment, AuditEvent, Datapoint, Project, User
from audino.services import assignments
from audino.services.errors import AudinoError, InvalidInput, NotFound
from audino.services.imports.layout import MAX_TABLE_BYTES, SPLIT_LISTS, Layout, Table, learn
from audino.services.imports.sources import Source, SourceFile, open_source
from audino.services.ingest import uploads
from audino.storage.blobs import BlobStore

MAX_WORKERS = 64
# Refused files listed in a job's result (the count is always exact).
JOB_LISTED_FAILURES = 1000

ANNOTATION_FILE = "annotation_file"  # audit entity: an imported file, by SHA-256

Status = Literal["imported", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class FileOutcome:
    name: str
    status: Status
    duration: float = 0.0
    size: int = 0
    reason: str = ""
    datapoint_id: int | None = None


@dataclass
class ImportSummary:
    source: str
    found: int = 0
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    seconds_imported: float = 0.0  # audio length of the files added
    seconds_done: float = 0.0  # audio length of every file handled (added or skipped)
    bytes_done: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    elapsed: float = 0.0
    interrupted: bool = False
    annotations: dict[str, Any] | None = None
    layout: list[str] = field(default_factory=list)  # what the folder's layout gave

    @property
    def done(self) -> int:
        return self.imported + self.skipped + self.failed

    @property
    def nothing_imported(self) -> bool:
        """True when the run added nothing it could have: no files, or all of them broken."""
        return self.found == 0 or (self.imported == 0 and self.skipped == 0)

    def add(self, outcome: FileOutcome) -> None:
        if outcome.status == "failed":
            self.failed += 1
            self.failures.append((outcome.name, outcome.reason))
            return
        self.bytes_done += outcome.size
        self.seconds_done += outcome.duration
        if outcome.status == "imported":
            self.imported += 1
            self.seconds_imported += outcome.duration
        else:
            self.skipped += 1

    def as_dict(self, max_failures: int | None = None) -> dict[str, Any]:
        return {
            "source": self.source,
            "found": self.found,
            "imported": self.imported,
            "skipped": self.skipped,
            "failed": self.failed,
            "hours_imported": round(self.seconds_imported / 3600, 4),
            "failures": [
                {"file": name, "reason": why} for name, why in self.failures[:max_failures]
            ],
            "elapsed_seconds": round(self.elapsed, 3),
            "interrupted": self.interrupted,
            **({"annotations": self.annotations} if self.annotations is not None else {}),
            **({"layout": self.layout} if self.layout else {}),
        }


# Called once after listing (outcome None) and after every file.
Progress = Callable[[ImportSummary, FileOutcome | None], None]


class AssigneePlan:
    """Hands each new datapoint to the least-loaded annotator; `overlap` of them (a
    fraction) to a second one as well, as `distribution.spread` does. Loads start from
    the project's existing assignments, so a resumed import stays balanced."""

    def __init__(self, users: Sequence[User], overlap: float, load: dict[int, int]) -> None:
        self.users = list(users)
        self.overlap = overlap
        self.load = {u.id: load.get(u.id, 0) for u in self.users}
        self.count = 0
        self.doubles = 0
        self._lock = threading.Lock()

    def next(self) -> list[User]:
        if not self.users:
            return []
        with self._lock:
            self.count += 1
            n = 1
            if self.overlap > 0 and self.doubles < round(self.count * self.overlap):
                n = 2
                self.doubles += 1
            chosen: list[User] = []
            for _ in range(n):
                free = [u for u in self.users if u not in chosen]
                pick = min(free, key=lambda u: (self.load[u.id], self.users.index(u)))
                self.load[pick.id] += 1
                chosen.append(pick)
            return chosen


def check_overlap(users: Sequence[object], overlap: float) -> None:
    if not 0 <= overlap <= 1:
        raise InvalidInput("Overlap is a fraction between 0 and 1.", code="bad_overlap")
    if overlap > 0 and len(users) < 2:
        raise InvalidInput("Overlap needs at least two annotators.", code="bad_overlap")


def _plan(db: Session, project_id: int, assign: Sequence[str], overlap: float) -> AssigneePlan:
    users = assignments.resolve_members(db, project_id, assign)
    check_overlap(users, overlap)
    counts = db.execute(
        select(Assignment.user_id, func.count())
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(Datapoint.project_id == project_id, Assignment.user_id.in_([u.id for u in users]))
        .group_by(Assignment.user_id)
    ).all()
    return AssigneePlan(users, overlap, {int(uid): int(n) for uid, n in counts})


@dataclass
class BulkImport:
    """One import run; `run()` does the work and returns the summary."""

    database: Database
    storage: BlobStore
    settings: Settings
    project_id: int
    source: str
    assign: Sequence[str] = ()
    overlap: float = 0.0
    workers: int = 4
    actor_id: int | None = None
    source_options: dict[str, Any] | None = None
    progress: Progress | None = None
    # Called with the opened source before any file is read (e.g. to drop some files).
    check_source: Callable[[Source], list[SourceFile]] | None = None
    # Dataset layout (imports.layout): the datapoint-scope label folders fill, whose value
    # it is (a member), and a metadata table from elsewhere as (name, bytes).
    folder_label: str | None = None
    label_author: str | None = None
    metadata_table: tuple[str, bytes] | None = None
    _layout: Layout = field(default_factory=Layout, init=False)
    _label: tuple[int, dict[str, int], int] | None = field(default=None, init=False)

    def prepare(self) -> tuple[Source, AssigneePlan]:
        if not 1 <= self.workers <= MAX_WORKERS:
            raise InvalidInput(f"Use 1 to {MAX_WORKERS} workers.", code="bad_workers")
        with self.database.session(write=False) as db:
            if db.get(Project, self.project_id) is None:
                raise NotFound(f"No project {self.project_id}.", code="unknown_project")
            plan = _plan(db, self.project_id, self.assign, self.overlap)
        source = open_source(
            self.source, self.source_options, endpoint_url=self.settings.s3_endpoint_url
        )
        return source, plan

    def run(self) -> ImportSummary:
        started = time.perf_counter()
        source, plan = self.prepare()
        summary = ImportSummary(self.source)
        refused = self.check_source(source) if self.check_source else []
        for entry in refused:
            summary.add(FileOutcome(entry.name, "failed", reason="outside the import roots"))
        summary.found = len(source.files) + len(refused)
        self._layout = self._learn(source)
        summary.layout = list(self._layout.notes)
        self._report(summary, None)
        try:
            self._import_all(source, plan, summary)
        except BaseException:
            summary.interrupted = True
            raise
        finally:
            summary.elapsed = time.perf_counter() - started
        return summary

    def _learn(self, source: Source) -> Layout:
        """The folder's metadata tables, split lists and label folders; the label (and its
        values) made ready in the project before the first file."""
        tables, lists = [], {}
        for extra in source.extras:
            data = source.read_extra(extra, MAX_TABLE_BYTES)
            base = PurePosixPath(extra.name)
            if base.name in SPLIT_LISTS:
                lists[base.name] = data
            else:
                folder = str(base.parent) if str(base.parent) != "." else ""
                tables.append(Table(extra.name, folder, data))
        if self.metadata_table is not None:
            tables.append(Table(self.metadata_table[0], "", self.metadata_table[1]))
        layout = learn(
            [f.name for f in source.files], tables, lists, folder_label=self.folder_label
        )
        if self.folder_label:
            with self.database.session() as db:
                self._label = folder_label_ready(
                    db, self.project_id, self.folder_label, layout.label_values,
                    self.label_author, actor_id=self.actor_id,
                )  # fmt: skip
            if self.label_author is None:
                layout.notes.append(
                    f"The folder values are in each item's metadata as “{self.folder_label}”; "
                    "name a member with --label-author to make them that member's label values."
                )
        return layout

    def _report(self, summary: ImportSummary, outcome: FileOutcome | None) -> None:
        if self.progress is not None:
            self.progress(summary, outcome)

    def _import_all(self, source: Source, plan: AssigneePlan, summary: ImportSummary) -> None:
        pending = iter(source.files)
        window = self.workers * 2  # files in flight: enough to keep every worker busy
        running: set[Future[FileOutcome]] = set()
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="audino-import")
        try:
            while True:
                while len(running) < window:
                    entry = next(pending, None)
                    if entry is None:
                        break
                    running.add(pool.submit(self._one, source, entry, plan))
                if not running:
                    break
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcome = future.result()
                    summary.add(outcome)
                    self._report(summary, outcome)
        finally:
            # Files already being imported finish (each is whole or absent); the rest wait
            # for the next run.
            pool.shutdown(wait=True, cancel_futures=True)

    def _one(self, source: Source, entry: SourceFile, plan: AssigneePlan) -> FileOutcome:
        reading = True
        try:
            with source.fetch(entry, self.settings) as temp:
                reading = False
                return self._ingest(entry, temp, plan)
        except AudinoError as exc:
            return FileOutcome(entry.name, "failed", reason=exc.detail)
        except OSError as exc:
            if not reading:
                raise  # the database or the store failed, not this file
            return FileOutcome(entry.name, "failed", reason=f"could not be read ({exc})")

    def _ingest(
        self, entry: SourceFile, temp: uploads.TempAudio, plan: AssigneePlan
    ) -> FileOutcome:
        with self.database.session(write=False) as db:
            existing = uploads.find_by_sha(db, self.project_id, temp.sha256)
            if existing is not None:
                return FileOutcome(
                    entry.name, "skipped", existing.duration, temp.size, datapoint_id=existing.id
                )
        outcome: uploads.UploadOutcome | None = None
        try:
            with self.database.session() as db:
                project = db.get(Project, self.project_id)
                if project is None:
                    raise NotFound(f"No project {self.project_id}.", code="unknown_project")
                outcome = uploads.ingest_file(
                    db,
                    self.storage,
                    self.settings,
                    project,
                    temp,
                    original_name=entry.filename,
                    assign_to=[],
                    metadata=self._metadata(entry.name),
                    actor_id=self.actor_id,
                )
                if outcome.created:
                    assignments.assign(db, outcome.datapoint, plan.next(), actor_id=self.actor_id)
                    value = self._layout.values.get(entry.name)
                    if value is not None and self._label is not None:
                        set_folder_value(db, outcome.datapoint, self._label, value)
        except BaseException:
            if outcome is not None:
                uploads.forget_stored(self.storage, [outcome])
            raise
        dp = outcome.datapoint
        status: Status = "imported" if outcome.created else "skipped"
        return FileOutcome(entry.name, status, dp.duration, temp.size, datapoint_id=dp.id)

    def _metadata(self, name: str) -> dict[str, Any]:
        found = dict(self._layout.metadata_of(name))
        value = self._layout.values.get(name)
        if value is not None and self.folder_label:
            found.setdefault(self.folder_label, value)
        return {**found, "import_path": name}


def folder_label_ready(
    db: Session,
    project_id: int,
    name: str,
    values: Sequence[str],
    author: str | None,
    *,
    actor_id: int | None,
) -> tuple[int, dict[str, int], int] | None:
    """The datapoint-scope label `name` with every folder value (made or completed), and
    (label id, value ids, author id) when an author holds the values."""
    from audino.db.models import Label
    from audino.services.labels import schema

    project = db.get(Project, project_id)
    if project is None:
        raise NotFound(f"No project {project_id}.", code="unknown_project")
    label = db.scalar(select(Label).where(Label.project_id == project_id, Label.name == name))
    if label is None:
        label = schema.create_label(
            db, project, name=name, kind="single", scope="datapoint", actor_id=actor_id
        )
    elif label.scope != "datapoint" or label.kind not in ("single", "multi"):
        raise InvalidInput(
            f"The project's label “{name}” is a {label.scope} label of kind {label.kind}; "
            "folders fill an item-level label with a list of values: pick another name.",
            code="bad_folder_label",
        )
    have = {v.value for v in label.values}
    for value in values:
        if value not in have:
            schema.add_value(db, label, value=value, actor_id=actor_id)
    db.flush()
    if author is None:
        return None
    user = assignments.resolve_members(db, project_id, [author])[0]
    ids = {v.value: v.id for v in label.values}
    return label.id, ids, user.id


def set_folder_value(
    db: Session, datapoint: Datapoint, label: tuple[int, dict[str, int], int], value: str
) -> None:
    """The folder's value as the author's value of the label on a new item (and on each
    of its windows)."""
    label_id, ids, user_id = label
    author = db.get(User, user_id)
    assert author is not None
    assignments.assign(db, datapoint, [author])
    targets = [datapoint.id]
    if datapoint.window_count:
        targets += db.scalars(select(Datapoint.id).where(Datapoint.parent_id == datapoint.id))
    for row in db.scalars(
        select(Assignment).where(
            Assignment.datapoint_id.in_(targets), Assignment.user_id == user_id
        )
    ):
        row.values = {**(row.values or {}), str(label_id): ids[value]}
    db.flush()


# --- pre-annotations ---------------------------------------------------------------------


def guess_annotation_format(filename: str) -> str:
    """The importable format whose extension the file has; InvalidInput when none or
    several do (then --annotations-format decides)."""
    from audino.formats import registry

    suffix = PurePosixPath(filename.lower()).suffix
    if filename.lower().endswith(".zip") or not suffix:
        suffix = ""
    candidates = [
        f.name
        for f in registry.all_formats()
        if f.can_import and f.extension and f.extension.lower() == suffix
    ]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise InvalidInput(
            f"{filename!r} could be any of {', '.join(candidates)}: name the format.",
            code="ambiguous_format",
        )
    raise InvalidInput(
        f"No annotation format reads {filename!r} by its extension: name the format.",
        code="unknown_format",
    )


def check_annotation_format(filename: str, format_name: str | None) -> str:
    """The format to read an annotation file with: the one named (if it can import), or
    the one its extension says."""
    from audino.services.imports import dataset as imports

    return imports.importer(format_name).name if format_name else guess_annotation_format(filename)


def import_annotations(
    database: Database,
    storage: BlobStore,
    project_id: int,
    data: bytes,
    *,
    filename: str,
    format_name: str | None = None,
    actor_id: int | None = None,
) -> dict[str, Any]:
    """Adds an annotation file's segments to the project's datapoints, matched by file
    name (all or nothing); returns what was added. The same file (by SHA-256) is added to a
    project once, so a resumed `audino import --annotations` does not add it twice."""
    from audino.services import audit
    from audino.services.imports import dataset as imports

    fmt = format_name or guess_annotation_format(filename)
    sha256 = hashlib.sha256(data).hexdigest()
    with database.session() as db:
        project = db.get(Project, project_id)
        if project is None:
            raise NotFound(f"No project {project_id}.", code="unknown_project")
        seen = db.scalar(
            select(AuditEvent.id).where(
                AuditEvent.entity_type == ANNOTATION_FILE,
                AuditEvent.entity_id == sha256,
                AuditEvent.project_id == project_id,
            )
        )
        if seen is not None:
            return {"file": filename, "format": fmt, "already_imported": True}
        result = imports.import_file(
            db,
            storage,
            data,
            format_name=fmt,
            into=project,
            filename=filename,
            actor_id=actor_id,
        )
        summary = {
            "file": filename,
            "format": fmt,
            "datapoints": result.datapoints_annotated,
            "segments": result.segments,
            "labels_created": result.labels_created,
        }
        audit.record(
            db,
            user_id=actor_id,
            action="annotations.import",
            entity_type=ANNOTATION_FILE,
            entity_id=sha256,
            project_id=project_id,
            after=summary,
        )
    return summary
