"""The native format on plain records: exact round trip, streaming, timestamps, unicode."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from audino.formats import audino_native
from audino.formats.records import (
    AnnotatedRecording,
    AssignmentRecord,
    Dataset,
    FormatError,
    LabelSpec,
    LabelValueSpec,
    ProjectInfo,
    Recording,
    SegmentRecord,
    UserRef,
)

T = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def items(n: int) -> list[AnnotatedRecording]:
    out = []
    for i in range(n):
        rec = Recording(
            id=i + 1, name=f"क्लिप-{i}.wav", storage_key=f"ab/{i:038d}.wav", duration=1 / 3,
            sample_rate=16000, channels=2, codec="flac", container="flac", size=123,
            sha256=f"{i:064x}", reference_transcript="مرحبا بالعالم 你好 👋",
            metadata={"speaker": {"age": 31}}, status="done", marked_for_review=bool(i % 2),
            created_at=T, updated_at=T + timedelta(seconds=1),
            assignments=(AssignmentRecord("alice", "done", True, {"quality": "good"}, 4, T, T,
                                          T + timedelta(days=1)),),
        )  # fmt: skip
        segs = (
            SegmentRecord(
                id=f"seg-{i}-a", recording_id=i + 1, author="alice", start=0.1 + 0.2, end=0.9,
                channel=1, low_hz=80.0, high_hz=7999.5, transcript="你好\n\"quoted\"\t🙂",
                values={"speaker": "A", "tags": ["x", "y"], "score": 3, "ok": True},
                attributes={"emotion": "happy"}, source="model", model="whisper",
                model_version="large-v3", confidence=0.999, version=7, created_at=T,
                updated_at=T,
            ),
            SegmentRecord(id=None, recording_id=i + 1, author=None, start=0.0, end=0.0),
        )  # fmt: skip
        out.append(AnnotatedRecording(rec, segs))
    return out


def dataset(n: int = 3) -> Dataset:
    return Dataset(
        project=ProjectInfo("P ✓", "desc", {"a": [1, 2]}, T, T),
        labels=(
            LabelSpec("speaker", "single", values=(LabelValueSpec("A", "#ff0000", "a", 0),)),
            LabelSpec(
                "quality",
                "single",
                "datapoint",
                True,
                None,
                None,
                1,
                (LabelValueSpec("good"),),
                created_at=T,
            ),
        ),  # fmt: skip
        users=(UserRef("alice", "annotator"), UserRef("bob")),
        items=items(n),
    )


def export_bytes(ds: Dataset) -> bytes:
    return b"".join(audino_native.export(ds))


def test_records_round_trip_exactly() -> None:
    ds = dataset()
    back = audino_native.import_(export_bytes(ds))
    assert back.project == ds.project
    assert back.labels == ds.labels
    assert back.users == ds.users
    assert list(back.items) == list(ds.items)
    assert export_bytes(back) == export_bytes(ds)


def test_unicode_is_written_as_utf8_and_one_datapoint_per_line() -> None:
    body = export_bytes(dataset(2))
    assert "مرحبا بالعالم 你好 👋".encode() in body and b"\\u" not in body
    lines = body.split(b"\n")
    assert lines[1] == b'"datapoints":['
    assert lines[2].startswith(b"{") and lines[2].endswith(b"},")
    assert lines[3].startswith(b"{") and lines[4] == b"]}"


def test_export_streams_before_reading_items() -> None:
    consumed = []

    def lazy() -> Iterator[AnnotatedRecording]:
        for item in items(3):
            consumed.append(item.recording.id)
            yield item

    chunks = audino_native.export(Dataset(ProjectInfo("P"), (), (), lazy()))
    head = next(chunks)
    assert consumed == [] and head.endswith(b'"datapoints":[')
    doc = orjson.loads(head + b"".join(chunks))
    assert consumed == [1, 2, 3] and len(doc["datapoints"]) == 3


def test_timestamps_keep_offsets_and_microseconds() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    local = datetime(2024, 1, 1, 12, 0, 0, 5, tzinfo=ist)
    rec = items(1)[0]
    rec.recording.created_at = local
    back = audino_native.import_(export_bytes(Dataset(ProjectInfo("P"), (), (), [rec])))
    created = next(iter(back.items)).recording.created_at
    assert created == local and created.utcoffset() == timedelta(hours=5, minutes=30)
    doc = orjson.loads(export_bytes(dataset(1)))
    assert doc["datapoints"][0]["created_at"] == "2024-05-06T07:08:09.123456+00:00"
    naive = doc | {"project": {"name": "P", "created_at": "2024-05-06T07:08:09"}}
    assert audino_native.import_(orjson.dumps(naive)).project.created_at == T.replace(microsecond=0)


def test_defaults_for_absent_and_null_fields() -> None:
    doc = {
        "format": "audino", "version": 1, "project": {"name": "P"},
        "datapoints": [{"name": "a.wav", "storage_key": "k", "duration": 1, "sample_rate": 8000,
                        "channels": 1, "segments": [{"start": 0, "end": 1, "transcript": None}]}],
    }  # fmt: skip
    ds = audino_native.import_(orjson.dumps(doc))
    item = next(iter(ds.items))
    assert item.recording.duration == 1.0 and isinstance(item.recording.duration, float)
    assert item.recording.status == "todo" and item.recording.metadata == {}
    seg = item.segments[0]
    assert (seg.transcript, seg.values, seg.source, seg.version, seg.author) == (
        "", {}, "human", 1, None,
    )  # fmt: skip
    assert ds.labels == () and ds.users == ()


@pytest.mark.parametrize(
    ("segment", "message"),
    [
        ({"start": 0, "end": 1, "channel": 1.5}, "'channel' must be an integer, not a number"),
        ({"start": True, "end": 1}, "'start' must be a number, not a boolean"),
        ({"end": 1}, "missing field 'start'"),
        ({"start": 0, "end": 1, "values": []}, "'values' must be an object, not a list"),
        ("text", "expected an object, got a string"),
    ],
)
def test_bad_segments_say_what_and_where(segment: object, message: str) -> None:
    doc = {
        "format": "audino", "version": 1, "project": {"name": "P"},
        "datapoints": [{"name": "a", "storage_key": "k", "duration": 1, "sample_rate": 8000,
                        "channels": 1, "segments": [{"start": 0, "end": 1}, segment]}],
    }  # fmt: skip
    with pytest.raises(FormatError) as info:
        audino_native.import_(orjson.dumps(doc))
    assert info.value.path == "datapoints[0].segments[1]" and message in str(info.value)


def test_syntax_error_position() -> None:
    with pytest.raises(FormatError) as info:
        audino_native.import_(b'{\n  "format": "audino",\n  "version": 1,,\n}')
    assert (info.value.line, info.value.column) == (3, 16)
    with pytest.raises(FormatError):
        audino_native.import_(b"\xff\xfe not utf-8")


def test_reader_fields_follow_the_records() -> None:
    """The import builds records positionally from the field lists."""
    from dataclasses import fields

    def names(record: type) -> list[str]:
        return [f.name for f in fields(record)]

    assert [f.key for f in audino_native._SEGMENT] == [
        n for n in names(SegmentRecord) if n != "recording_id"
    ]
    assert [f.key for f in audino_native._DATAPOINT] == names(Recording)[:18]
    assert [f.key for f in audino_native._ASSIGNMENT] == names(AssignmentRecord)
