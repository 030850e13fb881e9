"""Quick modes: the settings.quick check (400 in words, nothing saved) and the progress route."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests import builders
from tests.conftest import AppEnv, Factory

DECISIONS = [{"value": "accept"}, {"value": "reject"}, {"value": "ignore"}]


@pytest.fixture
def quick(app_env: AppEnv, factory: Factory) -> dict[str, Any]:
    ann = factory.user("ann")
    factory.user("mo")
    project = factory.project("Quick", ann="annotator", mo="manager")
    pid = project["id"]
    factory.label(pid, "decision", "single", scope="datapoint", values=DECISIONS)
    factory.label(pid, "topic", "multi", scope="datapoint", values=[{"value": "a"}, {"value": "b"}])
    factory.label(pid, "note", "text", scope="datapoint")
    factory.label(pid, "speaker", "single", values=[{"value": "A"}])
    factory.label(pid, "yes", "single", scope="datapoint", values=[{"value": "accept"}])
    dps = [builders.datapoint(app_env.database, None, pid, f"q{i}.wav") for i in range(4)]
    for dp in dps:
        builders.assignment(app_env.database, dp, ann["id"])
    return {"project": pid, "dps": dps}


def _patch(env: AppEnv, pid: int, quick: Any) -> Any:
    return env.login("mo").patch(f"/api/projects/{pid}", json={"settings": {"quick": quick}})


@pytest.mark.parametrize(
    "setting",
    [
        {"mode": "binary", "label": "decision"},
        {"mode": "choice", "label": "decision"},
        {"mode": "choice", "label": "topic"},
        {"mode": "transcript"},
        {"mode": "transcript", "label": "note"},
        {"mode": "binary", "over": "predictions"},
        {"mode": "binary", "over": "items", "label": "decision"},
        None,
    ],
)
def test_good_quick_settings_are_saved(
    app_env: AppEnv, quick: dict[str, Any], setting: Any
) -> None:
    r = _patch(app_env, quick["project"], setting)
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["quick"] == setting


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ({"mode": "fast", "label": "decision"}, "one of binary, choice or transcript"),
        ({"label": "decision"}, "one of binary, choice or transcript"),
        ("binary", "is an object"),
        ({"mode": "binary"}, "needs a label"),
        ({"mode": "choice", "label": ""}, "name of one of the project's labels"),
        ({"mode": "binary", "label": "nope"}, "'nope' is not a label of this project"),
        ({"mode": "choice", "label": "speaker"}, "datapoint-scope label"),
        ({"mode": "binary", "label": "topic"}, "is a multi label"),
        ({"mode": "binary", "label": "yes"}, "has no reject, ignore"),
        ({"mode": "choice", "label": "note"}, "is a text label"),
        ({"mode": "binary", "label": "decision", "keys": "a"}, "mode, label and over only"),
        ({"mode": "binary", "over": "regions"}, 'settings.quick.over is "items"'),
        ({"mode": "choice", "over": "predictions"}, "Only the binary quick mode"),
        ({"mode": "binary", "over": "predictions", "label": "decision"}, "takes no label"),
    ],
)
def test_bad_quick_settings_are_refused_in_words_and_nothing_is_saved(
    app_env: AppEnv, quick: dict[str, Any], setting: Any, words: str
) -> None:
    r = _patch(app_env, quick["project"], setting)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "bad_settings"
    assert words in r.json()["detail"]
    project = app_env.login("mo").get(f"/api/projects/{quick['project']}").json()
    assert "quick" not in project["settings"]


def test_a_new_project_checks_the_shape_but_has_no_labels_to_check_yet(
    app_env: AppEnv, factory: Factory
) -> None:
    ok = factory.admin.post(
        "/api/projects", json={"name": "T", "settings": {"quick": {"mode": "binary", "label": "x"}}}
    )
    assert ok.status_code == 201, ok.text
    bad = factory.admin.post(
        "/api/projects", json={"name": "U", "settings": {"quick": {"mode": "slow"}}}
    )
    assert bad.status_code == 400
    assert "one of binary, choice or transcript" in bad.json()["detail"]


def test_progress_counts_decisions_and_undo_puts_the_item_back(
    app_env: AppEnv, quick: dict[str, Any]
) -> None:
    pid, dps = quick["project"], quick["dps"]
    assert _patch(app_env, pid, {"mode": "binary", "label": "decision"}).status_code == 200
    ann = app_env.login("ann")
    start = ann.get(f"/api/projects/{pid}/quick").json()
    assert start == {
        "mode": "binary",
        "label": "decision",
        "over": "items",
        "total": 4,
        "done": 0,
        "left": 4,
        "counts": {},
    }
    labels = {x["name"]: x for x in ann.get(f"/api/projects/{pid}/labels").json()}
    ids = {v["value"]: v["id"] for v in labels["decision"]["values"]}
    for dp, decision in zip(dps, ["accept", "reject", "accept"], strict=False):
        r = ann.put(f"/api/datapoints/{dp}/values", json={"values": {"decision": ids[decision]}})
        assert r.status_code == 200, r.text
        assert ann.post(f"/api/datapoints/{dp}/complete").status_code == 200
    now = ann.get(f"/api/projects/{pid}/quick").json()
    assert (now["done"], now["left"], now["counts"]) == (3, 1, {"accept": 2, "reject": 1})
    assert ann.get(f"/api/projects/{pid}/next").json()["datapoint_id"] == dps[3]

    # Undo the last decision: reopened, value cleared, first in the queue again.
    assert ann.post(f"/api/datapoints/{dps[2]}/reopen").status_code == 200
    assert ann.put(f"/api/datapoints/{dps[2]}/values", json={"values": {}}).status_code == 200
    undone = ann.get(f"/api/projects/{pid}/quick").json()
    assert (undone["done"], undone["left"], undone["counts"]) == (2, 2, {"accept": 1, "reject": 1})
    assert ann.get(f"/api/projects/{pid}/next").json()["datapoint_id"] == dps[2]

    doc = orjson.loads(app_env.login("mo").get(f"/api/projects/{pid}/export").content)
    text = orjson.dumps(doc).decode()
    assert '"accept"' in text and '"reject"' in text


def test_progress_without_a_quick_mode_and_for_strangers(
    app_env: AppEnv, quick: dict[str, Any], factory: Factory
) -> None:
    pid = quick["project"]
    r = app_env.login("ann").get(f"/api/projects/{pid}/quick")
    assert r.status_code == 200
    assert r.json()["mode"] is None and r.json()["left"] == 4
    factory.user("eve")
    assert app_env.login("eve").get(f"/api/projects/{pid}/quick").status_code in (403, 404)
    assert app_env.login("ann").get("/api/projects/999999/quick").status_code == 404


def test_progress_over_predictions_counts_each_decision(
    app_env: AppEnv, quick: dict[str, Any]
) -> None:
    from audino.db.models import Datapoint
    from audino.services import predictions
    from tests.api.test_predictions import Guess

    pid, dps = quick["project"], quick["dps"]
    assert _patch(app_env, pid, {"mode": "binary", "over": "predictions"}).status_code == 200
    with app_env.database.session() as db:
        for dp_id in dps[:2]:
            dp = db.get(Datapoint, dp_id)
            assert dp is not None
            guesses = [Guess(0.1, 0.4, 0.9), Guess(0.5, 0.9, 0.6)]
            predictions.write_predictions(db, dp, "vad-test", "1", guesses)
    ann = app_env.login("ann")
    got = {
        dp: [p["id"] for p in ann.get(f"/api/datapoints/{dp}/predictions").json()] for dp in dps[:2]
    }
    a, b = got[dps[0]]
    c, _ = got[dps[1]]
    accepted = ann.post(f"/api/datapoints/{dps[0]}/predictions/{a}/accept").json()
    assert ann.post(f"/api/datapoints/{dps[0]}/predictions/{b}/reject").status_code == 204
    assert ann.post(f"/api/datapoints/{dps[0]}/complete").status_code == 200
    assert ann.post(f"/api/datapoints/{dps[1]}/predictions/{c}/ignore").status_code == 204
    now = ann.get(f"/api/projects/{pid}/quick").json()
    assert (now["over"], now["label"], now["done"], now["left"]) == ("predictions", None, 1, 3)
    assert now["counts"] == {"accept": 1, "reject": 1, "ignore": 1}
    # Undoing the acceptance (its segment deleted) takes it out of the counts.
    r = ann.delete(f"/api/segments/{accepted['id']}", params={"version": accepted["version"]})
    assert r.status_code == 204, r.text
    assert ann.get(f"/api/projects/{pid}/quick").json()["counts"] == {"reject": 1, "ignore": 1}
