"""Word timings through the formats: CTM import groups words into segments that keep them,
WebVTT writes them as cue timestamps (read back by webvtt-py) and imports them again, and
`formats.words` checks and tidies them the one way the server does."""

from __future__ import annotations

import io
from typing import Any

import pytest
import webvtt

from audino.formats import registry
from audino.formats.ctm import ESTIMATED_LINES
from audino.formats.files import InputFile
from audino.formats.report import ExportReport
from audino.formats.words import WordsError, check, tidy
from tests.formats.test_ctm import ctm, one, seg
from tests.formats.test_text_formats import files_of

WORDS = [
    {"word": "hello", "start": 1.0, "end": 1.5, "confidence": 0.9},
    {"word": "big", "start": 1.5, "end": 2.0},
    {"word": "world", "start": 2.4, "end": 3.0},
]


def read(name: str, path: str, text: str) -> list[Any]:
    back = registry.get(name).read([InputFile(path, text.encode())])
    return [s for item in back.items for s in item.segments]


def test_ctm_import_groups_words_into_segments_at_pauses() -> None:
    got = read(
        "ctm",
        "a.ctm",
        "r 1 2.40 0.60 world\nr 1 1.00 0.50 hello 0.9\nr 1 1.50 0.50 big\n"
        "r 1 5.00 0.40 later 0.5\nr 2 1.00 0.30 other\n",
    )
    # Channel 1 is the first of two here (the recording has words on channel 2 too).
    assert [(s.start, s.end, s.transcript, s.channel) for s in got] == [
        (1.0, 3.0, "hello big world", 0),
        (5.0, 5.4, "later", 0),
        (1.0, 1.3, "other", 1),
    ]
    assert got[0].attributes["words"] == WORDS and got[0].confidence is None
    assert got[1].confidence == 0.5  # a word alone: its score is the segment's


def test_ctm_export_then_import_gives_the_words_back() -> None:
    ds = one(seg(0.5, 3.5, "hello big world", attributes={"words": WORDS}))
    [back] = read("ctm", "words.ctm", b"".join(files_of("ctm", ds)[0].chunks).decode())
    assert back.attributes["words"] == WORDS and back.transcript == "hello big world"


def test_webvtt_carries_word_timestamps_that_webvtt_py_reads() -> None:
    ds = one(seg(0.5, 3.5, "Hello, big & world", attributes={"words": WORDS}))
    [vtt] = files_of("webvtt", ds)
    text = b"".join(vtt.chunks).decode()
    assert "00:00.500 --> 00:03.500\n<00:00:01.000>Hello, <00:00:01.500>big &amp; " in text
    [cue] = webvtt.WebVTT.from_buffer(io.StringIO(text)).captions
    assert cue.text == "Hello, big &amp; world"
    assert "<00:00:02.400>world" in cue.raw_text
    [back] = read("webvtt", "r.vtt", text)
    assert back.transcript == "Hello, big & world"
    # WebVTT has no word ends: a word ends where the next starts, the last at the cue's end.
    assert back.attributes["words"] == [
        {"word": "Hello,", "start": 1.0, "end": 1.5},
        {"word": "big", "start": 1.5, "end": 2.175},  # "&" shares its run: by letters
        {"word": "&", "start": 2.175, "end": 2.4},
        {"word": "world", "start": 2.4, "end": 3.5},
    ]


def test_webvtt_import_reads_youtube_style_word_cues() -> None:
    [back] = read(
        "webvtt",
        "y.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n"
        "so<00:00:01.400><c> this</c><00:00:02.000><c> works</c>\n",
    )
    assert [(w["word"], w["start"], w["end"]) for w in back.attributes["words"]] == [
        ("so", 1.0, 1.4),
        ("this", 1.4, 2.0),
        ("works", 2.0, 3.0),
    ]


def test_a_cue_without_timestamps_has_no_words() -> None:
    ds = one(seg(0.5, 3.5, "just text"))
    text = b"".join(files_of("webvtt", ds)[0].chunks).decode()
    assert "<0" not in text
    [back] = read("webvtt", "r.vtt", text)
    assert "words" not in back.attributes


def test_check_and_tidy() -> None:
    assert check([[1, 1.5, "hi", 0.5]], 0, 2) == [
        {"word": "hi", "start": 1.0, "end": 1.5, "confidence": 0.5}
    ]
    with pytest.raises(WordsError, match="starts before word 1"):
        check([{"word": "a", "start": 1, "end": 2}, {"word": "b", "start": 1.5, "end": 3}], 0, 4)
    # A model's words: clipped, overlaps cut, zero-length ones dropped.
    assert tidy([(0.2, 1.0, " a", 1.2), (0.9, 1.5, "b", 0.5), (1.5, 1.5, "c", 0.1)], 0.5, 2) == [
        {"word": "a", "start": 0.5, "end": 1.0, "confidence": 1.0},
        {"word": "b", "start": 1.0, "end": 1.5, "confidence": 0.5},
    ]


def test_ctm_puts_words_typed_since_timing_in_the_pauses_as_estimates() -> None:
    report = ExportReport()
    ds = one(seg(0.5, 3.5, "hello big fat world again", attributes={"words": WORDS[::2]}))
    assert ctm(ds, report) == [
        "r 1 1.000 0.500 hello 0.9000",
        "r 1 1.500 0.450 big 0.0000",  # the pause between timed words, by letters
        "r 1 1.950 0.450 fat 0.0000",
        "r 1 2.400 0.600 world",
        "r 1 3.000 0.500 again 0.0000",
    ]
    assert report.estimated == {ESTIMATED_LINES: 3}
    # Timed words the transcript no longer holds: the timed words alone, as they are.
    assert ctm(one(seg(0.5, 3.5, "other text", attributes={"words": WORDS}))) == [
        "r 1 1.000 0.500 hello 0.9000",
        "r 1 1.500 0.500 big",
        "r 1 2.400 0.600 world",
    ]
