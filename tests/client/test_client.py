"""audino.client over HTTP against a real server: reading projects and items, pushing
predictions in batches (idempotent by id, all or nothing per batch), running a model and
waiting for it, and the server's errors as AudinoError."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import func, select

from audino.client import AudinoError, Client, Job, JobFailed, JobTimeout, PredictionIn, Pushed
from audino.db.models import ApiKeyKind, ApiKeyScope, Segment, SegmentSource
from audino.services import auth
from tests.client.conftest import Served

SERVER_SIDE = ("audino.db", "audino.services", "audino.api", "fastapi", "sqlalchemy", "starlette",
               "pydantic", "uvicorn")  # fmt: skip


@pytest.fixture
def client(served: Served) -> Client:
    return Client(served.url, served.token)


def model_segments(served: Served, model: str) -> list[Any]:
    with served.database.session(write=False) as db:
        query = select(Segment.id, Segment.model_version, Segment.confidence).where(
            Segment.source == SegmentSource.model.value, Segment.model == model
        )
        return list(db.execute(query))


def human_count(served: Served) -> int:
    with served.database.session(write=False) as db:
        query = select(func.count()).where(Segment.source == SegmentSource.human.value)
        return int(db.scalar(query) or 0)


def test_importing_the_client_pulls_in_nothing_of_the_server() -> None:
    code = (
        "import sys, audino.client\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({SERVER_SIDE!r}))\n"
        "print(','.join(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_projects_and_datapoints_page_by_page(client: Client, served: Served) -> None:
    assert [p["name"] for p in client.projects()] == ["Speech"]
    assert client.project(served.project_id)["name"] == "Speech"
    items = list(client.datapoints(served.project_id, page_size=2))
    assert sorted(d["id"] for d in items) == sorted(served.datapoints.values())
    named = list(client.datapoints(served.project_id, filename="de_1"))
    assert [d["id"] for d in named] == [served.datapoints["de_1.flac"]]


def predictions(served: Served, n: int, *, confidence: float = 0.5) -> list[Any]:
    """`n` keyed predictions spread over the items, half as dataclasses, half as dicts."""
    ids = sorted(served.datapoints.values())
    out: list[Any] = []
    for i in range(n):
        start = (i // len(ids)) * 0.005
        common = {"id": f"k{i}", "datapoint_id": ids[i % len(ids)], "start": start,
                  "end": start + 0.004, "confidence": confidence,
                  "labels": {"mood": "calm", "tags": ["x"]}}  # fmt: skip
        out.append(PredictionIn(**common) if i % 2 else common)
    return out


def test_push_in_batches_then_again_updates_them(client: Client, served: Served) -> None:
    before = human_count(served)
    pushed = client.push_predictions(
        served.project_id, "batched", "1", iter(predictions(served, 2500)), batch_size=1000
    )
    assert pushed == Pushed(created=2500, updated=0)
    first = model_segments(served, "batched")
    assert len(first) == 2500 and {(v, c) for _i, v, c in first} == {("1", 0.5)}

    again = client.push_predictions(
        served.project_id, "batched", "2", predictions(served, 2500, confidence=0.75)
    )
    assert again == Pushed(created=0, updated=2500)
    second = model_segments(served, "batched")
    assert sorted(i for i, _v, _c in second) == sorted(i for i, _v, _c in first)
    assert {(v, c) for _i, v, c in second} == {("2", 0.75)}
    assert human_count(served) == before


def test_a_bad_item_names_its_index_and_writes_nothing(client: Client, served: Served) -> None:
    batch = predictions(served, 1200)
    batch[700] = {**batch[700], "end": 60.0}
    with pytest.raises(AudinoError) as refused:
        client.push_predictions(served.project_id, "refused", "1", batch, batch_size=5000)
    e = refused.value
    assert (e.status, e.code, e.body["index"]) == (400, "outside_recording", 700)
    assert e.detail.startswith("Prediction 700: ")
    assert model_segments(served, "refused") == []
    # In batches of 500: the first is saved, the one holding item 700 is refused whole.
    with pytest.raises(AudinoError) as refused:
        client.push_predictions(served.project_id, "refused", "1", batch, batch_size=500)
    e = refused.value
    assert e.body["index"] == 700 and e.detail.startswith("Prediction 700: ")
    assert "The 500 predictions before its batch were saved." in e.detail
    assert len(model_segments(served, "refused")) == 500


def test_run_a_model_and_wait(client: Client, served: Served) -> None:
    job = client.run_model(
        served.project_id, "vad-webrtc", datapoint_ids=[*served.datapoints.values()]
    )
    done = client.wait(job, timeout=60, poll=0.05)
    assert done.status == "done" and done.kind == "predict"
    assert done.result["recordings"] == len(served.datapoints)
    assert done.result["predictions"] == len(model_segments(served, "vad-webrtc")) > 0
    assert client.job(job.id) == done


def test_unknown_model_is_the_servers_message(client: Client, served: Served) -> None:
    with pytest.raises(AudinoError) as refused:
        client.run_model(served.project_id, "no-such-model")
    assert refused.value.status == 400 and "no-such-model" in refused.value.detail


def test_errors_carry_status_code_and_message(client: Client, served: Served) -> None:
    with pytest.raises(AudinoError) as missing:
        client.project(999_999)
    assert missing.value.status == 404 and missing.value.code == "not_found"
    with pytest.raises(AudinoError) as bad_key:
        Client(served.url, "aud_wrong").projects()
    assert (bad_key.value.status, bad_key.value.code) == (401, "bad_token")
    assert bad_key.value.detail == "The API key or token is invalid or revoked."


class Jobs(Client):
    """A client whose job polls answer from a script, for the wait's endings."""

    def __init__(self, *answers: Job) -> None:
        super().__init__("http://127.0.0.1:9")
        self.answers = list(answers)

    def job(self, job_id: int) -> Job:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def job(status: str, error: str | None = None) -> Job:
    return Job(7, "predict", status, 0.5, "halfway", error, {})


def test_wait_raises_the_jobs_error_when_it_failed() -> None:
    with pytest.raises(JobFailed) as failed:
        Jobs(job("running"), job("failed", "The model crashed.")).wait(7, poll=0)
    assert failed.value.detail == "The model crashed."
    assert failed.value.body["status"] == "failed"


def test_wait_gives_up_at_the_timeout() -> None:
    with pytest.raises(JobTimeout, match=r"Job 7 is still running after 0 s \(50%: halfway\)"):
        Jobs(job("running")).wait(7, timeout=0, poll=0)


def test_batch_size_is_checked(client: Client) -> None:
    with pytest.raises(ValueError, match="between 1 and 5000"):
        client.push_predictions(1, "m", "1", [], batch_size=5001)


def test_a_projects_manage_key_pushes_too(served: Served) -> None:
    with served.database.session() as db:
        key = auth.issue_api_key(
            db, kind=ApiKeyKind.project, name="ml", created_by_id=served.manager_id,
            project_id=served.project_id, scope=ApiKeyScope.manage,
        ).key  # fmt: skip
    client = Client(served.url, key)
    assert [p["id"] for p in client.projects()] == [served.project_id]
    one = PredictionIn(start=0.5, end=1.0, datapoint="en_us_1.flac", id="one", confidence=0.9)
    assert client.push_predictions(served.project_id, "keyed", "1", [one]) == Pushed(1, 0)
    assert client.push_predictions(served.project_id, "keyed", "1", [one]) == Pushed(0, 1)
