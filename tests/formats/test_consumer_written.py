"""Files written by the tools that also read our exports, imported: crowsetta's Audacity
label tracks (standard, and extended with frequency boxes) and Raven selection tables,
pympi-ling's ELAN tiers with participants, pyannote.core's RTTM with its UEM, webvtt-py's
captions with voice spans, a NeMo manifest from Hugging Face `datasets`, and an
audino-cvat data.tsv from pandas. Times (1 ms), text (exact), speakers and labels are
compared with what the tool was given, as the importer maps them. Also: pyannote reading
our UEM, and full round trips of Kaldi and audino-cvat (whose other tests check only a
few fields). Two gaps found here are fixed and checked: an EAF tier's PARTICIPANT is its
speaker on import, and audino-cvat's report counts the speakers it has no column for.

The simpler cases live beside their readers: TextGrids by praatio and tgt, an EAF by
pympi, VTT and SRT, RTTM, CSV in test_consumer_files.py; CTM and Kaldi by lhotse in
test_lhotse_writers.py; Label Studio by its SDK in test_labelstudio.py.

crowsetta runs in `.venv-crowsetta` (see test_crowsetta_readers.py): its tests skip
without it.
"""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from audino.formats import registry
from audino.formats.files import InputFile
from audino.formats.records import Dataset
from tests.formats.test_crowsetta_readers import CROWSETTA_PYTHON

TEXT = 'say "hi" & <laughs> — 你好 मेरा'

needs_crowsetta = pytest.mark.skipif(
    not CROWSETTA_PYTHON.exists(),
    reason=".venv-crowsetta is missing (python3 -m venv .venv-crowsetta && "
    ".venv-crowsetta/bin/pip install crowsetta)",
)

# Run in .venv-crowsetta: `python -c WRITER WHAT ROWS_JSON OUT [ANNOTATION COLUMN]`, each
# file written by crowsetta's own `to_file`.
WRITER = """
import json, sys
import numpy as np
import pandas as pd
from crowsetta.formats.bbox import AudBBox, Raven
from crowsetta.formats.seq import AudSeq

what, rows, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
if what == "aud-seq":  # [onset, offset, label]
    on, off, labels = (np.array(col) for col in zip(*rows))
    AudSeq(start_times=on, end_times=off, labels=labels, annot_path=out).to_file(out)
elif what == "aud-bbox":  # [onset, offset, label, low Hz, high Hz]
    cols = ["begin_time_s", "end_time_s", "label", "low_freq_hz", "high_freq_hz"]
    AudBBox(df=pd.DataFrame(rows, columns=cols), annot_path=out).to_file(out)
else:  # raven: [channel, onset, offset, low Hz, high Hz, annotation]
    cols = ["Channel", "begin_time_s", "end_time_s", "low_freq_hz", "high_freq_hz",
            "annotation"]
    df = pd.DataFrame(rows, columns=cols)
    df.insert(0, "Selection", range(1, len(rows) + 1))
    df.insert(1, "View", "Spectrogram 1")
    Raven(df=df, annot_path=out, annot_col=sys.argv[4]).to_file(out)
"""


def crowsetta_writes(what: str, rows: list[list[Any]], out: Path, *args: str) -> bytes:
    done = subprocess.run(
        [str(CROWSETTA_PYTHON), "-c", WRITER, what, json.dumps(rows), str(out), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out.read_bytes()


def segments(ds: Dataset) -> dict[str, list[tuple[Any, ...]]]:
    return {
        item.recording.name: [
            (round(s.start, 3), round(s.end, 3), s.transcript, dict(s.values))
            for s in item.segments
        ]
        for item in ds.items
    }


@needs_crowsetta
def test_an_audacity_label_track_written_by_crowsetta_imports(tmp_path: Path) -> None:
    """Audacity's standard track: the label is the line's third field; ", " joins the
    tags of one label (as Audacity users write them)."""
    rows = [[0.5, 1.25, "bird, wind"], [1.125, 2.0, "鳥の歌 & <trill>"], [3.0, 3.001, "dog"]]
    data = crowsetta_writes("aud-seq", rows, tmp_path / "site 1.txt")
    back = registry.get("audacity").read([InputFile("site 1.txt", data)])
    assert segments(back) == {
        "site 1": [
            (0.5, 1.25, "", {"label": ["bird", "wind"]}),
            (1.125, 2.0, "", {"label": ["鳥の歌 & <trill>"]}),
            (3.0, 3.001, "", {"label": ["dog"]}),
        ]
    }
    assert all(s.low_hz is None for item in back.items for s in item.segments)


@needs_crowsetta
def test_audacity_frequency_boxes_written_by_crowsetta_import(tmp_path: Path) -> None:
    rows = [[0.5, 1.25, "trill", 200.0, 4000.0], [2.0, 2.75, "鳥", 312.5, 8000.25]]
    data = crowsetta_writes("aud-bbox", rows, tmp_path / "site.txt")
    (item,) = registry.get("audacity").read([InputFile("site.txt", data)]).items
    got = [(s.start, s.end, dict(s.values), s.low_hz, s.high_hz) for s in item.segments]
    assert got == [
        (0.5, 1.25, {"label": "trill"}, 200.0, 4000.0),
        (2.0, 2.75, {"label": "鳥"}, 312.5, 8000.25),
    ]


@needs_crowsetta
@pytest.mark.parametrize(("column", "label"), [("Annotation", "label"), ("Species", "Species")])
def test_a_raven_table_written_by_crowsetta_imports(
    tmp_path: Path, column: str, label: str
) -> None:
    """Raven's "Annotation" column holds the label "label"; a column named otherwise (a
    species code, say) is a label of that name. Channels are 1-based (channel 1 is the
    first here: the table has selections on channel 2 too)."""
    rows = [
        [1, 0.5, 1.25, 200.0, 4000.0, "EATO"],
        [2, 1.0, 2.125, 312.5, 8000.0, "鳥 & <x>"],
        [1, 3.0, 3.5, 0.0, 11025.0, "EATO"],
    ]
    name = "dawn.Table.1.selections.txt"
    data = crowsetta_writes("raven", rows, tmp_path / name, column)
    (item,) = registry.get("raven").read([InputFile(name, data)]).items
    assert item.recording.name == "dawn"
    got = [(s.channel, s.start, s.end, s.low_hz, s.high_hz, dict(s.values)) for s in item.segments]
    assert got == [
        (0, 0.5, 1.25, 200.0, 4000.0, {label: "EATO"}),
        (1, 1.0, 2.125, 312.5, 8000.0, {label: "鳥 & <x>"}),
        (0, 3.0, 3.5, 0.0, 11025.0, {label: "EATO"}),
    ]


def pympi_eaf(tmp_path: Path) -> bytes:
    """Tiers named apart from their participants, as ELAN users name them; two speakers
    overlapping, a multi-line annotation, the audio linked with a relative path."""
    from pympi import Elan

    eaf = Elan.Eaf(author="elan user")
    eaf.add_linked_file(
        "file:///data/talk%20one.wav", relpath="./talk one.wav", mimetype="audio/x-wav"
    )
    eaf.remove_tier("default")
    eaf.add_tier("A-txt", part="Ann")
    eaf.add_tier("B-txt", part="Bo")
    eaf.add_annotation("A-txt", 500, 1250, TEXT)
    eaf.add_annotation("A-txt", 2000, 2751, "line one\nline two")
    eaf.add_annotation("B-txt", 1000, 3000, "नमस्ते")
    path = tmp_path / "talk.eaf"
    eaf.to_file(str(path))
    return path.read_bytes()


def test_an_eaf_with_several_tiers_written_by_pympi_imports(tmp_path: Path) -> None:
    """Each independent tier is a speaker: its PARTICIPANT, as ELAN users set it."""
    back = registry.get("eaf").read([InputFile("talk.eaf", pympi_eaf(tmp_path))])
    assert {k: sorted(v) for k, v in segments(back).items()} == {
        "talk one.wav": [
            (0.5, 1.25, TEXT, {"speaker": "Ann"}),
            (1.0, 3.0, "नमस्ते", {"speaker": "Bo"}),
            (2.0, 2.751, "line one\nline two", {"speaker": "Ann"}),
        ]
    }


def test_an_eaf_tiers_participant_is_its_speaker(tmp_path: Path) -> None:
    back = registry.get("eaf").read([InputFile("talk.eaf", pympi_eaf(tmp_path))])
    speakers = {s.values["speaker"] for item in back.items for s in item.segments}
    assert speakers == {"Ann", "Bo"}


def test_rttm_and_uem_written_by_pyannote_import(tmp_path: Path) -> None:
    """pyannote.core writes the turns of several recordings (overlapping, non-ASCII
    labels) into one RTTM and their scored regions into a UEM: the turns import, the UEM
    is skipped."""
    from pyannote.core import Annotation, Segment, Timeline

    talk = Annotation(uri="talk_1")
    talk[Segment(0.5, 1.25)] = "Ann_Lee"
    talk[Segment(1.0, 2.5), "overlap"] = "Bo"
    talk[Segment(3.0, 4.125)] = "Ann_Lee"
    other = Annotation(uri="zwei")
    other[Segment(0.25, 0.751)] = "दीपा"
    rttm, uem = tmp_path / "all.rttm", tmp_path / "all.uem"
    with rttm.open("w") as f:
        talk.write_rttm(f)
        other.write_rttm(f)
    with uem.open("w") as f:
        Timeline([Segment(0, 5)], uri="talk_1").write_uem(f)
        Timeline([Segment(0, 1)], uri="zwei").write_uem(f)
    files = [InputFile(p.name, p.read_bytes()) for p in (rttm, uem)]
    back = registry.get("rttm").read(files)
    assert segments(back) == {
        "talk_1": [
            (0.5, 1.25, "", {"speaker": "Ann_Lee"}),
            (1.0, 2.5, "", {"speaker": "Bo"}),
            (3.0, 4.125, "", {"speaker": "Ann_Lee"}),
        ],
        "zwei": [(0.25, 0.751, "", {"speaker": "दीपा"})],
    }


def test_webvtt_py_captions_with_voices_and_lines_import(tmp_path: Path) -> None:
    """Several voices, a cue of two lines, a cue with no voice, times to the ms."""
    import webvtt

    vtt = webvtt.WebVTT()
    for start, end, text in [
        ("00:00:00.500", "00:00:01.250", "<v Ann Lee>你好 मेरा"),
        ("00:00:01.000", "00:00:02.751", "<v Bo>line one\nline two"),
        ("00:01:02.003", "00:01:04.000", "no voice — ok"),
    ]:
        vtt.captions.append(webvtt.Caption(start, end, text))
    path = tmp_path / "talk.vtt"
    vtt.save(str(path))
    back = registry.get("webvtt").read([InputFile(path.name, path.read_bytes())])
    assert segments(back) == {
        "talk": [
            (0.5, 1.25, "你好 मेरा", {"speaker": "Ann Lee"}),
            (1.0, 2.751, "line one\nline two", {"speaker": "Bo"}),
            (62.003, 64.0, "no voice — ok", {}),
        ]
    }


def test_a_nemo_manifest_written_by_datasets_imports(tmp_path: Path) -> None:
    """JSON lines as `datasets`' `to_json` writes them (non-ASCII escaped, `\\/` in
    paths), one entry per utterance with its offset into the whole recording."""
    import datasets

    entries = [
        {"audio_filepath": "audio/talk one.wav", "offset": 0.25, "duration": 1.5,
         "text": "मेरा नाम राम है", "speaker": "Ann", "lang": "hi"},
        {"audio_filepath": "/data/audio/talk one.wav", "offset": 2.0, "duration": 0.751,
         "text": TEXT, "speaker": "Bo", "lang": "zh"},
        {"audio_filepath": "audio/b.wav", "offset": 0.0, "duration": 3.0,
         "text": "plain", "speaker": "Ann", "lang": "en"},
    ]  # fmt: skip
    path = tmp_path / "train_manifest.json"
    datasets.Dataset.from_list(entries).to_json(str(path))
    assert b"\\/" in path.read_bytes() and "मेरा".encode() not in path.read_bytes()
    back = registry.get("nemo").read([InputFile(path.name, path.read_bytes())])
    got = {
        item.recording.name: [
            (round(s.start, 3), round(s.end, 3), s.transcript, dict(s.values), dict(s.attributes))
            for s in item.segments
        ]
        for item in back.items
    }
    assert got == {
        "talk one.wav": [
            (0.25, 1.75, "मेरा नाम राम है", {"speaker": "Ann"}, {"language": "hi"}),
            (2.0, 2.751, TEXT, {"speaker": "Bo"}, {"language": "zh"}),
        ],
        "b.wav": [(0.0, 3.0, "plain", {"speaker": "Ann"}, {"language": "en"})],
    }


def test_an_audino_cvat_table_written_by_pandas_imports(tmp_path: Path) -> None:
    """data.tsv as a pandas script writes it in the format's dialect (tab-separated, no
    quoting, as Common Voice tables are): segments of the recordings in `audio_file`, the
    speaker attributes, `label` split into tags."""
    import pandas

    rows = [
        {"path": "c1.mp3", "sentence": TEXT, "age": "twenties", "gender": "female",
         "accent": "", "locale": "hi", "emotion": "happy", "label": "A, loud",
         "start": 0.5, "end": 1.25, "audio_file": "call one.wav"},
        {"path": "c2.mp3", "sentence": "你好", "age": "", "gender": "male", "accent": "x",
         "locale": "zh-CN", "emotion": "", "label": "", "start": 2.0, "end": 3.125,
         "audio_file": "call one.wav"},
        {"path": "c3.mp3", "sentence": "", "age": "", "gender": "", "accent": "",
         "locale": "", "emotion": "", "label": "B", "start": 0.0, "end": 0.751,
         "audio_file": "zwei.flac"},
    ]  # fmt: skip
    path = tmp_path / "data.tsv"
    pandas.DataFrame(rows).to_csv(path, sep="\t", index=False, quoting=csv.QUOTE_NONE)
    back = registry.get("audino-cvat").read([InputFile(path.name, path.read_bytes())])
    got = {
        item.recording.name: [
            (s.start, s.end, s.transcript, dict(s.values), dict(s.attributes))
            for s in item.segments
        ]
        for item in back.items
    }
    assert got == {
        "call one.wav": [
            (0.5, 1.25, TEXT, {"label": ["A", "loud"]},
             {"age": "twenties", "gender": "female", "locale": "hi", "emotion": "happy"}),
            (2.0, 3.125, "你好", {}, {"gender": "male", "accent": "x", "locale": "zh-CN"}),
        ],
        "zwei.flac": [(0.0, 0.751, "", {"label": ["B"]}, {})],
    }  # fmt: skip


def test_pyannote_reads_our_uem(tmp_path: Path) -> None:
    """The UEM beside the RTTM, read by pyannote.database: each recording scored whole."""
    from pyannote.database.util import load_uem

    from tests.formats.test_text_formats import dataset, files_of

    files = {f.path: b"".join(f.chunks) for f in files_of("rttm", dataset())}
    path = tmp_path / "all.uem"
    path.write_bytes(files["all.uem"])
    regions = {uri: [(s.start, s.end) for s in t] for uri, t in load_uem(str(path)).items()}
    assert regions == {"call_one": [(0.0, 9.5)], "zwei": [(0.0, 9.5)]}


def test_kaldi_round_trip_keeps_every_segment() -> None:
    """Times, text and speakers of every segment; a speaker id has no spaces in Kaldi, and
    the audio is named as the export wrote it (16 kHz WAV)."""
    from tests.formats.test_text_formats import dataset, expected, round_trip

    ds = dataset()
    want = {
        name.rsplit(".", 1)[0].replace(" ", "_") + ".wav": [
            (*row[:3], {"speaker": row[3]["speaker"].replace(" ", "_")}) for row in rows
        ]
        for name, rows in expected(ds, names="name").items()
    }
    assert round_trip("kaldi", ds) == want


def test_audino_cvat_round_trip_keeps_times_text_and_tags() -> None:
    from tests.formats.test_text_formats import as_input, dataset, files_of

    ds = dataset()
    back = registry.get("audino-cvat").read(as_input(files_of("audino-cvat", ds)))
    got = {
        item.recording.name: [
            (s.start, s.end, s.transcript, s.values.get("label")) for s in item.segments
        ]
        for item in back.items
    }
    assert got == {
        item.recording.name: [
            (s.start, s.end, s.transcript, s.values["kind"]) for s in item.segments
        ]
        for item in ds.items
    }


def test_audino_cvat_keeps_the_speaker_or_reports_it() -> None:
    from audino.formats.options import ExportOptions
    from audino.formats.report import ExportReport
    from tests.formats.test_text_formats import as_input, dataset

    ds, report = dataset(), ExportReport()
    files = list(registry.get("audino-cvat").output_files(ds, ExportOptions(), report))
    back = registry.get("audino-cvat").read(as_input(files))
    speakers = [s.values.get("speaker") for item in back.items for s in item.segments]
    assert speakers == [s.values["speaker"] for item in ds.items for s in item.segments] or (
        not report.empty
    )
