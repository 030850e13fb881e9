"""Files the ecosystem's own tools write, imported; and the readers not tested elsewhere
(tgt, pysrt, pandas) on our exports: counts, times (1 ms), text (exact) and speakers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from audino.formats import registry
from audino.formats.files import InputFile, OutputFile
from audino.formats.options import ExportOptions
from tests.formats.test_text_formats import dataset, files_of

TEXT = 'say "hi" & <ok> — 你好\tमेरा'


def read(name: str, path: Path) -> dict[str, list[tuple[Any, ...]]]:
    back = registry.get(name).read([InputFile(path.name, path.read_bytes())])
    return {
        item.recording.name: sorted(
            (round(s.start, 3), round(s.end, 3), s.transcript, dict(s.values))
            for s in item.segments
        )
        for item in back.items
    }


def first(files: list[OutputFile]) -> str:
    return b"".join(files[0].chunks).decode()


def test_tgt_reads_our_textgrid(tmp_path: Path) -> None:
    import tgt

    path = tmp_path / "call_one.TextGrid"
    path.write_text(first(files_of("textgrid", dataset())))
    grid = tgt.io.read_textgrid(str(path), include_empty_intervals=False)
    assert [t.name for t in grid.tiers] == ["Ann Lee", "Ann Lee: kind", "Bo", "Bo: kind"]
    bo = grid.get_tier_by_name("Bo")
    assert [(i.start_time, i.end_time, i.text) for i in bo] == [
        (2.75, 5.5, 'say "hi" & <ok> 1 — 你好')
    ]


def test_textgrids_written_by_praatio_and_tgt_import(tmp_path: Path) -> None:
    import tgt
    from praatio import textgrid
    from praatio.data_classes.interval_tier import IntervalTier

    grid = textgrid.Textgrid()
    grid.addTier(IntervalTier("Ann", [(0.5, 1.25, TEXT)], 0, 3.0))
    grid.addTier(IntervalTier("Bo", [(1.5, 2.0, "ok")], 0, 3.0))
    by_praatio = tmp_path / "a.TextGrid"
    grid.save(str(by_praatio), format="long_textgrid", includeBlankSpaces=True)
    other = tgt.core.TextGrid()
    tier = tgt.core.IntervalTier(0, 3.0, "Ann")
    tier.add_interval(tgt.core.Interval(0.5, 1.25, TEXT))
    other.add_tier(tier)
    by_tgt = tmp_path / "b.TextGrid"
    tgt.io.write_to_file(other, str(by_tgt), format="short")
    want = [(0.5, 1.25, TEXT, {"speaker": "Ann"})]
    assert read("textgrid", by_praatio) == {"a": [*want, (1.5, 2.0, "ok", {"speaker": "Bo"})]}
    assert read("textgrid", by_tgt) == {"b": want}


def test_an_eaf_written_by_pympi_imports(tmp_path: Path) -> None:
    from pympi import Elan

    eaf = Elan.Eaf()
    eaf.add_linked_file("file:///data/call.wav", mimetype="audio/x-wav")
    eaf.add_tier("Ann")
    eaf.add_annotation("Ann", 500, 1250, TEXT)
    path = tmp_path / "call.eaf"
    eaf.to_file(str(path))
    assert read("eaf", path) == {"call.wav": [(0.5, 1.25, TEXT, {"speaker": "Ann"})]}


def test_captions_written_by_webvtt_py_and_pysrt_import(tmp_path: Path) -> None:
    import pysrt
    import webvtt

    vtt = webvtt.WebVTT()
    vtt.captions.append(webvtt.Caption("00:00:00.500", "00:00:01.250", "<v Ann>hello & more"))
    vtt_path = tmp_path / "call.vtt"
    vtt.save(str(vtt_path))
    assert read("webvtt", vtt_path) == {"call": [(0.5, 1.25, "hello & more", {"speaker": "Ann"})]}
    subs = pysrt.SubRipFile(
        [pysrt.SubRipItem(1, start="00:00:00,500", end="00:00:01,250", text=TEXT)]
    )
    srt_path = tmp_path / "call.srt"
    subs.save(str(srt_path), encoding="utf-8")
    assert read("srt", srt_path) == {"call": [(0.5, 1.25, TEXT, {})]}


def test_pysrt_reads_our_srt() -> None:
    import pysrt

    ds = dataset()
    subs = pysrt.from_string(first(files_of("srt", ds)))
    item = ds.items[0]  # type: ignore[index]
    assert [(s.start.ordinal, s.end.ordinal, s.text) for s in subs] == [
        (round(seg.start * 1000), round(seg.end * 1000), seg.transcript) for seg in item.segments
    ]


def test_rttm_written_by_pyannote_imports(tmp_path: Path) -> None:
    from pyannote.core import Annotation, Segment

    turns = Annotation(uri="call_one")
    turns[Segment(0.5, 1.25)] = "Ann"
    turns[Segment(1.5, 3.0)] = "Bo"
    path = tmp_path / "call.rttm"
    with path.open("w") as f:
        turns.write_rttm(f)
    assert read("rttm", path) == {
        "call_one": [(0.5, 1.25, "", {"speaker": "Ann"}), (1.5, 3.0, "", {"speaker": "Bo"})]
    }


def test_pandas_reads_our_csv_and_its_csv_imports(tmp_path: Path) -> None:
    import pandas

    ds = dataset()
    text = first(files_of("csv", ds, ExportOptions()))
    frame = pandas.read_csv(io.StringIO(text), keep_default_na=False)
    assert len(frame) == 6
    assert list(frame["transcript"])[:1] == ['say "hi" & <ok> 0 — 你好']
    assert list(frame["speaker"])[:2] == ["Ann Lee", "Bo"]
    assert list(frame["start"])[:2] == pytest.approx([0.5, 2.75], abs=0.001)
    path = tmp_path / "by-pandas.csv"
    frame.to_csv(path, index=False)
    again = read("csv", path)
    assert again == read("csv", _written(tmp_path / "ours.csv", text))


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
