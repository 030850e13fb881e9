"""A project's validation rules (audino.quality.validation) applied to someone's work:
checked when the rules are saved, answered to the editor, and enforced on Complete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from audino.db.models import Datapoint, Project
from audino.quality.validation import Finding, Rule, RuleError, blocking, check, parse_rules
from audino.services.errors import InvalidInput
from audino.services.segment_records import segment_records, value_names


def _raw(settings: Mapping[str, Any] | None) -> object:
    section = (settings or {}).get("validation")
    if section is None:
        return None
    if not isinstance(section, Mapping):
        raise InvalidInput(
            'settings.validation must be an object like {"rules": [...]}.', code="bad_validation"
        )
    return section.get("rules")


def check_settings(settings: Mapping[str, Any]) -> None:
    """400 naming the first bad rule, before the settings are saved."""
    try:
        parse_rules(_raw(settings))
    except RuleError as exc:
        raise InvalidInput(str(exc), code="bad_validation") from None


def rules_of(project: Project) -> tuple[Rule, ...]:
    try:
        return parse_rules(_raw(project.settings))
    except (RuleError, InvalidInput):
        return ()  # saved before rules were checked: none apply rather than a 500


def check_work(db: Session, datapoint: Datapoint, user_id: int) -> list[Finding]:
    """The findings on this user's segments of the item, errors first."""
    project = db.get(Project, datapoint.project_id)
    rules = rules_of(project) if project else ()
    if not rules:
        return []
    names, _ = value_names(db, datapoint.project_id)
    records = segment_records(db, [datapoint.id], names, author_id=user_id)[datapoint.id]
    return check(rules, records, datapoint.duration)


def require_valid(db: Session, datapoint: Datapoint, user_id: int) -> None:
    """Complete is blocked by errors (warnings are allowed)."""
    errors = blocking(check_work(db, datapoint, user_id))
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InvalidInput(
            f"This item breaks the project's rules: {errors[0].message}{more} "
            "Fix the errors, then complete it.",
            code="validation_failed",
            extra={"findings": [f.json() for f in errors]},
        )
