"""Label Studio: tasks, labeling config and audio, read by label-studio-sdk (its config
and annotation validation, and its converter), a task written with the SDK's own controls
imported, and a round trip that keeps authors, per-region choices and text labels, and
recording-level values.

label-studio-sdk pulls in OpenCV, lxml, nltk and more, so it runs in `.venv-labelstudio`
(python3 -m venv .venv-labelstudio && .venv-labelstudio/bin/pip install label-studio-sdk);
the tests that need it skip without it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest

from audino.formats import registry
from audino.formats.files import InputFile, write_tree
from audino.formats.options import ExportOptions
from audino.formats.records import Dataset, Recording
from tests.conftest import REPO
from tests.formats.annotated import dataset

SDK_PYTHON = REPO / ".venv-labelstudio" / "bin" / "python"
READER = Path(__file__).with_name("labelstudio_read.py")
needs_sdk = pytest.mark.skipif(
    not SDK_PYTHON.exists(),
    reason=".venv-labelstudio is missing (python3 -m venv .venv-labelstudio && "
    ".venv-labelstudio/bin/pip install label-studio-sdk)",
)


def fake_clips(
    recording: Recording, spans: Sequence[tuple[float, float, int | None]], **audio: Any
) -> Iterator[bytes]:
    for start, end, _ in spans:
        yield f"{recording.name} {start}-{end} {audio['codec']}".encode()


def export(ds: Dataset | None = None, **options: Any) -> dict[str, bytes]:
    fmt = registry.get("labelstudio")
    files = fmt.output_files(ds or dataset(), ExportOptions(**options))
    return {f.path: b"".join(f.chunks) for f in files}


def tasks(files: dict[str, bytes]) -> list[dict[str, Any]]:
    return orjson.loads(files["tasks.json"])  # type: ignore[no-any-return]


def test_tasks_config_and_the_audio_beside_them() -> None:
    files = export(clips=fake_clips)
    assert list(files) == [
        "audio/call_one.wav",
        "audio/zwei.wav",
        "audio/drei.wav",
        "tasks.json",
        "labeling-config.xml",
    ]
    assert files["audio/zwei.wav"] == b"zwei.flac 0.0-6.0 wav"
    found = tasks(files)
    assert [t["data"] for t in found] == [
        {"audio": "audio/call_one.wav", "name": "call one.wav"},
        {"audio": "audio/zwei.wav", "name": "zwei.flac"},
        {"audio": "audio/drei.wav", "name": "drei.wav"},
    ]
    assert "/api/" not in files["tasks.json"].decode()


@pytest.mark.parametrize(
    ("root", "audio"),
    [
        ("https://data.example/calls/", "https://data.example/calls/audio/call_one.wav"),
        ("/srv/calls", "/srv/calls/audio/call_one.wav"),
    ],
)
def test_audio_root_makes_the_paths_absolute(root: str, audio: str) -> None:
    assert tasks(export(audio_root=root))[0]["data"]["audio"] == audio


def test_each_author_is_an_annotation_and_model_output_a_prediction() -> None:
    first, second, third = tasks(export())
    by = {a["completed_by"]["username"]: a["result"] for a in first["annotations"]}
    assert sorted(by) == ["alice", "bob"]
    # alice: two regions (labels, transcription, gender/emotion choices, note) + mood, comment
    whole = [r for r in by["alice"] if "start" not in r["value"]]
    assert {r["from_name"]: r["value"] for r in whole} == {
        "mood": {"choices": ["calm"]},
        "comment": {"text": ["fine & ok"]},
    }
    region = [r for r in by["alice"] if r["id"] == "a2"]
    assert {r["from_name"]: (r["type"], r["value"]) for r in region} == {
        "speaker": ("labels", {"start": 2.75, "end": 5.5, "channel": 0, "labels": ["Bo"]}),
        "transcription": (
            "textarea",
            {"start": 2.75, "end": 5.5, "channel": 0, "text": ["line one\nline two\tend"]},
        ),
        "gender": ("choices", {"start": 2.75, "end": 5.5, "channel": 0, "choices": ["male"]}),
        "emotion": (
            "choices",
            {"start": 2.75, "end": 5.5, "channel": 0, "choices": ["sad", "calm"]},
        ),
        "note": ("textarea", {"start": 2.75, "end": 5.5, "channel": 0, "text": ["note 1 & <b>"]}),
    }
    assert [r["value"] for r in by["bob"] if "start" not in r["value"]] == [{"choices": ["tense"]}]
    assert second["predictions"] == [] and len(second["annotations"]) == 1
    assert third["annotations"] == []
    (prediction,) = third["predictions"]
    assert prediction["model_version"] == "vad" and prediction["score"] == 0.75


def test_round_trip_keeps_authors_values_and_recording_level_choices() -> None:
    files = export()
    back = registry.get("labelstudio").read([InputFile(p, d) for p, d in files.items()])
    kinds = {s.name: (s.kind, s.scope) for s in back.labels}
    assert kinds == {
        "speaker": ("single", "segment"),
        "gender": ("single", "segment"),
        "emotion": ("multi", "segment"),
        "mood": ("single", "datapoint"),
        "note": ("text", "segment"),
        "comment": ("text", "datapoint"),
    }
    original = {it.recording.name: it for it in dataset().items}  # type: ignore[attr-defined]
    for item in back.items:
        source = original[item.recording.name]
        got = sorted(
            (s.author, s.source, s.start, s.end, s.transcript, dict(s.values), s.confidence)
            for s in item.segments
        )
        want = sorted(
            (
                s.author,
                "human" if s.author else "model",
                s.start,
                s.end,
                s.transcript,
                {**s.values, "emotion": list(s.values["emotion"])},
                s.confidence,
            )
            for s in source.segments
        )
        assert got == want
        assert {a.user: dict(a.values) for a in item.recording.assignments} == {
            a.user: dict(a.values)
            for a in source.recording.assignments
            if a.values or a.status == "done"
        }


def run_sdk(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(SDK_PYTHON), str(READER), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@needs_sdk
def test_label_studio_sdk_validates_and_converts_the_export(tmp_path: Path) -> None:
    write_tree(registry.get("labelstudio").output_files(dataset(), ExportOptions()), tmp_path)
    found = json.loads(run_sdk("read", str(tmp_path)).stdout)
    assert found["errors"] == []
    records = found["records"]  # JSON-MIN: one per annotation, one per task without any
    assert sorted((r["name"], r["annotator"] or "") for r in records) == [
        ("call one.wav", "alice"),
        ("call one.wav", "bob"),
        ("drei.wav", ""),
        ("zwei.flac", "alice"),
    ]
    alice = next(r for r in records if r["annotator"] == "alice" and r["id"] == 1)
    regions = sorted(
        (round(r["start"], 3), round(r["end"], 3), r["labels"][0]) for r in alice["speaker"]
    )
    assert regions == [(0.5, 2.25, "Ann Lee"), (2.75, 5.5, "Bo")]
    # JSON-MIN flattens a region's text and choices to their values
    assert alice["transcription"] == ["say & <laughs> 你好", "line one\nline two\tend"]
    assert alice["gender"] == ["female", "male"]
    assert alice["note"] == ["note 0 & <b>", "note 1 & <b>"]
    assert alice["mood"] == "calm" and alice["comment"] == "fine & ok"


@needs_sdk
def test_a_task_written_with_the_sdk_imports_with_its_author(tmp_path: Path) -> None:
    write_tree(registry.get("labelstudio").output_files(dataset(), ExportOptions()), tmp_path)
    run_sdk("write", str(tmp_path))
    data = (tmp_path / "written.json").read_bytes()
    back = registry.get("labelstudio").read([InputFile("written.json", data)])
    (item,) = back.items
    assert item.recording.name == "call_one.wav"  # Label Studio's upload prefix dropped
    human = sorted((s for s in item.segments if s.author), key=lambda s: s.start)
    assert [(s.author, s.start, s.end, s.transcript) for s in human] == [
        ("alice", 0.5, 1.75, "hello\tthere"),
        ("alice", 2.0, 3.25, "नमस्ते"),
    ]  # the cancelled annotation is not anyone's work
    assert [dict(s.values) for s in human] == [
        {"speaker": "Ann Lee", "emotion": "happy", "note": "Ann Lee & <laughs>"},
        {"speaker": "Bo", "emotion": "sad", "note": "Bo & <laughs>"},
    ]
    (model,) = [s for s in item.segments if not s.author]
    assert (model.source, model.model, model.start, model.values) == (
        "model",
        "vad 1",
        4.0,
        {"speaker": "Bo"},
    )
    assert [(a.user, a.status, dict(a.values)) for a in item.recording.assignments] == [
        ("alice", "done", {"mood": "calm"})
    ]
