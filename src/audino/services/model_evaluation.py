"""Each model version against people's finished work (audino.quality.evaluation), overall
and per value of each choice label on segments (a segment counts for every value it has),
and how people treated its predictions: accepted as they were, edited, rejected."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    Label,
    LabelKind,
    LabelScope,
    PredictionDecision,
    Project,
    Segment,
    SegmentSource,
)
from audino.formats.records import SegmentRecord
from audino.quality.evaluation import Evaluation
from audino.services.predictions import ACCEPTED, EDITED, REJECTED

MAX_ITEMS = 20_000


Classes = dict[str, tuple[str, dict[int, str]]]  # label id -> (label name, value id -> value)
Scored = tuple[SegmentRecord, frozenset[tuple[str, str]]]  # a segment and its (label, value)s


def _record(row: Any, classes: Classes) -> Scored:
    record = SegmentRecord(
        row.id, row.datapoint_id, None, row.start, row.end, row.channel, transcript=row.transcript
    )
    found: set[tuple[str, str]] = set()
    for label_id, stored in (row.values or {}).items():
        label = classes.get(label_id)
        if label is None:
            continue
        for value_id in stored if isinstance(stored, list) else [stored]:
            value = label[1].get(value_id) if isinstance(value_id, int) else None
            if value is not None:
                found.add((label[0], value))
    return record, frozenset(found)


def _classes(db: Session, project_id: int) -> Classes:
    """The project's choice labels on segments: what per-label figures are counted for."""
    labels = db.scalars(
        select(Label).where(
            Label.project_id == project_id,
            Label.scope == LabelScope.segment.value,
            Label.kind.in_((LabelKind.single.value, LabelKind.multi.value)),
        )
    ).all()
    return {str(label.id): (label.name, {v.id: v.value for v in label.values}) for label in labels}


def _only(scored: list[Scored], wanted: tuple[str, str] | None) -> list[SegmentRecord]:
    return [record for record, found in scored if wanted is None or wanted in found]


PER_LABEL = (
    "predicted", "human", "matched", "precision", "recall", "f1",
    "frame_precision", "frame_recall", "frame_f1",
)  # fmt: skip


def evaluate_models(db: Session, project: Project) -> dict[str, Any]:
    """Per model and version: the comparison with finished human work on the items both
    touched, and people's decisions on its predictions."""
    in_project = select(Datapoint.id).where(Datapoint.project_id == project.id)
    versions = db.execute(
        select(Segment.model, Segment.model_version, func.count(), func.count(func.distinct(
            Segment.datapoint_id)))
        .where(Segment.source == SegmentSource.model.value, Segment.datapoint_id.in_(in_project))
        .group_by(Segment.model, Segment.model_version)
        .order_by(Segment.model, Segment.model_version)
    ).all()  # fmt: skip
    if not versions:
        return {"project_id": project.id, "models": []}
    done = db.execute(
        select(Assignment.datapoint_id, Assignment.user_id)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(
            Datapoint.project_id == project.id,
            Assignment.status == AssignmentStatus.done.value,
        )
        .limit(MAX_ITEMS)
    ).all()
    finished: dict[int, list[int]] = defaultdict(list)
    for dp, user in done:
        finished[dp].append(user)
    ids = list(finished)
    extent = {
        dp: offset + duration
        for dp, offset, duration in db.execute(
            select(Datapoint.id, Datapoint.offset, Datapoint.duration).where(Datapoint.id.in_(ids))
        )
    }
    columns = (
        Segment.id, Segment.datapoint_id, Segment.author_id, Segment.start, Segment.end,
        Segment.channel, Segment.transcript, Segment.source, Segment.model, Segment.model_version,
        Segment.values,
    )  # fmt: skip
    classes = _classes(db, project.id)
    human: dict[tuple[int, int], list[Scored]] = defaultdict(list)
    predicted: dict[tuple[str, str, int], list[Scored]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.execute(
            select(*columns)
            .where(Segment.datapoint_id.in_(chunk))
            .order_by(Segment.datapoint_id, Segment.start)
        )
        for row in rows:
            if row.source == SegmentSource.model.value:
                predicted[(row.model or "", row.model_version or "", row.datapoint_id)].append(
                    _record(row, classes)
                )
            elif row.author_id is not None:
                human[(row.datapoint_id, row.author_id)].append(_record(row, classes))

    # Decisions; an acceptance whose segment was changed since counts as an edit.
    decisions: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    made = aliased(Segment)
    for model, version, decision, same in db.execute(
        select(
            Segment.model,
            Segment.model_version,
            PredictionDecision.decision,
            and_(
                made.start == Segment.start,
                made.end == Segment.end,
                made.transcript == Segment.transcript,
            ),
        )
        .join(Segment, Segment.id == PredictionDecision.prediction_id)
        .outerjoin(made, made.id == PredictionDecision.segment_id)
        .where(Segment.datapoint_id.in_(in_project))
    ):
        if decision == ACCEPTED and same is False:
            decision = EDITED
        decisions[(model or "", version or "")][decision] += 1

    out = []
    for model, version, count, items in versions:
        key = (model or "", version or "")
        ev = Evaluation()
        per_label: dict[tuple[str, str], Evaluation] = defaultdict(Evaluation)
        for dp, users in finished.items():
            mine = predicted.get((key[0], key[1], dp))
            if mine is None:
                continue
            ev.items += 1
            for user in users:
                theirs = human.get((dp, user), [])
                ev.add(_only(mine, None), _only(theirs, None), extent.get(dp, 0.0))
                for wanted in {c for _, found in [*mine, *theirs] for c in found}:
                    per_label[wanted].add(
                        _only(mine, wanted), _only(theirs, wanted), extent.get(dp, 0.0)
                    )
        labels = []
        for (label, value), label_ev in sorted(per_label.items()):
            figures = label_ev.json()
            labels.append({"label": label, "value": value, **{k: figures[k] for k in PER_LABEL}})
        tally = decisions[key]
        accepted, edited, rejected = tally[ACCEPTED], tally[EDITED], tally[REJECTED]
        decided = accepted + edited + rejected
        out.append(
            {
                "model": key[0],
                "version": key[1],
                "predictions": count,
                "items_predicted": items,
                **ev.json(),
                "labels": labels,
                "accepted": accepted,
                "edited": edited,
                "rejected": rejected,
                "accept_rate": round((accepted + edited) / decided, 4) if decided else None,
                "edit_rate": (
                    round(edited / (accepted + edited), 4) if accepted + edited else None
                ),
            }
        )
    return {"project_id": project.id, "models": out}
