"""Annotation formats on plain records: round trips, and the ecosystem's own readers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from audino.formats import registry
from audino.formats.files import InputFile, OutputFile, read_upload, zip_stream
from audino.formats.options import ExportOptions
from audino.formats.records import (
    AnnotatedRecording,
    Dataset,
    FormatError,
    LabelSpec,
    LabelValueSpec,
    ProjectInfo,
    Recording,
    SegmentRecord,
)

SPEAKERS = ("Ann Lee", "Bo")


def dataset(*, transcripts: bool = True, boxes: bool = False) -> Dataset:
    items = []
    for i, name in enumerate(("call one.wav", "zwei.flac")):
        rec = Recording(
            id=i + 1,
            name=name,
            storage_key=f"ab/{i}.wav",
            duration=9.5,
            sample_rate=16000,
            channels=1,
        )
        segs = []
        for j in range(3):
            start = 0.5 + j * 2.25
            text = f'say "hi" & <ok> {j} — 你好' if transcripts else ""
            segs.append(
                SegmentRecord(
                    id=f"s{i}{j}",
                    recording_id=i + 1,
                    author="alice",
                    start=start,
                    end=start + 1.75 + (j == 1) * 1.0,
                    transcript=text,
                    values={"speaker": SPEAKERS[j % 2], "kind": ["bird", "wind"][j % 2]},
                    low_hz=200.0 + j if boxes else None,
                    high_hz=4000.0 if boxes else None,
                )
            )
        items.append(AnnotatedRecording(rec, tuple(segs)))
    labels = (
        LabelSpec("speaker", "single", values=tuple(LabelValueSpec(s) for s in SPEAKERS)),
        LabelSpec("kind", "single", values=(LabelValueSpec("bird"), LabelValueSpec("wind"))),
    )
    return Dataset(ProjectInfo("P"), labels, (), items)


def files_of(name: str, ds: Dataset, options: ExportOptions | None = None) -> list[OutputFile]:
    fmt = registry.get(name)
    out = []
    for f in fmt.output_files(ds, options or ExportOptions()):
        out.append(OutputFile(f.path, [b"".join(f.chunks)]))
    return out


def as_input(files: list[OutputFile]) -> list[InputFile]:
    return [InputFile(f.path, b"".join(f.chunks)) for f in files]


def round_trip(name: str, ds: Dataset) -> dict[str, list[tuple[Any, ...]]]:
    back = registry.get(name).read(as_input(files_of(name, ds)))
    out: dict[str, list[tuple[Any, ...]]] = {}
    for item in back.items:
        out[item.recording.name] = sorted(
            (round(s.start, 3), round(s.end, 3), s.transcript, dict(s.values))
            for s in item.segments
        )
    return out


def expected(
    ds: Dataset,
    *,
    text: bool = True,
    speaker: bool = True,
    tag: bool = False,
    kind: bool = False,
    names: str = "stem",
) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for item in ds.items:
        name = item.recording.name
        key = name.rsplit(".", 1)[0].replace(" ", "_") if names == "stem" else name
        rows = []
        for s in item.segments:
            values: dict[str, Any] = {}
            if speaker:
                values["speaker"] = s.values["speaker"]
            if tag:
                values["label"] = s.values["kind"]
            if kind:  # the label under its own name
                values["kind"] = s.values["kind"]
            rows.append((round(s.start, 3), round(s.end, 3), s.transcript if text else "", values))
        out[key] = sorted(rows)
    return out


@pytest.mark.parametrize("name", ["textgrid", "eaf", "webvtt"])
def test_interval_formats_round_trip_speakers_and_text(name: str) -> None:
    ds = dataset()
    got = round_trip(name, ds)
    tiered = name != "webvtt"  # labels come back from their tiers
    want = expected(ds, names="name" if name == "eaf" else "stem", kind=tiered)
    assert got == want


def test_srt_round_trips_text() -> None:
    ds = dataset()
    assert round_trip("srt", ds) == expected(ds, speaker=False)


def test_rttm_round_trips_speaker_turns() -> None:
    ds = dataset()
    files = files_of("rttm", ds)
    # The transcripts have no place in speaker turns: the report says so.
    assert [f.path for f in files] == ["all.rttm", "all.uem", "export-report.json"]
    assert b"transcripts with no place in RTTM" in b"".join(files[2].chunks)
    rttm = b"".join(files[0].chunks).decode()
    assert rttm.splitlines()[0] == "SPEAKER call_one 1 0.500 1.750 <NA> <NA> Ann_Lee <NA> <NA>"
    assert b"".join(files[1].chunks).decode().splitlines()[0] == "call_one 1 0.000 9.500"
    got = round_trip("rttm", ds)
    want = expected(ds, text=False)
    for rows in want.values():
        for row in rows:
            row[3]["speaker"] = row[3]["speaker"].replace(" ", "_")
    assert got == want


def test_pyannote_reads_our_rttm(tmp_path: Path) -> None:
    from pyannote.database.util import load_rttm

    ds = dataset()
    path = tmp_path / "all.rttm"
    path.write_bytes(b"".join(files_of("rttm", ds)[0].chunks))
    annotations = load_rttm(str(path))
    assert set(annotations) == {"call_one", "zwei"}
    turns = sorted(
        (round(seg.start, 3), round(seg.end, 3), label)
        for seg, _, label in annotations["zwei"].itertracks(yield_label=True)
    )
    assert turns == [(0.5, 2.25, "Ann_Lee"), (2.75, 5.5, "Bo"), (5.0, 6.75, "Ann_Lee")]


def test_praatio_reads_our_textgrid(tmp_path: Path) -> None:
    from praatio import textgrid

    ds = dataset()
    grid = files_of("textgrid", ds)[0]
    assert grid.path == "call_one.TextGrid"
    path = tmp_path / grid.path
    path.write_bytes(b"".join(grid.chunks))
    tg = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    assert tg.tierNames == ("Ann Lee", "Ann Lee: kind", "Bo", "Bo: kind")
    entries = tg.getTier("Bo").entries
    assert [(e.start, e.end) for e in entries] == [(2.75, 5.5)]
    assert entries[0].label == 'say "hi" & <ok> 1 — 你好'
    assert [(e.start, e.end, e.label) for e in tg.getTier("Bo: kind").entries] == [
        (2.75, 5.5, "wind")
    ]
    # Tiers tile the whole file, gaps included.
    full = textgrid.openTextgrid(str(path), includeEmptyIntervals=True)
    assert full.getTier("Ann Lee").entries[0].start == 0 and full.maxTimestamp == 9.5


def test_pympi_reads_our_eaf(tmp_path: Path) -> None:
    from pympi import Elan

    ds = dataset()
    doc = files_of("eaf", ds)[1]
    path = tmp_path / doc.path
    path.write_bytes(b"".join(doc.chunks))
    eaf = Elan.Eaf(str(path))
    assert set(eaf.get_tier_names()) == {"Ann Lee", "Ann Lee: kind", "Bo", "Bo: kind"}
    assert eaf.get_annotation_data_for_tier("Bo") == [(2750, 5500, 'say "hi" & <ok> 1 — 你好')]
    assert eaf.get_annotation_data_for_tier("Bo: kind") == [(2750, 5500, "wind")]
    assert eaf.media_descriptors[0]["RELATIVE_MEDIA_URL"] == "./zwei.flac"


def test_webvtt_py_reads_our_captions() -> None:
    import webvtt

    ds = dataset()
    vtt = b"".join(files_of("webvtt", ds)[0].chunks).decode()
    assert vtt.startswith("WEBVTT\n\n00:00.500 --> 00:02.250\n<v Ann Lee>say")
    captions = webvtt.WebVTT.from_buffer(io.StringIO(vtt)).captions
    assert [c.voice for c in captions] == ["Ann Lee", "Bo", "Ann Lee"]
    srt = b"".join(files_of("srt", ds)[0].chunks).decode()
    assert srt.startswith("1\n00:00:00,500 --> 00:00:02,250\nsay")
    captions = webvtt.WebVTT.from_buffer(io.StringIO(srt), format="srt").captions
    assert captions[1].start == "00:00:02.750"


def test_overlapping_turns_of_one_speaker_spill_into_a_second_tier() -> None:
    ds = dataset()
    item = ds.items[0]  # type: ignore[index]
    extra = SegmentRecord(
        id="x",
        recording_id=1,
        author="a",
        start=3.0,
        end=4.0,
        transcript="over",
        values={"speaker": "Bo"},
    )
    ds = Dataset(
        ds.project, ds.labels, (), [AnnotatedRecording(item.recording, (*item.segments, extra))]
    )
    grid = b"".join(files_of("textgrid", ds)[0].chunks).decode()
    assert 'name = "Bo (2)"' in grid
    back = round_trip("textgrid", ds)["call_one"]
    assert (3.0, 4.0, "over", {"speaker": "Bo"}) in back


@pytest.mark.parametrize("name", ["audacity", "raven", "prodigy"])
def test_label_formats_round_trip_labels_and_boxes(name: str) -> None:
    ds = dataset(transcripts=False, boxes=True)
    back = registry.get(name).read(as_input(files_of(name, ds)))
    segs = sorted(s.start for item in back.items for s in item.segments)
    assert len(segs) == 6
    first = next(iter(back.items)).segments[0]
    # Audacity's and Raven's labels come back under their own name (see test_audacity.py,
    # test_raven.py); Prodigy's span label is the speaker (test_prodigy.py).
    if name == "prodigy":
        assert first.values == {"speaker": "Ann Lee"}
    else:
        assert first.values["kind"] == "bird"
    if name != "prodigy":
        assert (first.low_hz, first.high_hz) == (200.0, 4000.0)


def test_raven_layout_and_views_deduplicated() -> None:
    ds = dataset(transcripts=False, boxes=True)
    table = files_of("raven", ds)[0]
    assert table.path == "call_one.Table.1.selections.txt"
    lines = b"".join(table.chunks).decode().splitlines()
    assert lines[0].split("\t")[:8] == [
        "Selection",
        "View",
        "Channel",
        "Begin Time (s)",
        "End Time (s)",
        "Low Freq (Hz)",
        "High Freq (Hz)",
        "kind",
    ]
    waveform = lines[1].replace("Spectrogram 1", "Waveform 1")
    data = "\n".join([lines[0], lines[1], waveform, *lines[2:]]).encode()
    back = registry.get("raven").read([InputFile(table.path, data)])
    assert len(next(iter(back.items)).segments) == 3


def test_csv_round_trip_keeps_label_columns() -> None:
    ds = dataset()
    got = round_trip("csv", ds)
    want = expected(ds, names="name")
    for rows in want.values():
        for row, seg in zip(rows, sorted(range(3)), strict=True):
            row[3]["kind"] = ["bird", "wind"][seg % 2]
    assert got == want


def test_kaldi_tables_are_sorted_and_ids_start_with_the_speaker() -> None:
    ds = dataset()
    files = {f.path: b"".join(f.chunks).decode() for f in files_of("kaldi", ds)}
    assert {"wav.scp", "segments", "text", "utt2spk", "spk2utt", "reco2dur", "utt2dur"} <= set(
        files
    )
    for name in ("segments", "text", "utt2spk", "wav.scp"):
        lines = files[name].splitlines()
        assert lines == sorted(lines, key=str.encode)
    for line in files["utt2spk"].splitlines():
        utt, spk = line.split()
        assert utt.startswith(spk + "-")
    back = round_trip("kaldi", ds)
    assert sorted(back) == ["call_one.wav", "zwei.wav"]
    assert back["zwei.wav"][0][:2] == (0.5, 2.25)


def test_nemo_and_labelstudio_round_trip() -> None:
    ds = dataset()
    assert round_trip("nemo", ds) == expected(ds, names="name")
    got = round_trip("labelstudio", ds)
    want = expected(ds, names="name")
    for rows in want.values():
        for row, j in zip(rows, range(3), strict=True):
            row[3]["kind"] = ["bird", "wind"][j % 2]
    assert got == want


def test_ctm_writes_word_timings() -> None:
    ds = dataset()
    item = ds.items[0]  # type: ignore[index]
    words = [
        {"word": "hello", "start": 0.5, "end": 0.9, "confidence": 0.9},
        {"word": "there", "start": 1.0, "end": 1.4},
    ]
    seg = SegmentRecord(
        id="w",
        recording_id=1,
        author="a",
        start=0.5,
        end=1.4,
        transcript="hello there",
        attributes={"words": words},
    )
    ds = Dataset(ds.project, ds.labels, (), [AnnotatedRecording(item.recording, (seg,))])
    ctm = b"".join(files_of("ctm", ds)[0].chunks).decode()
    assert ctm.splitlines() == [
        "call_one 1 0.500 0.400 hello 0.9000",
        "call_one 1 1.000 0.400 there",
    ]
    back = round_trip("ctm", ds)  # one segment again: the pause between the words is short
    assert [r[2] for r in back["call_one"]] == ["hello there"]


@pytest.mark.parametrize(
    ("name", "path", "data", "line"),
    [
        ("rttm", "a.rttm", b"SPEAKER a 1 0.5 1.0 <NA> <NA> x <NA> <NA>\nSPEAKER a 1 zz 1\n", 2),
        (
            "rttm",
            "a.rttm",
            b"SPEAKER a 1 0.5 1.0 <NA> <NA> x <NA> <NA>\nSPEAKER a 1 -3 1 a b c\n",
            2,
        ),
        ("audacity", "a.txt", b"0.5\t1.0\tx\n1.0\tnope\ty\n", 2),
        (
            "raven",
            "a.Table.1.selections.txt",
            b"Selection\tBegin Time (s)\tEnd Time (s)\n1\t0\tx\n",
            2,
        ),
        ("webvtt", "a.vtt", b"WEBVTT\n\n00:01.000 --> 00:0x.000\nhi\n", 3),
        ("srt", "a.srt", b"1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:03,000 --> zz\nx\n", 6),
        ("eaf", "a.eaf", b"<ANNOTATION_DOCUMENT>\n<HEADER>\n</ANNOTATION_DOCUMENT>", 3),
        ("csv", "a.csv", b"recording,start,end\na.wav,1,2\nb.wav,x,2\n", 3),
        ("ctm", "a.ctm", b"a 1 0.5 0.1 hi\na 1 0.5\n", 2),
        ("nemo", "m.json", b'{"audio_filepath": "a.wav", "duration": 1}\n{"audio_filepath": \n', 2),
        ("prodigy", "t.jsonl", b'{"path": "a.wav", "audio_spans": []}\nnot json\n', 2),
        ("kaldi", "segments", b"u1 r1 0.0 1.0\nu2 r1 0.5\n", 2),
    ],
)
def test_bad_files_say_which_line(name: str, path: str, data: bytes, line: int) -> None:
    with pytest.raises(FormatError) as info:
        registry.get(name).read([InputFile(path, data)])
    assert info.value.line == line, str(info.value)
    assert f"line {line}" in str(info.value)


def test_textgrid_reads_short_form_and_utf16() -> None:
    short = (
        'File type = "ooTextFile short"\n"TextGrid"\n\n0\n2.5\n<exists>\n1\n"IntervalTier"\n'
        '"segments"\n0\n2.5\n2\n0\n1\n"hello"\n1\n2.5\n""\n'
    )
    for data in (short.encode(), short.encode("utf-16")):
        back = registry.get("textgrid").read([InputFile("x.TextGrid", data)])
        (item,) = back.items
        assert [(s.start, s.end, s.transcript, s.values) for s in item.segments] == [
            (0.0, 1.0, "hello", {})
        ]


def test_zip_stream_is_a_valid_archive_read_back_by_upload() -> None:
    ds = dataset()
    data = b"".join(zip_stream(files_of("textgrid", ds)))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == ["call_one.TextGrid", "zwei.TextGrid"]
        assert zf.testzip() is None
    files = read_upload("grids.zip", data)
    assert [f.name for f in files] == ["call_one.TextGrid", "zwei.TextGrid"]
    back = registry.get("textgrid").read(files)
    assert len(list(back.items)) == 2


def test_every_format_is_listed_with_a_description() -> None:
    names = {f.name for f in registry.all_formats()}
    assert {
        "rttm",
        "textgrid",
        "eaf",
        "audacity",
        "raven",
        "webvtt",
        "srt",
        "csv",
        "ctm",
        "kaldi",
        "nemo",
        "labelstudio",
        "prodigy",
    } <= names


def test_one_annotator_keeps_the_furthest_along() -> None:
    from audino.formats.records import AssignmentRecord
    from audino.formats.selection import one_annotator

    rec = Recording(
        id=1,
        name="a.wav",
        storage_key="k",
        duration=5,
        sample_rate=16000,
        channels=1,
        assignments=(AssignmentRecord("bob", "done"), AssignmentRecord("alice", "in_progress")),
    )
    segs = tuple(
        SegmentRecord(id=str(k), recording_id=1, author=author, start=k, end=k + 1)
        for k, author in enumerate(["alice", "alice", "bob", None])
    )
    (item,) = one_annotator([AnnotatedRecording(rec, segs)])
    assert [s.author for s in item.segments] == ["bob"]
    model_only = AnnotatedRecording(rec, (segs[3],))
    assert list(one_annotator([model_only])) == [model_only]
