"""CTM is one line per word: word timings where a segment has them, else the segment's
span shared out among its words (characters in scripts without spaces), marked with the
estimated confidence and counted in the export report. lhotse aligns the words of our CTM
to the supervisions of our Kaldi export of the same speech fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from audino.formats import registry
from audino.formats.ctm import ESTIMATED_LINES, tokens
from audino.formats.files import write_tree
from audino.formats.options import ExportOptions
from audino.formats.records import (
    AnnotatedRecording,
    Dataset,
    ProjectInfo,
    Recording,
    SegmentRecord,
)
from audino.formats.report import NO_TRANSCRIPT, ExportReport
from tests.formats.test_corpus_formats import MANIFEST, speech
from tests.formats.test_lhotse_readers import LHOTSE_PYTHON, read

UNSPACED = {"zh_1.flac"}  # Chinese is written without spaces between words


def ctm(ds: Dataset, report: ExportReport | None = None) -> list[str]:
    files = list(registry.get("ctm").output_files(ds, ExportOptions(), report))
    assert [f.path for f in files] == ["words.ctm"]  # one file: the report stays outside
    return b"".join(files[0].chunks).decode().splitlines()


def one(*segs: SegmentRecord) -> Dataset:
    rec = Recording(id=1, name="r.wav", storage_key="k", duration=9, sample_rate=16000, channels=1)
    return Dataset(ProjectInfo("P"), (), (), [AnnotatedRecording(rec, segs)])


def seg(start: float, end: float, text: str, **extra: Any) -> SegmentRecord:
    return SegmentRecord(
        id=None, recording_id=1, author="a", start=start, end=end, transcript=text, **extra
    )


def test_every_fixture_word_is_a_line() -> None:
    report = ExportReport()
    lines = ctm(speech(), report)
    want = [
        (Path(entry["file"]).stem, word)
        for entry in MANIFEST
        for s in entry["segments"]
        for word in (list(s["text"]) if entry["file"] in UNSPACED else s["text"].split())
    ]
    assert [(line.split()[0], line.split()[4]) for line in lines] == want
    assert all(line.endswith(" 0.0000") for line in lines)
    assert report.estimated == {ESTIMATED_LINES: len(want)}


def test_times_in_proportion_to_word_length() -> None:
    assert ctm(one(seg(1.0, 4.0, "ab abcd"), seg(5.0, 7.0, "今天很好"))) == [
        "r 1 1.000 1.000 ab 0.0000",
        "r 1 2.000 2.000 abcd 0.0000",
        "r 1 5.000 0.500 今 0.0000",
        "r 1 5.500 0.500 天 0.0000",
        "r 1 6.000 0.500 很 0.0000",
        "r 1 6.500 0.500 好 0.0000",
    ]


def test_word_timings_and_single_words_are_not_estimates() -> None:
    timed = [{"word": "hi", "start": 0.5, "end": 0.7, "confidence": 0.9}, {"word": "yo",
             "start": 0.8, "end": 1.0}]  # fmt: skip
    report = ExportReport()
    lines = ctm(
        one(
            seg(0.5, 1.0, "hi yo", attributes={"words": timed}),
            seg(2.0, 2.5, "hey", confidence=0.75),
            seg(3.0, 3.5, ""),
            seg(4.0, 4.5, "?!"),
        ),
        report,
    )
    assert lines == [
        "r 1 0.500 0.200 hi 0.9000",
        "r 1 0.800 0.200 yo",
        "r 1 2.000 0.500 hey 0.7500",
    ]
    assert report.estimated == {}
    assert report.skipped[NO_TRANSCRIPT] == 1 and sum(report.skipped.values()) == 2


def test_words_of_scripts_without_spaces() -> None:
    got = tokens("今天，「我们」去GPU公园")
    assert got == ["今", "天，", "「我", "们」", "去", "GPU", "公", "园"]  # fmt: skip
    assert tokens("ภาษา ง่าย") == ["ภ", "า", "ษ", "า", "ง่", "า", "ย"]  # marks stay on
    assert tokens("मेरा नाम — राम") == ["मेरा", "नाम", "राम"]  # lone punctuation is no word


@pytest.mark.skipif(not LHOTSE_PYTHON.exists(), reason=".venv-lhotse is missing")
def test_lhotse_aligns_our_words_to_our_kaldi_supervisions(tmp_path: Path) -> None:
    ds = speech()
    write_tree(registry.get("kaldi").output_files(ds, ExportOptions()), tmp_path)
    (tmp_path / "words.ctm").write_text("\n".join(ctm(ds)) + "\n")
    sups = read("kaldi+ctm", tmp_path, audio=False)["supervisions"]
    assert len(sups) == sum(len(e["segments"]) for e in MANIFEST)
    for sup in sups:
        found = [w[0] for w in sup["words"]]
        glue = "" if sup["recording_id"] == "zh_1" else " "
        assert glue.join(found) == sup["text"] and len(found) > 1
        ends = [sup["start"], *(w[1] + w[2] for w in sup["words"])]
        starts = [w[1] for w in sup["words"]]
        assert starts == pytest.approx(ends[:-1], abs=1e-6)  # words tile the segment
        assert ends[-1] == pytest.approx(sup["start"] + sup["duration"], abs=0.001)
        assert {w[3] for w in sup["words"]} == {0.0}
