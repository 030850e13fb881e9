"""A segment's text is its transcript, never its label values: every format that carries
text, exported from segments with a gender label (`female`, `FEMALE`) where half have no
transcript, and read back by the format's own consumer (lhotse recipes, praatio, pympi,
webvtt-py, the loaders' TSV reading). Untranscribed segments are left out of transcript
corpora and counted in the export report; tiered formats keep labels on label tiers."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from audino.formats import registry
from audino.formats.files import InputFile, write_tree
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
from audino.formats.report import NO_TRANSCRIPT, REPORT_FILE, ExportReport
from tests.formats.test_corpus_formats import local_clips, speech
from tests.formats.test_lhotse_readers import LHOTSE_PYTHON, read

GENDERS = ("female", "FEMALE")
GENDER = LabelSpec("gender", "single", values=tuple(LabelValueSpec(v) for v in GENDERS))


def half_transcribed() -> Dataset:
    """The speech fixtures, each recording's second segment without a transcript; every
    segment has a gender label (`FEMALE` on the first, `female` on the second)."""
    base = speech()
    items = []
    for item in base.items:
        segs = tuple(
            dataclasses.replace(
                seg,
                transcript=seg.transcript if k == 0 else "",
                values={**seg.values, "gender": GENDERS[1 - k]},
            )
            for k, seg in enumerate(item.segments)
        )
        items.append(AnnotatedRecording(item.recording, segs))
    return dataclasses.replace(base, labels=(*base.labels, GENDER), items=items)


DATA = half_transcribed()
TRANSCRIPTS = sorted(s.transcript for item in DATA.items for s in item.segments if s.transcript)
UNTRANSCRIBED = sum(1 for item in DATA.items for s in item.segments if not s.transcript)


def export(name: str, root: Path, *, clips: bool = False) -> dict[str, Any]:
    """Writes the export into `root`; returns its report file (empty when none)."""
    options = ExportOptions(
        clips=local_clips if clips else None, audio_root=str(root) if clips else None
    )
    write_tree(registry.get(name).output_files(DATA, options), root)
    report = root / REPORT_FILE
    return orjson.loads(report.read_bytes()) if report.is_file() else {}


def words(text: str) -> str:
    return " ".join(text.casefold().split())


@pytest.mark.skipif(not LHOTSE_PYTHON.exists(), reason=".venv-lhotse is missing")
@pytest.mark.parametrize("name", ["kaldi", "librispeech", "commonvoice", "vctk", "tedlium"])
def test_lhotse_finds_only_transcripts(tmp_path: Path, name: str) -> None:
    report = export(name, tmp_path, clips=True)
    texts = [s["text"] for s in read(name, tmp_path)["supervisions"]]
    assert sorted(words(t) for t in texts) == sorted(words(t) for t in TRANSCRIPTS)
    assert not {t.casefold() for t in texts} & {"female"}
    reason = NO_TRANSCRIPT if name != "tedlium" else next(iter(report["segments_skipped"]))
    assert report["segments_skipped"] == {reason: UNTRANSCRIBED}
    assert report["format"] == name


def test_kaldi_without_any_transcript_keeps_every_segment() -> None:
    ds = dataclasses.replace(
        DATA,
        items=[
            AnnotatedRecording(
                item.recording,
                tuple(dataclasses.replace(s, transcript="") for s in item.segments),
            )
            for item in DATA.items
        ],
    )
    report = ExportReport()
    files = {
        f.path: b"".join(f.chunks).decode()
        for f in registry.get("kaldi").output_files(ds, ExportOptions(), report)
    }
    utts = files["segments"].splitlines()
    assert len(utts) == UNTRANSCRIBED * 2
    assert files["text"].splitlines() == [line.split()[0] for line in utts]  # empty texts
    assert report.empty and REPORT_FILE not in files


def test_voxpopuli_and_librivox_tables_hold_transcripts_only(tmp_path: Path) -> None:
    report = export("voxpopuli", tmp_path / "vp")
    rows = [
        row
        for table in (tmp_path / "vp").glob("transcribed_data/*/asr_*.tsv")
        for row in csv.DictReader(
            io.StringIO(table.read_text()), delimiter="\t", quoting=csv.QUOTE_NONE
        )
    ]
    assert sorted(r["raw_text"] for r in rows) == TRANSCRIPTS
    assert {r["gender"] for r in rows} == {"female"}  # the label in its own column
    assert report["segments_skipped"] == {NO_TRANSCRIPT: UNTRANSCRIBED}
    report = export("librivox", tmp_path / "lv")
    found = sorted(p.read_text().strip() for p in (tmp_path / "lv").rglob("*.original.txt"))
    assert found == TRANSCRIPTS
    assert report["segments_skipped"] == {NO_TRANSCRIPT: UNTRANSCRIBED}


def tiered() -> Dataset:
    """One recording, two speakers; a transcript on one segment, a gender on each, and
    one segment with neither."""
    rec = Recording(
        id=1, name="talk.wav", storage_key="k", duration=6.0, sample_rate=16000, channels=1
    )
    spans = [
        (0.5, 1.5, "Ann", "hello there", "FEMALE"),
        (2.0, 3.0, "Ann", "", "female"),
        (2.5, 4.0, "Bo", "", "female"),
        (4.5, 5.0, "Bo", "", None),
    ]
    segs = tuple(
        SegmentRecord(
            id=str(k),
            recording_id=1,
            author="a",
            start=start,
            end=end,
            transcript=text,
            values={"speaker": who, **({"gender": gender} if gender else {})},
        )
        for k, (start, end, who, text, gender) in enumerate(spans)
    )
    labels = (LabelSpec("speaker", "single"), GENDER)
    return Dataset(ProjectInfo("P"), labels, (), [AnnotatedRecording(rec, segs)])


def test_praatio_reads_transcripts_and_gender_on_their_own_tiers(tmp_path: Path) -> None:
    from praatio import textgrid

    report = ExportReport()
    write_tree(registry.get("textgrid").output_files(tiered(), ExportOptions(), report), tmp_path)
    tg = textgrid.openTextgrid(str(tmp_path / "talk.TextGrid"), includeEmptyIntervals=False)
    assert tg.tierNames == ("Ann", "Ann: gender", "Bo", "Bo: gender")
    assert [e.label for e in tg.getTier("Ann").entries] == ["hello there"]
    assert list(tg.getTier("Bo").entries) == []
    assert [(e.start, e.end, e.label) for e in tg.getTier("Ann: gender").entries] == [
        (0.5, 1.5, "FEMALE"),
        (2.0, 3.0, "female"),
    ]
    assert report.skipped == {next(iter(report.skipped)): 1}  # Bo's 4.5-5.0: nothing to show
    back = registry.get("textgrid").read(
        [InputFile("talk.TextGrid", (tmp_path / "talk.TextGrid").read_bytes())]
    )
    (item,) = back.items
    got = sorted((s.start, s.end, s.transcript, dict(s.values)) for s in item.segments)
    assert got == [
        (0.5, 1.5, "hello there", {"speaker": "Ann", "gender": "FEMALE"}),
        (2.0, 3.0, "", {"speaker": "Ann", "gender": "female"}),
        (2.5, 4.0, "", {"speaker": "Bo", "gender": "female"}),
    ]


def test_pympi_reads_transcripts_and_gender_on_their_own_tiers(tmp_path: Path) -> None:
    from pympi import Elan

    write_tree(registry.get("eaf").output_files(tiered(), ExportOptions()), tmp_path)
    eaf = Elan.Eaf(str(tmp_path / "talk.eaf"))
    assert eaf.get_annotation_data_for_tier("Ann") == [(500, 1500, "hello there"), (2000, 3000, "")]
    assert eaf.get_annotation_data_for_tier("Ann: gender") == [
        (500, 1500, "FEMALE"),
        (2000, 3000, "female"),
    ]
    assert eaf.get_annotation_data_for_tier("Bo") == [(2500, 4000, ""), (4500, 5000, "")]
    assert eaf.get_annotation_data_for_tier("Bo: gender") == [(2500, 4000, "female")]


@pytest.mark.parametrize("kind", ["webvtt", "srt"])
def test_webvtt_py_reads_only_transcribed_cues(tmp_path: Path, kind: str) -> None:
    import webvtt

    report = ExportReport()
    write_tree(registry.get(kind).output_files(tiered(), ExportOptions(), report), tmp_path)
    path = tmp_path / ("talk.vtt" if kind == "webvtt" else "talk.srt")
    captions = webvtt.WebVTT.from_buffer(
        io.StringIO(path.read_text()), format="vtt" if kind == "webvtt" else "srt"
    ).captions
    assert [(c.start, c.end) for c in captions] == [("00:00:00.500", "00:00:01.500")]
    assert captions[0].text == "hello there"
    assert report.skipped == {NO_TRANSCRIPT: 3}
    assert (tmp_path / REPORT_FILE).is_file()
