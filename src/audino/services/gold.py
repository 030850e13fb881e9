"""Gold items: items with reference annotations, mixed unflagged into annotators' queues,
and each annotator's accuracy on them.

A manager marks an item gold with a reference author (usually themselves): that user's
segments on it are the reference. The project's `settings["gold"]` says how often gold
comes round (`rate`, default 0.1: one gold item per ten items completed) and when to
raise an alert (`alert_below`, default 0.7 of gold items passed, after `min_items`, 3).
Each time an annotator completes an item, a gold item they have not had is assigned to
them when they are due one; it looks like any other item in their queue.

An annotator's gold item passes when at least 80% of the reference segments are matched
by theirs at IoU ≥ 0.4, their transcripts on matched segments have WER and CER < 0.3
against the reference (where it has transcripts), and at least 80% of the matched
segments carry the reference's choice labels — the thresholds Audino 2025 uses for IoU
and WER/CER.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audino.db.models import Assignment, AssignmentStatus, Datapoint, Membership, Project, User
from audino.services import audit
from audino.services.errors import InvalidInput, NotFound
from audino.services.segment_records import categorical_labels, segment_records, value_names

DEFAULT_RATE = 0.1
DEFAULT_ALERT_BELOW = 0.7
DEFAULT_MIN_ITEMS = 3
MATCHED_SHARE = 0.8
MAX_ERROR_RATE = 0.3
LABEL_SHARE = 0.8


@dataclass(frozen=True)
class GoldSettings:
    rate: float = DEFAULT_RATE
    alert_below: float = DEFAULT_ALERT_BELOW
    min_items: int = DEFAULT_MIN_ITEMS


def settings_of(settings: Mapping[str, Any] | None) -> GoldSettings:
    raw = (settings or {}).get("gold")
    if raw is None:
        return GoldSettings()
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            'settings.gold must be an object like {"rate": 0.1}.', code="bad_gold_settings"
        )
    out: dict[str, Any] = {}
    for key, kind, low, high in (
        ("rate", float, 0.0, 1.0),
        ("alert_below", float, 0.0, 1.0),
        ("min_items", int, 1, 10_000),
    ):
        if key not in raw:
            continue
        value = raw[key]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if kind is int:
            ok = ok and float(value).is_integer()
        if not ok or not low <= value <= high:
            raise InvalidInput(
                f"settings.gold.{key} must be a number from {low:g} to {high:g}.",
                code="bad_gold_settings",
            )
        out[key] = kind(value)
    unknown = set(raw) - {"rate", "alert_below", "min_items"}
    if unknown:
        raise InvalidInput(
            f"settings.gold does not take {', '.join(sorted(unknown))}.", code="bad_gold_settings"
        )
    return GoldSettings(**out)


def mark_gold(
    db: Session, datapoint: Datapoint, reference_user_id: int, *, actor_id: int | None
) -> Datapoint:
    """Makes the item gold, with that member's segments on it as the reference."""
    member = db.scalar(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == datapoint.project_id, User.id == reference_user_id)
    )
    is_admin = db.scalar(select(User.is_admin).where(User.id == reference_user_id))
    if member is None and not is_admin:
        raise NotFound(f"User {reference_user_id} is not a member of this project.")
    return _set_gold(db, datapoint, reference_user_id, actor_id=actor_id)


def unmark_gold(db: Session, datapoint: Datapoint, *, actor_id: int | None) -> Datapoint:
    return _set_gold(db, datapoint, None, actor_id=actor_id)


def _set_gold(
    db: Session, datapoint: Datapoint, reference: int | None, *, actor_id: int | None
) -> Datapoint:
    before = {"gold_user_id": datapoint.gold_user_id}
    datapoint.gold_user_id = reference
    db.flush()
    audit.record(
        db,
        user_id=actor_id,
        action="datapoint.gold" if reference is not None else "datapoint.ungold",
        entity_type="datapoint",
        entity_id=datapoint.id,
        project_id=datapoint.project_id,
        datapoint_id=datapoint.id,
        before=before,
        after={"gold_user_id": reference},
    )
    return datapoint


def maybe_assign_gold(db: Session, project: Project, user_id: int) -> int | None:
    """After the user completed an item: a gold item they have not had, when due one.

    Due when their gold items are fewer than `rate` × their other completed items (rounded
    up), so gold comes round steadily and never all at once."""
    config = settings_of(project.settings)
    if config.rate <= 0:
        return None
    mine = (
        select(func.count())
        .select_from(Assignment)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(Datapoint.project_id == project.id, Assignment.user_id == user_id)
    )
    done = db.scalar(
        mine.where(
            Assignment.status == AssignmentStatus.done.value, Datapoint.gold_user_id.is_(None)
        )
    )
    had = db.scalar(mine.where(Datapoint.gold_user_id.is_not(None)))
    if (had or 0) >= math.ceil((done or 0) * config.rate):
        return None
    assigned = select(Assignment.datapoint_id).where(Assignment.user_id == user_id)
    gold = db.scalar(
        select(Datapoint.id)
        .where(
            Datapoint.project_id == project.id,
            Datapoint.gold_user_id.is_not(None),
            Datapoint.gold_user_id != user_id,
            Datapoint.window_count == 0,
            Datapoint.id.not_in(assigned),
        )
        .order_by(Datapoint.id)
        .limit(1)
    )
    if gold is None:
        return None
    db.add(Assignment(datapoint_id=gold, user_id=user_id))
    db.flush()
    return gold


@dataclass
class AnnotatorGold:
    username: str
    items: int = 0
    passed: int = 0
    reference_segments: int = 0
    matched: int = 0
    word_errors: int = 0
    reference_words: int = 0
    char_errors: int = 0
    reference_chars: int = 0
    labelled: int = 0
    labels_right: int = 0
    failed_items: list[int] = field(default_factory=list)

    def json(self, config: GoldSettings) -> dict[str, Any]:
        def share(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        accuracy = share(self.passed, self.items)
        alert = (
            accuracy is not None
            and self.items >= config.min_items
            and accuracy < config.alert_below
        )
        return {
            "username": self.username,
            "items": self.items,
            "passed": self.passed,
            "accuracy": accuracy,
            "segment_recall": share(self.matched, self.reference_segments),
            "wer": share(self.word_errors, self.reference_words),
            "cer": share(self.char_errors, self.reference_chars),
            "label_accuracy": share(self.labels_right, self.labelled),
            "alert": alert,
            "failed_items": self.failed_items,
        }


def gold_report(db: Session, project: Project) -> dict[str, Any]:
    """Each annotator's figures on the gold items they completed, with alerts."""
    from audino.quality.agreement import pair_agreement
    from audino.quality.items import AgreementOptions, category_of

    config = settings_of(project.settings)
    gold: dict[int, int] = {
        dp: ref
        for dp, ref in db.execute(
            select(Datapoint.id, Datapoint.gold_user_id).where(
                Datapoint.project_id == project.id, Datapoint.gold_user_id.is_not(None)
            )
        )
        if ref is not None
    }
    names, specs = value_names(db, project.id)
    labels = tuple(categorical_labels(specs))
    options = AgreementOptions(labels=labels)
    records = segment_records(db, list(gold), names)
    done = db.execute(
        select(Assignment.datapoint_id, Assignment.user_id, User.username)
        .join(User, User.id == Assignment.user_id)
        .where(
            Assignment.datapoint_id.in_(list(gold)),
            Assignment.status == AssignmentStatus.done.value,
        )
        .order_by(Assignment.datapoint_id, Assignment.user_id)
    ).all()
    reference_names = dict(
        db.execute(select(User.id, User.username).where(User.id.in_(set(gold.values())))).all()
    )
    people: dict[str, AnnotatorGold] = {}
    for dp, user_id, username in done:
        if user_id == gold[dp]:
            continue
        ref_name = reference_names.get(gold[dp])
        segs = records.get(dp, [])
        reference = [s for s in segs if s.author == ref_name]
        theirs = [s for s in segs if s.author == username]
        pair = pair_agreement(reference, theirs, options, names=("reference", username))
        row = people.setdefault(username, AnnotatorGold(username))
        row.items += 1
        row.reference_segments += len(reference)
        row.matched += len(pair.matching.pairs)
        wer, cer = pair.transcripts.matched_wer, pair.transcripts.matched_cer
        row.word_errors += wer.errors
        row.reference_words += wer.length_a
        row.char_errors += cer.errors
        row.reference_chars += cer.length_a
        right = 0
        for i, j, _ in pair.matching.pairs:
            same = all(
                category_of(reference[i], label) == category_of(theirs[j], label)
                for label in labels
            )
            right += same
        if labels:
            row.labelled += len(pair.matching.pairs)
            row.labels_right += right
        matched_ok = not reference or len(pair.matching.pairs) >= MATCHED_SHARE * len(reference)
        text_ok = all(r.a_ref is None or r.a_ref < MAX_ERROR_RATE for r in (wer, cer))
        labels_ok = (
            not labels
            or not pair.matching.pairs
            or (right >= LABEL_SHARE * len(pair.matching.pairs))
        )
        if matched_ok and text_ok and labels_ok:
            row.passed += 1
        else:
            row.failed_items.append(dp)
    annotators = [people[name].json(config) for name in sorted(people)]
    return {
        "project_id": project.id,
        "gold_items": len(gold),
        "rate": config.rate,
        "alert_below": config.alert_below,
        "min_items": config.min_items,
        "annotators": annotators,
        "alerts": [a["username"] for a in annotators if a["alert"]],
    }
