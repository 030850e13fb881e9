"""Label value checks against a schema built in memory (no database)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from audino.db.models import Label, LabelValue
from audino.services.errors import InvalidInput
from audino.services.labels.validation import (
    LabelSchema,
    check_json,
    check_number,
    check_text,
    clean_values,
    missing_required,
)


def label(
    id: int,
    name: str,
    kind: str,
    scope: str = "segment",
    values: tuple[int, ...] = (),
    required: bool = False,
) -> Label:
    row = Label(id=id, name=name, kind=kind, scope=scope, required=required)
    row.values = [LabelValue(id=v, label_id=id, value=f"v{v}") for v in values]
    return row


@pytest.fixture
def schema() -> LabelSchema:
    return LabelSchema.of(
        [
            label(1, "speaker", "single", values=(10, 11)),
            label(2, "tags", "multi", values=(20, 21, 22)),
            label(3, "note", "text"),
            label(4, "snr", "number"),
            label(5, "noisy", "boolean"),
            label(6, "quality", "single", "datapoint", (60,), required=True),
            label(7, "7", "text"),  # a name that looks like an id
            label(8, "lang", "text", required=True),
        ]
    )


def seg(schema: LabelSchema, values: Any) -> dict[str, Any]:
    return clean_values(schema, values, scope="segment")


def test_keys_by_id_or_name_are_stored_by_id(schema: LabelSchema) -> None:
    got = seg(schema, {"speaker": 11, "2": [22, 20], "note": "héllo", "snr": -3.5, "noisy": True})
    assert got == {"1": 11, "2": [22, 20], "3": "héllo", "4": -3.5, "5": True}


def test_value_ids_may_be_digit_strings(schema: LabelSchema) -> None:
    assert seg(schema, {"speaker": "10", "tags": ["21", 22]}) == {"1": 10, "2": [21, 22]}


def test_ids_win_over_names_that_look_like_ids(schema: LabelSchema) -> None:
    assert seg(schema, {"7": "x"}) == {"7": "x"}
    assert seg(schema, {7: "x"}) == {"7": "x"}


def test_null_means_unset(schema: LabelSchema) -> None:
    assert seg(schema, {"speaker": None, "note": "a"}) == {"3": "a"}
    assert seg(schema, None) == {}


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"nope": 1}, "Unknown label 'nope'"),
        ({"99": 1}, "Unknown label '99'"),
        ({"quality": 60}, "datapoint-scope"),
        ({"speaker": 20}, "not one of the values of label 'speaker'"),
        ({"speaker": True}, "value ids"),
        ({"speaker": 1.0}, "value ids"),
        ({"speaker": [10]}, "value ids"),
        ({"speaker": "ten"}, "value ids"),
        ({"speaker": "99999999999999999999999"}, "not one of the values"),
        ({"tags": 20}, "list of value ids"),
        ({"tags": [20, 20]}, "twice"),
        ({"tags": [20, 10]}, "not one of the values"),
        ({"note": 5}, "must be a string"),
        ({"note": "x" * 100_001}, "limit"),
        ({"snr": "3"}, "number"),
        ({"snr": True}, "number"),
        ({"snr": math.nan}, "finite"),
        ({"snr": math.inf}, "finite"),
        ({"snr": 2**60}, "too large"),
        ({"noisy": "true"}, "true or false"),
        ({"noisy": 0}, "true or false"),
        ({"speaker": 10, "1": 11}, "given twice"),
        (["speaker"], "values must be an object"),
    ],
)
def test_bad_values_name_the_problem(schema: LabelSchema, values: Any, fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        seg(schema, values)
    assert fragment in err.value.detail


def test_datapoint_scope_takes_only_datapoint_labels(schema: LabelSchema) -> None:
    assert clean_values(schema, {"quality": 60}, scope="datapoint") == {"6": 60}
    with pytest.raises(InvalidInput, match="segment-scope"):
        clean_values(schema, {"speaker": 10}, scope="datapoint")


def test_missing_required(schema: LabelSchema) -> None:
    assert missing_required(schema, {}, "datapoint") == ["quality"]
    assert missing_required(schema, {"6": 60}, "datapoint") == []
    assert missing_required(schema, {"8": ""}, "segment") == ["lang"]


def test_text_checks() -> None:
    for text in ("", "नमस्ते", "السلام", "今天", "👩‍👩‍👧", "e\u0301"):
        assert check_text(text, "t") == text
    for bad in ("a\x00", "\ud800", 3, None):
        with pytest.raises(InvalidInput):
            check_text(bad, "t")


def test_number_checks() -> None:
    assert check_number(0, "n") == 0 and check_number(-1.5, "n") == -1.5
    for bad in (math.nan, -math.inf, "1", True, None, 10**400):
        with pytest.raises(InvalidInput):
            check_number(bad, "n")


def test_json_checks() -> None:
    ok = {"a": [1, 2.5, None, True, {"b": "ç"}]}
    assert check_json(ok, "attributes") == ok
    for bad in ([], {"a": math.nan}, {"a": ["\x00"]}, {"a": "x" * 70_000}, {"a": object()}):
        with pytest.raises(InvalidInput):
            check_json(bad, "attributes")
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(20_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(InvalidInput):
        check_json(deep, "attributes")
