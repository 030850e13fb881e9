"""Nothing lost silently: label values a format has no place for are counted in the export
report (captions, corpus layouts, Kaldi, RTTM, NeMo, CTM); ids and file names keep every
script's letters with their combining marks."""

from __future__ import annotations

import unicodedata

import pytest

from audino.formats import registry
from audino.formats.corpus import alnum
from audino.formats.options import ExportOptions
from audino.formats.projection import file_safe
from audino.formats.report import ExportReport
from tests.formats.annotated import dataset


def left_out(name: str) -> dict[str, int]:
    report = ExportReport()
    for f in registry.get(name).output_files(dataset(), ExportOptions(), report):
        b"".join(f.chunks)
    return report.left_out


# Five segments, all transcribed, each with speaker, gender, emotion and note; three
# recording-level values (alice's mood and comment, bob's mood).
@pytest.mark.parametrize(
    ("name", "where", "per_segment"),
    [
        ("webvtt", "WebVTT", 3),  # the speaker is the cue's voice
        ("srt", "SRT", 4),
        ("commonvoice", "Common Voice", 2),  # speaker and gender have columns
        ("librispeech", "LibriSpeech", 2),
        ("librivox", "LibriVox", 2),
        ("vctk", "VCTK", 2),
        ("voxceleb", "VoxCeleb", 2),
        ("voxpopuli", "VoxPopuli", 2),
        ("tedlium", "TED-LIUM", 2),
        ("kaldi", "a Kaldi data dir", 2),
        ("rttm", "RTTM", 3),  # the speaker is the turn's
        ("nemo", "a NeMo manifest", 3),
        ("ctm", "CTM (words only)", 4),
        ("audino-cvat", "an audino-cvat table", 2),  # the speaker and the note
    ],
)
def test_label_values_without_a_place_are_counted(name: str, where: str, per_segment: int) -> None:
    found = left_out(name)
    assert found[f"label values with no place in {where}"] == 5 * per_segment
    assert found[f"recording-level label values with no place in {where}"] == 3


def test_rttm_counts_the_transcripts_it_drops() -> None:
    assert left_out("rttm")["transcripts with no place in RTTM (speaker turns only)"] == 5


def test_audiofolder_has_a_column_for_every_segment_label() -> None:
    assert left_out("audiofolder") == {
        "recording-level label values with no place in AudioFolder": 3
    }


@pytest.mark.parametrize(
    ("text", "safe", "letters"),
    [
        ("मेरा नाम", "मेरा_नाम", "मेरानाम"),  # Devanagari vowel signs (Mc, Mn) stay
        ("مَرْحَبًا بك", "مَرْحَبًا_بك", "مَرْحَبًابك"),  # Arabic harakat (Mn)
        ("你好 世界", "你好_世界", "你好世界"),
        ("İstanbul 1", "İstanbul_1", "İstanbul1"),
        ("a/b: c.wav", "a_b_c.wav", "abcwav"),
    ],
)
def test_ids_keep_combining_marks(text: str, safe: str, letters: str) -> None:
    assert file_safe(text) == safe
    assert alnum(text, "x") == letters
    decomposed = unicodedata.normalize("NFD", text)  # İ as I + combining dot above
    assert file_safe(decomposed) == unicodedata.normalize("NFC", safe)


def test_vctk_speaker_ids_keep_their_vowel_signs() -> None:
    ds = dataset()
    for item in ds.items:  # type: ignore[attr-defined]
        for seg in item.segments:
            seg.values = {**seg.values, "speaker": "मेरा"}
    paths = [f.path for f in registry.get("vctk").output_files(ds, ExportOptions())]
    assert "txt/मेरा/मेरा_001.txt" in paths
