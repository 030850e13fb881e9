"""Raven selection tables: one annotation column per label (#15 item 10: they were merged
into one "Annotation" column), read as Raven writes them: tab-separated, a header row."""

from __future__ import annotations

import csv
import dataclasses
import io

from audino.formats import registry
from audino.formats.files import InputFile
from audino.formats.options import ExportOptions
from audino.formats.records import AnnotatedRecording, Dataset, LabelSpec, LabelValueSpec
from tests.formats.test_text_formats import dataset

FMT = registry.get("raven")


def moods() -> Dataset:
    """The text-format fixtures with a second choice label, `mood`, and a multi label."""
    base = dataset(transcripts=False, boxes=True)
    items = [
        AnnotatedRecording(
            item.recording,
            tuple(
                dataclasses.replace(
                    s, values={**s.values, "mood": "calm", "Channel": ["a", "b"][: k + 1]}
                )
                for k, s in enumerate(item.segments)
            ),
        )
        for item in base.items
    ]
    labels = (
        *base.labels,
        LabelSpec("mood", "single", values=(LabelValueSpec("calm"),)),
        LabelSpec("Channel", "multi", values=(LabelValueSpec("a"), LabelValueSpec("b"))),
    )
    return dataclasses.replace(base, labels=labels, items=items)


def test_each_label_has_its_own_column() -> None:
    ds = moods()
    table = next(iter(FMT.output_files(ds, ExportOptions())))
    text = b"".join(table.chunks).decode()
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    assert list(rows[0])[7:] == ["kind", "mood", "Label: Channel", "Speaker"]
    assert [(r["kind"], r["mood"], r["Label: Channel"]) for r in rows] == [
        ("bird", "calm", "a"),
        ("wind", "calm", "a, b"),
        ("bird", "calm", "a, b"),
    ]
    (back,) = FMT.read([InputFile(table.path, text.encode())]).items
    assert [dict(s.values) for s in back.segments] == [
        {"kind": "bird", "mood": "calm", "Channel": ["a"], "speaker": "Ann Lee"},
        {"kind": "wind", "mood": "calm", "Channel": ["a", "b"], "speaker": "Bo"},
        {"kind": "bird", "mood": "calm", "Channel": ["a", "b"], "speaker": "Ann Lee"},
    ]


def test_a_raven_table_with_measurements_and_an_annotation_column() -> None:
    """Raven's own measurement columns stay out; its "Annotation" column is the label
    "label"; a column the user added is a label of its own."""
    table = (
        "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\t"
        "High Freq (Hz)\tDelta Time (s)\tBegin File\tFile Offset (s)\tOccupancy\t"
        "Annotation\tCall type\n"
        "1\tSpectrogram 1\t1\t0.5\t1.5\t200\t4000\t1.0\tsite.wav\t0.5\t1\tbird\ttrill\n"
        "1\tWaveform 1\t1\t0.5\t1.5\t200\t4000\t1.0\tsite.wav\t0.5\t1\tbird\ttrill\n"
    )
    (item,) = FMT.read([InputFile("site.Table.1.selections.txt", table.encode())]).items
    (seg,) = item.segments
    assert dict(seg.values) == {"label": "bird", "Call type": "trill"}
    assert (seg.start, seg.end, seg.low_hz, seg.high_hz) == (0.5, 1.5, 200.0, 4000.0)
