"""Changes to many items at once, from the grid or the list: set an item-level label's value,
mark (or unmark) them for review. Each item goes through the same checked, versioned and
audited change as one edited in the editor; the whole selection is one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.db.models import Assignment, Datapoint, LabelScope, LabelValue, Membership, User
from audino.services import assignments, review
from audino.services.access import ADMIN, Principal
from audino.services.errors import AudinoError, InvalidInput, NotFound
from audino.services.labels.validation import LabelInfo, LabelSchema, clean_values, load_schema

MAX_SELECTION = 10_000
_CHUNK = 2_000  # ids per IN (...)


@dataclass
class SelectionResult:
    changed: int = 0  # items whose work changed
    unchanged: int = 0  # items that already were so
    skipped: list[int] = field(default_factory=list)  # items it could not apply to
    message: str = ""


def checked_ids(
    db: Session,
    project_id: int,
    ids: Sequence[int],
    *,
    to: str,
    limit: int = MAX_SELECTION,
    missing: type[AudinoError] = InvalidInput,
) -> list[int]:
    """The chosen datapoint ids, sorted without repeats, once each is known to be in the
    project; a 400 in words (`to` says what for: "to compute features of") otherwise, or
    `missing` for ids that are not in the project."""
    wanted = sorted(set(ids))
    if not wanted:
        raise InvalidInput(f"Select at least one item {to}.", code="empty")
    if len(wanted) > limit:
        raise InvalidInput(f"At most {limit:,} items at once {to}.", code="too_many")
    found: set[int] = set()
    for first in range(0, len(wanted), _CHUNK):
        chunk = wanted[first : first + _CHUNK]
        found.update(
            db.scalars(
                select(Datapoint.id).where(
                    Datapoint.project_id == project_id, Datapoint.id.in_(chunk)
                )
            )
        )
    absent = [i for i in wanted if i not in found]
    if absent:
        raise missing(
            f"Item {absent[0]} is not in this project"
            + (f" (nor {len(absent) - 1} more)." if len(absent) > 1 else "."),
            code="unknown_datapoint",
        )
    return wanted


def selected(db: Session, project_id: int, ids: Sequence[int]) -> list[Datapoint]:
    """The chosen datapoints of the project, in id order; a 404 for ids not in it."""
    wanted = checked_ids(db, project_id, ids, to="to change", missing=NotFound)
    rows: list[Datapoint] = []
    for first in range(0, len(wanted), _CHUNK):
        chunk = wanted[first : first + _CHUNK]
        rows += db.scalars(select(Datapoint).where(Datapoint.id.in_(chunk)))
    return sorted(rows, key=lambda dp: dp.id)


def _targets(db: Session, datapoint: Datapoint) -> list[Datapoint]:
    """The item itself, or each window of a recording presented as windows."""
    if not datapoint.window_count:
        return [datapoint]
    return list(
        db.scalars(
            select(Datapoint)
            .where(Datapoint.parent_id == datapoint.id)
            .order_by(Datapoint.window_index)
        )
    )


def _item_label(schema: LabelSchema, ref: object) -> LabelInfo:
    label = schema.find(ref)
    if label is None:
        raise InvalidInput(f"This project has no label {ref!r}.", code="unknown_label")
    if label.scope != LabelScope.datapoint.value:
        raise InvalidInput(
            f"“{label.name}” is set on segments; only item-level labels can be set on many "
            "items at once.",
            code="wrong_label_scope",
        )
    return label


def _value_for(db: Session, label: LabelInfo, raw: object) -> object:
    """A value as stored: list values may be named by their text as well as by id."""
    if label.kind in ("single", "multi") and isinstance(raw, str):
        found = db.scalar(
            select(LabelValue.id).where(LabelValue.label_id == label.id, LabelValue.value == raw)
        )
        if found is not None:
            return found
        if not (raw.isascii() and raw.isdigit()):
            known = db.scalars(
                select(LabelValue.value)
                .where(LabelValue.label_id == label.id)
                .order_by(LabelValue.position, LabelValue.id)
                .limit(20)
            ).all()
            raise InvalidInput(
                f"“{raw}” is not one of the values of “{label.name}” "
                f"({', '.join(known) or 'it has none yet'}).",
                code="unknown_label_value",
            )
    return raw


def set_label(
    db: Session,
    project_id: int,
    ids: Sequence[int],
    label_ref: object,
    value: object,
    *,
    principal: Principal,
    role: str,
    user_ref: int | str | None = None,
) -> SelectionResult:
    """`value` as `user_ref`'s (default: the caller's) value of an item-level label on every
    chosen item, assigning them where needed. A list label gets the value added; None
    clears the label."""
    schema = load_schema(db, project_id)
    label = _item_label(schema, label_ref)
    stored = _value_for(db, label, value)
    if label.kind == "multi" and stored is not None and not isinstance(stored, list):
        stored = [stored]
    if stored is not None:  # checked as the editor checks it, before anything changes
        stored = clean_values(schema, {label.id: stored}, scope=label.scope)[str(label.id)]
    user = _author(db, project_id, principal, user_ref)
    items = selected(db, project_id, ids)
    key = str(label.id)
    result = SelectionResult()
    for item in items:
        changed = False
        assignments.assign(db, item, [user], actor_id=principal.actor_id)
        for target in _targets(db, item):
            row = review.get_assignment(db, target.id, user.id)
            current = {k: v for k, v in (row.values or {}).items() if schema.find(k) is not None}
            new = dict(current)
            if stored is None:
                new.pop(key, None)
            elif label.kind == "multi" and isinstance(stored, list):
                have = list(current.get(key) or [])
                new[key] = have + [v for v in stored if v not in have]
            else:
                new[key] = stored
            if new == current:
                continue
            review.set_values(db, target, principal, role, new, user_id=user.id)
            changed = True
        if changed:
            result.changed += 1
        else:
            result.unchanged += 1
    name = f"“{label.name}”"
    result.message = (
        f"{_items(result.changed)} got {name} as {user.username}'s label"
        if stored is not None
        else f"{name} cleared on {_items(result.changed)}"
    ) + (f"; {_items(result.unchanged)} already had it." if result.unchanged else ".")
    return result


def _author(db: Session, project_id: int, principal: Principal, ref: int | str | None) -> User:
    if ref is None:
        if principal.user is None:
            raise InvalidInput(
                "A project key has no labels of its own: name the member whose labels to set.",
                code="no_user",
            )
        member = principal.user.id
        if principal.role_in(db, project_id) == ADMIN and not _is_member(db, project_id, member):
            raise InvalidInput(
                "You are not a member of this project, so you have no labels in it: name the "
                "member whose labels to set (or join the project).",
                code="not_a_member",
            )
        ref = member
    return assignments.resolve_members(db, project_id, [ref])[0]


def _is_member(db: Session, project_id: int, user_id: int) -> bool:
    found = db.scalar(
        select(Membership.user_id).where(
            Membership.project_id == project_id, Membership.user_id == user_id
        )
    )
    return found is not None


def set_marked(
    db: Session,
    project_id: int,
    ids: Sequence[int],
    marked: bool,
    *,
    principal: Principal,
    role: str,
) -> SelectionResult:
    """Marks (or unmarks) every assignment on the chosen items for review; items nobody is
    assigned to are skipped (there is no work to review)."""
    items = selected(db, project_id, ids)
    result = SelectionResult()
    for item in items:
        rows: list[tuple[Datapoint, Assignment]] = []
        for target in _targets(db, item):
            rows += [
                (target, a)
                for a in db.scalars(select(Assignment).where(Assignment.datapoint_id == target.id))
            ]
        if not rows:
            result.skipped.append(item.id)
            continue
        todo = [(t, a) for t, a in rows if a.marked_for_review != marked]
        for target, row in todo:
            review.set_marked(db, target, principal, role, marked, user_id=row.user_id)
        if todo:
            result.changed += 1
        else:
            result.unchanged += 1
    verb = "marked for review" if marked else "no longer marked for review"
    parts = [f"{_items(result.changed)} {verb}"]
    if result.unchanged:
        parts.append(f"{_items(result.unchanged)} already were")
    if result.skipped:
        parts.append(f"{_items(len(result.skipped))} skipped: nobody is assigned to them yet")
    result.message = "; ".join(parts) + "."
    return result


def _items(n: int) -> str:
    return f"{n:,} item{'' if n == 1 else 's'}"
