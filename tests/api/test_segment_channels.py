"""A segment's channel: 0-based and inside the recording, or null for all channels."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_segments import make_datapoint
from tests.conftest import AppEnv, Factory


@pytest.fixture
def four(app_env: AppEnv, factory: Factory) -> tuple[TestClient, int]:
    ann = factory.user("ann")
    project = factory.project("Lanes", ann="annotator")
    dp = make_datapoint(app_env, project["id"], (ann["id"],), channels=4)
    return app_env.login("ann"), dp


def _segments(client: TestClient, dp: int) -> list[dict[str, Any]]:
    return list(client.get(f"/api/datapoints/{dp}/segments").json())


def test_each_channel_and_all_channels_are_kept(four: tuple[TestClient, int]) -> None:
    client, dp = four
    for channel in (0, 3, None):
        r = client.post(
            f"/api/datapoints/{dp}/segments", json={"start": 1, "end": 2, "channel": channel}
        )
        assert r.status_code == 201, r.text
        assert r.json()["channel"] == channel
    assert sorted(s["channel"] is None for s in _segments(client, dp)) == [False, False, True]


@pytest.mark.parametrize("channel", [4, 99])
def test_a_channel_past_the_last_is_refused_in_words(
    four: tuple[TestClient, int], channel: int
) -> None:
    client, dp = four
    r = client.post(
        f"/api/datapoints/{dp}/segments", json={"start": 1, "end": 2, "channel": channel}
    )
    assert r.status_code == 400
    assert r.json()["code"] == "bad_channel"
    assert r.json()["detail"].endswith(
        f"channel {channel} does not exist; this recording has channels 0..3."
    )
    assert _segments(client, dp) == []


def test_batch_and_patch_refuse_a_bad_channel_and_change_nothing(
    four: tuple[TestClient, int],
) -> None:
    client, dp = four
    seg = client.post(f"/api/datapoints/{dp}/segments", json={"start": 1, "end": 2, "channel": 1})
    seg = seg.json()
    batch = {"upserts": [{"start": 3, "end": 4, "channel": 2}, seg | {"channel": 4}]}
    r = client.post(f"/api/datapoints/{dp}/segments/batch", json=batch)
    assert r.status_code == 400
    assert r.json()["detail"].startswith("upserts[1]: channel 4 does not exist")
    r = client.patch(f"/api/segments/{seg['id']}", json={"version": 1, "channel": 7})
    assert r.status_code == 400 and "channels 0..3" in r.json()["detail"]
    assert [(s["channel"], s["version"]) for s in _segments(client, dp)] == [(1, 1)]
    moved = client.patch(f"/api/segments/{seg['id']}", json={"version": 1, "channel": 3})
    assert moved.status_code == 200 and moved.json()["channel"] == 3
