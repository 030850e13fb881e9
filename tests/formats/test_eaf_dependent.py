"""ELAN dependent tiers (#15 item 10): a translation or word tier hanging from a speaker's
tier is no speaker of its own; its values go to that speaker's segments, under the label
named by its linguistic type. The file is written by pympi-ling, as ELAN users' tools do."""

from __future__ import annotations

from pathlib import Path

from audino.formats import registry
from audino.formats.files import InputFile

FMT = registry.get("eaf")


def elan_file(tmp_path: Path) -> bytes:
    from pympi import Elan

    eaf = Elan.Eaf()
    eaf.add_linked_file("file:///call.wav", relpath="./call.wav", mimetype="audio/x-wav")
    eaf.add_linguistic_type("translation", constraints="Symbolic_Association", timealignable=False)
    eaf.add_linguistic_type("word", constraints="Included_In")
    eaf.add_tier("Ann")
    eaf.add_tier("Ann-en", ling="translation", parent="Ann")
    eaf.add_tier("Ann-words", ling="word", parent="Ann")
    eaf.add_annotation("Ann", 500, 2000, "hola mundo")
    eaf.add_annotation("Ann", 3000, 4000, "adiós")
    eaf.add_ref_annotation("Ann-en", "Ann", 1000, "hello world")
    eaf.add_ref_annotation("Ann-en", "Ann", 3500, "goodbye")
    eaf.add_annotation("Ann-words", 500, 1200, "hola")
    eaf.add_annotation("Ann-words", 1200, 2000, "mundo")
    eaf.add_tier("Bo")
    eaf.add_annotation("Bo", 2000, 2500, "sí")
    path = tmp_path / "call.eaf"
    Elan.to_eaf(str(path), eaf)
    return path.read_bytes()


def test_dependent_tiers_are_labels_of_their_speaker(tmp_path: Path) -> None:
    (item,) = FMT.read([InputFile("call.eaf", elan_file(tmp_path))]).items
    assert item.recording.name == "call.wav"
    found = sorted((s.start, s.end, s.transcript, dict(s.values)) for s in item.segments)
    assert found == [
        (
            0.5,
            2.0,
            "hola mundo",
            {"speaker": "Ann", "translation": "hello world", "word": ["hola", "mundo"]},
        ),
        (2.0, 2.5, "sí", {"speaker": "Bo"}),
        (3.0, 4.0, "adiós", {"speaker": "Ann", "translation": "goodbye"}),
    ]
