"""The active-learning queue: a project's order of work by model uncertainty, and its rounds.

`settings.queue = {"order": "id" | "uncertainty" | "disagreement", "models": [names]}`.
An item's uncertainty is the *lowest* confidence among its predictions (of the named models,
when any are named): one weak guess is enough to want a person's eyes on it. Disagreement of
two models is 1 − the frame-level (10 ms) IoU of where each marks speech. Items without any
such prediction come last, ties go by id. Scores are computed per request from the segments
themselves, so nothing cached goes stale when a model runs again.

A round freezes the `size` most uncertain open items when a manager starts it; the queue of
each annotator serves their own open items of the running round by that order, the ones they
skipped last (earliest skip first), and then the rest of their work by the project's order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import Select, and_, case, distinct, func, select
from sqlalchemy.orm import Session

from audino.db.models import (
    Assignment,
    AssignmentStatus,
    Datapoint,
    Project,
    QueueRound,
    QueueRoundItem,
    QueueRoundSkip,
    Segment,
    SegmentSource,
    User,
    utcnow,
)
from audino.formats.records import SegmentRecord
from audino.quality.evaluation import speech_iou
from audino.services import audit
from audino.services.errors import Conflict, InvalidInput, NotFound

SETTING = "queue"
Order = Literal["id", "uncertainty", "disagreement"]
ORDERS: tuple[Order, ...] = ("id", "uncertainty", "disagreement")
MAX_MODELS = 8
MAX_ROUND = 1000
OPEN = (AssignmentStatus.todo.value, AssignmentStatus.in_progress.value)
_SHAPE = 'settings.queue takes {"order": "uncertainty", "models": ["<model name>", …]}.'


@dataclass(frozen=True, slots=True)
class QueueConfig:
    order: Order = "id"
    models: tuple[str, ...] = ()

    def json(self) -> dict[str, Any]:
        return {"order": self.order, "models": list(self.models)}


def queue_config(settings: Mapping[str, Any]) -> QueueConfig:
    """The project's queue order; 400 with a sentence naming what is wrong."""
    raw = settings.get(SETTING)
    if raw is None:
        return QueueConfig()
    if not isinstance(raw, Mapping):
        raise InvalidInput(_SHAPE, code="bad_settings")
    unknown = set(raw) - {"order", "models"}
    if unknown:
        raise InvalidInput(
            f"settings.queue has unknown fields: {', '.join(sorted(map(str, unknown)))}. " + _SHAPE,
            code="bad_settings",
        )
    order = raw.get("order", "id")
    if order not in ORDERS:
        raise InvalidInput(
            f"settings.queue.order is one of {', '.join(ORDERS)}, not {order!r}.",
            code="bad_settings",
        )
    models = raw.get("models") or []
    if (
        not isinstance(models, list)
        or len(models) > MAX_MODELS
        or not all(isinstance(m, str) and 0 < len(m.strip()) <= 200 for m in models)
    ):
        raise InvalidInput(
            f"settings.queue.models is a list of at most {MAX_MODELS} model names.",
            code="bad_settings",
        )
    names = tuple(dict.fromkeys(m.strip() for m in models))
    if order == "disagreement" and len(names) != 2:
        raise InvalidInput(
            "settings.queue.models names the two models whose disagreement orders the queue "
            f"(it names {len(names)}).",
            code="bad_settings",
        )
    if order == "id" and names:
        raise InvalidInput(
            "settings.queue.models is used by the uncertainty and disagreement orders only.",
            code="bad_settings",
        )
    return QueueConfig(cast(Order, order), names)


def stored_config(project: Project) -> QueueConfig:
    """The order as saved; a value checked under older rules counts as the id order."""
    try:
        return queue_config(project.settings or {})
    except InvalidInput:
        return QueueConfig()


# --- ranking -------------------------------------------------------------------------------


def _open_items(project_id: int, user_id: int | None = None) -> Select[int]:
    """Items someone (or `user_id`) still has to do."""
    query = (
        select(Assignment.datapoint_id)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(
            Datapoint.project_id == project_id,
            Datapoint.window_count == 0,
            Assignment.status.in_(OPEN),
        )
    )
    if user_id is not None:
        query = query.where(Assignment.user_id == user_id)
    return query


def ranked(
    db: Session,
    config: QueueConfig,
    candidates: Select[int],
    limit: int,
    *,
    exclude: Sequence[int] = (),
) -> list[tuple[int, float | None]]:
    """The first `limit` candidate items by the config's order, each with its score."""
    if exclude:
        candidates = candidates.where(Assignment.datapoint_id.not_in(list(exclude)))
    if config.order == "disagreement":
        return _by_disagreement(db, config.models, candidates, limit)
    model = [Segment.model.in_(config.models)] if config.models else []
    score = func.min(Segment.confidence)
    rows = db.execute(
        select(Datapoint.id, score)
        .outerjoin(
            Segment,
            and_(
                Segment.datapoint_id == Datapoint.id,
                Segment.source == SegmentSource.model.value,
                Segment.confidence.is_not(None),
                *model,
            ),
        )
        .where(Datapoint.id.in_(candidates))
        .group_by(Datapoint.id)
        .order_by(case((score.is_(None), 1), else_=0), score, Datapoint.id)
        .limit(limit)
    )
    return [(int(i), None if s is None else float(s)) for i, s in rows]


def _by_disagreement(
    db: Session, models: Sequence[str], candidates: Select[int], limit: int
) -> list[tuple[int, float | None]]:
    first, second = models
    spans = db.execute(
        select(Segment.datapoint_id, Segment.model, Segment.start, Segment.end)
        .where(
            Segment.datapoint_id.in_(candidates),
            Segment.source == SegmentSource.model.value,
            Segment.model.in_(models),
        )
        .order_by(Segment.datapoint_id)
    )
    by_item: dict[int, tuple[list[SegmentRecord], list[SegmentRecord]]] = {}
    for dp_id, model, start, end in spans:
        pair = by_item.setdefault(dp_id, ([], []))
        pair[0 if model == first else 1].append(
            SegmentRecord(id=None, recording_id=dp_id, author=None, start=start, end=end)
        )
    ends = {
        int(i): float(end)
        for i, end in db.execute(
            select(Datapoint.id, Datapoint.offset + Datapoint.duration).where(
                Datapoint.id.in_(list(by_item))
            )
        )
    }
    scored = []
    for dp_id, (a, b) in by_item.items():
        agreement = speech_iou(a, b, ends[dp_id])
        scored.append((dp_id, 1.0 - (1.0 if agreement is None else agreement)))
    scored.sort(key=lambda x: (-x[1], x[0]))
    out: list[tuple[int, float | None]] = list(scored[:limit])
    if len(out) < limit:  # then the items neither model has spoken about, by id
        rest = db.scalars(
            select(Datapoint.id)
            .where(Datapoint.id.in_(candidates), Datapoint.id.not_in(list(by_item)))
            .order_by(Datapoint.id)
            .limit(limit - len(out))
        )
        out.extend((int(i), None) for i in rest)
    return out


# --- rounds --------------------------------------------------------------------------------


def current_round(db: Session, project_id: int) -> QueueRound | None:
    return db.scalar(
        select(QueueRound)
        .where(QueueRound.project_id == project_id, QueueRound.closed_at.is_(None))
        .order_by(QueueRound.id.desc())
        .limit(1)
    )


def running_round(db: Session, project_id: int) -> QueueRound:
    found = current_round(db, project_id)
    if found is None:
        raise NotFound("No round is running in this project.", code="no_round")
    return found


def start_round(db: Session, project: Project, size: int, *, actor_id: int | None) -> QueueRound:
    """Freezes the `size` most uncertain open items (fewer when fewer are open) as a round."""
    config = stored_config(project)
    if config.order == "id":
        raise Conflict(
            "Rounds follow model uncertainty: set the project's queue order to uncertainty or "
            "disagreement first.",
            code="queue_order_id",
        )
    if not 1 <= size <= MAX_ROUND:
        raise InvalidInput(f"A round holds 1 to {MAX_ROUND} items.", code="bad_size")
    running = current_round(db, project.id)
    if running is not None:
        raise Conflict(
            f"Round {running.number} is still running: close it before starting another.",
            code="round_running",
        )
    items = ranked(db, config, _open_items(project.id).distinct(), size)
    if not items:
        raise Conflict(
            "No item is left to do in this project, so there is nothing to put in a round.",
            code="nothing_open",
        )
    number = (db.scalar(select(func.max(QueueRound.number)).where(
        QueueRound.project_id == project.id)) or 0) + 1  # fmt: skip
    row = QueueRound(
        project_id=project.id,
        number=number,
        size=len(items),
        order=config.order,
        models=list(config.models),
        created_by_id=actor_id,
    )
    db.add(row)
    db.flush()  # two managers starting round N at once: the second gets a 409 (unique number)
    db.add_all(
        QueueRoundItem(round_id=row.id, datapoint_id=dp_id, position=i, score=score)
        for i, (dp_id, score) in enumerate(items)
    )
    db.flush()
    audit.record(
        db,
        user_id=actor_id,
        action="round.start",
        entity_type="queue_round",
        entity_id=row.id,
        project_id=project.id,
        after={"number": number, "size": len(items), **config.json()},
    )
    return row


def close_round(db: Session, project: Project, *, actor_id: int | None) -> QueueRound:
    row = running_round(db, project.id)
    row.closed_at = utcnow()
    audit.record(
        db,
        user_id=actor_id,
        action="round.close",
        entity_type="queue_round",
        entity_id=row.id,
        project_id=project.id,
        after={"number": row.number},
    )
    db.flush()
    return row


def _in_round(db: Session, row: QueueRound, datapoint_id: int) -> bool:
    return (
        db.scalar(
            select(QueueRoundItem.id).where(
                QueueRoundItem.round_id == row.id, QueueRoundItem.datapoint_id == datapoint_id
            )
        )
        is not None
    )


def skip(db: Session, datapoint: Datapoint, user_id: int) -> int | None:
    """Puts the item at the end of the caller's round, or (outside a running round) at the
    end of their queue; answers their next item."""
    row = current_round(db, datapoint.project_id)
    if row is None or not _in_round(db, row, datapoint.id):
        from audino.services import queue, skips

        skips.skip(db, datapoint, user_id)
        return queue.next_in_queue(db, datapoint.project_id, user_id, after=datapoint.id)
    status = db.scalar(
        select(Assignment.status).where(
            Assignment.datapoint_id == datapoint.id, Assignment.user_id == user_id
        )
    )
    if status is None:
        raise Conflict("This item is not assigned to you.", code="not_assigned")
    if status not in OPEN:
        raise Conflict("You submitted this item already; there is nothing to skip.", code="done")
    found = db.scalar(
        select(QueueRoundSkip).where(
            QueueRoundSkip.round_id == row.id,
            QueueRoundSkip.user_id == user_id,
            QueueRoundSkip.datapoint_id == datapoint.id,
        )
    )
    if found is None:
        db.add(QueueRoundSkip(round_id=row.id, user_id=user_id, datapoint_id=datapoint.id))
    else:
        found.skipped_at = utcnow()
    db.flush()
    project = db.get(Project, datapoint.project_id)
    config = stored_config(project) if project else QueueConfig()
    return next_item(db, datapoint.project_id, config, user_id, datapoint.id)


def next_item(
    db: Session, project_id: int, config: QueueConfig, user_id: int, after: int | None
) -> int | None:
    """The caller's next item by the project's order (never `after` itself): the running
    round's first, the ones they skipped last, then the rest of their work."""
    row = current_round(db, project_id)
    if row is not None:
        mine = _served(row, user_id).where(Assignment.status.in_(OPEN)).limit(1)
        if after is not None:
            mine = mine.where(QueueRoundItem.datapoint_id != after)
        found = db.scalar(mine)
        if found is not None:
            return int(found)
    fresh = _open_items(project_id, user_id).where(Assignment.skipped_at.is_(None))
    rest = ranked(db, config, fresh, 1, exclude=[after] if after else [])
    if rest:
        return rest[0][0]
    from audino.services import skips

    return skips.next_skipped(db, project_id, user_id, after)


@dataclass(frozen=True, slots=True)
class Progress:
    items: int
    submitted: int
    skipped: int


@dataclass(frozen=True, slots=True)
class UserProgress(Progress):
    user_id: int
    username: str


@dataclass(frozen=True, slots=True)
class RoundProgress:
    round: QueueRound
    created_by: str | None
    total: Progress  # submitted: every assignment on the item is done
    mine: Progress | None  # the caller's own items in the round
    people: list[UserProgress]  # everyone's (managers and reviewers are shown it)
    item_ids: list[int]  # the caller's own items, in the order their queue serves them


def progress(db: Session, row: QueueRound, user_id: int | None) -> RoundProgress:
    items = select(QueueRoundItem.datapoint_id).where(QueueRoundItem.round_id == row.id)
    done_items = int(
        db.scalar(
            select(func.count()).select_from(Datapoint).where(
                Datapoint.id.in_(items), Datapoint.status == AssignmentStatus.done.value)
        ) or 0
    )  # fmt: skip
    skipped_open = int(
        db.scalar(
            select(func.count(distinct(QueueRoundSkip.datapoint_id)))
            .join(
                Assignment,
                and_(
                    Assignment.datapoint_id == QueueRoundSkip.datapoint_id,
                    Assignment.user_id == QueueRoundSkip.user_id,
                ),
            )
            .where(QueueRoundSkip.round_id == row.id, Assignment.status.in_(OPEN))
        )
        or 0
    )
    skip_of = (
        select(func.count())
        .select_from(QueueRoundSkip)
        .where(
            QueueRoundSkip.round_id == row.id,
            QueueRoundSkip.user_id == Assignment.user_id,
            QueueRoundSkip.datapoint_id == Assignment.datapoint_id,
        )
        .correlate(Assignment)
        .scalar_subquery()
    )
    done = Assignment.status == AssignmentStatus.done.value
    people = [
        UserProgress(int(n), int(s or 0), int(k or 0), uid, name)
        for uid, name, n, s, k in db.execute(
            select(
                Assignment.user_id,
                User.username,
                func.count(),
                func.sum(case((done, 1), else_=0)),
                func.sum(case((done, 0), else_=skip_of)),
            )
            .join(User, User.id == Assignment.user_id)
            .where(Assignment.datapoint_id.in_(items))
            .group_by(Assignment.user_id, User.username)
            .order_by(User.username)
        )
    ]
    mine = next((p for p in people if p.user_id == user_id), None)
    order = [int(i) for i in db.scalars(_served(row, user_id))] if mine else []
    creator = db.get(User, row.created_by_id) if row.created_by_id else None
    return RoundProgress(
        round=row,
        created_by=creator.username if creator else None,
        total=Progress(row.size, done_items, skipped_open),
        mine=Progress(mine.items, mine.submitted, mine.skipped) if mine else None,
        people=people,
        item_ids=order,
    )


def _served(row: QueueRound, user_id: int | None) -> Select[int]:
    """The caller's items of the round: by position, the ones they skipped last."""
    skipped = (
        select(QueueRoundSkip.datapoint_id, QueueRoundSkip.skipped_at)
        .where(QueueRoundSkip.round_id == row.id, QueueRoundSkip.user_id == user_id)
        .subquery()
    )
    return (
        select(QueueRoundItem.datapoint_id)
        .join(Assignment, Assignment.datapoint_id == QueueRoundItem.datapoint_id)
        .outerjoin(skipped, skipped.c.datapoint_id == QueueRoundItem.datapoint_id)
        .where(QueueRoundItem.round_id == row.id, Assignment.user_id == user_id)
        .order_by(
            case((skipped.c.skipped_at.is_(None), 0), else_=1),
            skipped.c.skipped_at,
            QueueRoundItem.position,
        )
    )
