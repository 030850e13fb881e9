"""Label schemas: labels of each kind and scope, their values, and their order."""

from __future__ import annotations

import re
from types import EllipsisType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audino.db.models import Label, LabelKind, LabelScope, LabelValue, Project
from audino.services import audit
from audino.services.errors import Conflict, InvalidInput, NotFound
from audino.services.labels.usage import (
    Count,
    InUse,
    check_move_target,
    describe,
    label_usage,
    rewrite_uses,
)

COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
HAS_VALUES = {LabelKind.single.value, LabelKind.multi.value}


def _check_color(color: str | None) -> str | None:
    if color in (None, ""):
        return None
    assert color is not None
    if not COLOR_RE.fullmatch(color):
        raise InvalidInput(
            f"“{color}” is not a colour; use a hex colour such as #e5484d or #e54.",
            code="bad_color",
        )
    return color.lower()


def _check_hotkey(hotkey: str | None) -> str | None:
    if hotkey in (None, ""):
        return None
    assert hotkey is not None
    if len(hotkey) > 32 or hotkey.strip() != hotkey:
        raise InvalidInput(
            f"“{hotkey}” is not a key name; use one key such as 1 or a, with no spaces around it.",
            code="bad_hotkey",
        )
    return hotkey


def _check_name(name: str, what: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput(f"A {what} needs a name of 1–200 characters.", code="bad_name")
    return name


def check_kind(kind: str) -> str:
    try:
        return LabelKind(kind).value
    except ValueError:
        raise InvalidInput(
            f"Unknown label kind {kind!r}; use single, multi, text, number or boolean.",
            code="bad_kind",
        ) from None


def check_scope(scope: str) -> str:
    try:
        return LabelScope(scope).value
    except ValueError:
        raise InvalidInput(
            f"Unknown scope {scope!r}; use segment or datapoint.", code="bad_scope"
        ) from None


def list_labels(db: Session, project_id: int) -> list[Label]:
    return list(
        db.scalars(
            select(Label).where(Label.project_id == project_id).order_by(Label.position, Label.id)
        )
    )


def get_label(db: Session, project_id: int, label_id: int) -> Label:
    label = db.get(Label, label_id)
    if label is None or label.project_id != project_id:
        raise NotFound(f"Label {label_id} does not exist in this project.")
    return label


def get_value(db: Session, label: Label, value_id: int) -> LabelValue:
    value = db.get(LabelValue, value_id)
    if value is None or value.label_id != label.id:
        raise NotFound(f"Value {value_id} does not exist in label {label.name!r}.")
    return value


def _check_hotkey_free(
    db: Session,
    project_id: int,
    hotkey: str | None,
    *,
    label_id: int | None = None,
    value_id: int | None = None,
) -> None:
    if hotkey is None:
        return
    for label in list_labels(db, project_id):
        if label.hotkey == hotkey and label.id != label_id:
            raise Conflict(
                f"“{hotkey}” is already the hotkey of the label “{label.name}”.",
                code="hotkey_taken",
            )
        for value in label.values:
            if value.hotkey == hotkey and value.id != value_id:
                raise Conflict(
                    f"“{hotkey}” is already the hotkey of “{value.value}” in “{label.name}”.",
                    code="hotkey_taken",
                )


def label_snapshot(label: Label) -> dict[str, Any]:
    return {
        "name": label.name,
        "kind": label.kind,
        "scope": label.scope,
        "required": label.required,
        "color": label.color,
        "hotkey": label.hotkey,
        "values": [
            {"id": v.id, "value": v.value, "color": v.color, "hotkey": v.hotkey}
            for v in label.values
        ],
    }


def create_label(
    db: Session,
    project: Project,
    *,
    name: str,
    kind: str,
    scope: str = "segment",
    required: bool = False,
    color: str | None = None,
    hotkey: str | None = None,
    values: list[dict[str, Any]] | None = None,
    actor_id: int | None = None,
) -> Label:
    name = _check_name(name, "label")
    kind = check_kind(kind)
    scope = check_scope(scope)
    if db.scalar(select(Label.id).where(Label.project_id == project.id, Label.name == name)):
        raise Conflict(f"This project already has a label named “{name}”.", code="label_exists")
    if values and kind not in HAS_VALUES:
        raise InvalidInput(f"A {kind} label has no list of values.", code="values_not_allowed")
    hotkey = _check_hotkey(hotkey)
    _check_hotkey_free(db, project.id, hotkey)
    position = (
        int(
            db.scalar(
                select(func.coalesce(func.max(Label.position), -1)).where(
                    Label.project_id == project.id
                )
            )
            or 0
        )
        + 1
    )
    label = Label(
        project_id=project.id,
        name=name,
        kind=kind,
        scope=scope,
        required=required,
        color=_check_color(color),
        hotkey=hotkey,
        position=position,
    )
    db.add(label)
    db.flush()
    for spec in values or []:
        add_value(
            db,
            label,
            value=str(spec.get("value", "")),
            color=spec.get("color"),
            hotkey=spec.get("hotkey"),
            actor_id=None,
        )
    db.refresh(label)
    audit.record(
        db,
        user_id=actor_id,
        action="label.create",
        entity_type="label",
        entity_id=label.id,
        project_id=project.id,
        after=label_snapshot(label),
    )
    return label


def update_label(
    db: Session,
    label: Label,
    *,
    name: str | None = None,
    required: bool | None = None,
    color: str | None | EllipsisType = ...,
    hotkey: str | None | EllipsisType = ...,
    scope: str | None = None,
    actor_id: int | None = None,
) -> Label:
    before = label_snapshot(label)
    if name is not None:
        name = _check_name(name, "label")
        if name != label.name and db.scalar(
            select(Label.id).where(Label.project_id == label.project_id, Label.name == name)
        ):
            raise Conflict(f"This project already has a label named “{name}”.", code="label_exists")
        label.name = name
    if required is not None:
        label.required = required
    if color is not ...:
        label.color = _check_color(color)
    if hotkey is not ...:
        hk = _check_hotkey(hotkey)
        _check_hotkey_free(db, label.project_id, hk, label_id=label.id)
        label.hotkey = hk
    if scope is not None:
        label.scope = check_scope(scope)
    audit.record(
        db,
        user_id=actor_id,
        action="label.update",
        entity_type="label",
        entity_id=label.id,
        project_id=label.project_id,
        before=before,
        after=label_snapshot(label),
    )
    return label


def delete_label(
    db: Session,
    label: Label,
    *,
    in_use: InUse = InUse.refuse,
    actor_id: int | None = None,
) -> Count:
    """Deletes a label; annotations that use it are refused (409) or cleared of it.

    Returns what was cleared. Moving applies to values only: a label has no twin to move to.
    """
    if in_use == InUse.move:
        raise InvalidInput(
            "A whole label's uses cannot move; clear them (in_use=clear), or delete its "
            "values one by one and move each.",
            code="bad_in_use",
        )
    uses = label_usage(db, label).label
    if uses.total and in_use == InUse.refuse:
        raise Conflict(
            f"“{label.name}” is used by {describe(uses)}. Clear it from them to delete it.",
            code="label_in_use",
            extra={"usage": uses.public()},
        )
    cleared = rewrite_uses(db, label) if uses.total else Count()
    audit.record(
        db,
        user_id=actor_id,
        action="label.delete",
        entity_type="label",
        entity_id=label.id,
        project_id=label.project_id,
        before=label_snapshot(label),
        after={"in_use": in_use.value, "cleared": cleared.public()} if cleared.total else None,
    )
    db.delete(label)
    return cleared


def add_value(
    db: Session,
    label: Label,
    *,
    value: str,
    color: str | None = None,
    hotkey: str | None = None,
    actor_id: int | None = None,
) -> LabelValue:
    if label.kind not in HAS_VALUES:
        raise InvalidInput(
            f"Label {label.name!r} is {label.kind}; it has no list of values.",
            code="values_not_allowed",
        )
    value = _check_name(value, "value")
    if any(v.value == value for v in label.values):
        raise Conflict(f"“{label.name}” already has the value “{value}”.", code="value_exists")
    hotkey = _check_hotkey(hotkey)
    _check_hotkey_free(db, label.project_id, hotkey)
    position = max((v.position for v in label.values), default=-1) + 1
    row = LabelValue(
        label_id=label.id, value=value, color=_check_color(color), hotkey=hotkey, position=position
    )
    label.values.append(row)
    db.flush()
    if actor_id is not None:
        audit.record(
            db,
            user_id=actor_id,
            action="label_value.create",
            entity_type="label_value",
            entity_id=row.id,
            project_id=label.project_id,
            after={"value": value},
        )
    return row


def update_value(
    db: Session,
    label: Label,
    row: LabelValue,
    *,
    value: str | None = None,
    color: str | None | EllipsisType = ...,
    hotkey: str | None | EllipsisType = ...,
    actor_id: int | None = None,
) -> LabelValue:
    before = {"value": row.value, "color": row.color, "hotkey": row.hotkey}
    if value is not None:
        value = _check_name(value, "value")
        if any(v.value == value and v.id != row.id for v in label.values):
            raise Conflict(f"“{label.name}” already has the value “{value}”.", code="value_exists")
        row.value = value
    if color is not ...:
        row.color = _check_color(color)
    if hotkey is not ...:
        hk = _check_hotkey(hotkey)
        _check_hotkey_free(db, label.project_id, hk, value_id=row.id)
        row.hotkey = hk
    audit.record(
        db,
        user_id=actor_id,
        action="label_value.update",
        entity_type="label_value",
        entity_id=row.id,
        project_id=label.project_id,
        before=before,
        after={"value": row.value, "color": row.color, "hotkey": row.hotkey},
    )
    return row


def delete_value(
    db: Session,
    label: Label,
    row: LabelValue,
    *,
    in_use: InUse = InUse.refuse,
    move_to: int | None = None,
    actor_id: int | None = None,
) -> Count:
    """Deletes a value; annotations that use it are refused (409), moved to `move_to` (another
    value of the same label) or cleared of it, all in this transaction. Returns what changed."""
    target = check_move_target(label, row, move_to) if in_use == InUse.move else None
    uses = label_usage(db, label).of(row.id)
    if uses.total and in_use == InUse.refuse:
        raise Conflict(
            f"“{row.value}” is used by {describe(uses)}. Move those uses to another value "
            f"of “{label.name}” or clear them to delete it.",
            code="value_in_use",
            extra={"usage": uses.public()},
        )
    changed = Count()
    if uses.total:
        changed = rewrite_uses(db, label, value_id=row.id, move_to=target.id if target else None)
        db.refresh(label)
        row = next(v for v in label.values if v.id == row.id)
    after: dict[str, Any] | None = None
    if changed.total:
        after = {"in_use": in_use.value, "changed": changed.public()}
        if target is not None:
            after["moved_to"] = {"id": target.id, "value": target.value}
    audit.record(
        db,
        user_id=actor_id,
        action="label_value.delete",
        entity_type="label_value",
        entity_id=row.id,
        project_id=label.project_id,
        before={"value": row.value, "label": label.name},
        after=after,
    )
    label.values.remove(row)
    db.flush()
    return changed


def _reorder(items: list[Any], ids: list[int], what: str) -> None:
    by_id = {item.id: item for item in items}
    if sorted(ids) != sorted(by_id):
        raise InvalidInput(f"Give every {what} id exactly once to reorder.", code="bad_order")
    for position, item_id in enumerate(ids):
        by_id[item_id].position = position


def reorder_labels(db: Session, project_id: int, ids: list[int]) -> list[Label]:
    labels = list_labels(db, project_id)
    _reorder(labels, ids, "label")
    db.flush()
    return list_labels(db, project_id)


def reorder_values(db: Session, label: Label, ids: list[int]) -> Label:
    _reorder(list(label.values), ids, "value")
    db.flush()
    db.refresh(label)
    return label
