"""The audino-v1 format on plain records: entries per assigned user, annotation shapes."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from audino.formats import audino_v1
from audino.formats.records import (
    AnnotatedRecording,
    AssignmentRecord,
    Dataset,
    LabelSpec,
    LabelValueSpec,
    ProjectInfo,
    Recording,
    SegmentRecord,
    UserRef,
)

T = datetime(2020, 4, 1, tzinfo=UTC)
LABELS = (
    LabelSpec("emotion", "single", values=(LabelValueSpec("happy", id=11),), id=1),
    LabelSpec("noise", "multi", values=(LabelValueSpec("car", id=21), LabelValueSpec("dog", id=22)),
              id=2),
    LabelSpec("note", "text", id=3),
)  # fmt: skip


def recording(rid: int, *users: str) -> Recording:
    return Recording(
        id=rid, name=f"orig-{rid}.wav", storage_key=f"ab/cdef{rid}.wav", duration=3.0,
        sample_rate=16000, channels=1, reference_transcript="hello", marked_for_review=True,
        created_at=T, updated_at=T, url=f"/api/datapoints/{rid}/audio",
        assignments=tuple(AssignmentRecord(u, marked_for_review=u == "bob") for u in users),
    )  # fmt: skip


def segment(author: str | None, **values: object) -> SegmentRecord:
    return SegmentRecord("s", 1, author, 0.5, 1.5, transcript=f"by {author}", values=values,
                         created_at=T, updated_at=T)  # fmt: skip


def export(*items: AnnotatedRecording) -> list[dict[str, object]]:
    ds = Dataset(
        ProjectInfo("P"), LABELS, (UserRef("alice", "annotator", 7), UserRef("bob", None, 8)),
        list(items),
    )  # fmt: skip
    return orjson.loads(b"".join(audino_v1.export(ds)))  # type: ignore[no-any-return]


def test_one_entry_per_assigned_user_with_their_segments() -> None:
    item = AnnotatedRecording(
        recording(1, "alice", "bob"),
        (segment("alice", emotion="happy"), segment("bob"), segment(None)),
    )
    alice, bob = export(item)
    assert alice["assigned_user"] == {"id": 7, "username": "alice", "role": "annotator"}
    assert bob["assigned_user"] == {"id": 8, "username": "bob", "role": None}
    assert [s["transcription"] for s in alice["segmentations"]] == ["by alice"]
    assert [s["transcription"] for s in bob["segmentations"]] == ["by bob"]
    assert (alice["is_marked_for_review"], bob["is_marked_for_review"]) == (False, True)
    assert alice["filename"] == "cdef1.wav" and alice["url"] == "/api/datapoints/1/audio"
    assert alice["reference_transcription"] == "hello"
    assert alice["created_at"] == alice["last_modified"] == "2020-04-01T00:00:00+00:00"


def test_unassigned_datapoint_appears_once_with_all_segments() -> None:
    (entry,) = export(AnnotatedRecording(recording(2), (segment(None), segment("dave"))))
    assert entry["assigned_user"] is None
    assert entry["is_marked_for_review"] is True
    assert len(entry["segmentations"]) == 2


def test_annotation_shapes() -> None:
    item = AnnotatedRecording(
        recording(3, "alice"),
        (segment("alice", emotion="happy", noise=["car", "dog"], note="hi", gone="x"),),
    )
    (entry,) = export(item)
    seg = entry["segmentations"][0]
    assert set(seg) == {"start_time", "end_time", "transcription", "created_at",
                        "last_modified", "annotations"}  # fmt: skip
    assert (seg["start_time"], seg["end_time"]) == (0.5, 1.5)
    assert seg["annotations"] == {
        "emotion": {"id": 1, "values": {"id": 11, "value": "happy"}},
        "noise": {"id": 2, "values": [{"id": 21, "value": "car"}, {"id": 22, "value": "dog"}]},
        "note": {"id": 3, "values": {"id": None, "value": "hi"}},
    }


def test_empty_project_is_an_empty_list() -> None:
    assert export() == []


def test_import_reads_entries_back_per_file() -> None:
    item = AnnotatedRecording(
        recording(1, "alice", "bob"),
        (segment("alice", emotion="happy", noise=["car"], note="hi"), segment("bob")),
    )
    data = b"".join(audino_v1.export(Dataset(ProjectInfo("P"), LABELS, (), [item])))
    ds = audino_v1.import_(data)
    (back,) = ds.items
    assert back.recording.name == "orig-1.wav" and back.recording.storage_key == "cdef1.wav"
    assert [a.user for a in back.recording.assignments] == ["alice", "bob"]
    assert [(s.author, s.transcript) for s in back.segments] == [("alice", "by alice"),
                                                                  ("bob", "by bob")]  # fmt: skip
    assert back.segments[0].values == {"emotion": "happy", "noise": ["car"], "note": "hi"}
    assert back.segments[0].created_at == T
    assert {(lb.name, lb.kind) for lb in ds.labels} == {
        ("emotion", "single"), ("noise", "multi"), ("note", "text"),
    }  # fmt: skip
    assert [u.username for u in ds.users] == ["alice", "bob"]


def test_import_reads_2020_dates_and_reports_bad_shapes() -> None:
    entry = {
        "original_filename": "a.wav", "created_at": "Tue, 10 Mar 2020 12:00:00 GMT",
        "assigned_user": None,
        "segmentations": [{"start_time": 1, "end_time": 2, "annotations": {}}],
    }  # fmt: skip
    (item,) = audino_v1.import_(orjson.dumps([entry])).items
    assert item.recording.created_at == datetime(2020, 3, 10, 12, tzinfo=UTC)
    assert item.segments[0].author is None and item.segments[0].start == 1.0
    import pytest

    from audino.formats.records import FormatError

    bad = dict(entry, segmentations=[{"start_time": "1", "end_time": 2}])
    with pytest.raises(FormatError) as info:
        audino_v1.import_(orjson.dumps([bad]))
    assert info.value.path == "[0].segmentations[0]"
    with pytest.raises(FormatError):
        audino_v1.import_(b'{"not": "a list"}')
