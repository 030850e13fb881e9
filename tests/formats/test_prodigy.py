"""Prodigy JSONL: checked against Prodigy's documented task format (Prodigy is commercial
and has no reader on PyPI), a task per annotator, unannotated recordings left open, and
a round trip that keeps authors, speakers and transcripts."""

from __future__ import annotations

from typing import Any

import orjson

from audino.formats import registry
from audino.formats.files import InputFile
from audino.formats.options import ExportOptions
from audino.formats.report import ExportReport
from tests.formats.annotated import dataset
from tests.formats.test_labelstudio import fake_clips

# Prodigy's task format for audio.manual (prodi.gy/docs/api-interfaces#audio_manual and
# prodi.gy/docs/api-loaders: "_input_hash", "_task_hash", "_annotator_id", "_session_id",
# "answer" in accept | reject | ignore, "_view_id").
SPAN_KEYS = {"start": float, "end": float, "label": str, "id": str}
ANSWERS = {"accept", "reject", "ignore"}


def export(**options: Any) -> tuple[dict[str, bytes], ExportReport]:
    report = ExportReport()
    files = registry.get("prodigy").output_files(dataset(), ExportOptions(**options), report)
    return {f.path: b"".join(f.chunks) for f in files}, report


def tasks(files: dict[str, bytes]) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in files["tasks.jsonl"].splitlines()]


def check_prodigy_task(task: dict[str, Any]) -> None:
    assert isinstance(task["audio"], str) and task["audio"]
    assert isinstance(task["path"], str)
    assert task["_view_id"] == "audio_manual"
    for key in ("_input_hash", "_task_hash"):
        assert isinstance(task[key], int) and -(2**31) <= task[key] < 2**31
    for span in task["audio_spans"]:
        for key, kind in SPAN_KEYS.items():
            assert isinstance(span[key], kind), (key, span)
        assert 0 <= span["start"] <= span["end"]
    if "answer" in task:
        assert task["answer"] in ANSWERS
        assert isinstance(task["_annotator_id"], str) and isinstance(task["_session_id"], str)
    else:  # a question still to answer carries no annotator
        assert "_annotator_id" not in task and "_session_id" not in task


def test_tasks_follow_prodigys_format_one_per_annotator() -> None:
    files, report = export(clips=fake_clips)
    assert list(files) == [
        "audio/call_one.wav",
        "audio/zwei.wav",
        "audio/drei.wav",
        "tasks.jsonl",
        "export-report.json",
    ]
    found = tasks(files)
    for task in found:
        check_prodigy_task(task)
    summary = [
        (t["meta"]["file"], t.get("answer"), t.get("_annotator_id"), t.get("_session_id"))
        for t in found
    ]
    assert summary == [
        ("call one.wav", "accept", "alice", "Calls-alice"),
        ("call one.wav", "accept", "bob", "Calls-bob"),
        ("zwei.flac", "accept", "alice", "Calls-alice"),
        ("drei.wav", None, None, None),  # nobody annotated it: an open question
    ]
    alice, bob = found[0], found[1]
    assert alice["_input_hash"] == bob["_input_hash"] != found[2]["_input_hash"]
    assert len({t["_task_hash"] for t in found}) == 4
    assert alice["audio"] == alice["path"] == "audio/call_one.wav"
    # The span label is the speaker, not the first tag (gender).
    assert [(s["start"], s["end"], s["label"]) for s in alice["audio_spans"]] == [
        (0.5, 2.25, "Ann Lee"),
        (2.75, 5.5, "Bo"),
    ]
    assert [(s["start"], s["label"]) for s in bob["audio_spans"]] == [(3.0, "Ann Lee")]
    assert alice["transcript"] == "say & <laughs> 你好 line one\nline two\tend"
    assert found[3]["audio_spans"][0]["label"] == "Ann Lee"  # the model's pre-annotation
    # gender, emotion and note have no place in an audio task; nor do mood and comment.
    assert report.left_out == {
        "label values with no place in a Prodigy audio task (only the span label)": 15,
        "recording-level values with no place in a Prodigy audio task": 3,
    }


def test_audio_root_as_a_base_url() -> None:
    files, _ = export(audio_root="https://media.example/calls")
    assert tasks(files)[0]["audio"] == "https://media.example/calls/audio/call_one.wav"


def test_round_trip_keeps_authors_speakers_and_transcripts() -> None:
    files, _ = export()
    back = registry.get("prodigy").read([InputFile(p, d) for p, d in files.items()])
    got = {
        item.recording.name: sorted(
            (s.author, s.source, s.start, s.end, s.transcript, dict(s.values))
            for s in item.segments
        )
        for item in back.items
    }
    want = {
        item.recording.name: sorted(
            (
                s.author,
                "human" if s.author else "import",
                s.start,
                s.end,
                s.transcript,
                {"speaker": s.values["speaker"]},
            )
            for s in item.segments
        )
        for item in dataset().items  # type: ignore[attr-defined]
    }
    assert got == want
    users = {it.recording.name: [a.user for a in it.recording.assignments] for it in back.items}
    assert users == {"call one.wav": ["alice", "bob"], "zwei.flac": ["alice"], "drei.wav": []}


def test_prodigy_written_tasks_import_by_answer() -> None:
    """db-out's shape: base64 audio named by `text`, a rejected task, an ignored one."""
    lines = [
        {"audio": "data:audio/wav;base64,UklGRg==", "text": "a.wav", "meta": {"file": "a.wav"},
         "audio_spans": [{"start": 0.1, "end": 0.9, "label": "SPK_1", "id": "x"}],
         "answer": "accept", "_annotator_id": "ds-carol", "_session_id": "ds-carol",
         "_input_hash": 1, "_task_hash": 2, "_view_id": "audio_manual"},
        {"audio": "b.wav", "path": "/data/b.wav", "audio_spans": [{"start": 0, "end": 1,
         "label": "SPK_2"}], "answer": "reject", "_annotator_id": "ds-carol"},
        {"audio": "c.wav", "path": "c.wav", "audio_spans": [], "answer": "ignore"},
    ]  # fmt: skip
    data = b"\n".join(orjson.dumps(line) for line in lines)
    back = registry.get("prodigy").read([InputFile("db-out.jsonl", data)])
    (item,) = back.items
    assert item.recording.name == "a.wav"
    (seg,) = item.segments
    assert (seg.author, seg.start, seg.end, seg.values) == (
        "ds-carol",
        0.1,
        0.9,
        {"speaker": "SPK_1"},
    )
