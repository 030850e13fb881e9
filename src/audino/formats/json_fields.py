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
