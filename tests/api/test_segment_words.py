"""Word timings on segments (`attributes.words`): kept as sent when they fit their segment,
refused in words (400, nothing saved) when they do not, on create, batch and patch alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_segments import count, make_datapoint
from tests.conftest import AppEnv, Factory

WORDS = [
    {"word": "hello", "start": 1.0, "end": 1.5, "confidence": 0.9},
    {"word": "world", "start": 1.5, "end": 2.0},
]


@dataclass
class World:
    dp: int
    ann: TestClient


@pytest.fixture
def world(app_env: AppEnv, factory: Factory) -> World:
    ann = factory.user("ann")
    project = factory.project("Words", ann="annotator")
    return World(make_datapoint(app_env, project["id"], (ann["id"],)), app_env.login("ann"))


def url(w: World, suffix: str = "") -> str:
    return f"/api/datapoints/{w.dp}/segments{suffix}"


def seg(words: Any) -> dict[str, Any]:
    return {"start": 0.5, "end": 2.5, "transcript": "hello world", "attributes": {"words": words}}


def test_words_are_kept_and_whisper_lists_become_objects(app_env: AppEnv, world: World) -> None:
    r = world.ann.post(url(world), json=seg(WORDS) | {"attributes": {"words": WORDS, "x": 1}})
    assert r.status_code == 201, r.text
    assert r.json()["attributes"] == {"words": WORDS, "x": 1}
    r = world.ann.post(url(world), json=seg([[1.0, 1.5, " hello", 0.5]]))
    assert r.status_code == 201, r.text
    assert r.json()["attributes"]["words"] == [
        {"word": "hello", "start": 1.0, "end": 1.5, "confidence": 0.5}
    ]


BAD = [
    ("a list", "must be a list"),
    ([{"word": "", "start": 1, "end": 2}], "word 1 has no text"),
    ([{"word": "a b", "start": 1, "end": 2}], "holds a space"),
    ([{"word": "a", "start": "1", "end": 2}], "start must be a number"),
    ([{"word": "a", "start": 1}], "end must be a number"),
    ([{"word": "a", "start": 2, "end": 2}], "its start must be before its end"),
    ([{"word": "a", "start": 0.2, "end": 1}], "outside its segment (0.5–2.5 s)"),
    ([{"word": "a", "start": 2, "end": 2.6}], "outside its segment"),
    (
        [{"word": "a", "start": 1, "end": 1.6}, {"word": "b", "start": 1.5, "end": 2}],
        "word 2 ('b', 1.5–2 s) starts before word 1 ('a') ends at 1.6 s",
    ),
    ([{"word": "a", "start": 1, "end": 2, "confidence": 2}], "confidence must be between"),
    ([{"word": "a", "start": 1, "end": 2, "speaker": "x"}], "unknown fields speaker"),
    ([7], "word 1 must be an object"),
]


def test_bad_words_are_refused_in_words(app_env: AppEnv, world: World) -> None:
    for words, message in BAD:
        for target, body in (
            (url(world), seg(words)),
            (url(world, "/batch"), {"upserts": [seg(words)]}),
        ):
            r = world.ann.post(target, json=body)
            assert r.status_code == 400, (words, r.text)
            assert r.json()["code"] == "bad_words", r.text
            assert message in r.json()["detail"], (message, r.json()["detail"])
            assert "attributes.words" in r.json()["detail"]
    assert count(app_env) == 0


@pytest.mark.parametrize("change", [{"end": 1.8}, {"attributes": {"words": WORDS[::-1]}}])
def test_a_change_that_leaves_words_outside_is_refused(
    app_env: AppEnv, world: World, change: dict[str, Any]
) -> None:
    made = world.ann.post(url(world), json=seg(WORDS)).json()
    r = world.ann.patch(f"/api/segments/{made['id']}", json={"version": 1, **change})
    assert r.status_code == 400 and r.json()["code"] == "bad_words", r.text
    kept = world.ann.get(f"/api/segments/{made['id']}").json()
    assert kept["version"] == 1 and kept["attributes"]["words"] == WORDS and kept["end"] == 2.5
