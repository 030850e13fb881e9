"""Reading parsed JSON into records: typed fields, and errors that say where the file is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from audino.formats.records import FormatError

REQUIRED: Any = object()

# Field kinds, named as the error messages say them.
STR = "a string"
INT = "an integer"
NUM = "a number"
BOOL = "true or false"
OBJ = "an object"
LIST = "a list"
TIME = "an ISO 8601 timestamp"


@dataclass(frozen=True, slots=True)
class Field:
    """A key of a JSON object; absent or null means `default` (an error when REQUIRED).
    `default=dict` or `default=list` gives a fresh empty one each time."""

    key: str
    kind: str
    default: Any = REQUIRED


def parse_json(data: bytes | str) -> Any:
    """orjson.loads, with the line and column of the first syntax error."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FormatError(
            f"The file is not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno
        ) from None


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    names = {dict: "an object", list: "a list", str: "a string", int: "a number"}
    return names.get(type(value), "a number")


def obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(f"expected an object, got {json_type(value)}", path=path)
    return value


def timestamp(value: str) -> datetime:
    """An ISO 8601 timestamp, taken as UTC when it has no offset."""
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _check(value: Any, kind: str) -> Any:
    """The value converted for `kind`, or raises ValueError."""
    t = type(value)
    if kind == STR and t is str:
        return value
    if kind == NUM and t in (int, float):
        return float(value)
    if (kind == INT and t is int) or (kind == BOOL and t is bool):
        return value
    if (kind == OBJ and t is dict) or (kind == LIST and t is list):
        return value
    if kind == TIME and t is str:
        return timestamp(value)
    raise ValueError


def read(d: Any, fields: Sequence[Field], path: str) -> dict[str, Any]:
    """`{key: value}` for each field of object `d`, type-checked and converted."""
    d = obj(d, path)
    out: dict[str, Any] = {}
    for f in fields:
        value = d.get(f.key)
        if value is None:
            if f.default is REQUIRED:
                raise FormatError(f"missing field {f.key!r}", path=path)
            out[f.key] = f.default() if f.default in (dict, list) else f.default
            continue
        try:
            out[f.key] = _check(value, f.kind)
        except ValueError:
            shown = repr(value) if f.kind == TIME else json_type(value)
            raise FormatError(f"{f.key!r} must be {f.kind}, not {shown}", path=path) from None
    return out


_TYPES: dict[str, tuple[type, ...]] = {
    STR: (str,), INT: (int,), NUM: (int, float), BOOL: (bool,), OBJ: (dict,), LIST: (list,),
    TIME: (str,),
}  # fmt: skip


class Reader:
    """`read` for the common case at a fraction of the cost. `values(d)` gives the fields'
    converted values in order, exactly as `read` would, or None when a value is missing or
    of the wrong type, and `read` then says what.

    One `map(d.get, keys)` takes the values (absent and null alike are None, and keys the
    reader does not know are ignored, as `read` does); their types, as a tuple, are checked
    once per distinct combination, which also settles what that combination needs fixed
    (defaults for None, floats for integral numbers): usually nothing. Only timestamps are
    converted every time."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = tuple(fields)
        self.keys = tuple(f.key for f in fields)
        # types -> the fixes they need: (index, "default" | "float"), () for none.
        self._plans: dict[tuple[type, ...], tuple[tuple[int, str], ...]] = {}
        self._times = tuple(i for i, f in enumerate(fields) if f.kind == TIME)
        self._last: tuple[Any, Any] = (None, None)

    def _plan(self, types: tuple[type, ...]) -> tuple[tuple[int, str], ...] | None:
        fixes = []
        for i, (f, t) in enumerate(zip(self.fields, types, strict=True)):
            if t is type(None):
                if f.default is REQUIRED:
                    return None
                if f.default is not None:
                    fixes.append((i, "default"))
            elif t not in _TYPES[f.kind]:
                return None
            elif f.kind == NUM and t is int:
                fixes.append((i, "float"))
        return tuple(fixes)

    def timestamp(self, value: str) -> datetime:
        """`timestamp`, remembering the last one (created_at and updated_at often match)."""
        last_text, last = self._last
        if value == last_text:
            return last  # type: ignore[no-any-return]
        parsed = timestamp(value)
        self._last = (value, parsed)
        return parsed

    def raw(self, d: Any) -> Sequence[Any] | None:
        """The fields' values with defaults and numbers as `read` gives them, timestamps
        still as text; None when a value is missing or of the wrong type."""
        if type(d) is not dict:
            return None
        out: Sequence[Any] = tuple(map(d.get, self.keys))
        types = tuple(map(type, out))
        plan = self._plans.get(types)
        if plan is None:
            plan = self._plan(types)
            if plan is None:
                return None
            if len(self._plans) < 10_000:
                self._plans[types] = plan
        if plan:
            fixed = list(out)
            for i, fix in plan:
                if fix == "float":
                    fixed[i] = float(fixed[i])
                else:
                    default = self.fields[i].default
                    fixed[i] = default() if default in (dict, list) else default
            out = fixed
        return out

    def values(self, d: Any) -> list[Any] | None:
        raw = self.raw(d)
        if raw is None:
            return None
        out = list(raw)
        try:
            for i in self._times:
                if out[i] is not None:
                    out[i] = self.timestamp(out[i])
        except ValueError:
            return None
        return out
