"""Typed reading of parsed JSON with the path of what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from audino.formats.json_fields import INT, LIST, NUM, OBJ, STR, TIME, Field, Reader, read
from audino.formats.records import FormatError

FIELDS = (
    Field("name", STR), Field("n", INT, 0), Field("x", NUM, None), Field("tags", LIST, list),
    Field("meta", OBJ, dict), Field("at", TIME, None),
)  # fmt: skip


def test_defaults_and_conversions() -> None:
    out = read({"name": "a", "x": 2, "at": "2024-01-02T03:04:05Z"}, FIELDS, "p")
    assert out == {"name": "a", "n": 0, "x": 2.0, "tags": [], "meta": {},
                   "at": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)}  # fmt: skip
    assert isinstance(out["x"], float)
    again = read({"name": "b"}, FIELDS, "p")
    assert again["tags"] is not out["tags"]  # fresh containers, never shared


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"n": 1}, "missing field 'name'"),
        ({"name": None}, "missing field 'name'"),
        ({"name": "a", "n": True}, "'n' must be an integer, not a boolean"),
        ({"name": "a", "n": 1.0}, "'n' must be an integer, not a number"),
        ({"name": "a", "tags": {}}, "'tags' must be a list, not an object"),
        ({"name": "a", "at": "soon"}, "'at' must be an ISO 8601 timestamp, not 'soon'"),
        ([], "expected an object, got a list"),
    ],
)
def test_errors_name_the_field_and_path(value: object, message: str) -> None:
    with pytest.raises(FormatError) as info:
        read(value, FIELDS, "things[3]")
    assert message in str(info.value) and info.value.path == "things[3]"


@pytest.mark.parametrize(
    "value",
    [
        {"name": "a"},
        {"name": "a", "n": 3, "x": 1, "tags": ["t"], "meta": {"k": 1}, "at": "2024-01-02T03:04"},
        {"name": "a", "x": None, "tags": None, "meta": None, "at": None},
        {"name": "a", "at": "2024-01-02T03:04:05+05:30"},
        {"name": "a", "n": None},  # null is the default, as absent is
        {"name": "a", "other": 1},  # unknown keys are ignored
    ],
)
def test_reader_agrees_with_read(value: dict[str, object]) -> None:
    reader = Reader(FIELDS)
    for _ in range(2):  # the second time through the cache of checked types
        fast = reader.values(value)
        assert fast == list(read(value, FIELDS, "p").values())
        assert fast is not None and type(fast[2]) is not int


@pytest.mark.parametrize(
    "value",
    [
        "text",
        {"n": 1},  # a required field missing
        {"name": "a", "n": True},  # a boolean is not an integer
        {"name": "a", "x": "1"},
        {"name": "a", "at": "yesterday"},
        {"name": None},
    ],
)
def test_reader_leaves_the_rest_to_read(value: object) -> None:
    assert Reader(FIELDS).values(value) is None


def test_reader_fresh_containers() -> None:
    reader = Reader(FIELDS)
    first = reader.values({"name": "a"})
    second = reader.values({"name": "b"})
    assert first is not None and second is not None
    assert first[3] == [] and first[3] is not second[3] and first[4] is not second[4]
