"""Audacity label tracks: the label Audacity shows is the transcript (else the label
values), read the way Audacity's label import reads a line (tab-separated, the third
field is the label, a `\\` line after it the frequency box); audino's own column after it
brings transcripts, speakers and labels back exactly."""

from __future__ import annotations

import pytest

from audino.formats import registry
from audino.formats.files import InputFile
from audino.formats.records import FormatError
from tests.formats.test_text_formats import as_input, dataset, files_of


def audacity_reads(text: str) -> list[tuple[float, float, str, tuple[float, float] | None]]:
    """Labels as Audacity's LabelStruct::Import takes them: start, end, the third
    tab-separated token as the title, and a following `\\` line as low and high Hz."""
    out: list[tuple[float, float, str, tuple[float, float] | None]] = []
    for line in text.splitlines():
        tokens = line.split("\t")
        if tokens[0] == "\\":
            start, end, title, _ = out[-1]
            out[-1] = (start, end, title, (float(tokens[1]), float(tokens[2])))
        else:
            out.append((float(tokens[0]), float(tokens[1]), tokens[2], None))
    return out


def test_audacity_shows_the_transcript() -> None:
    text = b"".join(files_of("audacity", dataset())[0].chunks).decode()
    assert [label[2] for label in audacity_reads(text)] == [
        f'say "hi" & <ok> {j} — 你好' for j in range(3)
    ]


def test_audacity_shows_the_label_values_when_there_is_no_transcript() -> None:
    text = b"".join(files_of("audacity", dataset(transcripts=False, boxes=True))[0].chunks)
    labels = audacity_reads(text.decode())
    assert labels[0] == (0.5, 2.25, "bird", (200.0, 4000.0))
    assert [label[2] for label in labels] == ["bird", "wind", "bird"]


@pytest.mark.parametrize("transcripts", [True, False])
def test_transcripts_speakers_and_labels_round_trip(transcripts: bool) -> None:
    ds = dataset(transcripts=transcripts, boxes=True)
    back = registry.get("audacity").read(as_input(files_of("audacity", ds)))
    got = [
        (s.start, s.end, s.transcript, dict(s.values), s.low_hz, s.high_hz)
        for item in back.items
        for s in item.segments
    ]
    want = [
        (s.start, s.end, s.transcript, dict(s.values), s.low_hz, s.high_hz)
        for item in ds.items
        for s in item.segments
    ]
    assert got == want
    assert {label.name for label in back.labels} == {"speaker", "kind"}


def test_a_label_file_from_audacity_gives_label_values() -> None:
    data = b"0.5\t1.0\tbird, wind\n\\\t100\t900\n2.0\t3.0\tdog bark\n"
    (item,) = registry.get("audacity").read([InputFile("a.txt", data)]).items
    assert [(s.transcript, s.values, s.low_hz) for s in item.segments] == [
        ("", {"label": ["bird", "wind"]}, 100.0),
        ("", {"label": ["dog bark"]}, None),
    ]


def test_a_broken_audino_column_says_which_line() -> None:
    data = b'0.5\t1.0\thi\t{"transcript": true}\n1.0\t2.0\tx\t{"labels": "nope"}\n'
    with pytest.raises(FormatError) as info:
        registry.get("audacity").read([InputFile("a.txt", data)])
    assert info.value.line == 2
