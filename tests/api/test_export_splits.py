"""Splits over the API: exact ratios by largest remainder, keyed by the audio (or the
speaker), so the same audio splits the same way in every project."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import orjson

from tests import builders
from tests.api.test_export_formats import speech_project
from tests.conftest import SPEECH, AppEnv, Factory


def audio_project(env: AppEnv, factory: Factory, name: str, prefix: str, order: int) -> int:
    """The eight speech fixtures as datapoints named `prefix` + file, uploaded in `order`
    (1 or -1), each with one transcribed segment."""
    pid = int(factory.project(name)["id"])
    alice = builders.user(env.database, f"alice-{pid}")
    for entry in builders.speech_manifest()[::order]:
        dp = builders.datapoint(
            env.database, env.storage, pid, prefix + entry["file"],
            content=(SPEECH / entry["file"]).read_bytes(), duration=entry["duration"],
            sample_rate=16000, codec="flac", container="flac",
        )  # fmt: skip
        seg = entry["segments"][0]
        spec = {"start": seg["start"], "end": seg["end"], "transcript": seg["text"]}
        builders.segments(env.database, dp, alice, [spec])
    return pid


def splits_of(client: Any, pid: int, prefix: str, **params: Any) -> dict[str, set[str]]:
    """split -> the fixture files in it, from a NeMo export's manifests."""
    r = client.get(f"/api/projects/{pid}/export", params={"format": "nemo", **params})
    assert r.status_code == 200, r.text
    out: dict[str, set[str]] = {}
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        for name in zf.namelist():
            if name.endswith("_manifest.json"):
                for line in zf.read(name).splitlines():
                    audio = orjson.loads(line)["audio_filepath"]  # audio/<file stem>.wav
                    stem = audio.removeprefix("audio/").removesuffix(".wav")
                    out.setdefault(name.split("_")[0], set()).add(stem.removeprefix(prefix))
    return out


def test_splits_are_exact_and_the_same_in_every_project(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    one = audio_project(app_env, factory, "One", "", 1)
    two = audio_project(app_env, factory, "Two", "copy_of_", -1)
    ratios = "train=0.6,dev=0.2,test=0.2"
    first = splits_of(admin, one, "", splits=ratios)
    assert {k: len(v) for k, v in first.items()} == {"train": 5, "dev": 2, "test": 1}
    assert splits_of(admin, two, "copy_of_", splits=ratios) == first
    # The export job plans the same splits as the stream.
    job = admin.post(f"/api/projects/{one}/exports", json={"format": "nemo", "splits": ratios})
    assert job.status_code == 202, job.text
    result = admin.get(f"/api/jobs/{job.json()['id']}").json()["result"]
    streamed = admin.get(f"/api/projects/{one}/export", params={"format": "nemo", "splits": ratios})
    assert admin.get(result["download_url"]).content == streamed.content


def test_speaker_splits_keep_each_speaker_in_one_split(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    pid = speech_project(app_env, factory)  # speakers A and B
    params = {"format": "librispeech", "splits": "train=1,test=1", "split_by": "speaker"}
    r = admin.get(f"/api/projects/{pid}/export", params=params)
    assert r.status_code == 200, r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        speakers = zf.read("SPEAKERS.TXT").decode().splitlines()[2:]
        folders = {tuple(n.split("/")[:2]) for n in zf.namelist() if n.endswith(".flac")}
    subsets = {subset for subset, _ in folders}
    assert subsets == {"train-clean-100", "test-clean"} and len(speakers) == 2
    assert len({spk for _, spk in folders}) == 2  # each speaker's folder in one subset only
