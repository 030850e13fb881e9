"""Predictions through the API: a model's segments are nobody's work until a person accepts
them (their own segment, linked), edits them or rejects them; each decision is theirs alone;
a new run of the same model version replaces its predictions, never human work."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from audino.db.models import Datapoint
from audino.services import predictions
from tests.api.test_segments import make_datapoint
from tests.conftest import SPEECH, AppEnv, Factory


@dataclass(frozen=True)
class Guess:
    start: float
    end: float
    confidence: float | None = None
    transcript: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    channel: int | None = None
    words: list[Any] | None = None


GUESSES = [Guess(0.5, 1.5, 0.95), Guess(2.0, 3.0, 0.9), Guess(4.0, 5.0, 0.4)]


@dataclass
class Setup:
    project: dict[str, Any]
    dp: int
    ann: Any
    bob: Any
    rita: Any
    ann_id: int


@pytest.fixture
def setup(app_env: AppEnv, factory: Factory) -> Setup:
    ann_id = factory.user("ann")["id"]
    factory.user("bob")
    factory.user("rita")
    project = factory.project("Models", ann="annotator", bob="annotator", rita="reviewer")
    factory.label(project["id"], "kind", "single", values=[{"value": "speech"}])
    dp = make_datapoint(app_env, project["id"], (ann_id,), duration=6.0, channels=1)
    write(app_env, dp, GUESSES)
    return Setup(
        project, dp, app_env.login("ann"), app_env.login("bob"), app_env.login("rita"), ann_id
    )


def write(env: AppEnv, dp_id: int, guesses: list[Guess], version: str = "1") -> Any:
    with env.database.session() as db:
        dp = db.get(Datapoint, dp_id)
        assert dp is not None
        return predictions.write_predictions(db, dp, "vad-test", version, guesses)


def listed(client: Any, dp: int, **params: Any) -> list[dict[str, Any]]:
    r = client.get(f"/api/datapoints/{dp}/predictions", params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_accept_edit_reject_and_undo(app_env: AppEnv, setup: Setup) -> None:
    dp, ann = setup.dp, setup.ann
    got = listed(ann, dp)
    assert [(p["start"], p["end"], p["confidence"], p["decision"]) for p in got] == [
        (0.5, 1.5, 0.95, None),
        (2.0, 3.0, 0.9, None),
        (4.0, 5.0, 0.4, None),
    ]
    assert all(p["source"] == "model" and p["author"] is None for p in got)
    # Nobody's work yet: ann's own segments are none.
    assert ann.get(f"/api/datapoints/{dp}/segments").json() == []

    first, second, third = (p["id"] for p in got)
    r = ann.post(f"/api/datapoints/{dp}/predictions/{first}/accept")
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["decision"] == "accepted" and made["author"] == "ann"
    assert (made["start"], made["end"], made["source"]) == (0.5, 1.5, "human")
    assert made["attributes"]["prediction_id"] == first
    again = ann.post(f"/api/datapoints/{dp}/predictions/{first}/accept")
    assert again.status_code == 409 and "accepted already" in again.json()["detail"]

    r = ann.post(f"/api/datapoints/{dp}/predictions/{second}/accept", json={"end": 3.4})
    assert r.status_code == 201, r.text
    assert (r.json()["end"], r.json()["decision"]) == (3.4, "edited")
    assert ann.post(f"/api/datapoints/{dp}/predictions/{third}/reject").status_code == 204
    assert [p["decision"] for p in listed(ann, dp)] == ["accepted", "edited", "rejected"]
    mine = ann.get(f"/api/datapoints/{dp}/segments").json()
    assert [(s["start"], s["end"]) for s in mine] == [(0.5, 1.5), (2.0, 3.4)]

    # Undo: a rejection is taken back; an acceptance by deleting its segment.
    assert ann.delete(f"/api/datapoints/{dp}/predictions/{third}/decision").status_code == 204
    r = ann.delete(f"/api/segments/{made['id']}", params={"version": made["version"]})
    assert r.status_code == 204, r.text
    assert [p["decision"] for p in listed(ann, dp)] == [None, "edited", None]
    # The assignment moved on with her first own segment.
    assert ann.get(f"/api/datapoints/{dp}/values").json()["state"] == "in_progress"


def test_ignore_leaves_a_prediction_aside_and_counts_in_no_evaluation(
    app_env: AppEnv, setup: Setup
) -> None:
    dp, ann = setup.dp, setup.ann
    first, second, _ = (p["id"] for p in listed(ann, dp))
    assert ann.post(f"/api/datapoints/{dp}/predictions/{first}/ignore").status_code == 204
    assert [p["decision"] for p in listed(ann, dp)] == ["ignored", None, None]
    assert ann.get(f"/api/datapoints/{dp}/segments").json() == []  # nobody's work
    # Bulk accept takes only undecided ones; an ignored one can still be accepted by hand.
    r = ann.post(f"/api/datapoints/{dp}/predictions/accept", json={"min_confidence": 0.9})
    assert [s["start"] for s in r.json()["segments"]] == [2.0]
    r = ann.post(f"/api/datapoints/{dp}/predictions/{first}/accept")
    assert r.status_code == 201 and r.json()["decision"] == "accepted"
    # An accepted one cannot be ignored; an ignore is taken back like a rejection.
    r = ann.post(f"/api/datapoints/{dp}/predictions/{second}/ignore")
    assert r.status_code == 409 and "accepted already" in r.json()["detail"]
    third = listed(ann, dp)[2]["id"]
    assert ann.post(f"/api/datapoints/{dp}/predictions/{third}/ignore").status_code == 204
    assert ann.delete(f"/api/datapoints/{dp}/predictions/{third}/decision").status_code == 204
    assert [p["decision"] for p in listed(ann, dp)] == ["accepted", "accepted", None]
    # Not a prediction of this item: a 404 in words; bob (not assigned) cannot see the item.
    r = ann.post(f"/api/datapoints/{dp}/predictions/nope/ignore")
    assert r.status_code == 404 and "does not exist" in r.json()["detail"]
    assert setup.bob.post(f"/api/datapoints/{dp}/predictions/{third}/ignore").status_code == 404


def test_decisions_are_each_persons_own(app_env: AppEnv, setup: Setup) -> None:
    dp = setup.dp
    first = listed(setup.ann, dp)[0]["id"]
    assert setup.ann.post(f"/api/datapoints/{dp}/predictions/{first}/reject").status_code == 204
    # The reviewer sees the predictions as undecided for herself, and ann's decisions on ask.
    assert listed(setup.rita, dp)[0]["decision"] is None
    assert listed(setup.rita, dp, user_id=setup.ann_id)[0]["decision"] == "rejected"
    # bob is not assigned: the item does not exist for him, nor may he ask for ann's.
    assert setup.bob.get(f"/api/datapoints/{dp}/predictions").status_code == 404
    r = setup.ann.get(f"/api/datapoints/{dp}/predictions", params={"user_id": 10_000})
    assert r.status_code == 403


def test_bulk_accept_above_a_confidence(app_env: AppEnv, setup: Setup) -> None:
    dp, ann = setup.dp, setup.ann
    second = listed(ann, dp)[1]["id"]
    assert ann.post(f"/api/datapoints/{dp}/predictions/{second}/reject").status_code == 204
    r = ann.post(f"/api/datapoints/{dp}/predictions/accept", json={"min_confidence": 0.8})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accepted"] == 1 and [s["start"] for s in body["segments"]] == [0.5]
    assert [p["decision"] for p in listed(ann, dp)] == ["accepted", "rejected", None]
    # Nothing left above the threshold: nothing happens.
    r = ann.post(f"/api/datapoints/{dp}/predictions/accept", json={"min_confidence": 0.8})
    assert r.json()["accepted"] == 0
    bad = ann.post(f"/api/datapoints/{dp}/predictions/accept", json={"min_confidence": 2})
    assert bad.status_code == 422


def test_a_new_run_replaces_that_versions_predictions_not_human_work(
    app_env: AppEnv, setup: Setup
) -> None:
    dp, ann = setup.dp, setup.ann
    first = listed(ann, dp)[0]["id"]
    assert ann.post(f"/api/datapoints/{dp}/predictions/{first}/accept").status_code == 201
    # Out of the recording, too short: left out. The same version replaces; another adds.
    written = write(app_env, dp, [Guess(1.0, 2.0, 0.7), Guess(5.9, 9.0), Guess(3.0, 3.001)])
    assert (written.predictions, written.replaced, written.left_out) == (2, 3, 1)
    write(app_env, dp, [Guess(0.0, 0.5, 0.5)], version="2")
    got = listed(ann, dp)
    assert [(p["start"], p["end"], p["model_version"]) for p in got] == [
        (0.0, 0.5, "2"),
        (1.0, 2.0, "1"),
        (5.9, 6.0, "1"),
    ]
    assert all(p["decision"] is None for p in got)
    # ann's segment made from the old prediction is still hers.
    (mine,) = ann.get(f"/api/datapoints/{dp}/segments").json()
    assert (mine["start"], mine["author"]) == (0.5, "ann")


def test_only_predictions_can_be_decided(app_env: AppEnv, setup: Setup) -> None:
    dp, ann = setup.dp, setup.ann
    r = ann.post(f"/api/datapoints/{dp}/segments", json={"start": 0.1, "end": 0.3})
    own = r.json()["id"]
    r = ann.post(f"/api/datapoints/{dp}/predictions/{own}/accept")
    assert r.status_code == 400 and "not a model's prediction" in r.json()["detail"]
    r = ann.post(f"/api/datapoints/{dp}/predictions/nope/reject")
    assert r.status_code == 404 and "does not exist" in r.json()["detail"]
    first = listed(ann, dp)[0]["id"]
    r = ann.post(f"/api/datapoints/{dp}/predictions/{first}/accept", json={"end": 99.0})
    assert r.status_code == 400 and "past the end of the recording" in r.json()["detail"]
    assert listed(ann, dp)[0]["decision"] is None  # nothing changed


def test_vad_at_ingest_and_as_a_job_on_real_speech(app_env: AppEnv, factory: Factory) -> None:
    admin = factory.admin
    ann_id = factory.user("ann")["id"]
    project = factory.project("VAD", ann="annotator")
    pid = project["id"]
    # A bad model run in the settings is refused in words, and nothing is stored.
    r = admin.patch(
        f"/api/projects/{pid}",
        json={"settings": {"models": {"at_ingest": [{"model": "vad-nope"}]}}},
    )
    assert r.status_code == 400 and "no auto-annotator called 'vad-nope'" in r.json()["detail"]
    assert "vad-webrtc" in r.json()["detail"]
    r = admin.patch(
        f"/api/projects/{pid}",
        json={
            "settings": {"models": {"at_ingest": [{"model": "vad-webrtc", "settings": {"x": 1}}]}}
        },
    )
    assert r.status_code == 400 and "x" in r.json()["detail"]
    assert admin.get(f"/api/projects/{pid}").json()["settings"].get("models") is None
    run = {"model": "vad-webrtc", "settings": {"min_silence": 0.3}}
    r = admin.patch(f"/api/projects/{pid}", json={"settings": {"models": {"at_ingest": [run]}}})
    assert r.status_code == 200, r.text
    stored = r.json()["settings"]["models"]["at_ingest"][0]
    assert stored["model"] == "vad-webrtc" and stored["settings"]["min_silence"] == 0.3

    clip = SPEECH / "en_us_1.flac"
    r = admin.post(
        f"/api/projects/{pid}/datapoints",
        files={"file": (clip.name, clip.read_bytes())},
        data={"assign_to": "ann"},
    )
    assert r.status_code == 201, r.text
    dp = r.json()["datapoint"]["id"]
    ann = app_env.login("ann")
    got = listed(ann, dp)
    assert got, "VAD at ingest predicted no speech"
    assert all(p["model"] == "vad-webrtc" and 0 <= p["confidence"] <= 1 for p in got)
    duration = admin.get(f"/api/datapoints/{dp}").json()["duration"]
    assert all(0 <= p["start"] < p["end"] <= duration for p in got)
    # The fixture's speech (manifest) is covered by the predictions.
    truth = next(r for r in _manifest() if r["file"] == clip.name)["segments"]
    speech = sum(t["end"] - t["start"] for t in truth)
    covered = sum(
        max(0.0, min(p["end"], t["end"]) - max(p["start"], t["start"])) for p in got for t in truth
    )
    assert covered >= 0.8 * speech
    del ann_id
    # VAD rode along ingest's own decoding pass: stored with the item, no job of its own.
    ingest = admin.get(f"/api/jobs/{r.json()['datapoint']['ingest_job_id']}").json()
    assert ingest["result"]["predictions"] == {"vad-webrtc": len(got)}
    kinds = [j["kind"] for j in admin.get("/api/jobs", params={"datapoint_id": dp}).json()]
    assert kinds == ["ingest"]

    # A manager runs it again as a job: that version's predictions are replaced.
    r = admin.post(f"/api/projects/{pid}/predictions/jobs", json=run | {"datapoint_ids": [dp]})
    assert r.status_code == 202, r.text
    job = admin.get(f"/api/jobs/{r.json()['id']}").json()
    assert job["status"] == "done", job
    assert job["result"]["predictions"] == len(got) and job["result"]["replaced"] == len(got)
    # The job decodes the stored file again and finds exactly what ingest found.
    again = listed(ann, dp)
    assert [(p["start"], p["end"], p["confidence"]) for p in again] == [
        (p["start"], p["end"], p["confidence"]) for p in got
    ]
    # Bad runs: unknown model, bad settings, items of another project — 4xx in words.
    bad = admin.post(f"/api/projects/{pid}/predictions/jobs", json={"model": "nope"})
    assert bad.status_code == 400 and "known ones" in bad.json()["detail"]
    bad = admin.post(
        f"/api/projects/{pid}/predictions/jobs",
        json={"model": "vad-webrtc", "settings": {"aggressiveness": 9}},
    )
    assert bad.status_code == 400 and "aggressiveness" in bad.json()["detail"]
    bad = admin.post(
        f"/api/projects/{pid}/predictions/jobs",
        json={"model": "vad-webrtc", "datapoint_ids": [dp + 1000]},
    )
    assert bad.status_code == 400 and "not in this project" in bad.json()["detail"]
    assert ann.post(f"/api/projects/{pid}/predictions/jobs", json=run).status_code == 403
    models = {m["name"]: m for m in ann.get("/api/models").json()}
    assert {"vad-webrtc", "vad-silero"} <= set(models)
    assert models["vad-webrtc"]["unavailable"] is None
    assert any(s["name"] == "min_silence" for s in models["vad-webrtc"]["settings"])


def test_a_model_failing_during_ingest_runs_as_a_job_instead(
    app_env: AppEnv, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audino.models import webrtc

    admin = factory.admin
    factory.user("ann")
    pid = factory.project("VAD fails", ann="annotator")["id"]
    run = {"model": "vad-webrtc", "settings": {}}
    r = admin.patch(f"/api/projects/{pid}", json={"settings": {"models": {"at_ingest": [run]}}})
    assert r.status_code == 200, r.text
    real_add, calls = webrtc.WebrtcStream.add, []

    def add_once_broken(self: webrtc.WebrtcStream, samples: Any, rate: int) -> None:
        calls.append(rate)
        if len(calls) == 1:
            raise RuntimeError("detector broke")
        real_add(self, samples, rate)

    monkeypatch.setattr(webrtc.WebrtcStream, "add", add_once_broken)
    clip = SPEECH / "en_us_1.flac"
    r = admin.post(
        f"/api/projects/{pid}/datapoints",
        files={"file": (clip.name, clip.read_bytes())},
        data={"assign_to": "ann"},
    )
    assert r.status_code == 201, r.text
    dp = admin.get(f"/api/datapoints/{r.json()['datapoint']['id']}").json()
    assert dp["ingest_status"] == "ready"  # the model's failure is not the recording's
    ingest = admin.get(f"/api/jobs/{dp['ingest_job_id']}").json()
    assert ingest["status"] == "done" and ingest["result"]["predictions"] == {}
    jobs = admin.get("/api/jobs", params={"datapoint_id": dp["id"]}).json()
    assert [j["kind"] for j in jobs] == ["predict", "ingest"]
    assert jobs[0]["status"] == "done" and jobs[0]["result"]["predictions"] > 0
    ann = app_env.login("ann")
    assert len(listed(ann, dp["id"])) == jobs[0]["result"]["predictions"]


def _manifest() -> list[dict[str, Any]]:
    import json

    return [json.loads(line) for line in (SPEECH / "manifest.jsonl").read_text().splitlines()]


def test_model_evaluation_against_finished_work(app_env: AppEnv, setup: Setup) -> None:
    dp, ann = setup.dp, setup.ann
    pid = setup.project["id"]
    got = listed(ann, dp)
    # ann accepts the first as it is, the second with a later end, rejects the third and
    # draws one of her own the model missed.
    assert ann.post(f"/api/datapoints/{dp}/predictions/{got[0]['id']}/accept").status_code == 201
    r = ann.post(f"/api/datapoints/{dp}/predictions/{got[1]['id']}/accept", json={"end": 3.2})
    assert r.status_code == 201
    assert ann.post(f"/api/datapoints/{dp}/predictions/{got[2]['id']}/reject").status_code == 204
    assert (
        ann.post(f"/api/datapoints/{dp}/segments", json={"start": 5.2, "end": 5.8}).status_code
        == 201
    )
    # Unfinished work is not compared yet.
    url = f"/api/projects/{pid}/model-evaluation"
    (row,) = setup.rita.get(url).json()["models"]
    assert (row["model"], row["version"], row["predictions"], row["items"]) == (
        "vad-test",
        "1",
        3,
        0,
    )
    assert (row["accepted"], row["edited"], row["rejected"]) == (1, 1, 1)
    assert row["accept_rate"] == pytest.approx(2 / 3, abs=1e-4) and row["edit_rate"] == 0.5
    assert ann.post(f"/api/datapoints/{dp}/complete").status_code == 200
    (row,) = setup.rita.get(url).json()["models"]
    assert (row["items"], row["predicted"], row["human"], row["matched"]) == (1, 3, 3, 2)
    assert row["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert row["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert row["median_end_error"] == pytest.approx(0.1)  # 0 and 0.2
    # Annotators do not see the evaluation.
    assert ann.get(url).status_code == 403


def test_model_evaluation_per_label_value(app_env: AppEnv, setup: Setup) -> None:
    """A segment counts for each choice value it has: the model's segments with kind=speech
    against ann's segments with kind=speech, apart from the overall figures."""
    pid, ann = setup.project["id"], setup.ann
    dp = make_datapoint(app_env, pid, (setup.ann_id,), duration=6.0, channels=1)
    speech = {"kind": "speech"}
    write(app_env, dp, [Guess(0.5, 1.5, 0.9, values=speech), Guess(2.0, 3.0, 0.8, values=speech),
                        Guess(4.0, 5.0, 0.7)], version="2")  # fmt: skip
    for p in listed(ann, dp):
        assert ann.post(f"/api/datapoints/{dp}/predictions/{p['id']}/accept").status_code == 201
    # Her own, unlabelled, where the model saw nothing; then one of the labelled ones loses
    # its value (she decided it was not speech after all).
    assert ann.post(f"/api/datapoints/{dp}/segments", json={"start": 5.2, "end": 5.8}).status_code
    mine = ann.get(f"/api/datapoints/{dp}/segments").json()
    second = next(s for s in mine if s["start"] == 2.0)
    r = ann.patch(
        f"/api/segments/{second['id']}", json={"values": {}, "version": second["version"]}
    )
    assert r.status_code == 200, r.text
    assert ann.post(f"/api/datapoints/{dp}/complete").status_code == 200

    rows = setup.rita.get(f"/api/projects/{pid}/model-evaluation").json()["models"]
    row = next(r for r in rows if r["version"] == "2")
    assert (row["predicted"], row["human"], row["matched"]) == (3, 4, 3)
    (label,) = row["labels"]
    assert (label["label"], label["value"]) == ("kind", "speech")
    assert (label["predicted"], label["human"], label["matched"]) == (2, 1, 1)
    assert label["precision"] == 0.5 and label["recall"] == 1.0
    assert label["frame_recall"] == 1.0 and label["frame_precision"] == pytest.approx(0.5)


def test_accepting_an_asr_prediction_keeps_its_words(app_env: AppEnv, setup: Setup) -> None:
    heard = [(0.4, 0.9, "hello", 0.8), (0.9, 0.9, "uh", 0.1), (1.0, 1.4, "there", 0.7)]
    write(app_env, setup.dp, [Guess(0.5, 1.5, 0.9, transcript="hello uh there", words=heard)], "2")
    [pred] = [p for p in listed(setup.ann, setup.dp) if p["transcript"]]
    # Stored as the editor reads them, cut to the segment, the word without length left out.
    assert pred["attributes"]["words"] == [
        {"word": "hello", "start": 0.5, "end": 0.9, "confidence": 0.8},
        {"word": "there", "start": 1.0, "end": 1.4, "confidence": 0.7},
    ]
    r = setup.ann.post(
        f"/api/datapoints/{setup.dp}/predictions/{pred['id']}/accept", json={"end": 1.2}
    )
    assert r.status_code == 201, r.text
    assert [(w["word"], w["end"]) for w in r.json()["attributes"]["words"]] == [
        ("hello", 0.9),
        ("there", 1.2),
    ]
