"""Normalised transcripts in every script of the speech fixtures, and Turkish dotted I:
the rule itself, and the `normalized_text` column and `.normalized.txt` files a VoxPopuli
or LibriVox export holds, read the way their loaders read them."""

from __future__ import annotations

import csv
import dataclasses
import io
import unicodedata
from pathlib import Path

import pytest

from audino.formats import registry
from audino.formats.files import write_tree
from audino.formats.normalize import normalized_text
from audino.formats.options import ExportOptions
from audino.formats.records import AnnotatedRecording, Dataset
from tests.formats.test_corpus_formats import MANIFEST, speech

TEXTS = [seg["text"] for entry in MANIFEST for seg in entry["segments"]]
# Punctuation of each script around the fixture's words: Latin, Devanagari danda,
# Arabic comma and question mark, CJK full-width marks, Spanish inverted marks.
DRESSED = {
    "en": "“{}!”",
    "de": "„{}“ –",
    "fr": "« {} » ?",
    "es": "¡{}!",
    "hi": "{}।",
    "ar": "{}، ؟",
    "cmn": "「{}」。",
}


def dressed(text: str, language: str) -> str:
    """The fixture text as someone would type it: capitals, quotes, the script's marks."""
    return DRESSED.get(language, "{}.").format(text.upper())


def languages() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for entry in MANIFEST:
        language = entry["voice"].split("-")[0].split("+")[0]
        out.extend((seg["text"], language) for seg in entry["segments"])
    return out


@pytest.mark.parametrize(("text", "language"), languages())
def test_every_script_keeps_its_letters_and_marks(text: str, language: str) -> None:
    assert normalized_text(text) == text  # the fixtures are already normalised
    assert normalized_text(dressed(text, language)) == text


def test_devanagari_vowel_signs_stay_on_their_letters() -> None:
    assert normalized_text("मेरा नाम राम है।") == "मेरा नाम राम है"
    assert "म र न म" not in normalized_text("मेरा नाम राम है")


def test_turkish_dotted_capital_i_keeps_its_dot_attached() -> None:
    # Unicode lowers İ to i + COMBINING DOT ABOVE; the mark stays on its letter.
    got = normalized_text("İstanbul'da GÜZEL bir gün!")
    assert got == "i\u0307stanbul'da güzel bir gün"
    assert got.split()[0] == "i\u0307stanbul'da"
    assert normalized_text("İSTANBUL") == "i\u0307stanbul"


def test_punctuation_by_category_apostrophes_inside_words() -> None:
    assert normalized_text("Hello,world -- fine…") == "hello world fine"
    assert normalized_text("Don’t say 'no'") == "don't say no"
    assert normalized_text("l'homme") == "l'homme"
    assert normalized_text("ＦＵＬＬ－ｗｉｄｔｈ　ｔｅｘｔ") == "full width text"  # NFKC
    assert normalized_text("tab\tand\nnewline") == "tab and newline"


def test_lower_case_not_casefold() -> None:
    assert normalized_text("Straße") == "straße"
    assert normalized_text("ΟΔΟΣ.") == "οδος"


def test_output_is_nfkc() -> None:
    decomposed = unicodedata.normalize("NFD", "Café Niño")
    assert normalized_text(decomposed) == "café niño"
    for text in TEXTS:
        got = normalized_text(text)
        assert unicodedata.normalize("NFKC", got) == got


def dressed_speech() -> Dataset:
    """The speech fixtures with capitals and punctuation in their transcripts."""
    base = speech()
    items = []
    for item, entry in zip(base.items, MANIFEST, strict=True):
        language = entry["voice"].split("-")[0].split("+")[0]
        segs = tuple(
            dataclasses.replace(seg, transcript=dressed(seg.transcript, language))
            for seg in item.segments
        )
        items.append(AnnotatedRecording(item.recording, segs))
    return dataclasses.replace(base, items=items)


def test_voxpopuli_table_has_raw_and_normalised_text(tmp_path: Path) -> None:
    write_tree(registry.get("voxpopuli").output_files(dressed_speech(), ExportOptions()), tmp_path)
    rows: list[dict[str, str]] = []
    for table in tmp_path.glob("transcribed_data/*/asr_train.tsv"):
        # As Hugging Face's VoxPopuli loader reads it.
        reader = csv.DictReader(
            io.StringIO(table.read_text()), delimiter="\t", quoting=csv.QUOTE_NONE
        )
        rows.extend(reader)
    assert sorted(r["normalized_text"] for r in rows) == sorted(TEXTS)
    raw = {r["raw_text"] for r in rows}
    assert "मेरा नाम राम है।" in raw and "¡EL NIÑO COME UNA MANZANA ROJA!" in raw


def test_librivox_normalized_files(tmp_path: Path) -> None:
    write_tree(registry.get("librivox").output_files(dressed_speech(), ExportOptions()), tmp_path)
    found = sorted(p.read_text().strip() for p in tmp_path.glob("*/*/*/*.normalized.txt"))
    assert found == sorted(TEXTS)
    rows = [
        line.split("\t")
        for table in tmp_path.glob("*/*/*/*.trans.tsv")
        for line in table.read_text().splitlines()
    ]
    assert sorted(r[2] for r in rows) == sorted(TEXTS)
    assert "「今天天气很好」。" in {r[1] for r in rows}
