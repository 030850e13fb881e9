"""A project's figures over time, for the analytics page: hours annotated per day,
throughput and active time per annotator, review outcomes, label distribution, gold
accuracy and agreement per week. Every chart is a list of flat rows, so each downloads as
CSV as it is shown."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    Project,
    ReviewStatus,
    Segment,
    SegmentSource,
    User,
)
from audino.services.errors import InvalidInput
from audino.services.segment_records import categorical_labels, value_names

CHARTS = (
    "per_day",
    "per_annotator",
    "review_outcomes",
    "labels",
    "gold",
    "agreement",
)
MAX_AGREEMENT_ITEMS = 5000


def _day(value: datetime | None) -> str | None:
    return None if value is None else value.date().isoformat()


def _week(value: datetime) -> str:
    monday = value.date() - timedelta(days=value.weekday())
    return monday.isoformat()


def _in_range(value: datetime | None, since: date | None, until: date | None) -> bool:
    if value is None:
        return False
    day = value.date()
    return (since is None or day >= since) and (until is None or day <= until)


def analytics(
    db: Session,
    project: Project,
    *,
    since: date | None = None,
    until: date | None = None,
    annotator_id: int | None = None,
    label: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Every chart's rows, filtered by date (UTC days, inclusive), annotator and label.

    Dates: completed work by its completion day, reviews by their day, active time on
    unfinished work by its last change, agreement by the week its last annotator finished.
    The annotator filter keeps their rows (agreement: items they are one of the annotators
    of); the label filter applies to the charts with labels in them (labels, agreement).
    """
    if since is not None and until is not None and since > until:
        raise InvalidInput("The start date is after the end date.", code="bad_dates")
    query = (
        select(Assignment, Datapoint.duration, User.username)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .join(User, User.id == Assignment.user_id)
        .where(Datapoint.project_id == project.id, Datapoint.window_count == 0)
    )
    if annotator_id is not None:
        query = query.where(Assignment.user_id == annotator_id)
    rows = db.execute(query).all()

    per_day: dict[tuple[str, str], dict[str, Any]] = {}
    people: dict[str, dict[str, Any]] = {}
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    for a, duration, username in rows:
        person = people.setdefault(
            username,
            {
                "annotator": username,
                "items_completed": 0,
                "audio_hours": 0.0,
                "active_hours": 0.0,
                "accepted": 0,
                "rejected": 0,
            },
        )
        done = a.status == AssignmentStatus.done.value
        if not done and _in_range(a.updated_at, since, until):
            # Time on work not handed in (yet, or again after a rejection) is time spent.
            person["active_hours"] += (a.active_seconds or 0) / 3600
        if done and _in_range(a.completed_at, since, until):
            day = _day(a.completed_at) or ""
            row = per_day.setdefault(
                (day, username),
                {"day": day, "annotator": username, "items": 0, "audio_hours": 0.0,
                 "active_hours": 0.0},
            )  # fmt: skip
            row["items"] += 1
            row["audio_hours"] += (duration or 0) / 3600
            row["active_hours"] += (a.active_seconds or 0) / 3600
            person["items_completed"] += 1
            person["audio_hours"] += (duration or 0) / 3600
            person["active_hours"] += (a.active_seconds or 0) / 3600
        if a.review_status and _in_range(a.reviewed_at, since, until):
            outcomes[_day(a.reviewed_at) or ""][a.review_status] += 1
            person[a.review_status] += 1
    for person in people.values():
        active = person["active_hours"]
        person["audio_hours_per_active_hour"] = (
            round(person["audio_hours"] / active, 3) if active else None
        )
        for key in ("audio_hours", "active_hours"):
            person[key] = round(person[key], 4)
    for row in per_day.values():
        for key in ("audio_hours", "active_hours"):
            row[key] = round(row[key], 4)

    return {
        "per_day": sorted(per_day.values(), key=lambda r: (r["day"], r["annotator"])),
        "per_annotator": sorted(people.values(), key=lambda r: r["annotator"]),
        "review_outcomes": [
            {
                "day": day,
                "accepted": counts[ReviewStatus.accepted.value],
                "rejected": counts[ReviewStatus.rejected.value],
            }
            for day, counts in sorted(outcomes.items())
        ],
        "labels": _label_distribution(db, project, since, until, annotator_id, label),
        "gold": _gold(db, project, annotator_id),
        "agreement": _agreement_by_week(db, project, since, until, annotator_id, label),
    }


def _label_distribution(
    db: Session,
    project: Project,
    since: date | None,
    until: date | None,
    annotator_id: int | None,
    only: str | None,
) -> list[dict[str, Any]]:
    names, specs = value_names(db, project.id)
    labels = [n for n in categorical_labels(specs) if only is None or n == only]
    if not labels:
        return []
    query = (
        select(Segment.values, Segment.created_at)
        .join(Datapoint, Datapoint.id == Segment.datapoint_id)
        .where(Datapoint.project_id == project.id, Segment.source != SegmentSource.model.value)
    )
    if annotator_id is not None:
        query = query.where(Segment.author_id == annotator_id)
    counts: Counter[tuple[str, str]] = Counter()
    for values, created in db.execute(query):
        if not _in_range(created, since, until):
            continue
        named = names.decode(values or {})
        for name in labels:
            value = named.get(name)
            for v in value if isinstance(value, list) else [value]:
                if v is not None and v != "":
                    counts[(name, str(v).lower() if isinstance(v, bool) else str(v))] += 1
    return [
        {"label": name, "value": value, "segments": n}
        for (name, value), n in sorted(counts.items())
    ]


def _gold(db: Session, project: Project, annotator_id: int | None) -> list[dict[str, Any]]:
    from audino.services.gold import gold_report

    only = None
    if annotator_id is not None:
        only = db.scalar(select(User.username).where(User.id == annotator_id))
    report = gold_report(db, project)
    return [
        {key: a[key] for key in ("username", "items", "passed", "accuracy", "wer", "alert")}
        for a in report["annotators"]
        if annotator_id is None or a["username"] == only
    ]


def _agreement_by_week(
    db: Session,
    project: Project,
    since: date | None,
    until: date | None,
    annotator_id: int | None = None,
    label: str | None = None,
) -> list[dict[str, Any]]:
    """Overlap items pooled by the week their last annotator completed them; with an
    annotator, the items they are one of the annotators of; with a label, its α only."""
    from audino.quality.agreement import item_agreement
    from audino.quality.items import group_by_author
    from audino.quality.summary import summarize_project
    from audino.services.agreement import agreement_options, agreement_schema, overlap_items
    from audino.services.segment_records import segment_records

    ids = list(overlap_items(db, project.id))[:MAX_AGREEMENT_ITEMS]
    if annotator_id is not None and ids:
        theirs = set(
            db.scalars(
                select(Assignment.datapoint_id).where(
                    Assignment.datapoint_id.in_(ids), Assignment.user_id == annotator_id
                )
            )
        )
        ids = [i for i in ids if i in theirs]
    if not ids:
        return []
    finished: dict[int, datetime] = {}
    for dp, completed in db.execute(
        select(Assignment.datapoint_id, Assignment.completed_at).where(
            Assignment.datapoint_id.in_(ids), Assignment.completed_at.is_not(None)
        )
    ):
        if completed is not None and (dp not in finished or completed > finished[dp]):
            finished[dp] = completed
    names, labels = agreement_schema(db, project.id)
    options = agreement_options(labels)
    durations = dict(
        db.execute(select(Datapoint.id, Datapoint.duration).where(Datapoint.id.in_(ids))).all()
    )
    weeks: dict[str, list[Any]] = defaultdict(list)
    records = segment_records(db, [i for i in ids if i in finished], names)
    for dp, segs in records.items():
        when = finished[dp]
        if not _in_range(when, since, until):
            continue
        item = group_by_author(segs, recording_id=dp, duration=durations.get(dp))
        weeks[_week(when)].append(item_agreement(item, options))
    out = []
    for week, results in sorted(weeks.items()):
        pooled = summarize_project(results)
        alphas = [
            lb.frames.alpha.value
            for lb in pooled.labels
            if lb.frames.alpha.value is not None and (label is None or lb.label == label)
        ]
        out.append(
            {
                "week": week,
                "items": pooled.items,
                "wer": _r(pooled.pairs.matched_wer.mean),
                "boundary_f1": _r(pooled.pairs.boundaries.f1),
                "label_alpha": _r(sum(alphas) / len(alphas)) if alphas else None,
            }
        )
    return out


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def as_csv(rows: Sequence[dict[str, Any]]) -> str:
    """One chart's rows as CSV (header from the first row's keys)."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def add_active_time(db: Session, datapoint_id: int, user_id: int, seconds: float) -> float | None:
    """Adds to the user's active time on the item (not a change to their work: no version)."""
    done = db.execute(
        update(Assignment)
        .where(Assignment.datapoint_id == datapoint_id, Assignment.user_id == user_id)
        .values(active_seconds=Assignment.active_seconds + seconds)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.scalar(
        select(Assignment.active_seconds).where(
            Assignment.datapoint_id == datapoint_id, Assignment.user_id == user_id
        )
    )
