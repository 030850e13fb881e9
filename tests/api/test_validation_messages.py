"""Request validation errors read as sentences (field in plain words, what is wrong), with
the machine-readable list beside them, on every route."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from audino.api.errors import describe, field_name
from audino.services.datapoints import MAX_LIMIT
from tests.conftest import Factory

RAW = ("String should", "Input should", "Field required", "List should", "Value error")


def test_a_label_without_a_name_says_so(admin: TestClient, factory: Factory) -> None:
    pid = factory.project("P")["id"]
    r = admin.post(f"/api/projects/{pid}/labels", json={"name": "", "kind": "single"})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"] == "Give a name."
    assert body["code"] == "validation_error"
    assert body["errors"] == [
        {
            "loc": ["body", "name"],
            "field": "name",
            "type": "string_too_short",
            "msg": "Give a name.",
        }
    ]
    r = admin.post(f"/api/projects/{pid}/labels", json={"kind": "single"})
    assert r.json()["detail"] == "The name is missing."


def test_messages_name_the_field_and_the_problem(admin: TestClient, factory: Factory) -> None:
    pid = factory.project("P")["id"]
    label = factory.label(pid, "speaker", values=[{"value": "A"}])
    value = label["values"][0]["id"]
    cases = [
        (
            admin.get(f"/api/projects/{pid}/datapoints", params={"limit": MAX_LIMIT + 1}),
            f"The limit parameter must be at most {MAX_LIMIT}.",
        ),
        (
            admin.get("/api/projects/abc/labels"),
            "The project id in the address must be a whole number.",
        ),
        (
            admin.delete(
                f"/api/projects/{pid}/labels/{label['id']}/values/{value}",
                params={"in_use": "sideways"},
            ),
            "The in_use parameter must be 'refuse', 'move' or 'clear'.",
        ),
        (
            admin.post(
                f"/api/projects/{pid}/labels",
                json={"name": "x", "kind": "single", "values": [{"value": "v" * 201}]},
            ),
            "The value in values › item 1 is too long; the limit is 200 characters.",
        ),
        (
            admin.post(
                f"/api/projects/{pid}/labels",
                content=b"{not json",
                headers={"content-type": "application/json"},
            ),
            "The request body is not valid JSON.",
        ),
        (
            admin.put(f"/api/projects/{pid}/labels/order", json={"ids": "all"}),
            "The ids must be a list.",
        ),
        (
            admin.patch(f"/api/projects/{pid}/labels/{label['id']}", json={"required": "maybe"}),
            "The required must be true or false.",
        ),
    ]
    for r, detail in cases:
        assert r.status_code == 422, r.text
        assert r.json()["detail"] == detail
        assert not any(raw in r.json()["detail"] for raw in RAW)


def test_several_problems_are_all_named_once(admin: TestClient, factory: Factory) -> None:
    pid = factory.project("P")["id"]
    r = admin.post(f"/api/projects/{pid}/labels", json={"name": "", "kind": 3, "required": "x"})
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "Give a name. The kind must be text. The required must be true or false."
    )
    assert [e["field"] for e in r.json()["errors"]] == ["name", "kind", "required"]


@pytest.mark.parametrize(
    ("loc", "name"),
    [
        (("body", "name"), "name"),
        (("body",), "request body"),
        (("body", "values", 0, "hotkey"), "hotkey in values › item 1"),
        (("body", "users", 3), "item 4 in users"),
        (("query", "move_to"), "move_to parameter"),
        (("path", "label_id"), "label id in the address"),
        (("header", "x-csrf-token"), "x-csrf-token header"),
    ],
)
def test_field_names_in_plain_words(loc: tuple[object, ...], name: str) -> None:
    assert field_name(loc) == name


@pytest.mark.parametrize(
    ("err", "sentence"),
    [
        ({"type": "missing", "loc": ("body",)}, "The request needs a JSON body."),
        ({"type": "string_too_short", "loc": ("body", "pw"), "ctx": {"min_length": 8}},
         "The pw must be at least 8 characters long."),
        ({"type": "too_short", "loc": ("body", "ids"), "ctx": {"min_length": 1}},
         "The ids needs at least 1 item."),
        ({"type": "too_long", "loc": ("body", "ids"), "ctx": {"max_length": 1000}},
         "The ids takes at most 1000 items."),
        ({"type": "greater_than_equal", "loc": ("query", "after"), "ctx": {"ge": 1}},
         "The after parameter must be at least 1."),
        ({"type": "extra_forbidden", "loc": ("body", "colour")},
         "“colour” is not something this request takes."),
        ({"type": "value_error", "loc": ("body", "splits"), "msg": "Value error, sums to 1.2"},
         "The splits is not valid: sums to 1.2."),
        ({"type": "some_new_type", "loc": ("body", "x"), "msg": "Odd thing"},
         "The x is not valid (odd thing)."),
    ],
)  # fmt: skip
def test_every_error_type_becomes_a_sentence(err: dict[str, object], sentence: str) -> None:
    assert describe(err) == sentence
