"""The active-learning queue: a project ordered by model uncertainty serves the least confident
item first (or where two models disagree most), in rounds frozen when started, with skip."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from audino.db.models import Datapoint
from audino.services import predictions
from tests.api.test_predictions import Guess
from tests.api.test_segments import make_datapoint
from tests.conftest import AppEnv, Factory


@dataclass
class World:
    project: int
    items: list[int]
    manager: Any
    ann: Any
    ann_id: int


def predict(env: AppEnv, dp_id: int, guesses: list[Guess], model: str = "vad-test") -> None:
    with env.database.session() as db:
        dp = db.get(Datapoint, dp_id)
        assert dp is not None
        predictions.write_predictions(db, dp, model, "1", guesses)


# Five items: their lowest confidences are 0.9, 0.3, none (no predictions), 0.5, 0.3.
LOWEST = [
    [Guess(0.5, 1.0, 0.95), Guess(2.0, 3.0, 0.9)],
    [Guess(0.5, 1.0, 0.3), Guess(2.0, 3.0, 0.99)],
    [],
    [Guess(1.0, 2.0, 0.5)],
    [Guess(1.0, 2.0, 0.3)],
]


@pytest.fixture
def world(app_env: AppEnv, factory: Factory) -> World:
    ann_id = factory.user("ann")["id"]
    factory.user("mia")
    pid = factory.project("Active", ann="annotator", mia="manager")["id"]
    items = [make_datapoint(app_env, pid, (ann_id,), duration=6.0, channels=1) for _ in LOWEST]
    for dp, guesses in zip(items, LOWEST, strict=True):
        if guesses:
            predict(app_env, dp, guesses)
    return World(pid, items, app_env.login("mia"), app_env.login("ann"), ann_id)


def set_queue(client: Any, pid: int, **queue: Any) -> Any:
    project = client.get(f"/api/projects/{pid}").json()
    settings = {**project["settings"], "queue": queue}
    return client.patch(f"/api/projects/{pid}", json={"settings": settings})


def next_of(client: Any, pid: int, after: int | None = None) -> int | None:
    params = {"after": after} if after else {}
    r = client.get(f"/api/projects/{pid}/next", params=params)
    assert r.status_code == 200, r.text
    return r.json()["datapoint_id"]  # type: ignore[no-any-return]


def submit(client: Any, dp: int) -> None:
    r = client.post(f"/api/datapoints/{dp}/complete")
    assert r.status_code == 200, r.text


def test_least_confident_item_first(world: World) -> None:
    pid, items, ann = world.project, world.items, world.ann
    assert next_of(ann, pid) == items[0]  # the id order until the project says otherwise
    r = set_queue(world.manager, pid, order="uncertainty")
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["queue"] == {"order": "uncertainty", "models": []}
    # 0.3 (tie: by id), 0.3, 0.5, 0.9, then the item without predictions.
    assert next_of(ann, pid) == items[1]
    assert next_of(ann, pid, after=items[1]) == items[4]
    submit(ann, items[1])
    submit(ann, items[4])
    assert next_of(ann, pid) == items[3]
    submit(ann, items[3])
    submit(ann, items[0])
    assert next_of(ann, pid) == items[2]
    assert next_of(ann, pid, after=items[2]) is None


def test_model_filter(app_env: AppEnv, world: World) -> None:
    pid, items = world.project, world.items
    predict(app_env, items[0], [Guess(0.0, 1.0, 0.1)], model="other")
    assert set_queue(world.manager, pid, order="uncertainty").status_code == 200
    assert next_of(world.ann, pid) == items[0]
    r = set_queue(world.manager, pid, order="uncertainty", models=["vad-test"])
    assert r.status_code == 200, r.text
    assert next_of(world.ann, pid) == items[1]


def test_disagreement_order(app_env: AppEnv, world: World) -> None:
    pid, items = world.project, world.items
    # The second model agrees on item 0, half-agrees on 3, says nothing on 1 (full
    # disagreement); item 2 has neither model, item 4 only the first model.
    predict(app_env, items[0], [Guess(0.5, 1.0, 0.8), Guess(2.0, 3.0, 0.8)], model="b")
    predict(app_env, items[3], [Guess(1.0, 1.5, 0.8)], model="b")
    predict(app_env, items[1], [Guess(4.0, 5.0, 0.8)], model="b")
    r = set_queue(world.manager, pid, order="disagreement", models=["vad-test", "b"])
    assert r.status_code == 200, r.text
    r = world.manager.post(f"/api/projects/{pid}/rounds", json={"size": 5})
    assert r.status_code == 201, r.text
    # 1 and 4 disagree fully (by id), 3 half, 0 not at all, 2 has no predictions.
    assert r.json()["my_items"] == []  # the manager has no items of her own
    order = world.ann.get(f"/api/projects/{pid}/rounds/current").json()["round"]["my_items"]
    assert order == [items[1], items[4], items[3], items[0], items[2]]


def test_round_is_frozen_skip_goes_last_and_progress(app_env: AppEnv, world: World) -> None:
    pid, items, ann, mia = world.project, world.items, world.ann, world.manager
    assert set_queue(mia, pid, order="uncertainty").status_code == 200
    r = mia.post(f"/api/projects/{pid}/rounds", json={"size": 3})
    assert r.status_code == 201, r.text
    started = r.json()
    assert (started["number"], started["size"], started["order"]) == (1, 3, "uncertainty")
    assert started["progress"] == {"items": 3, "submitted": 0, "skipped": 0}
    assert [p["username"] for p in started["people"]] == ["ann"]
    again = mia.post(f"/api/projects/{pid}/rounds", json={"size": 3})
    assert again.status_code == 409 and "still running" in again.json()["detail"]

    # A new prediction makes item 0 the least confident: the round keeps its order.
    predict(app_env, items[0], [Guess(0.0, 1.0, 0.01)])
    state = ann.get(f"/api/projects/{pid}/rounds/current").json()
    assert state["order"] == "uncertainty"
    assert state["round"]["my_items"] == [items[1], items[4], items[3]]
    assert state["round"]["people"] == []  # annotators see their own progress only
    assert next_of(ann, pid) == items[1]

    # Skip: the next item is answered, the skipped one comes back at the end of the round.
    r = ann.post(f"/api/datapoints/{items[1]}/skip")
    assert r.status_code == 200, r.text
    assert r.json() == {"datapoint_id": items[4]}
    assert next_of(ann, pid) == items[4]
    submit(ann, items[4])
    assert next_of(ann, pid, after=items[4]) == items[3]
    state = ann.get(f"/api/projects/{pid}/rounds/current").json()["round"]
    assert state["progress"] == {"items": 3, "submitted": 1, "skipped": 1}
    assert state["mine"] == {"items": 3, "submitted": 1, "skipped": 1}
    assert state["my_items"] == [items[4], items[3], items[1]]
    submit(ann, items[3])
    assert next_of(ann, pid) == items[1]
    # Skipping the only one left: nothing else of the round, so the rest of her work follows.
    r = ann.post(f"/api/datapoints/{items[1]}/skip")
    assert r.json() == {"datapoint_id": items[0]}
    submit(ann, items[1])
    assert ann.post(f"/api/datapoints/{items[1]}/skip").status_code == 409
    # An item outside the round is skipped in her queue instead (it comes last there).
    r = ann.post(f"/api/datapoints/{items[0]}/skip")
    assert r.status_code == 200 and r.json() == {"datapoint_id": items[2]}
    progress = mia.get(f"/api/projects/{pid}/rounds/current").json()["round"]["progress"]
    assert progress == {"items": 3, "submitted": 3, "skipped": 0}

    r = mia.post(f"/api/projects/{pid}/rounds/current/close")
    assert r.status_code == 200 and r.json()["closed_at"] is not None
    assert mia.get(f"/api/projects/{pid}/rounds/current").json()["round"] is None
    assert mia.post(f"/api/projects/{pid}/rounds/current/close").status_code == 404
    # The next round takes the most uncertain of what is still open.
    r = mia.post(f"/api/projects/{pid}/rounds", json={"size": 10})
    assert r.status_code == 201, r.text
    assert (r.json()["number"], r.json()["size"]) == (2, 2)


def test_skip_and_next_in_the_normal_queue(world: World) -> None:
    """Without rounds (the id order, or an uncertainty order between rounds), a skipped item
    comes last in the annotator's queue, the earliest skipped first."""
    pid, items, ann = world.project, world.items, world.ann
    assert next_of(ann, pid) == items[0]
    r = ann.post(f"/api/datapoints/{items[0]}/skip")
    assert r.status_code == 200 and r.json() == {"datapoint_id": items[1]}
    assert next_of(ann, pid) == items[1]
    assert ann.post(f"/api/datapoints/{items[2]}/skip").json() == {"datapoint_id": items[3]}
    for dp in (items[1], items[3], items[4]):
        assert next_of(ann, pid) == dp
        submit(ann, dp)
    # Only skipped ones are left: the one skipped first comes first.
    assert next_of(ann, pid) == items[0]
    assert next_of(ann, pid, after=items[0]) == items[2]
    # Skipping again puts it at the end again; the last one left stays (nothing else).
    assert ann.post(f"/api/datapoints/{items[0]}/skip").json() == {"datapoint_id": items[2]}
    assert next_of(ann, pid) == items[2]
    submit(ann, items[2])
    assert ann.post(f"/api/datapoints/{items[0]}/skip").json() == {"datapoint_id": None}
    done = ann.post(f"/api/datapoints/{items[2]}/skip")
    assert done.status_code == 409 and "submitted this item already" in done.json()["detail"]
    # In an uncertainty-ordered project between rounds, skipped items come last too: item 1
    # (confidence 0.3) is served before item 0 (0.9) until she skips it.
    assert ann.post(f"/api/datapoints/{items[1]}/reopen").status_code == 200
    assert set_queue(world.manager, pid, order="uncertainty").status_code == 200
    assert next_of(ann, pid) == items[1]
    assert ann.post(f"/api/datapoints/{items[1]}/skip").json() == {"datapoint_id": items[0]}
    assert next_of(ann, pid) == items[0]


def test_bad_settings_are_400(world: World) -> None:
    pid, mia = world.project, world.manager
    cases = [
        ({"order": "random"}, "settings.queue.order is one of id, uncertainty, disagreement"),
        ({"order": "disagreement", "models": ["a"]}, "names the two models"),
        ({"order": "uncertainty", "models": "a"}, "is a list of at most 8 model names"),
        ({"order": "uncertainty", "colour": 1}, "unknown fields: colour"),
        ({"order": "id", "models": ["a"]}, "uncertainty and disagreement orders only"),
    ]
    for queue, sentence in cases:
        r = set_queue(mia, pid, **queue)
        assert r.status_code == 400, (queue, r.text)
        assert sentence in r.json()["detail"], r.json()["detail"]
    bad = mia.patch(f"/api/projects/{pid}", json={"settings": {"queue": [1]}})
    assert bad.status_code == 400 and "settings.queue takes" in bad.json()["detail"]
    # Rounds need an uncertainty order; sizes are checked.
    r = mia.post(f"/api/projects/{pid}/rounds", json={"size": 3})
    assert r.status_code == 409 and "queue order" in r.json()["detail"]
    assert set_queue(mia, pid, order="uncertainty").status_code == 200
    for size in (0, 100_000, "x"):
        r = mia.post(f"/api/projects/{pid}/rounds", json={"size": size})
        assert 400 <= r.status_code < 500, r.text


def test_permissions(app_env: AppEnv, world: World) -> None:
    pid, ann = world.project, world.ann
    assert set_queue(world.manager, pid, order="uncertainty").status_code == 200
    assert set_queue(ann, pid, order="id").status_code == 403
    r = ann.post(f"/api/projects/{pid}/rounds", json={"size": 3})
    assert r.status_code == 403, r.text
    assert world.manager.post(f"/api/projects/{pid}/rounds", json={"size": 3}).status_code == 201
    assert ann.post(f"/api/projects/{pid}/rounds/current/close").status_code == 403
    # A manager not assigned the item has nothing of hers to skip there.
    r = world.manager.post(f"/api/datapoints/{world.items[1]}/skip")
    assert r.status_code == 409 and "not assigned to you" in r.json()["detail"]
    outsider = app_env.client()
    assert outsider.get(f"/api/projects/{pid}/rounds/current").status_code == 401
