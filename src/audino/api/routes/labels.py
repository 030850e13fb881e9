"""A project's label schema: labels, their values, and their order."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from audino.api.deps import DbDep, ProjectManager, ProjectReader
from audino.db.models import Label, LabelKind, LabelScope
from audino.services.labels import schema as labels
from audino.services.labels.schema import COLOR_RE
from audino.services.labels.usage import Count, InUse, label_usage

router = APIRouter(prefix="/api/projects/{project_id}/labels", tags=["labels"])


# Checked by the service (400 bad_kind, bad_scope, bad_color, bad_hotkey), shown to clients.
Kind = Annotated[str, Field(json_schema_extra={"enum": [k.value for k in LabelKind]})]
Scope = Annotated[str, Field(json_schema_extra={"enum": [s.value for s in LabelScope]})]
Color = Annotated[str, Field(json_schema_extra={"pattern": f"^$|{COLOR_RE.pattern}"})]
Hotkey = Annotated[str, Field(json_schema_extra={"maxLength": 32})]


class ValueIn(BaseModel):
    value: str = Field(min_length=1, max_length=200)
    color: Color | None = None
    hotkey: Hotkey | None = None


class ValueUpdate(BaseModel):
    value: str | None = Field(default=None, min_length=1, max_length=200)
    color: Color | None = None
    hotkey: Hotkey | None = None


class ValuePublic(BaseModel):
    id: int
    value: str
    color: str | None
    hotkey: str | None
    position: int


class LabelCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    scope: Scope = "segment"
    required: bool = False
    color: Color | None = None
    hotkey: Hotkey | None = None
    values: list[ValueIn] = Field(default_factory=list)


class LabelUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    required: bool | None = None
    scope: Scope | None = None
    color: Color | None = None
    hotkey: Hotkey | None = None


class LabelPublic(BaseModel):
    id: int
    name: str
    kind: Kind
    scope: Scope
    required: bool
    color: str | None
    hotkey: str | None
    position: int
    values: list[ValuePublic]


class Order(BaseModel):
    ids: list[int]


class UsagePublic(BaseModel):
    """How many annotations use a label or a value."""

    segments: int  # segments that set it
    assignments: int  # whole-recording answers (one annotator's values on a datapoint)
    datapoints: int  # distinct datapoints those are on


class ValueUsagePublic(UsagePublic):
    value_id: int


class LabelUsagePublic(UsagePublic):
    label_id: int
    values: list[ValueUsagePublic]


def usage_public(count: Count) -> dict[str, int]:
    return count.public()


IN_USE_HELP = (
    "What to do with annotations that use it: refuse (409 with the counts, the default), "
    "move (values only: to `move_to`, another value of the same label) or clear."
)


def public(label: Label) -> LabelPublic:
    return LabelPublic.model_validate(label, from_attributes=True)


def _optional(body: BaseModel, field: str) -> Any:
    """Only fields the client sent are changed; an explicit null clears them."""
    return getattr(body, field) if field in body.model_fields_set else ...


@router.get("", response_model=list[LabelPublic])
def list_labels(access: ProjectReader, db: DbDep) -> list[LabelPublic]:
    return [public(label) for label in labels.list_labels(db, access.project.id)]


@router.post("", response_model=LabelPublic, status_code=201)
def create_label(body: LabelCreate, access: ProjectManager, db: DbDep) -> LabelPublic:
    label = labels.create_label(
        db,
        access.project,
        name=body.name,
        kind=body.kind,
        scope=body.scope,
        required=body.required,
        color=body.color,
        hotkey=body.hotkey,
        values=[v.model_dump() for v in body.values],
        actor_id=access.principal.actor_id,
    )
    return public(label)


@router.put("/order", response_model=list[LabelPublic])
def reorder_labels(body: Order, access: ProjectManager, db: DbDep) -> list[LabelPublic]:
    return [public(label) for label in labels.reorder_labels(db, access.project.id, body.ids)]


@router.get("/{label_id}", response_model=LabelPublic)
def get_label(label_id: int, access: ProjectReader, db: DbDep) -> LabelPublic:
    return public(labels.get_label(db, access.project.id, label_id))


@router.patch("/{label_id}", response_model=LabelPublic)
def update_label(
    label_id: int, body: LabelUpdate, access: ProjectManager, db: DbDep
) -> LabelPublic:
    label = labels.get_label(db, access.project.id, label_id)
    labels.update_label(
        db,
        label,
        name=body.name,
        required=body.required,
        scope=body.scope,
        color=_optional(body, "color"),
        hotkey=_optional(body, "hotkey"),
        actor_id=access.principal.actor_id,
    )
    return public(label)


@router.get("/{label_id}/usage", response_model=LabelUsagePublic)
def get_usage(label_id: int, access: ProjectReader, db: DbDep) -> LabelUsagePublic:
    """How many segments and whole-recording answers use the label and each of its values."""
    label = labels.get_label(db, access.project.id, label_id)
    usage = label_usage(db, label)
    return LabelUsagePublic(
        label_id=label.id,
        **usage_public(usage.label),
        values=[
            ValueUsagePublic(value_id=v.id, **usage_public(usage.of(v.id))) for v in label.values
        ],
    )


@router.delete("/{label_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_label(
    label_id: int,
    access: ProjectManager,
    db: DbDep,
    in_use: InUse = Query(InUse.refuse, description=IN_USE_HELP),
) -> None:
    """Deletes the label; one still used is refused with 409 `label_in_use` unless
    `in_use=clear` removes it from those annotations in the same transaction."""
    labels.delete_label(
        db,
        labels.get_label(db, access.project.id, label_id),
        in_use=in_use,
        actor_id=access.principal.actor_id,
    )


@router.post("/{label_id}/values", response_model=ValuePublic, status_code=201)
def add_value(label_id: int, body: ValueIn, access: ProjectManager, db: DbDep) -> ValuePublic:
    label = labels.get_label(db, access.project.id, label_id)
    row = labels.add_value(
        db,
        label,
        value=body.value,
        color=body.color,
        hotkey=body.hotkey,
        actor_id=access.principal.actor_id,
    )
    return ValuePublic.model_validate(row, from_attributes=True)


@router.put("/{label_id}/values/order", response_model=LabelPublic)
def reorder_values(label_id: int, body: Order, access: ProjectManager, db: DbDep) -> LabelPublic:
    label = labels.get_label(db, access.project.id, label_id)
    return public(labels.reorder_values(db, label, body.ids))


@router.patch("/{label_id}/values/{value_id}", response_model=ValuePublic)
def update_value(
    label_id: int, value_id: int, body: ValueUpdate, access: ProjectManager, db: DbDep
) -> ValuePublic:
    label = labels.get_label(db, access.project.id, label_id)
    row = labels.get_value(db, label, value_id)
    labels.update_value(
        db,
        label,
        row,
        value=body.value,
        color=_optional(body, "color"),
        hotkey=_optional(body, "hotkey"),
        actor_id=access.principal.actor_id,
    )
    return ValuePublic.model_validate(row, from_attributes=True)


@router.delete("/{label_id}/values/{value_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_value(
    label_id: int,
    value_id: int,
    access: ProjectManager,
    db: DbDep,
    in_use: InUse = Query(InUse.refuse, description=IN_USE_HELP),
    move_to: int | None = Query(None, ge=1, description="The value that takes over the uses."),
) -> None:
    """Deletes the value; one still used is refused with 409 `value_in_use` unless
    `in_use=move&move_to=ID` or `in_use=clear` says what happens to those annotations."""
    label = labels.get_label(db, access.project.id, label_id)
    labels.delete_value(
        db,
        label,
        labels.get_value(db, label, value_id),
        in_use=in_use,
        move_to=move_to,
        actor_id=access.principal.actor_id,
    )
