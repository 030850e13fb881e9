"""Exports: a project read from the database in id-ordered batches, as records for a format.

`plan_export` checks the request (format, filters, options) while the caller can still get
a JSON error; `stream_export` then opens its own read transaction and yields the format's
bytes (a zip for multi-file formats), so the first bytes leave before the last rows are
read and no project is held in memory. `write_export` writes the same into a folder.

What a format could not carry is counted into the caller's `ExportReport` while the files
stream: a multi-file export also ends with it as `export-report.json`; a single-file one
(CTM, CSV, …) cannot hold it, so the caller reads the report once the bytes are written
(the export job keeps it in its result, the CLI prints it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from audino.db.bulk import Decoders, gc_paused, raw
from audino.db.engine import Database
from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    Label,
    LabelValue,
    Membership,
    Project,
    ReviewStatus,
    Segment,
    User,
)
from audino.formats import registry
from audino.formats.files import OutputFile, write_tree, zip_stream
from audino.formats.options import CODECS, PREDICTIONS, SPLIT_BY, ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import (
    AnnotatedRecording,
    AssignmentRecord,
    Dataset,
    LabelSpec,
    LabelValueSpec,
    ProjectInfo,
    Recording,
    SegmentRecord,
    UserRef,
)
from audino.formats.report import ExportReport
from audino.formats.selection import (
    model_annotator,
    one_annotator,
    predictions_as_annotators,
    without_predictions,
)
from audino.formats.splits import SplitPlan, item_keys, recording_key
from audino.services.assignments import derived_status
from audino.services.errors import InvalidInput, NotFound
from audino.services.exports.audio import StorageClips
from audino.services.labels.mapping import ValueNames
from audino.storage.blobs import BlobStore

# "review": marked for review; "reviewed": a reviewer accepted someone's work on it, or a
# reviewer or manager of the project completed it themselves.
STATUS_FILTERS = ("all", "todo", "in_progress", "done", "review", "reviewed")
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE, MAX_CHANNELS = 4000, 192000, 8  # of exported audio
REVIEWER_ROLES = ("reviewer", "manager")
BATCH = 1000


@dataclass(frozen=True, slots=True)
class ExportPlan:
    project_id: int
    project_name: str
    format: registry.Format
    status: str  # one of STATUS_FILTERS
    author: str | None
    author_id: int | None
    options: ExportOptions = ExportOptions()

    @property
    def filename(self) -> str:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in self.project_name)
        return f"{safe or 'project'}-{self.format.name}{self.format.download_extension}"

    @property
    def media_type(self) -> str:
        return self.format.download_media_type


def get_format(name: str) -> registry.Format:
    try:
        return registry.get(name)
    except registry.UnknownFormat as exc:
        raise InvalidInput(str(exc), code="unknown_format") from None


def plan_export(
    db: Session,
    project: Project,
    format_name: str,
    *,
    status: str | None = None,
    author: str | None = None,
    options: ExportOptions | None = None,
) -> ExportPlan:
    fmt = get_format(format_name)
    options = check_options(db, project, options or ExportOptions(), fmt)
    status = status or "all"
    if status not in STATUS_FILTERS:
        raise InvalidInput(
            f"Unknown status filter {status!r}; use one of: {', '.join(STATUS_FILTERS)}.",
            code="bad_status",
        )
    author_id = None
    if author:
        author_id = db.scalar(select(User.id).where(User.username == author))
        if author_id is None:
            raise NotFound(f"No user named {author!r}.", code="unknown_author")
    return ExportPlan(project.id, project.name, fmt, status, author or None, author_id, options)


def check_options(
    db: Session, project: Project, options: ExportOptions, fmt: registry.Format | None = None
) -> ExportOptions:
    if options.split_by not in SPLIT_BY:
        raise InvalidInput(f"split_by is one of {', '.join(SPLIT_BY)}.", code="bad_option")
    if options.predictions not in PREDICTIONS:
        raise InvalidInput(f"predictions is one of {', '.join(PREDICTIONS)}.", code="bad_option")
    if options.codec is not None and options.codec not in CODECS:
        raise InvalidInput(f"codec is one of {', '.join(CODECS)}.", code="bad_option")
    rate, channels = options.sample_rate, options.channels
    if rate is not None and not MIN_SAMPLE_RATE <= rate <= MAX_SAMPLE_RATE:
        raise InvalidInput(
            f"sample_rate is {MIN_SAMPLE_RATE} to {MAX_SAMPLE_RATE} Hz.", code="bad_option"
        )
    if channels is not None and not 1 <= channels <= MAX_CHANNELS:
        raise InvalidInput(f"channels is 1 to {MAX_CHANNELS}.", code="bad_option")
    opus_rates = (8000, 12000, 16000, 24000, 48000)
    if options.codec == "ogg" and (options.sample_rate or 48000) not in opus_rates:
        raise InvalidInput("Opus (ogg) takes 8, 12, 16, 24 or 48 kHz.", code="bad_option")
    for name in (options.speaker_label, options.gender_label):
        if name is None:
            continue
        found = db.scalar(
            select(Label.id).where(Label.project_id == project.id, Label.name == name)
        )
        if found is None:
            raise InvalidInput(f"No label named {name!r} in this project.", code="unknown_label")
    root = options.audio_root
    urls = fmt is not None and fmt.audio_urls
    if root is not None and not (is_absolute(root) or (urls and is_base_url(root))):
        also = " or, for this format, a base URL (https://host/corpus)" if urls else ""
        raise InvalidInput(
            f"audio_root is an absolute folder on one line, e.g. /data/corpus or C:\\corpus{also}.",
            code="bad_option",
        )
    return options


def is_base_url(text: str) -> bool:
    """An http(s) URL with a host, on one line, without spaces, query or fragment."""
    parts = urlsplit(text)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not parts.query
        and not parts.fragment
        and not any(c.isspace() for c in text)
    )


def is_absolute(folder: str) -> bool:
    """A POSIX or Windows absolute folder, on one line (wav.scp is a line per file)."""
    if "\n" in folder or "\r" in folder or folder != folder.strip():
        return False
    return PurePosixPath(folder).is_absolute() or PureWindowsPath(folder).is_absolute()


def count_datapoints(db: Session, plan: ExportPlan) -> int:
    query = select(func.count()).select_from(Datapoint).where(*_datapoint_filter(plan))
    return int(db.scalar(query) or 0)


def _files(
    conn: Connection,
    plan: ExportPlan,
    storage: BlobStore | None,
    batch: int,
    progress: Callable[[int], None] | None,
    report: ExportReport | None,
) -> Iterator[OutputFile]:
    options = plan.options
    if plan.format.splits and options.splits:
        options = dataclasses.replace(options, split_plan=_split_plan(conn, plan, batch))
    report = ExportReport() if report is None else report  # the format counts here too
    dataset = _selected(read_dataset(conn, plan, batch=batch), options, report)
    if progress is not None:
        dataset = dataclasses.replace(dataset, items=_counted(dataset.items, progress))
    if plan.format.clips and storage is not None:
        options = dataclasses.replace(options, clips=StorageClips(storage))
    yield from plan.format.output_files(dataset, options, report)


def _selected(
    dataset: Dataset, options: ExportOptions, report: ExportReport | None = None
) -> Dataset:
    """The segments the options keep: predictions left out (counted in `report`) before
    one annotator is chosen, so a model never stands in for a person; with
    `as_annotator`, a model's segments stay beside the chosen person's work."""
    items = _predictions(dataset.items, options, report)
    if options.one_annotator:
        items = one_annotator(items, keep_predictions=options.predictions == "as_annotator")
    if options.predictions == "as_annotator":
        items = predictions_as_annotators(items)
    return dataclasses.replace(dataset, items=items)


def _predictions(
    items: Iterable[AnnotatedRecording], options: ExportOptions, report: ExportReport | None
) -> Iterable[AnnotatedRecording]:
    if options.predictions == "exclude":
        return without_predictions(items, report)
    return items


def _split_plan(conn: Connection, plan: ExportPlan, batch: int) -> SplitPlan:
    """The splits, from a first pass over the export's keys (formats.splits): its
    recordings' audio hashes, or the speakers of the segments it will write."""
    options = plan.options
    if options.split_by == "speaker":
        dataset = _selected(read_dataset(conn, plan, batch=batch), options)  # not counted
        speaker = Projection(dataset, options).speaker
        return SplitPlan.from_keys(item_keys(dataset.items, True, speaker), options.splits)
    query = select(Datapoint.sha256, Datapoint.original_name).where(*_datapoint_filter(plan))
    keys = (recording_key(sha, name) for sha, name in conn.execute(query))
    return SplitPlan.from_keys(keys, options.splits)


def _counted(items: Any, progress: Callable[[int], None]) -> Iterator[Any]:
    for item in items:
        yield item
        progress(1)


@contextmanager
def _snapshot(database: Database) -> Iterator[Connection]:
    with database.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def stream_export(
    database: Database,
    plan: ExportPlan,
    *,
    batch: int = BATCH,
    storage: BlobStore | None = None,
    progress: Callable[[int], None] | None = None,
    report: ExportReport | None = None,
) -> Iterator[bytes]:
    """The export's bytes: the file itself, or a zip of a multi-file format's files (with
    clips cut from `storage` when the format has audio). One read transaction, a
    consistent snapshot on both backends. `report` is complete once the last byte is out."""
    with _snapshot(database) as conn:
        fmt = plan.format
        if not fmt.files:
            dataset = read_dataset(conn, plan, batch=batch)
            predictions = _predictions(dataset.items, plan.options, report)
            if plan.options.predictions == "as_annotator":
                predictions = predictions_as_annotators(predictions)
            dataset = dataclasses.replace(dataset, items=predictions)
            if progress is not None:
                dataset = dataclasses.replace(dataset, items=_counted(dataset.items, progress))
            yield from fmt.export(dataset)
        elif fmt.single_file:
            for file in _files(conn, plan, storage, batch, progress, report):
                yield from file.chunks
        else:
            yield from zip_stream(_files(conn, plan, storage, batch, progress, report))


def write_export(
    database: Database,
    plan: ExportPlan,
    root: Path,
    *,
    batch: int = BATCH,
    storage: BlobStore | None = None,
    progress: Callable[[int], None] | None = None,
    report: ExportReport | None = None,
) -> int:
    """Writes the export's files into the folder `root`; returns how many. Paths to the
    audio inside them start at `root` unless the plan names another `audio_root`."""
    if plan.format.audio_root and plan.options.audio_root is None:
        options = dataclasses.replace(plan.options, audio_root=str(root.resolve()))
        plan = dataclasses.replace(plan, options=options)
    with _snapshot(database) as conn:
        return write_tree(_files(conn, plan, storage, batch, progress, report), root)


# ---- reading ------------------------------------------------------------------------------


def _labels(conn: Connection, project_id: int, dec: Decoders) -> list[LabelSpec]:
    values: dict[int, list[LabelValueSpec]] = {}
    value_rows = conn.execute(
        select(LabelValue.label_id, LabelValue.id, LabelValue.value, LabelValue.color,
               LabelValue.hotkey, LabelValue.position)
        .join(Label, Label.id == LabelValue.label_id)
        .where(Label.project_id == project_id)
        .order_by(LabelValue.label_id, LabelValue.position, LabelValue.id)
    )  # fmt: skip
    for label_id, vid, value, color, hotkey, position in value_rows:
        values.setdefault(label_id, []).append(
            LabelValueSpec(value=value, color=color, hotkey=hotkey, position=position, id=vid)
        )
    label_rows = conn.execute(
        select(Label.id, Label.name, Label.kind, Label.scope, Label.required, Label.color,
               Label.hotkey, Label.position, raw(Label.created_at))
        .where(Label.project_id == project_id)
        .order_by(Label.position, Label.id)
    )  # fmt: skip
    return [
        LabelSpec(
            name=row.name,
            kind=row.kind,
            scope=row.scope,
            required=bool(row.required),
            color=row.color,
            hotkey=row.hotkey,
            position=row.position,
            values=tuple(values.get(row.id, ())),
            id=row.id,
            created_at=dec.ts(row.created_at),
        )
        for row in label_rows
    ]


def _folds_windows(plan: ExportPlan) -> bool:
    """Formats other than the native one see each long recording whole, with its windows'
    work (already in the recording's time) as its own."""
    return not plan.format.windows


def _datapoint_filter(plan: ExportPlan) -> list[Any]:
    where: list[Any] = [Datapoint.project_id == plan.project_id]
    work: Any = Datapoint.id
    if _folds_windows(plan):
        where.append(Datapoint.parent_id.is_(None))
        window = aliased(Datapoint)
        work = (
            select(window.id)
            .where(or_(window.id == Datapoint.id, window.parent_id == Datapoint.id))
            .correlate(Datapoint)
        )
    if plan.status == "review":
        where.append(Datapoint.marked_for_review.is_(True))
    elif plan.status == "reviewed":
        where.append(
            or_(
                exists().where(
                    _within(Assignment.datapoint_id, work),
                    Assignment.status == AssignmentStatus.done.value,
                    Assignment.review_status == ReviewStatus.accepted.value,
                ),
                exists().where(
                    _within(Assignment.datapoint_id, work),
                    Assignment.status == AssignmentStatus.done.value,
                    Membership.user_id == Assignment.user_id,
                    Membership.project_id == plan.project_id,
                    Membership.role.in_(REVIEWER_ROLES),
                ),
            )
        )
    elif plan.status != "all":
        where.append(Datapoint.status == plan.status)
    if plan.author_id is not None:
        where.append(
            or_(
                exists().where(
                    _within(Assignment.datapoint_id, work), Assignment.user_id == plan.author_id
                ),
                exists().where(
                    _within(Segment.datapoint_id, work), Segment.author_id == plan.author_id
                ),
            )
        )
    return where


def _within(column: Any, work: Any) -> Any:
    return column == work if work is Datapoint.id else column.in_(work)


def _users(conn: Connection, plan: ExportPlan) -> list[UserRef]:
    """Members with their role, plus everyone else whose work is exported."""
    found: dict[int, UserRef] = {}
    members = conn.execute(
        select(User.id, User.username, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == plan.project_id)
    )
    for uid, username, role in members:
        if plan.author_id in (None, uid):
            found[uid] = UserRef(username=username, role=role, id=uid)
    in_project = select(Datapoint.id).where(Datapoint.project_id == plan.project_id)
    for column, datapoint_id in (
        (Assignment.user_id, Assignment.datapoint_id),
        (Segment.author_id, Segment.datapoint_id),
    ):
        query = select(column).where(datapoint_id.in_(in_project), column.is_not(None))
        if plan.author_id is not None:
            query = query.where(column == plan.author_id)
        others = [uid for (uid,) in conn.execute(query.distinct()) if uid not in found]
        if others:
            rows = conn.execute(select(User.id, User.username).where(User.id.in_(others)))
            found.update((uid, UserRef(username=name, id=uid)) for uid, name in rows)
    return sorted(found.values(), key=lambda u: u.username)


def _model_annotators(conn: Connection, plan: ExportPlan) -> list[UserRef]:
    """The annotators that `predictions=as_annotator` makes of the project's model
    versions (formats.selection.model_annotator)."""
    in_project = select(Datapoint.id).where(Datapoint.project_id == plan.project_id)
    query = (
        select(Segment.model, Segment.model_version)
        .where(Segment.datapoint_id.in_(in_project), Segment.source == "model")
        .distinct()
    )
    names = {model_annotator(model, version) for model, version in conn.execute(query)}
    return [UserRef(username=name) for name in sorted(names)]


def read_dataset(conn: Connection, plan: ExportPlan, *, batch: int = BATCH) -> Dataset:
    """The plan's project as records; `items` reads lazily, `batch` datapoints at a time."""
    dec = Decoders(conn)
    project = conn.execute(
        select(Project.name, Project.description, raw(Project.settings),
               raw(Project.created_at), raw(Project.updated_at))
        .where(Project.id == plan.project_id)
    ).one()  # fmt: skip
    labels = _labels(conn, plan.project_id, dec)
    users = _users(conn, plan)
    if plan.options.predictions == "as_annotator" and plan.author_id is None:
        users = sorted([*users, *_model_annotators(conn, plan)], key=lambda u: u.username)
    return Dataset(
        project=ProjectInfo(
            name=project.name,
            description=project.description,
            settings=dec.json(project.settings) or {},
            created_at=dec.ts(project.created_at),
            updated_at=dec.ts(project.updated_at),
            id=plan.project_id,
        ),
        labels=tuple(labels),
        users=tuple(users),
        items=_Items(conn, plan, dec, ValueNames(labels), {u.id: u.username for u in users})(batch),
    )


_DATAPOINT = (
    Datapoint.id, Datapoint.original_name, Datapoint.storage_key, Datapoint.duration,
    Datapoint.sample_rate, Datapoint.channels, Datapoint.codec, Datapoint.container,
    Datapoint.size, Datapoint.sha256, Datapoint.reference_transcript,
    raw(Datapoint.metadata_), Datapoint.status, Datapoint.marked_for_review,
    Datapoint.parent_id, Datapoint.offset, raw(Datapoint.created_at),
    raw(Datapoint.updated_at),
)  # fmt: skip
_ASSIGNMENT = (
    Assignment.datapoint_id, Assignment.user_id, Assignment.status,
    Assignment.marked_for_review, raw(Assignment.values), Assignment.version,
    raw(Assignment.created_at), raw(Assignment.updated_at), raw(Assignment.completed_at),
)  # fmt: skip
_SEGMENT = (
    Segment.id, Segment.datapoint_id, Segment.author_id, Segment.start, Segment.end,
    Segment.channel, Segment.low_hz, Segment.high_hz, Segment.transcript,
    raw(Segment.values), raw(Segment.attributes), Segment.source, Segment.model,
    Segment.model_version, Segment.confidence, Segment.version, raw(Segment.created_at),
    raw(Segment.updated_at),
)  # fmt: skip


def _per_user(found: list[AssignmentRecord]) -> list[AssignmentRecord]:
    """One assignment per user over a recording's windows: done when all their windows are,
    values from the first window that has any."""
    by_user: dict[str, list[AssignmentRecord]] = {}
    for a in found:
        by_user.setdefault(a.user, []).append(a)
    if all(len(mine) == 1 for mine in by_user.values()):
        return found
    merged = []
    for user, mine in by_user.items():
        stamps = [a.completed_at for a in mine]
        done = all(a.status == AssignmentStatus.done.value for a in mine)
        merged.append(
            AssignmentRecord(
                user,
                derived_status([a.status for a in mine]),
                any(a.marked_for_review for a in mine),
                next((a.values for a in mine if a.values), {}),
                max(a.version for a in mine),
                min((a.created_at for a in mine if a.created_at), default=None),
                max((a.updated_at for a in mine if a.updated_at), default=None),
                max((t for t in stamps if t), default=None) if done else None,
            )
        )
    return merged


def _segment_order(s: SegmentRecord) -> tuple[Any, ...]:
    # Content first, so a re-imported project (new ids) exports in the same order.
    return (s.start, s.end, s.author or "", -1 if s.channel is None else s.channel, s.id)


class _Items:
    """Datapoints by keyset pages in id order, each page's assignments and segments in one
    query each; stored JSON that repeats is decoded once."""

    def __init__(
        self,
        conn: Connection,
        plan: ExportPlan,
        dec: Decoders,
        names: ValueNames,
        usernames: dict[int | None, str],
    ) -> None:
        self.conn, self.plan, self.dec, self.names, self.usernames = (
            conn, plan, dec, names, usernames
        )  # fmt: skip
        self._values: dict[Any, dict[str, Any]] = {}
        self._attributes: dict[Any, dict[str, Any]] = {}

    def values(self, stored: str) -> dict[str, Any]:
        hit = self._values.get(stored)
        if hit is None:
            if len(self._values) > 50_000:
                self._values.clear()
            hit = self._values[stored] = self.names.decode(self.dec.json(stored))
        return hit

    def attributes(self, stored: str) -> dict[str, Any]:
        hit = self._attributes.get(stored)
        if hit is None:
            if len(self._attributes) > 50_000:
                self._attributes.clear()
            hit = self._attributes[stored] = self.dec.json(stored)
        return hit

    def __call__(self, batch: int) -> Iterator[AnnotatedRecording]:
        where = _datapoint_filter(self.plan)
        last_id = 0
        while True:
            rows = self.conn.execute(
                select(*_DATAPOINT)
                .where(*where, Datapoint.id > last_id)
                .order_by(Datapoint.id)
                .limit(batch)
            ).all()
            if not rows:
                return
            last_id = rows[-1][0]
            with gc_paused():  # a page is ~100k short-lived objects; collect after
                page = self._page(rows)
            yield from page

    def _page(self, rows: Sequence[Any]) -> list[AnnotatedRecording]:
        ts, usernames, author_id = self.dec.ts, self.usernames, self.plan.author_id
        ids = [r[0] for r in rows]
        # Windows' work counts as their recording's (see _folds_windows).
        owner: dict[int, int] = {}
        if _folds_windows(self.plan):
            found = select(Datapoint.id, Datapoint.parent_id).where(Datapoint.parent_id.in_(ids))
            owner = {kid: parent for kid, parent in self.conn.execute(found) if parent}
            ids = [*ids, *owner]
        assignments: dict[int, list[AssignmentRecord]] = {}
        query = select(*_ASSIGNMENT).where(Assignment.datapoint_id.in_(ids))
        if author_id is not None:
            query = query.where(Assignment.user_id == author_id)
        for a in self.conn.execute(query.order_by(Assignment.datapoint_id, Assignment.id)).all():
            assignments.setdefault(owner.get(a[0]) or a[0], []).append(
                AssignmentRecord(usernames.get(a[1], ""), a[2], bool(a[3]), self.values(a[4]),
                                 a[5], ts(a[6]), ts(a[7]), ts(a[8]))
            )  # fmt: skip
        segments: dict[int, list[SegmentRecord]] = {}
        query = select(*_SEGMENT).where(Segment.datapoint_id.in_(ids))
        if author_id is not None:
            query = query.where(Segment.author_id == author_id)
        for s in self.conn.execute(query.order_by(Segment.datapoint_id)).all():
            segments.setdefault(owner.get(s[1]) or s[1], []).append(
                SegmentRecord(s[0], s[1], usernames.get(s[2]), s[3], s[4], s[5], s[6], s[7],
                              s[8], self.values(s[9]), self.attributes(s[10]), s[11], s[12],
                              s[13], s[14], s[15], ts(s[16]), ts(s[17]))
            )  # fmt: skip
        if owner:
            assignments = {key: _per_user(found) for key, found in assignments.items()}
        page = []
        for r in rows:
            own = segments.get(r[0], [])
            own.sort(key=_segment_order)
            recording = Recording(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                self.dec.json(r[11]) or {}, r[12], bool(r[13]), r[14], r[15], ts(r[16]),
                ts(r[17]), f"/api/datapoints/{r[0]}/audio", tuple(assignments.get(r[0], ())),
            )  # fmt: skip
            page.append(AnnotatedRecording(recording, tuple(own)))
        return page
