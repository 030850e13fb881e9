"""Gold items: marked with a reference, mixed unflagged into an annotator's queue at the
project's rate, scored per annotator (IoU ≥ 0.4, WER/CER < 0.3, labels) with alerts."""

from __future__ import annotations

from typing import Any

from tests.api.test_segments import make_datapoint
from tests.conftest import AppEnv, Factory


def _seg(client: Any, dp: int, start: float, end: float, text: str) -> None:
    r = client.post(
        f"/api/datapoints/{dp}/segments", json={"start": start, "end": end, "transcript": text}
    )
    assert r.status_code == 201, r.text


def test_gold_is_mixed_in_unflagged_and_scored(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    ann_id = factory.user("ann")["id"]
    bob_id = factory.user("bob")["id"]
    project = factory.project("Gold", ann="annotator", bob="annotator")
    pid = project["id"]
    r = admin.patch(
        f"/api/projects/{pid}",
        json={"settings": {"gold": {"rate": 0.5, "alert_below": 0.75, "min_items": 1}}},
    )
    assert r.status_code == 200, r.text
    first = make_datapoint(app_env, pid, (ann_id, bob_id))
    gold = make_datapoint(app_env, pid)
    _seg(admin, gold, 0.5, 2.0, "the quick brown fox")
    _seg(admin, gold, 3.0, 4.0, "jumps")
    r = admin.post(f"/api/datapoints/{gold}/gold")
    assert r.status_code == 200 and r.json()["gold_user_id"] is not None

    ann, bob = app_env.login("ann"), app_env.login("bob")
    listed = lambda c: [d["id"] for d in c.get(f"/api/projects/{pid}/datapoints").json()["items"]]  # noqa: E731
    assert listed(ann) == [first]
    _seg(ann, first, 0.1, 1.0, "x")
    assert ann.post(f"/api/datapoints/{first}/complete").status_code == 200
    # Due one gold item after one completed item at rate 0.5: it is now in ann's queue.
    assert listed(ann) == [first, gold]
    item = ann.get(f"/api/datapoints/{gold}").json()
    assert item["gold"] is None and item["gold_user_id"] is None
    assert item["my_assignment"]["state"] == "todo"
    seen = admin.get(f"/api/datapoints/{gold}").json()
    assert seen["gold"] is True and seen["gold_user_id"] == r.json()["gold_user_id"]
    # Ann sees only her own segments on it, not the reference.
    assert ann.get(f"/api/datapoints/{gold}/segments").json() == []

    _seg(ann, gold, 0.55, 2.0, "the quick brown fox")
    _seg(ann, gold, 3.05, 4.0, "jumps")
    assert ann.post(f"/api/datapoints/{gold}/complete").status_code == 200

    _seg(bob, first, 0.1, 1.0, "y")
    assert bob.post(f"/api/datapoints/{first}/complete").status_code == 200
    assert gold in listed(bob)
    _seg(bob, gold, 0.5, 2.0, "the quick brown socks")  # WER 1/4 < 0.3 but a segment missed
    assert bob.post(f"/api/datapoints/{gold}/complete").status_code == 200

    report = admin.get(f"/api/projects/{pid}/gold-report").json()
    rows = {a["username"]: a for a in report["annotators"]}
    assert report["gold_items"] == 1
    assert rows["ann"]["accuracy"] == 1.0 and rows["ann"]["wer"] == 0.0
    assert rows["ann"]["segment_recall"] == 1.0 and not rows["ann"]["alert"]
    assert rows["bob"]["accuracy"] == 0.0 and rows["bob"]["segment_recall"] == 0.5
    assert rows["bob"]["wer"] == 0.25 and rows["bob"]["failed_items"] == [gold]
    assert report["alerts"] == ["bob"]
    assert ann.get(f"/api/projects/{pid}/gold-report").status_code == 403


def test_gold_settings_and_marking_are_checked(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    pid = factory.project("Gold")["id"]
    r = admin.patch(f"/api/projects/{pid}", json={"settings": {"gold": {"rate": 2}}})
    assert r.status_code == 400 and r.json()["detail"] == (
        "settings.gold.rate must be a number from 0 to 1."
    )
    dp = make_datapoint(app_env, pid)
    r = admin.post(f"/api/datapoints/{dp}/gold", json={"reference_user_id": 9999})
    assert r.status_code == 404
    assert admin.delete(f"/api/datapoints/{dp}/gold").status_code == 204
    assert admin.get(f"/api/datapoints/{dp}").json()["gold"] is False


def test_analytics_charts_and_their_csv(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    ann_id = factory.user("ann")["id"]
    rita_id = factory.user("rita")["id"]
    pid = factory.project("Stats", ann="annotator", rita="reviewer")["id"]
    label = factory.label(pid, "emotion", "single", values=[{"value": "calm"}, {"value": "sad"}])
    dps = [make_datapoint(app_env, pid, (ann_id,), duration=1800.0) for _ in range(2)]
    ann, rita = app_env.login("ann"), app_env.login("rita")
    for dp, value in zip(dps, label["values"], strict=True):
        body = {"start": 0, "end": 1, "values": {str(label["id"]): value["id"]}}
        assert ann.post(f"/api/datapoints/{dp}/segments", json=body).status_code == 201
        r = ann.post(f"/api/datapoints/{dp}/activity", json={"seconds": 90})
        assert r.status_code == 200 and r.json()["active_seconds"] == 90
        assert ann.post(f"/api/datapoints/{dp}/complete").status_code == 200
    rita.post(f"/api/datapoints/{dps[0]}/accept", json={"user_id": ann_id})
    rita.post(f"/api/datapoints/{dps[1]}/reject", json={"user_id": ann_id, "comment": "redo"})
    # Idle time is the editor's business; a report larger than 10 minutes is refused.
    assert ann.post(f"/api/datapoints/{dps[0]}/activity", json={"seconds": 601}).status_code == 422
    assert rita.post(f"/api/datapoints/{dps[0]}/activity", json={"seconds": 5}).json() == {
        "active_seconds": None
    }

    data = rita.get(f"/api/projects/{pid}/analytics").json()
    (day,) = data["per_day"]  # the rejected item is no longer completed
    assert day["annotator"] == "ann" and day["items"] == 1 and day["audio_hours"] == 0.5
    (ann_row,) = [r for r in data["per_annotator"] if r["annotator"] == "ann"]
    assert ann_row["accepted"] == 1 and ann_row["rejected"] == 1
    # Both items' time counts, the rejected one's too: 180 s for 30 min of finished audio.
    assert ann_row["active_hours"] == 0.05
    assert ann_row["audio_hours_per_active_hour"] == 0.5 / 0.05
    (outcome,) = data["review_outcomes"]
    assert (outcome["accepted"], outcome["rejected"]) == (1, 1)
    assert [(r["value"], r["segments"]) for r in data["labels"]] == [("calm", 1), ("sad", 1)]

    r = rita.get(f"/api/projects/{pid}/analytics", params={"chart": "labels", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines() == ["label,value,segments", "emotion,calm,1", "emotion,sad,1"]
    empty = rita.get(f"/api/projects/{pid}/analytics", params={"annotator": "nobody"}).json()
    assert empty["per_day"] == [] and empty["labels"] == []
    bad = rita.get(
        f"/api/projects/{pid}/analytics", params={"from": "2026-02-01", "to": "2026-01-01"}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_dates"
    assert ann.get(f"/api/projects/{pid}/analytics").status_code == 403
    del admin, rita_id
