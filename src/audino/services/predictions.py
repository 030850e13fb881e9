"""Predictions: a model's segments on a recording, and what each person decided about them.

A prediction is a segment with `source = "model"`, its `model`, `model_version` and
`confidence`, and no author: it is nobody's annotation. A person accepts it (their own segment
is made from it, linked by `attributes.prediction_id`), accepts it with changes ("edited") or
rejects it, or leaves it aside ("ignored": neither, and not offered again — the quick
binary mode's Space); each decision is theirs alone (`prediction_decisions`). Running a model again
replaces that model version's predictions on the recording, never human work.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from audino.db.models import (
    Datapoint,
    Label,
    LabelKind,
    LabelValue,
    PredictionDecision,
    Segment,
    SegmentSource,
    utcnow,
)
from audino.formats import words
from audino.services import audit, segments
from audino.services.access import Principal
from audino.services.errors import Conflict, InvalidInput
from audino.services.review import target_user_id

ACCEPTED, EDITED, REJECTED, IGNORED = "accepted", "edited", "rejected", "ignored"
DECLINED = (REJECTED, IGNORED)  # decisions that make no segment
# Shorter than this (seconds) after clipping to the recording, a prediction is left out.
MIN_LENGTH = 0.01
CHANGEABLE = ("start", "end", "transcript", "values", "channel", "low_hz", "high_hz")


class Predicted(Protocol):
    """What a model gives per segment (audino.models' Prediction has these)."""

    start: float
    end: float
    confidence: float | None
    transcript: str
    values: Mapping[str, Any]
    channel: int | None
    words: Sequence[Any] | None


@dataclass
class Written:
    predictions: int = 0
    replaced: int = 0
    left_out: int = 0  # outside the recording, too short, or values of unknown labels


def _value_ids(db: Session, project_id: int) -> dict[str, tuple[int, str, dict[str, int]]]:
    """Label name -> (label id, kind, value text -> value id), for models naming values."""
    out: dict[str, tuple[int, str, dict[str, int]]] = {}
    for label in db.scalars(select(Label).where(Label.project_id == project_id)):
        out[label.name] = (label.id, label.kind, {})
    if out:
        ids = {lid: name for name, (lid, _k, _v) in out.items()}
        rows = db.execute(
            select(LabelValue.label_id, LabelValue.value, LabelValue.id).where(
                LabelValue.label_id.in_(ids)
            )
        )
        for label_id, text, value_id in rows:
            out[ids[label_id]][2][text] = value_id
    return out


def _encode(
    values: Mapping[str, Any], labels: Mapping[str, tuple[int, str, dict[str, int]]]
) -> tuple[dict[str, Any], bool]:
    """Values by label name and value text -> as stored; False when something had no place."""
    out: dict[str, Any] = {}
    whole = True
    for name, value in values.items():
        found = labels.get(name)
        if found is None:
            whole = False
            continue
        label_id, kind, texts = found
        if kind == LabelKind.single.value:
            if str(value) in texts:
                out[str(label_id)] = texts[str(value)]
            else:
                whole = False
        elif kind == LabelKind.multi.value:
            items = value if isinstance(value, list) else [value]
            ids = [texts[str(v)] for v in items if str(v) in texts]
            whole = whole and len(ids) == len(items)
            if ids:
                out[str(label_id)] = ids
        else:
            out[str(label_id)] = value
    return out, whole


def _windows(db: Session, recording: Datapoint) -> list[Datapoint]:
    if recording.window_count == 0:
        return [recording]
    return list(
        db.scalars(
            select(Datapoint).where(Datapoint.parent_id == recording.id).order_by(Datapoint.offset)
        )
    )


def write_predictions(
    db: Session,
    recording: Datapoint,
    model: str,
    version: str,
    predicted: Iterable[Predicted],
    *,
    actor_id: int | None = None,
) -> Written:
    """Replaces `model` `version`'s predictions on the recording (on its windows, each
    prediction on the window its start falls in, clipped to it) with `predicted`."""
    targets = _windows(db, recording)
    ids = [t.id for t in targets]
    result = Written()
    gone = db.execute(
        delete(Segment).where(
            Segment.datapoint_id.in_(ids),
            Segment.source == SegmentSource.model.value,
            Segment.model == model,
            Segment.model_version == version,
        )
    )
    result.replaced = int(gone.rowcount or 0)  # type: ignore[attr-defined]
    labels = _value_ids(db, recording.project_id)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for p in predicted:
        target = next((t for t in reversed(targets) if t.offset <= p.start + 1e-9), targets[0])
        first, last = target.offset, target.offset + target.duration
        start, end = max(first, float(p.start)), min(last, float(p.end))
        if not end - start >= MIN_LENGTH:
            result.left_out += 1
            continue
        values, whole = _encode(p.values or {}, labels)
        result.left_out += 0 if whole else 1
        attributes: dict[str, Any] = {}
        if p.words:
            # Stored as the editor and exports read them, fitted to the segment as saved.
            fitted = words.tidy(p.words, round(start, 3), round(end, 3))
            if fitted:
                attributes["words"] = fitted
        language = getattr(p, "language", None)  # ASR models say what they heard
        if language:
            attributes["language"] = str(language)[:16]
        channel = p.channel if p.channel is not None and p.channel < recording.channels else None
        confidence = None if p.confidence is None else min(1.0, max(0.0, float(p.confidence)))
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "datapoint_id": target.id,
                "author_id": None,
                "edited_by_id": None,
                "start": round(start, 3),
                "end": round(end, 3),
                "channel": channel,
                "low_hz": None,
                "high_hz": None,
                "transcript": p.transcript or "",
                "values": values,
                "attributes": attributes,
                "source": SegmentSource.model.value,
                "model": model,
                "model_version": version,
                "confidence": confidence,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    if rows:
        db.execute(segments.SEGMENTS.insert(), rows)
    result.predictions = len(rows)
    audit.record(
        db,
        user_id=actor_id,
        action="predictions.replace",
        entity_type="datapoint",
        entity_id=recording.id,
        project_id=recording.project_id,
        datapoint_id=recording.id,
        after={"model": model, "version": version, "predictions": len(rows)},
        before={"predictions": result.replaced},
    )
    return result


# --- what people see and decide ------------------------------------------------------------


def _decisions(db: Session, prediction_ids: list[str], user_id: int) -> dict[str, str]:
    """Each prediction's decision by the user; an acceptance whose segment is gone is none."""
    if not prediction_ids:
        return {}
    rows = db.execute(
        select(PredictionDecision.prediction_id, PredictionDecision.decision,
               PredictionDecision.segment_id)
        .where(
            PredictionDecision.prediction_id.in_(prediction_ids),
            PredictionDecision.user_id == user_id,
        )
    )  # fmt: skip
    return {
        pid: decision
        for pid, decision, segment_id in rows
        if decision in DECLINED or segment_id is not None
    }


def prediction_json(seg: Segment, decision: str | None) -> dict[str, Any]:
    out = segments.segment_json(seg, None)
    out["decision"] = decision
    return out


def list_predictions(
    db: Session, datapoint: Datapoint, principal: Principal, role: str, user_id: int | None
) -> list[dict[str, Any]]:
    """The item's predictions by start time, each with the decision of `user_id` (default:
    the caller; reviewers may ask for anyone's)."""
    whose = target_user_id(principal, role, user_id)
    rows = list(
        db.scalars(
            select(Segment)
            .where(
                Segment.datapoint_id == datapoint.id,
                Segment.source == SegmentSource.model.value,
            )
            .order_by(Segment.start, Segment.end, Segment.id)
        )
    )
    decided = _decisions(db, [r.id for r in rows], whose)
    return [prediction_json(r, decided.get(r.id)) for r in rows]


def get_prediction(db: Session, datapoint: Datapoint, prediction: Segment) -> Segment:
    if prediction.source != SegmentSource.model.value or prediction.datapoint_id != datapoint.id:
        raise InvalidInput(
            f"Segment {prediction.id} is not a model's prediction on this item.",
            code="not_a_prediction",
        )
    return prediction


def _deciding(
    db: Session,
    datapoint: Datapoint,
    prediction: Segment,
    principal: Principal,
    role: str,
    user_id: int | None,
) -> int:
    """Whose decision it is (the caller's, or an assignee's for a reviewer), once the
    prediction is known to be one of the item's."""
    get_prediction(db, datapoint, prediction)
    return target_user_id(principal, role, user_id)


def _record(
    db: Session, prediction_id: str, user_id: int, decision: str, segment_id: str | None
) -> None:
    row = db.scalar(
        select(PredictionDecision).where(
            PredictionDecision.prediction_id == prediction_id,
            PredictionDecision.user_id == user_id,
        )
    )
    if row is None:
        db.add(
            PredictionDecision(
                prediction_id=prediction_id,
                user_id=user_id,
                decision=decision,
                segment_id=segment_id,
            )
        )
    else:
        row.decision, row.segment_id, row.created_at = decision, segment_id, utcnow()
    db.flush()


def _content(prediction: Segment, changes: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise InvalidInput(
            f"These fields cannot be set when accepting a prediction: "
            f"{', '.join(sorted(unknown))}.",
            code="bad_field",
        )
    content: dict[str, Any] = {k: getattr(prediction, k) for k in CHANGEABLE}
    edited = any(changes[k] != content[k] for k in changes)
    content.update(changes)
    content["attributes"] = {"prediction_id": prediction.id, "model": prediction.model}
    said = (prediction.attributes or {}).get("words")
    if said and content.get("transcript") == prediction.transcript:
        # The words the model heard stay with its text (cut to the accepted span); a retyped
        # transcript is no longer what they timed.
        fitted = words.tidy(said, float(content["start"]), float(content["end"]))
        if fitted:
            content["attributes"]["words"] = fitted
    return content, edited


def accept(
    db: Session,
    datapoint: Datapoint,
    prediction: Segment,
    principal: Principal,
    role: str,
    *,
    changes: Mapping[str, Any] | None = None,
    user_id: int | None = None,
) -> dict[str, Any]:
    """Makes the prediction the user's own segment (with `changes`: "edited"); answers the
    new segment. Accepting twice is a 409 naming the segment made the first time."""
    whose = _deciding(db, datapoint, prediction, principal, role, user_id)
    made = _decisions(db, [prediction.id], whose).get(prediction.id)
    if made in (ACCEPTED, EDITED):
        raise Conflict(
            "This prediction was accepted already; change the segment made from it instead.",
            code="already_accepted",
        )
    content, edited = _content(prediction, changes or {})
    saved = _save(db, datapoint, [content], principal, role, whose)
    _record(db, prediction.id, whose, EDITED if edited else ACCEPTED, saved[0]["id"])
    return saved[0] | {"decision": EDITED if edited else ACCEPTED}


def _save(
    db: Session,
    datapoint: Datapoint,
    contents: list[dict[str, Any]],
    principal: Principal,
    role: str,
    whose: int,
) -> list[dict[str, Any]]:
    mine = whose == principal.actor_id
    result = segments.save_batch(
        db,
        datapoint,
        [segments.Upsert(c) for c in contents],
        principal=principal,
        role=role,
        author_id=None if mine else whose,
        start_work=mine,
    )
    return result.segments


def reject(
    db: Session,
    datapoint: Datapoint,
    prediction: Segment,
    principal: Principal,
    role: str,
    *,
    user_id: int | None = None,
    decision: str = REJECTED,
) -> None:
    """Marks the prediction wrong (`decision` REJECTED) or left aside (IGNORED) for the user."""
    whose = _deciding(db, datapoint, prediction, principal, role, user_id)
    if _decisions(db, [prediction.id], whose).get(prediction.id) in (ACCEPTED, EDITED):
        raise Conflict(
            "This prediction was accepted already; delete the segment made from it instead.",
            code="already_accepted",
        )
    _record(db, prediction.id, whose, decision, None)


def undecide(
    db: Session,
    datapoint: Datapoint,
    prediction: Segment,
    principal: Principal,
    role: str,
    *,
    user_id: int | None = None,
) -> None:
    """Takes a rejection or an ignore back (an acceptance is taken back by deleting its
    segment)."""
    whose = _deciding(db, datapoint, prediction, principal, role, user_id)
    db.execute(
        delete(PredictionDecision).where(
            PredictionDecision.prediction_id == prediction.id,
            PredictionDecision.user_id == whose,
            PredictionDecision.decision.in_(DECLINED),
        )
    )


def accept_above(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    role: str,
    *,
    min_confidence: float,
    model: str | None = None,
    user_id: int | None = None,
) -> list[dict[str, Any]]:
    """Accepts every undecided prediction on the item with confidence ≥ `min_confidence`
    (of one model, when given), in one save; answers the segments made."""
    whose = target_user_id(principal, role, user_id)
    query = select(Segment).where(
        Segment.datapoint_id == datapoint.id,
        Segment.source == SegmentSource.model.value,
        Segment.confidence >= min_confidence,
    )
    if model is not None:
        query = query.where(Segment.model == model)
    rows = list(db.scalars(query.order_by(Segment.start, Segment.id)))
    decided = _decisions(db, [r.id for r in rows], whose)
    todo = [r for r in rows if r.id not in decided]
    if not todo:
        return []
    saved = _save(db, datapoint, [_content(r, {})[0] for r in todo], principal, role, whose)
    for prediction, seg in zip(todo, saved, strict=True):
        _record(db, prediction.id, whose, ACCEPTED, seg["id"])
    return [s | {"decision": ACCEPTED} for s in saved]
