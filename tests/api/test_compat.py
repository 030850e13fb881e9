"""`POST /api/data`, spoken exactly as the 2020 audino upload client speaks it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from audino.db.models import Assignment, Datapoint, Membership, Segment
from tests.api.conftest import Setup
from tests.conftest import FORMATS, AppEnv, Factory

GOOD = sorted(p for p in FORMATS.iterdir() if not p.name.startswith("bad_"))
BAD = sorted(p for p in FORMATS.iterdir() if p.name.startswith("bad_"))
WAV = FORMATS / "pcm16_mono_16k.wav"  # 7.43 s


def post_data(
    env: AppEnv,
    key: str | None,
    path: Path | None,
    data: dict[str, str],
    *,
    content: bytes | None = None,
) -> Any:
    """What the original client does: requests.post(url, files=..., data=..., headers=...)."""
    headers = {"Authorization": key} if key is not None else {}
    files = None
    if path is not None:
        files = {"audio_file": (path.name, content if content is not None else path.read_bytes())}
    return env.client().post("/api/data", files=files, data=data, headers=headers)


def segs(s: Setup, speaker: Any = None, tags: Any = None, **first: Any) -> str:
    a, b = (v["id"] for v in s.speaker["values"])
    x, y = (v["id"] for v in s.tags["values"])
    return json.dumps(
        [
            {
                "start_time": 0.25,
                "end_time": 1.0,
                "transcription": "नमस्ते दुनिया",
                "annotations": {
                    "speaker": {"values": a if speaker is None else speaker},
                    "tags": {"values": [x, y] if tags is None else tags},
                },
            }
            | first,
            {
                "start_time": 1.5,
                "end_time": 2.75,
                "transcription": "مرحبا",
                "annotations": {"speaker": {"values": [str(b)]}, "tags": {"values": str(x)}},
            },
        ]
    )


def fields(s: Setup, **extra: str) -> dict[str, str]:
    return {
        "username": "ann",
        "reference_transcription": "hello",
        "is_marked_for_review": "False",
        "segmentations": segs(s),
    } | extra


def state(env: AppEnv) -> tuple[int, int, list[str], list[Path]]:
    with env.database.session(write=False) as db:
        n_dp = int(db.scalar(select(func.count()).select_from(Datapoint)) or 0)
        n_seg = int(db.scalar(select(func.count()).select_from(Segment)) or 0)
    temp = env.settings.temp_dir
    return n_dp, n_seg, env.storage.keys(), sorted(temp.iterdir()) if temp.exists() else []


def unique(tag: str) -> bytes:
    return WAV.read_bytes() + tag.encode()  # trailing bytes: a distinct file, same audio


def test_every_good_fixture_uploads_with_segments(
    app_env: AppEnv, setup: Setup, factory: Factory
) -> None:
    a, b = (v["id"] for v in setup.speaker["values"])
    x, y = (v["id"] for v in setup.tags["values"])
    sp, tg = str(setup.speaker["id"]), str(setup.tags["id"])
    for path in GOOD:
        r = post_data(app_env, setup.key, path, fields(setup))
        assert r.status_code == 201, (path.name, r.text)
        body = r.json()
        assert body["type"] == "DATA_CREATED" and body["message"]
        got = factory.admin.get(f"/api/datapoints/{body['data_id']}/segments").json()
        assert [(s["start"], s["end"], s["transcript"]) for s in got] == [
            (0.25, 1.0, "नमस्ते दुनिया"),
            (1.5, 2.75, "مرحبا"),
        ], path.name
        assert [s["values"] for s in got] == [{sp: a, tg: [x, y]}, {sp: b, tg: [x]}]
        assert {s["author"] for s in got} == {"ann"} and {s["source"] for s in got} == {"human"}
    ann = app_env.login("ann")
    listed = ann.get(f"/api/datapoints/{body['data_id']}/segments").json()
    assert len(listed) == 2
    n_dp, n_seg, keys, temp = state(app_env)
    assert (n_dp, n_seg, len(keys), temp) == (len(GOOD), 2 * len(GOOD), len(GOOD), [])


def test_bad_audio_is_422_and_changes_nothing(app_env: AppEnv, setup: Setup) -> None:
    before = state(app_env)
    for path in BAD:
        r = post_data(app_env, setup.key, path, fields(setup))
        assert r.status_code == 422, (path.name, r.text)
        assert r.json()["code"] and r.json()["message"] == r.json()["detail"]
        assert state(app_env) == before, path.name


@pytest.mark.parametrize(
    ("spelling", "marked"),
    [
        ("False", False),
        ("false", False),
        ("0", False),
        ("", False),
        ("True", True),
        ("true", True),
        ("1", True),
        (" TRUE ", True),
    ],
)
def test_review_flag_spellings(app_env: AppEnv, setup: Setup, spelling: str, marked: bool) -> None:
    r = post_data(app_env, setup.key, WAV, fields(setup, is_marked_for_review=spelling))
    assert r.status_code == 201, r.text
    with app_env.database.session(write=False) as db:
        row = db.scalar(select(Assignment).where(Assignment.datapoint_id == r.json()["data_id"]))
        dp = db.get(Datapoint, r.json()["data_id"])
        assert row is not None and dp is not None
        assert (row.user_id, row.marked_for_review, dp.marked_for_review) == (
            setup.ann_id,
            marked,
            marked,
        )
        assert dp.reference_transcript == "hello"


def refused(
    app_env: AppEnv,
    setup: Setup,
    data: dict[str, str],
    status: int,
    text: str,
    path: Path | None = WAV,
) -> None:
    before = state(app_env)
    r = post_data(app_env, setup.key, path, data, content=unique(text) if path else None)
    assert r.status_code == status, r.text
    assert text in r.json()["detail"] and r.json()["message"] == r.json()["detail"]
    assert state(app_env) == before


def test_each_bad_field_is_refused_and_changes_nothing(app_env: AppEnv, setup: Setup) -> None:
    a = setup.speaker["values"][0]["id"]
    x = setup.tags["values"][0]["id"]
    cases: list[tuple[dict[str, str], str]] = [
        ({"is_marked_for_review": "yes"}, "is_marked_for_review"),
        ({"username": "nobody"}, "'nobody'"),
        ({"username": ""}, "username"),
        ({"username": "a\x00b"}, "NUL"),
        ({"segmentations": segs(setup, annotations={"mood": {"values": 1}})}, "'mood'"),
        ({"segmentations": segs(setup, speaker=999999)}, "999999"),
        ({"segmentations": segs(setup, tags=[x, 999998])}, "999998"),
        ({"segmentations": segs(setup, speaker=[a, a + 1])}, "one value"),
        ({"segmentations": segs(setup, annotations={"quality": {"values": 1}})}, "datapoint"),
        ({"segmentations": segs(setup, start_time=2, end_time=2)}, "before end"),
        ({"segmentations": segs(setup, start_time=-1)}, "negative"),
        ({"segmentations": segs(setup, end_time=99)}, "past the end"),
        ({"segmentations": segs(setup, end_time="soon")}, "number"),
        ({"segmentations": segs(setup, end_time=None)}, "end is required"),
        ({"segmentations": segs(setup, annotations=[1])}, "annotations"),
        ({"segmentations": segs(setup, annotations={"speaker": {"value": a}})}, '"values"'),
        ({"segmentations": "[{"}, "not valid JSON"),
        ({"segmentations": "{}"}, "list"),
        ({"segmentations": "[1]"}, "object"),
        ({"segmentations": "[" + "[" * 100_000 + "]" * 100_000 + "]"}, "segmentations"),
        ({"reference_transcription": "a\x00b"}, "NUL"),
    ]
    for extra, text in cases:
        refused(app_env, setup, fields(setup, **extra), 400, text)
    refused(app_env, setup, fields(setup), 400, "audio_file", path=None)
    before = state(app_env)
    wrong = {"file": ("a.wav", unique("wrong-field"))}
    r = app_env.client().post(
        "/api/data", files=wrong, data=fields(setup), headers={"Authorization": setup.key}
    )
    assert r.status_code == 400 and "'file'" in r.json()["message"]
    assert state(app_env) == before


def test_end_past_duration_after_probe_leaves_no_blob(app_env: AppEnv, setup: Setup) -> None:
    # 7.43 s of audio: the end is only known to be wrong once the file has been probed.
    refused(app_env, setup, fields(setup, segmentations=segs(setup, end_time=7.6)), 400, "7.6")


def test_unknown_user_is_named_and_non_member_joins(
    app_env: AppEnv, setup: Setup, factory: Factory
) -> None:
    refused(app_env, setup, fields(setup, username="ghost"), 400, "ghost")
    carl = factory.user("carl")
    r = post_data(app_env, setup.key, WAV, fields(setup, username="carl"), content=unique("c"))
    assert r.status_code == 201, r.text
    with app_env.database.session(write=False) as db:
        role = db.scalar(
            select(Membership.role).where(
                Membership.user_id == carl["id"], Membership.project_id == setup.project["id"]
            )
        )
    assert role == "annotator"
    segments = app_env.login("carl").get(f"/api/datapoints/{r.json()['data_id']}/segments")
    assert len(segments.json()) == 2 and segments.json()[0]["author"] == "carl"


def test_same_file_again_changes_nothing(app_env: AppEnv, setup: Setup) -> None:
    first = post_data(app_env, setup.key, WAV, fields(setup))
    before = state(app_env)
    again = post_data(app_env, setup.key, WAV, fields(setup))
    assert again.status_code == 200 and again.json()["type"] == "DATA_EXISTS"
    assert again.json()["data_id"] == first.json()["data_id"]
    assert state(app_env) == before


def test_minus_one_means_no_value(app_env: AppEnv, setup: Setup, factory: Factory) -> None:
    r = post_data(app_env, setup.key, WAV, fields(setup, segmentations=segs(setup, speaker="-1")))
    assert r.status_code == 201, r.text
    got = factory.admin.get(f"/api/datapoints/{r.json()['data_id']}/segments").json()
    assert str(setup.speaker["id"]) not in got[0]["values"]
    assert str(setup.speaker["id"]) in got[1]["values"]


def test_no_segmentations_is_fine(app_env: AppEnv, setup: Setup) -> None:
    data = {"username": "ann", "audio_file_name": "x"}
    r = post_data(app_env, setup.key, WAV, data)
    assert r.status_code == 201, r.text
    assert state(app_env)[:2] == (1, 0)


def test_keys_decide_the_project(app_env: AppEnv, setup: Setup, factory: Factory) -> None:
    for key in (None, "", "aud_k_wrong", "Bearer aud_k_wrong"):
        r = post_data(app_env, key, WAV, fields(setup))
        assert r.status_code == 401, (key, r.text)
        assert r.json()["message"]
    revoked = factory.api_key(setup.project["id"])
    keys = factory.admin.get(f"/api/projects/{setup.project['id']}/api-keys").json()
    factory.admin.delete(f"/api/projects/{setup.project['id']}/api-keys/{keys[-1]['id']}")
    assert post_data(app_env, revoked, WAV, fields(setup)).status_code == 401
    token = app_env.login("ann").post("/api/auth/tokens", json={"name": "t"}).json()["key"]
    r = post_data(app_env, token, WAV, fields(setup))
    assert r.status_code == 403 and r.json()["code"] == "project_key_required"
    other = factory.project("Other")
    factory.label(other["id"], "speaker", "single", values=[{"value": "A"}])
    r = post_data(app_env, factory.api_key(other["id"]), WAV, {"username": "ann"})
    assert r.status_code == 201, r.text
    dp = factory.admin.get(f"/api/datapoints/{r.json()['data_id']}/segments")
    assert dp.status_code == 200
    with app_env.database.session(write=False) as db:
        found = db.get(Datapoint, r.json()["data_id"])
        assert found is not None and found.project_id == other["id"]
    # The other project's labels are not this project's: ids from here are unknown there.
    r = post_data(app_env, factory.api_key(other["id"]), WAV, fields(setup), content=unique("o"))
    assert r.status_code == 400
