"""The settings an auto-annotator declares, and the check that a project's values fit them.

A settings dict comes from a manager (the project page, the API, a job request), so every
refusal is a sentence that names the setting and what it takes. Defaults fill in what is
left out, so a stored dict from an older version keeps working when a setting is added.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from audino.services.errors import InvalidInput

if TYPE_CHECKING:
    from audino.models.annotator import AutoAnnotator

SettingKind = Literal["number", "integer", "boolean", "choice", "text"]
KINDS: tuple[str, ...] = ("number", "integer", "boolean", "choice", "text")


@dataclass(frozen=True)
class Setting:
    """One knob of an auto-annotator, described well enough to draw a form field for it."""

    name: str
    kind: SettingKind
    default: Any
    title: str
    description: str = ""
    minimum: float | None = None  # number and integer: inclusive bounds
    maximum: float | None = None
    choices: tuple[Any, ...] = ()  # choice: the values allowed, in the order shown
    unit: str = ""  # shown after the field: "s", "ms"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for the API and the project settings form."""
        return {
            "name": self.name,
            "kind": self.kind,
            "default": self.default,
            "title": self.title,
            "description": self.description,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "choices": list(self.choices),
            "unit": self.unit,
        }


def check_settings(annotator: AutoAnnotator, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """`raw` checked against `annotator.settings`: every declared setting, its default where
    `raw` leaves it out. Raises InvalidInput on an unknown name, a wrong type or a value out
    of range, naming the setting and what it accepts."""
    declared = {s.name: s for s in annotator.settings}
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"The settings of {annotator.name} must be an object of name: value.")
    unknown = sorted(str(name) for name in raw if name not in declared)
    if unknown:
        known = ", ".join(declared) or "none"
        word = "setting" if len(unknown) == 1 else "settings"
        raise InvalidInput(
            f"{annotator.name} has no {word} {', '.join(map(repr, unknown))}; "
            f"its settings are: {known}.",
            code="unknown_setting",
        )
    return {
        name: _value(annotator.name, s, raw[name]) if name in raw else s.default
        for name, s in declared.items()
    }


def _value(model: str, setting: Setting, value: Any) -> Any:
    where = f"{model}: {setting.title} ({setting.name})"
    kind = setting.kind
    if kind == "boolean":
        if not isinstance(value, bool):
            raise InvalidInput(f"{where} must be true or false, not {value!r}.")
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise InvalidInput(f"{where} must be text, not {value!r}.")
        return value
    if kind == "choice":
        for choice in setting.choices:
            # True == 1 in Python; a choice of numbers never takes a boolean.
            if value == choice and isinstance(value, bool) == isinstance(choice, bool):
                return choice
        allowed = ", ".join(str(c) for c in setting.choices)
        raise InvalidInput(f"{where} must be one of {allowed}, not {value!r}.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{where} must be a number, not {value!r}.")
    if not math.isfinite(value):
        raise InvalidInput(f"{where} must be a finite number, not {value!r}.")
    if kind == "integer":
        if isinstance(value, float) and not value.is_integer():
            raise InvalidInput(f"{where} must be a whole number, not {value!r}.")
        value = int(value)
    else:
        value = float(value)
    low, high = setting.minimum, setting.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidInput(f"{where} must be {_range(setting)}, not {value:g}{_unit(setting)}.")
    return value


def _range(setting: Setting) -> str:
    low, high, unit = setting.minimum, setting.maximum, _unit(setting)
    if low is not None and high is not None:
        return f"between {low:g} and {high:g}{unit}"
    if low is not None:
        return f"at least {low:g}{unit}"
    return f"at most {high:g}{unit}"


def _unit(setting: Setting) -> str:
    return f" {setting.unit}" if setting.unit else ""
