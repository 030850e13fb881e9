"""Quick annotation modes (settings.quick): one clip at a time, one key per decision.

`{"mode": "binary" | "choice" | "transcript", "label": "<datapoint-scope label name>"}`;
binary and choice need the label (binary: a single-choice label with the values accept,
reject and ignore), transcript does not. Decisions are the annotator's assignment values,
and a decided item is completed, so the queue and the exports are the usual ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    Label,
    LabelScope,
    PredictionDecision,
    Segment,
)
from audino.services.errors import InvalidInput

SETTING = "quick"
MODES = ("binary", "choice", "transcript")
BINARY_VALUES = ("accept", "reject", "ignore")
NEEDS_LABEL = frozenset({"binary", "choice"})
OVER = ("items", "predictions")  # what one decision is about (default: the whole item)


def _bad(text: str) -> InvalidInput:
    return InvalidInput(text, code="bad_settings")


def check_setting(
    settings: Mapping[str, Any], db: Session | None = None, project_id: int | None = None
) -> None:
    """400 in words unless settings.quick is absent, null or a valid quick mode. The label is
    checked against the project's labels when there is a project (not while creating one,
    when it has no labels yet)."""
    quick = settings.get(SETTING)
    if quick is None:
        return
    if not isinstance(quick, dict):
        raise _bad(
            'settings.quick is an object such as {"mode": "binary", "label": "decision"}, '
            "or null for no quick mode."
        )
    unknown = sorted(set(quick) - {"mode", "label", "over"})
    if unknown:
        raise _bad(f"settings.quick takes mode, label and over only, not {', '.join(unknown)}.")
    mode = quick.get("mode")
    if mode not in MODES:
        raise _bad(f"settings.quick.mode is one of binary, choice or transcript, not {mode!r}.")
    name = quick.get("label")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise _bad("settings.quick.label is the name of one of the project's labels.")
    over = quick.get("over", "items")
    if over not in OVER:
        raise _bad(
            f'settings.quick.over is "items" (decide each item) or "predictions" (decide '
            f"each of the models' predicted regions), not {over!r}."
        )
    if over == "predictions":
        if mode != "binary":
            raise _bad(
                f"Only the binary quick mode decides predictions one by one; the {mode} "
                'mode works on whole items (leave settings.quick.over out or set "items").'
            )
        if name is not None:
            raise _bad(
                "The binary mode over predictions takes no label: accept, reject and "
                "ignore are decisions on each prediction (leave settings.quick.label out)."
            )
        return
    if mode in NEEDS_LABEL and name is None:
        raise _bad(
            f"The {mode} quick mode needs a label: settings.quick.label names a "
            "datapoint-scope label of the project."
        )
    if db is None or project_id is None or name is None:
        return
    label = db.scalar(select(Label).where(Label.project_id == project_id, Label.name == name))
    if label is None:
        raise _bad(f"The quick mode's label {name!r} is not a label of this project.")
    check_label(mode, name, label.kind, label.scope, [v.value for v in label.values])


def check_label(mode: str, name: str, kind: str, scope: str, values: Sequence[str]) -> None:
    """400 in words unless the label (a project's or a template's) suits the quick mode."""
    if scope != LabelScope.datapoint.value:
        raise _bad(
            f"The quick mode's label {name!r} labels segments; quick modes need a "
            "datapoint-scope label (one value for the whole item)."
        )
    if mode == "binary":
        missing = [v for v in BINARY_VALUES if v not in values]
        if kind != "single" or missing:
            raise _bad(
                f"The binary quick mode needs a single-choice label with the values accept, "
                f"reject and ignore; {name!r} "
                + (f"is a {kind} label." if kind != "single" else "")
                + (f"has no {', '.join(missing)}." if kind == "single" else "")
            )
    elif mode == "choice" and (kind not in ("single", "multi") or not values):
        raise _bad(
            f"The choice quick mode needs a single- or multi-choice label with values; "
            f"{name!r} is a {kind} label"
            + (" without values." if kind in ("single", "multi") else ".")
        )


def setting_of(settings: Mapping[str, Any] | None) -> dict[str, Any] | None:
    quick = (settings or {}).get(SETTING)
    return quick if isinstance(quick, dict) and quick.get("mode") in MODES else None


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    left: int = 0
    # Done items by the value of the quick label (value names; "" for none).
    counts: dict[str, int] = field(default_factory=dict)


def over_predictions(setting: Mapping[str, Any] | None) -> bool:
    return setting is not None and setting.get("over") == "predictions"


def prediction_progress(db: Session, project_id: int, user_id: int) -> Progress:
    """The caller's assignments, done and left, with their decisions on the project's
    predictions counted as accept / reject / ignore."""
    out = progress(db, project_id, user_id, None)
    rows = db.execute(
        select(PredictionDecision.decision, func.count())
        .join(Segment, Segment.id == PredictionDecision.prediction_id)
        .join(Datapoint, Datapoint.id == Segment.datapoint_id)
        .where(
            Datapoint.project_id == project_id,
            PredictionDecision.user_id == user_id,
            # An acceptance whose segment was deleted since (undone) counts as undecided.
            or_(
                PredictionDecision.decision.in_(("rejected", "ignored")),
                PredictionDecision.segment_id.is_not(None),
            ),
        )
        .group_by(PredictionDecision.decision)
    )
    as_key = {"accepted": "accept", "edited": "accept", "rejected": "reject", "ignored": "ignore"}
    for decision, count in rows:
        key = as_key.get(decision, decision)
        out.counts[key] = out.counts.get(key, 0) + count
    return out


def progress(db: Session, project_id: int, user_id: int, label_name: str | None) -> Progress:
    """The caller's assignments in the project: how many done, how many left, and the done
    ones counted by their value of the quick label."""
    label = (
        db.scalar(select(Label).where(Label.project_id == project_id, Label.name == label_name))
        if label_name
        else None
    )
    names = {v.id: v.value for v in label.values} if label else {}
    rows = db.execute(
        select(Assignment.status, Assignment.values)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(Datapoint.project_id == project_id, Assignment.user_id == user_id)
    )
    out = Progress()
    for status, values in rows:
        out.total += 1
        if status != AssignmentStatus.done.value:
            out.left += 1
            continue
        out.done += 1
        if label is None:
            continue
        raw = (values or {}).get(str(label.id))
        chosen = raw if isinstance(raw, list) else [] if raw is None else [raw]
        for value_id in chosen or [None]:
            key = names.get(value_id, "") if value_id is not None else ""
            out.counts[key] = out.counts.get(key, 0) + 1
    return out
