"""Speakers' genders from a label (`gender_label`, else a label named gender or sex): mapped
to f/m in any case (female/f/woman, male/m/man) where a format knows only those, any other
value left out and counted in the export report."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import orjson
import pytest

from audino.formats import registry
from audino.formats.files import write_tree
from audino.formats.kaldi import NO_SPK2GENDER
from audino.formats.options import ExportOptions
from audino.formats.projection import UNMAPPED_GENDER
from audino.formats.records import AnnotatedRecording, Dataset, LabelSpec, SegmentRecord
from audino.formats.report import ExportReport
from tests.formats.test_corpus_formats import MANIFEST, local_clips, speech

# One value per fixture recording, as annotators type them.
VOICES = ("Woman", "MALE", "f", "other", "man", "FEMALE", "m", "non-binary")
CODES = ("f", "m", "f", None, "m", "f", "m", None)
UNMAPPED = sum(len(e["segments"]) for e, c in zip(MANIFEST, CODES, strict=True) if c is None)


def voiced(label: str = "voice", voices: tuple[str, ...] = VOICES) -> Dataset:
    """The speech fixtures with each recording's voice in a segment label `label`, and no
    gender in the recordings' metadata (so the label is the only source)."""
    base = speech()
    items = []
    for i, item in enumerate(base.items):
        rec = dataclasses.replace(
            item.recording,
            metadata={k: v for k, v in item.recording.metadata.items() if k != "gender"},
        )
        segs = tuple(
            dataclasses.replace(s, values={**s.values, label: voices[i]}) for s in item.segments
        )
        items.append(AnnotatedRecording(rec, segs))
    labels = (*base.labels, LabelSpec(label, "single"))
    return Dataset(base.project, labels, base.users, items)


def export(name: str, root: Path, dataset: Dataset, **options: Any) -> ExportReport:
    report = ExportReport()
    fmt = registry.get(name)
    write_tree(fmt.output_files(dataset, ExportOptions(clips=local_clips, **options), report), root)
    return report


def speaker_of(entry: dict[str, Any]) -> str:
    return f"voice_{entry['voice']}"


def test_kaldi_spk2gender_from_the_gender_label(tmp_path: Path) -> None:
    voices = tuple(v if c else "female" for v, c in zip(VOICES, CODES, strict=True))
    report = export("kaldi", tmp_path, voiced(voices=voices), gender_label="voice")
    lines = (tmp_path / "spk2gender").read_text().splitlines()
    want = {speaker_of(e): c or "f" for e, c in zip(MANIFEST, CODES, strict=True)}
    assert dict(line.split() for line in lines) == want
    assert lines == sorted(lines)
    assert report.empty


def test_kaldi_leaves_spk2gender_out_unless_every_speaker_is_f_or_m(tmp_path: Path) -> None:
    """Kaldi's validate_data_dir.sh and lhotse's loader want every speaker in spk2gender."""
    report = export("kaldi", tmp_path, voiced(), gender_label="voice")
    assert not (tmp_path / "spk2gender").exists()
    left_out = {UNMAPPED_GENDER: UNMAPPED, NO_SPK2GENDER: CODES.count(None)}
    assert report.left_out == left_out
    in_zip = orjson.loads((tmp_path / "export-report.json").read_bytes())
    assert in_zip["values_left_out"] == left_out


def test_a_label_named_gender_or_sex_is_found_without_the_option(tmp_path: Path) -> None:
    voices = ("F", "M") * 4
    export("kaldi", tmp_path / "a", voiced("Sex", voices))
    export("kaldi", tmp_path / "b", voiced("other name", voices))
    assert len((tmp_path / "a" / "spk2gender").read_text().splitlines()) == len(MANIFEST)
    assert not (tmp_path / "b" / "spk2gender").exists()  # nothing says which label it is


def test_tedlium_stm_gender_field(tmp_path: Path) -> None:
    report = export("tedlium", tmp_path, voiced(), gender_label="voice")
    fields: dict[str, set[str]] = {}
    for stm in tmp_path.glob("**/*.stm"):
        for line in stm.read_text().splitlines():
            parts = line.split()
            if parts[6] != "ignore_time_segment_in_scoring":
                fields.setdefault(parts[0], set()).add(parts[5])
    want = {
        Path(e["file"]).stem: {f"<o,f0,{ {'f': 'female', 'm': 'male'}.get(c or '', 'unknown') }>"}
        for e, c in zip(MANIFEST, CODES, strict=True)
    }
    assert fields == want
    assert report.left_out == {UNMAPPED_GENDER: UNMAPPED}


@pytest.mark.parametrize(
    ("name", "table"), [("librispeech", "SPEAKERS.TXT"), ("vctk", "speaker-info.txt")]
)
def test_corpus_speaker_tables_take_the_gender_label(tmp_path: Path, name: str, table: str) -> None:
    report = export(name, tmp_path, voiced(), gender_label="voice")
    text = (tmp_path / table).read_text()
    assert " F " in text and " M " in text
    assert report.left_out == {UNMAPPED_GENDER: UNMAPPED}


def test_commonvoice_writes_the_gender_as_annotated(tmp_path: Path) -> None:
    """Common Voice's gender column is free text: written as it is, nothing left out."""
    report = export("commonvoice", tmp_path, voiced(), gender_label="voice")
    rows = [
        line.split("\t")
        for table in tmp_path.glob("*/validated.tsv")
        for line in table.read_text().splitlines()[1:]
    ]
    assert {row[6] for row in rows} == set(VOICES)
    assert report.left_out == {}


def test_segment_without_a_gender_counts_nothing() -> None:
    seg = SegmentRecord("s", 1, "alice", 0.0, 1.0, transcript="hi")
    dataset = voiced()
    item = next(iter(dataset.items))
    plain = Dataset(
        dataset.project, dataset.labels, (), [AnnotatedRecording(item.recording, (seg,))]
    )
    report = ExportReport()
    files = list(registry.get("kaldi").output_files(plain, ExportOptions(), report))
    assert report.empty and "spk2gender" not in {f.path for f in files}
