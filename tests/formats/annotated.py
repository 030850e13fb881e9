"""A small annotated project as plain records, for the annotation-tool formats (Label
Studio, Prodigy, CSV): speakers, a gender, a multi-valued emotion and a text note on each
segment; a recording-level mood and comment; two annotators (bob overlaps alice, and the
second recording is only alice's); model output; text with `&`, `<laughs>`, tabs,
newlines and several scripts."""

from __future__ import annotations

from audino.formats.records import (
    AnnotatedRecording,
    AssignmentRecord,
    Dataset,
    LabelSpec,
    LabelValueSpec,
    ProjectInfo,
    Recording,
    SegmentRecord,
)

SPEAKERS = ("Ann Lee", "Bo")


def _values(*names: str) -> tuple[LabelValueSpec, ...]:
    return tuple(LabelValueSpec(n) for n in names)


LABELS = (
    LabelSpec("speaker", "single", values=_values(*SPEAKERS)),
    LabelSpec("gender", "single", values=_values("female", "male")),
    LabelSpec("emotion", "multi", values=_values("happy", "sad", "calm")),
    LabelSpec("note", "text"),
    LabelSpec("mood", "single", scope="datapoint", values=_values("calm", "tense")),
    LabelSpec("comment", "text", scope="datapoint"),
)
TEXTS = ("say & <laughs> 你好", "line one\nline two\tend", "मेरा नाम राम है", "İstanbul'a")


def seg(
    sid: str, rec: int, author: str | None, start: float, end: float, k: int, **fields: object
) -> SegmentRecord:
    return SegmentRecord(
        id=sid,
        recording_id=rec,
        author=author,
        start=start,
        end=end,
        transcript=TEXTS[k % len(TEXTS)],
        values={
            "speaker": SPEAKERS[k % 2],
            "gender": ("female", "male")[k % 2],
            "emotion": [["happy"], ["sad", "calm"]][k % 2],
            "note": f"note {k} & <b>",
        },
        **fields,  # type: ignore[arg-type]
    )


def dataset() -> Dataset:
    one = Recording(
        id=1,
        name="call one.wav",
        storage_key="k1",
        duration=9.5,
        sample_rate=16000,
        channels=1,
        assignments=(
            AssignmentRecord("alice", "done", values={"mood": "calm", "comment": "fine & ok"}),
            AssignmentRecord("bob", "in_progress", values={"mood": "tense"}),
        ),
    )
    two = Recording(
        id=2,
        name="zwei.flac",
        storage_key="k2",
        duration=6.0,
        sample_rate=16000,
        channels=1,
        assignments=(AssignmentRecord("alice", "done"),),
    )
    three = Recording(  # nobody's work: model output only
        id=3, name="drei.wav", storage_key="k3", duration=4.0, sample_rate=16000, channels=1
    )
    items = [
        AnnotatedRecording(
            one,
            (
                seg("a1", 1, "alice", 0.5, 2.25, 0),
                seg("a2", 1, "alice", 2.75, 5.5, 1),
                seg("b1", 1, "bob", 3.0, 4.0, 2),  # overlaps alice's second
            ),
        ),
        AnnotatedRecording(two, (seg("a3", 2, "alice", 1.0, 2.0, 3),)),
        AnnotatedRecording(
            three,
            (seg("m1", 3, None, 0.25, 1.5, 0, source="model", model="vad", confidence=0.75),),
        ),
    ]
    return Dataset(ProjectInfo("Calls"), LABELS, (), items)
