"""Each model version against people's finished work (audino.quality.evaluation), and how
people treated its predictions: accepted as they were, edited, rejected."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    PredictionDecision,
    Project,
    Segment,
    SegmentSource,
)
from audino.formats.records import SegmentRecord
from audino.quality.evaluation import Evaluation
from audino.services.predictions import ACCEPTED, EDITED, REJECTED

MAX_ITEMS = 20_000


def _record(row: Any) -> SegmentRecord:
    return SegmentRecord(
        row.id, row.datapoint_id, None, row.start, row.end, row.channel, transcript=row.transcript
    )


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
    )  # fmt: skip
    human: dict[tuple[int, int], list[SegmentRecord]] = defaultdict(list)
    predicted: dict[tuple[str, str, int], list[SegmentRecord]] = defaultdict(list)
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
                    _record(row)
                )
            elif row.author_id is not None:
                human[(row.datapoint_id, row.author_id)].append(_record(row))

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
        for dp, users in finished.items():
            mine = predicted.get((key[0], key[1], dp))
            if mine is None:
                continue
            ev.items += 1
            for user in users:
                ev.add(mine, human.get((dp, user), []), extent.get(dp, 0.0))
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
