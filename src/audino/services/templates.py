"""Project templates: checked template documents, built in or saved, and projects made
from them.

A template document is a JSON object:

    {"audino_template": 1, "name": "…", "summary": "what it is for",
     "description": "the new project's description", "guidelines": "Markdown",
     "labels": [{"name", "kind", "scope", "required", "color", "hotkey",
                 "values": [{"value", "color", "hotkey"}]}],
     "settings": {... project settings: quick, keymap, validation, ...},
     "exports": ["textgrid", ...]}

Built-in templates (audino.templates) carry a `key` and cannot be deleted; saved ones live
in the `project_templates` table under their id. Both are read through `check_document`,
so a template that is offered can always make a project.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audino.db.models import Label, Project, ProjectTemplate
from audino.formats import registry
from audino.services import audit, projects, quick
from audino.services.errors import Conflict, InvalidInput, NotFound, TooLarge
from audino.services.labels import schema as labels
from audino.templates import BUILTINS

VERSION = 1
MAX_BYTES = 1_000_000  # an imported template file
MAX_LABELS = 100
MAX_VALUES = 1000
MAX_EXPORTS = 30
MAX_SUMMARY = 500
MAX_DESCRIPTION = 10_000
_KEYS = {
    "audino_template",
    "key",
    "name",
    "summary",
    "description",
    "guidelines",
    "labels",
    "settings",
    "exports",
}
_LABEL_KEYS = {"name", "kind", "scope", "required", "color", "hotkey", "values"}
_VALUE_KEYS = {"value", "color", "hotkey"}


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, code="bad_template")


def _text(raw: Mapping[str, Any], key: str, *, limit: int, required: bool = False) -> str:
    value = raw.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _bad(f"The template's {key} must be text.")
    value = value.strip() if key == "name" else value
    if required and not value:
        raise _bad(f"The template needs a {key}.")
    if len(value) > limit:
        raise _bad(f"The template's {key} is longer than {limit:,} characters.")
    return value


def _label(raw: object, i: int) -> dict[str, Any]:
    where = f"label {i + 1}"
    if not isinstance(raw, Mapping):
        raise _bad(f"The template's {where} must be an object with a name and a kind.")
    unknown = set(raw) - _LABEL_KEYS
    if unknown:
        raise _bad(f"The template's {where} has unknown fields: {', '.join(sorted(unknown))}.")
    name = raw.get("name")
    if not isinstance(name, str):
        raise _bad(f"The template's {where} needs a name (text).")
    kind = raw.get("kind")
    if not isinstance(kind, str):
        raise _bad(f"The template's label “{name}” needs a kind (text).")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise _bad(f"The template's label “{name}”: required is true or false.")
    try:
        out: dict[str, Any] = {
            "name": labels._check_name(name, "label"),
            "kind": labels.check_kind(kind),
            "scope": labels.check_scope(str(raw.get("scope", "segment"))),
            "required": required,
            "color": labels._check_color(_opt_text(raw, "color", name)),
            "hotkey": labels._check_hotkey(_opt_text(raw, "hotkey", name)),
        }
        values = raw.get("values", [])
        if not isinstance(values, list):
            raise _bad(f"The template's label “{name}”: values must be a list.")
        if values and out["kind"] not in labels.HAS_VALUES:
            raise _bad(f"The template's label “{name}” is {out['kind']}; it has no values.")
        if len(values) > MAX_VALUES:
            raise _bad(f"The template's label “{name}” has more than {MAX_VALUES} values.")
        out["values"] = []
        for value in values:
            if not isinstance(value, Mapping) or not isinstance(value.get("value"), str):
                raise _bad(f"Each value of the template's label “{name}” needs a value (text).")
            unknown = set(value) - _VALUE_KEYS
            if unknown:
                raise _bad(
                    f"A value of the template's label “{name}” has unknown fields: "
                    f"{', '.join(sorted(unknown))}."
                )
            out["values"].append(
                {
                    "value": labels._check_name(value["value"], "value"),
                    "color": labels._check_color(_opt_text(value, "color", name)),
                    "hotkey": labels._check_hotkey(_opt_text(value, "hotkey", name)),
                }
            )
    except InvalidInput as exc:
        if exc.code == "bad_template":
            raise
        raise _bad(f"The template's label “{name}”: {exc}") from None
    seen = [v["value"] for v in out["values"]]
    if len(set(seen)) != len(seen):
        raise _bad(f"The template's label “{name}” lists a value twice.")
    return out


def _opt_text(raw: Mapping[str, Any], key: str, label: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(f"The template's label “{label}”: {key} must be text.")
    return value


def _check_quick(settings: Mapping[str, Any], labels: Sequence[Mapping[str, Any]]) -> None:
    """The quick mode's label is one of the template's and suits the mode (the shape was
    checked with the rest of the settings)."""
    mode = quick.setting_of(settings)
    if mode is None or mode.get("label") is None:
        return
    name = mode["label"]
    label = next((item for item in labels if item["name"] == name), None)
    if label is None:
        raise _bad(f"settings.quick.label {name!r} is not one of the template's labels.")
    try:
        quick.check_label(
            mode["mode"], name, label["kind"], label["scope"], [v["value"] for v in label["values"]]
        )
    except InvalidInput as exc:
        raise _bad(f"The template's settings: {exc}") from None


def _check_rule_labels(settings: Mapping[str, Any], names: set[str]) -> None:
    section = settings.get("validation")
    rules = section.get("rules") if isinstance(section, Mapping) else None
    for i, rule in enumerate(rules or []):
        label = rule.get("label") if isinstance(rule, Mapping) else None
        if label is not None and label not in names:
            raise _bad(
                f"validation rule {i + 1} ({rule.get('kind')}) names the label {label!r}, "
                "which the template does not have."
            )


def check_document(raw: object) -> dict[str, Any]:
    """The template document, checked and normalised; 400 naming the first problem."""
    if not isinstance(raw, Mapping):
        raise _bad("A template is a JSON object with a name, labels and settings.")
    version = raw.get("audino_template", VERSION)
    if version != VERSION:
        raise _bad(f"This is not an audino template of version {VERSION} (audino_template).")
    unknown = set(raw) - _KEYS
    if unknown:
        raise _bad(f"The template has unknown fields: {', '.join(sorted(unknown))}.")
    doc: dict[str, Any] = {
        "audino_template": VERSION,
        "name": _text(raw, "name", limit=200, required=True),
        "summary": _text(raw, "summary", limit=MAX_SUMMARY),
        "description": _text(raw, "description", limit=MAX_DESCRIPTION),
        "guidelines": _text(raw, "guidelines", limit=projects.MAX_GUIDELINES),
    }
    raw_labels = raw.get("labels", [])
    if not isinstance(raw_labels, list):
        raise _bad("The template's labels must be a list.")
    if len(raw_labels) > MAX_LABELS:
        raise _bad(f"A template has at most {MAX_LABELS} labels.")
    doc["labels"] = [_label(item, i) for i, item in enumerate(raw_labels)]
    names = [label["name"] for label in doc["labels"]]
    if len(set(names)) != len(names):
        raise _bad("The template has two labels of the same name.")
    keys = [label["hotkey"] for label in doc["labels"]] + [
        v["hotkey"] for label in doc["labels"] for v in label["values"]
    ]
    keys = [k for k in keys if k is not None]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise _bad(f"The template gives the hotkey {twice[0]!r} to more than one label or value.")
    settings = raw.get("settings", {})
    if not isinstance(settings, Mapping):
        raise _bad("The template's settings must be an object.")
    if "guidelines" in settings:
        raise _bad("Put the guidelines in the template's guidelines field, not in its settings.")
    try:
        doc["settings"] = projects.check_settings(dict(settings))
    except InvalidInput as exc:
        raise _bad(f"The template's settings: {exc}") from None
    _check_quick(doc["settings"], doc["labels"])
    _check_rule_labels(doc["settings"], set(names))
    exports = raw.get("exports", [])
    if not isinstance(exports, list) or not all(isinstance(e, str) for e in exports):
        raise _bad("The template's exports must be a list of format names.")
    if len(exports) > MAX_EXPORTS:
        raise _bad(f"A template suggests at most {MAX_EXPORTS} exports.")
    for name in exports:
        try:
            registry.get(name)
        except registry.UnknownFormat as exc:
            raise _bad(f"The template suggests an export: {exc}") from None
    doc["exports"] = list(dict.fromkeys(exports))
    return doc


def parse_file(data: bytes) -> dict[str, Any]:
    """A template file's document, checked; 413 when too big, 400 when not a template."""
    if len(data) > MAX_BYTES:
        raise TooLarge(
            f"A template file is at most {MAX_BYTES // 1000:,} kB; this one is larger.",
            code="template_too_large",
        )
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(f"The file is not JSON ({exc}).") from None
    except RecursionError:
        raise _bad("The file nests its JSON too deeply to be a template.") from None
    return check_document(raw)


@dataclass(frozen=True)
class Template:
    id: str  # a built-in's key, or a saved template's database id
    builtin: bool
    document: dict[str, Any]
    created_at: datetime | None = None
    created_by_id: int | None = None

    @property
    def name(self) -> str:
        return str(self.document["name"])

    def file(self) -> dict[str, Any]:
        """The document as a downloadable template file."""
        return {k: v for k, v in self.document.items() if k != "key"}


def _builtins() -> list[Template]:
    out = []
    for raw in BUILTINS:
        doc = check_document(raw)
        out.append(Template(id=str(raw["key"]), builtin=True, document=doc))
    return out


_BUILTIN_CACHE: list[Template] = []


def builtins() -> list[Template]:
    if not _BUILTIN_CACHE:
        _BUILTIN_CACHE.extend(_builtins())
    return list(_BUILTIN_CACHE)


def _saved(row: ProjectTemplate) -> Template:
    return Template(
        id=str(row.id),
        builtin=False,
        document=row.document,
        created_at=row.created_at,
        created_by_id=row.created_by_id,
    )


def list_templates(db: Session) -> list[Template]:
    """The built-ins first, then the saved ones by name."""
    rows = db.scalars(select(ProjectTemplate).order_by(ProjectTemplate.name, ProjectTemplate.id))
    return builtins() + [_saved(row) for row in rows]


def _row(db: Session, template_id: str) -> ProjectTemplate | None:
    if not template_id.isdigit() or len(template_id) > 12:
        return None
    return db.get(ProjectTemplate, int(template_id))


def get_template(db: Session, template_id: str) -> Template:
    for template in builtins():
        if template.id == template_id:
            return template
    row = _row(db, template_id)
    if row is None:
        raise NotFound(f"There is no template {template_id!r}.", code="template_not_found")
    return _saved(row)


def _check_name_free(db: Session, name: str) -> None:
    taken = any(t.name.casefold() == name.casefold() for t in builtins()) or db.scalar(
        select(ProjectTemplate.id).where(ProjectTemplate.name == name)
    )
    if taken:
        raise Conflict(
            f"A template named “{name}” already exists; choose another name.",
            code="template_exists",
        )


def save_template(db: Session, doc: dict[str, Any], *, actor_id: int | None) -> Template:
    """Stores a checked document as a new template (409 when its name is taken)."""
    doc = check_document(doc)
    _check_name_free(db, doc["name"])
    row = ProjectTemplate(name=doc["name"], document=doc, created_by_id=actor_id)
    try:
        with db.begin_nested():  # saved at the same moment by someone else: 409, not 500
            db.add(row)
            db.flush()
    except IntegrityError:
        raise Conflict(
            f"A template named “{doc['name']}” already exists; choose another name.",
            code="template_exists",
        ) from None
    audit.record(
        db,
        user_id=actor_id,
        action="template.create",
        entity_type="project_template",
        entity_id=row.id,
        after={"name": row.name},
    )
    return _saved(row)


def document_of(db: Session, project: Project) -> dict[str, Any]:
    """A project's setup as a template document: its labels (with colours and hotkeys),
    settings, guidelines and description; never its data, members or keys."""
    settings = dict(project.settings or {})
    guidelines = settings.pop("guidelines", "") or ""
    return {
        "audino_template": VERSION,
        "name": project.name,
        "summary": "",
        "description": project.description or "",
        "guidelines": guidelines,
        "labels": [_label_doc(label) for label in labels.list_labels(db, project.id)],
        "settings": settings,
        "exports": [],
    }


def _label_doc(label: Label) -> dict[str, Any]:
    """The label as a template holds it: its audit snapshot without the values' ids."""
    doc = labels.label_snapshot(label)
    doc["values"] = [{k: v for k, v in value.items() if k != "id"} for value in doc["values"]]
    return doc


def save_project(
    db: Session,
    project: Project,
    *,
    name: str,
    summary: str = "",
    exports: list[str] | None = None,
    actor_id: int | None,
) -> Template:
    doc = document_of(db, project)
    doc.update(name=name, summary=summary, exports=exports or [])
    return save_template(db, doc, actor_id=actor_id)


def delete_template(db: Session, template: Template, *, actor_id: int | None) -> None:
    if template.builtin:
        raise InvalidInput(
            f"“{template.name}” is a built-in template; it cannot be deleted.",
            code="builtin_template",
        )
    row = _row(db, template.id)
    assert row is not None
    audit.record(
        db,
        user_id=actor_id,
        action="template.delete",
        entity_type="project_template",
        entity_id=row.id,
        before={"name": row.name},
    )
    db.delete(row)
    db.flush()


def create_project(
    db: Session,
    template: Template,
    name: str,
    *,
    description: str = "",
    settings: Mapping[str, Any] | None = None,
    actor_id: int | None = None,
) -> Project:
    """A new project set up as the template says; `settings` given here win over its own."""
    doc = template.document
    merged: dict[str, Any] = dict(doc["settings"])
    if doc["guidelines"]:
        merged["guidelines"] = doc["guidelines"]
    merged.update(settings or {})
    project = projects.create_project(
        db,
        name,
        description=description or doc["description"] or doc["summary"],
        settings=merged,
        actor_id=actor_id,
    )
    for spec in doc["labels"]:
        labels.create_label(
            db,
            project,
            name=spec["name"],
            kind=spec["kind"],
            scope=spec["scope"],
            required=spec["required"],
            color=spec["color"],
            hotkey=spec["hotkey"],
            values=spec["values"],
            actor_id=actor_id,
        )
    audit.record(
        db,
        user_id=actor_id,
        action="project.from_template",
        entity_type="project",
        entity_id=project.id,
        project_id=project.id,
        after={"template": template.id, "name": template.name},
    )
    return project
