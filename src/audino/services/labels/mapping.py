"""Label values by id (as stored) <-> by label name and value text (as formats see them).

Exports name values so a file survives id remapping; imports make the file's labels exist
in the target project and turn names back into this instance's ids, once per distinct
value set rather than once per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy.orm import Session

from audino.db.models import Label, LabelKind, LabelValue, Project, utcnow
from audino.formats.records import LabelSpec
from audino.services.errors import Conflict, InvalidInput, Unprocessable
from audino.services.labels import schema as labels


class ValueNames:
    """Stored values -> values by name, for exports."""

    def __init__(self, specs: Sequence[LabelSpec]) -> None:
        self.by_key: dict[str, tuple[str, str, dict[int, str]]] = {
            str(spec.id): (spec.name, spec.kind, {v.id: v.value for v in spec.values if v.id})
            for spec in specs
        }

    def decode(self, values: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in values.items():
            entry = self.by_key.get(key)
            if entry is None:
                continue  # a label deleted since; its values mean nothing any more
            name, kind, texts = entry
            if kind == LabelKind.single:
                text = texts.get(value)
                if text is not None:
                    out[name] = text
            elif kind == LabelKind.multi:
                if isinstance(value, list):
                    out[name] = [texts[v] for v in value if v in texts]
            else:
                out[name] = value
        return out


def _look(spec_name: str, color: str | None, hotkey: str | None) -> None:
    """Colours and hotkeys as the label editor accepts them."""
    if color and not labels.COLOR_RE.fullmatch(color):
        raise Unprocessable(
            f"Label {spec_name!r}: colour {color[:40]!r} is not a #rgb or #rrggbb hex colour.",
            code="bad_file",
        )
    if hotkey and (len(hotkey) > 32 or hotkey.strip() != hotkey):
        raise Unprocessable(
            f"Label {spec_name!r}: hotkey {hotkey[:40]!r} is not a valid key name.",
            code="bad_file",
        )


class BadValue(Exception):
    """A value the target schema cannot hold; the caller adds where it was."""


class ValueIds:
    """The file's labels made to exist in a project, then values by name -> stored JSON."""

    def __init__(
        self, db: Session, project: Project, specs: Sequence[LabelSpec], *, fresh: bool
    ) -> None:
        self.created = 0
        self.by_name: dict[str, tuple[str, str, dict[str, int]]] = {}
        self._cache: dict[bytes, str] = {}
        existing = {label.name: label for label in labels.list_labels(db, project.id)}
        taken = {label.hotkey for label in existing.values()} | {
            v.hotkey for label in existing.values() for v in label.values
        }
        position = max((label.position for label in existing.values()), default=-1)
        for spec in specs:
            label = existing.get(spec.name)
            if label is None:
                position += 1
                hotkey = spec.hotkey if spec.hotkey not in taken else None
                label = self._create(db, project, spec, spec.position if fresh else position)
                label.hotkey = hotkey
                existing[spec.name] = label
                taken.add(hotkey)
            elif label.kind != spec.kind:
                raise Conflict(
                    f"Label {spec.name!r} is {label.kind} in this project but {spec.kind} in "
                    "the file.",
                    code="label_kind_mismatch",
                )
            self._add_values(db, label, spec, taken, fresh=fresh)
        db.flush()
        for label in existing.values():
            db.refresh(label)
            ids = {v.value: v.id for v in label.values}
            self.by_name[label.name] = (str(label.id), label.kind, ids)

    def _create(self, db: Session, project: Project, spec: LabelSpec, position: int) -> Label:
        try:
            kind = labels.check_kind(spec.kind)
            scope = labels.check_scope(spec.scope)
        except InvalidInput as exc:
            raise Unprocessable(f"Label {spec.name!r}: {exc.detail}", code="bad_file") from None
        if kind not in labels.HAS_VALUES and spec.values:
            raise Unprocessable(
                f"Label {spec.name!r} is {kind} and cannot have a list of values.",
                code="bad_file",
            )
        if not spec.name.strip() or len(spec.name) > 200:
            raise Unprocessable("Label names are 1-200 characters.", code="bad_file")
        _look(spec.name, spec.color, spec.hotkey)
        label = Label(
            project_id=project.id,
            name=spec.name,
            kind=kind,
            scope=scope,
            required=spec.required,
            color=spec.color,
            position=position,
            created_at=spec.created_at or utcnow(),
        )
        db.add(label)
        db.flush()
        self.created += 1
        return label

    @staticmethod
    def _add_values(
        db: Session, label: Label, spec: LabelSpec, taken: set[str | None], *, fresh: bool
    ) -> None:
        have = {v.value for v in label.values}
        position = max((v.position for v in label.values), default=-1)
        for value in spec.values:
            if value.value in have:
                continue
            if not value.value.strip() or len(value.value) > 200:
                raise Unprocessable(
                    f"Label {spec.name!r}: values are 1-200 characters.", code="bad_file"
                )
            _look(spec.name, value.color, value.hotkey)
            position += 1
            hotkey = value.hotkey if value.hotkey not in taken else None
            taken.add(hotkey)
            db.add(
                LabelValue(
                    label_id=label.id,
                    value=value.value,
                    color=value.color,
                    hotkey=hotkey,
                    position=value.position if fresh else position,
                )
            )
            have.add(value.value)

    def encode(self, values: Any) -> str:
        """Values by name -> the stored JSON text (cached: the same choices repeat)."""
        if not values:
            return "{}"
        key = orjson.dumps(values)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = orjson.dumps(self._encode(values)).decode()
        return hit

    def _encode(self, values: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in values.items():
            entry = self.by_name.get(name)
            if entry is None:
                raise BadValue(f"unknown label {name!r}")
            key, kind, ids = entry
            if kind == LabelKind.single:
                if not isinstance(value, str) or value not in ids:
                    raise BadValue(f"label {name!r} has no value {value!r}")
                out[key] = ids[value]
            elif kind == LabelKind.multi:
                if not isinstance(value, list) or any(
                    not isinstance(v, str) or v not in ids for v in value
                ):
                    raise BadValue(f"label {name!r} needs a list of its values, got {value!r}")
                out[key] = [ids[v] for v in value]
            elif kind == LabelKind.text and not isinstance(value, str):
                raise BadValue(f"label {name!r} takes text, got {value!r}")
            elif kind == LabelKind.number and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise BadValue(f"label {name!r} takes a number, got {value!r}")
            elif kind == LabelKind.boolean and not isinstance(value, bool):
                raise BadValue(f"label {name!r} takes true or false, got {value!r}")
            else:
                out[key] = value
        return out
