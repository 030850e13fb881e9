"""A segment's channel through the formats that can carry one: RTTM's channel column, TextGrid
and ELAN tiers named "<speaker> [channel N]", read back by us and by pyannote, praatio, pympi."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from audino.formats import registry
from audino.formats.files import OutputFile
from audino.formats.records import (
    AnnotatedRecording,
    Dataset,
    LabelSpec,
    LabelValueSpec,
    ProjectInfo,
    Recording,
    SegmentRecord,
)
from audino.formats.tiers import channel_tier, tier_channel
from tests.formats.test_text_formats import as_input, files_of

# (start, end, speaker, channel): channels 0-based, None for all of them.
TURNS = [
    (0.5, 1.5, "Ann Lee", None),
    (1.0, 2.0, "Ann Lee", 0),
    (2.0, 3.0, "Bo", 1),
    (2.5, 4.0, "Bo", 3),
    (3.0, 3.5, "Bo", 1),
]


def four_channels() -> Dataset:
    rec = Recording(
        id=1,
        name="meeting.wav",
        storage_key="ab/1.wav",
        duration=5.0,
        sample_rate=16000,
        channels=4,
    )
    segs = tuple(
        SegmentRecord(
            id=f"s{i}",
            recording_id=1,
            author="alice",
            start=start,
            end=end,
            transcript=f"turn {i}",
            values={"speaker": speaker},
            channel=channel,
        )
        for i, (start, end, speaker, channel) in enumerate(TURNS)
    )
    speakers = LabelSpec(
        "speaker", "single", values=(LabelValueSpec("Ann Lee"), LabelValueSpec("Bo"))
    )
    return Dataset(ProjectInfo("P"), (speakers,), (), (AnnotatedRecording(rec, segs),))


def read_back(name: str) -> list[tuple[Any, ...]]:
    back = registry.get(name).read(as_input(files_of(name, four_channels())))
    (item,) = back.items
    return sorted(
        (round(s.start, 3), round(s.end, 3), s.values.get("speaker"), s.channel)
        for s in item.segments
    )


@pytest.mark.parametrize("fmt", ["textgrid", "eaf"])
def test_tiers_carry_each_channel_and_all_channels(fmt: str) -> None:
    assert read_back(fmt) == sorted(TURNS)


def test_rttm_carries_the_channel_and_says_all_as_channel_one() -> None:
    # RTTM has no "all channels": such a turn is written on channel 1 and read back as the
    # first channel, since the recording has turns on other channels too.
    want = sorted((s, e, who, 0 if ch is None else ch) for s, e, who, ch in TURNS)
    assert [t[:2] + t[3:] for t in read_back("rttm")] == [t[:2] + t[3:] for t in want]


def test_rttm_of_one_channel_stays_on_all_channels() -> None:
    rttm = b"SPEAKER call 1 0.500 1.000 <NA> <NA> A <NA> <NA>\n"
    back = registry.get("rttm").read(as_input([OutputFile("call.rttm", [rttm])]))
    assert [s.channel for s in back.items[0].segments] == [None]


def test_tier_names_say_the_channel_as_people_count() -> None:
    assert channel_tier("Bo", 1) == "Bo [channel 2]"
    assert channel_tier("Bo", None) == "Bo"
    assert tier_channel("Bo [channel 2]") == ("Bo", 1)
    assert tier_channel("Bo [channel 0]") == ("Bo [channel 0]", None)
    assert tier_channel("segments") == ("segments", None)


def _written(fmt: str, tmp_path: Path, index: int = 0) -> Path:
    out = files_of(fmt, four_channels())[index]
    path = tmp_path / out.path
    path.write_bytes(b"".join(out.chunks))
    return path


def test_pyannote_reads_the_channels_of_our_rttm(tmp_path: Path) -> None:
    from pyannote.database.util import load_rttm

    annotation = load_rttm(str(_written("rttm", tmp_path)))["meeting"]
    turns = sorted(
        (round(seg.start, 3), round(seg.end, 3), label)
        for seg, _, label in annotation.itertracks(yield_label=True)
    )
    assert turns == sorted((s, e, who.replace(" ", "_")) for s, e, who, _ in TURNS)
    columns = [line.split()[2] for line in _written("rttm", tmp_path).read_text().splitlines()]
    assert sorted(columns) == ["1", "1", "2", "2", "4"]


def test_praatio_reads_a_tier_per_speaker_and_channel(tmp_path: Path) -> None:
    from praatio import textgrid

    tg = textgrid.openTextgrid(str(_written("textgrid", tmp_path)), includeEmptyIntervals=False)
    assert set(tg.tierNames) == {
        "Ann Lee",
        "Ann Lee [channel 1]",
        "Bo [channel 2]",
        "Bo [channel 4]",
    }
    assert [(e.start, e.end) for e in tg.getTier("Bo [channel 2]").entries] == [
        (2.0, 3.0),
        (3.0, 3.5),
    ]


def test_pympi_reads_a_tier_per_speaker_and_channel(tmp_path: Path) -> None:
    from pympi import Elan

    eaf = Elan.Eaf(str(_written("eaf", tmp_path)))
    assert set(eaf.get_tier_names()) == {
        "Ann Lee",
        "Ann Lee [channel 1]",
        "Bo [channel 2]",
        "Bo [channel 4]",
    }
    assert eaf.get_annotation_data_for_tier("Bo [channel 4]") == [(2500, 4000, "turn 3")]


@pytest.mark.parametrize("fmt", ["ctm", "raven"])
def test_other_one_based_columns_carry_the_channel(fmt: str) -> None:
    # As in RTTM: "all channels" is written as channel 1, the first of several here.
    back = read_back(fmt)
    assert {channel for *_, channel in back} == {0, 1, 3}
    if fmt == "raven":
        assert [(s, e, ch) for s, e, _, ch in back] == sorted(
            (s, e, 0 if ch is None else ch) for s, e, _, ch in TURNS
        )


@pytest.mark.parametrize(
    ("fmt", "name", "text"),
    [
        ("ctm", "call.ctm", b"call 1 0.50 0.30 hello\n"),
        (
            "raven",
            "call.Table.1.selections.txt",
            b"Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\n1\tWaveform 1\t1\t0.5\t0.8\n",
        ),
    ],
)
def test_channel_one_alone_stays_on_all_channels(fmt: str, name: str, text: bytes) -> None:
    back = registry.get(fmt).read(as_input([OutputFile(name, [text])]))
    assert [s.channel for s in back.items[0].segments] == [None]
