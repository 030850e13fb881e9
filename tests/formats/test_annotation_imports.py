"""Annotation files imported into a project: the authors they name are kept (members
only), `--author` must be a member, recording-level values land on assignments, and the
counts say how many datapoints got annotations."""

from __future__ import annotations

from pathlib import Path

from audino.config import Settings
from audino.db.engine import Database
from audino.formats import registry
from audino.formats.files import InputFile
from audino.formats.options import ExportOptions
from audino.services.imports.bulk import import_annotations
from audino.storage.blobs import BlobStore
from tests import builders
from tests.formats.annotated import dataset
from tests.formats.test_cli_export import data_dir as data_dir  # a fixture
from tests.formats.test_cli_export import run


def test_author_must_be_a_member(data_dir: Path, tmp_path: Path) -> None:
    database = Database(Settings(data_dir=data_dir))
    builders.user(database, "carol")  # exists, not in the project
    database.dispose()
    rttm = tmp_path / "turns.rttm"
    rttm.write_text("SPEAKER call-0 1 2.0 1.0 <NA> <NA> A <NA> <NA>\n")
    args = ["import-project", str(rttm), "-f", "rttm", "--into", "Calls"]
    result = run(data_dir, *args, "--author", "carol")
    assert result.exit_code == 1
    assert "'carol' is not a member of project 'Calls'" in result.output
    result = run(data_dir, *args, "--author", "nobody")
    assert result.exit_code == 1 and "No user named 'nobody'" in result.output
    result = run(data_dir, *args, "--author", "alice")
    assert result.exit_code == 0, result.output
    assert "1 segments and 0 assignments on 1 datapoints" in result.stdout


def test_label_studio_annotations_keep_their_authors(data_dir: Path, tmp_path: Path) -> None:
    exported = tmp_path / "ls.zip"
    assert run(data_dir, "export", "Calls", "-f", "labelstudio", "-o", str(exported)).exit_code == 0
    result = run(data_dir, "import-project", str(exported), "-f", "labelstudio", "--into", "Calls")
    assert result.exit_code == 0, result.output
    assert "2 segments and 0 assignments on 2 datapoints" in result.stdout
    again = tmp_path / "again.csv"
    assert run(data_dir, "export", "Calls", "-f", "csv", "-o", str(again)).exit_code == 0
    rows = again.read_text().splitlines()[1:]
    assert [r.split(",")[8] for r in rows] == ["alice"] * 4  # author column: all alice's


def test_an_annotator_who_is_not_a_member_is_refused(data_dir: Path, tmp_path: Path) -> None:
    database = Database(Settings(data_dir=data_dir))
    builders.user(database, "bob")
    database.dispose()
    tasks = tmp_path / "tasks.json"
    tasks.write_text(
        '[{"data": {"audio": "call-0.wav"}, "annotations": [{"completed_by": {"email": "bob"},'
        ' "result": [{"id": "r", "type": "labels", "from_name": "speaker", "to_name": "audio",'
        ' "value": {"start": 1, "end": 2, "labels": ["A"]}}]}]}]'
    )
    result = run(data_dir, "import-project", str(tasks), "-f", "labelstudio", "--into", "Calls")
    assert result.exit_code == 1
    assert "not members of project 'Calls': 'bob'" in result.output


def test_bulk_annotation_import_counts_the_datapoints(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir)
    database = Database(settings)
    storage = BlobStore(settings.resolved_storage_url, settings.resolved_secret_key())
    lines = [f"SPEAKER call-{i % 2} 1 {i}.0 0.5 <NA> <NA> A <NA> <NA>" for i in range(17)]
    summary = import_annotations(
        database, storage, 1, "\n".join(lines).encode(), filename="all.rttm"
    )
    database.dispose()
    assert (summary["segments"], summary["datapoints"]) == (17, 2)


def test_csv_keeps_authors_and_recording_level_labels() -> None:
    fmt = registry.get("csv")
    files = [
        InputFile(f.path, b"".join(f.chunks)) for f in fmt.output_files(dataset(), ExportOptions())
    ]
    text = files[0].data.decode()
    header = text.splitlines()[0].split(",")
    assert header[-3:] == ["recording:mood", "recording:comment", "attributes"]
    back = fmt.read(files)
    by_name = {it.recording.name: it for it in back.items}
    one = by_name["call one.wav"]
    assert sorted((s.author, s.source, s.start) for s in one.segments) == [
        ("alice", "human", 0.5),
        ("alice", "human", 2.75),
        ("bob", "human", 3.0),
    ]
    assert {a.user: dict(a.values) for a in one.recording.assignments} == {
        "alice": {"mood": "calm", "comment": "fine & ok"},
        "bob": {"mood": "tense"},
    }
    (model,) = by_name["drei.wav"].segments
    assert (model.author, model.source, model.confidence) == (None, "model", 0.75)


def test_imported_ctm_and_webvtt_words_stay_with_their_segments(
    data_dir: Path, tmp_path: Path
) -> None:
    ctm = tmp_path / "words.ctm"
    ctm.write_text("call-0 1 0.20 0.30 hello 0.9\ncall-0 1 0.50 0.25 there\n")
    vtt = tmp_path / "call-1.vtt"
    vtt.write_text("WEBVTT\n\n00:00.100 --> 00:00.900\nso <00:00:00.400>it <00:00:00.600>works\n")
    for path, name in ((ctm, "ctm"), (vtt, "webvtt")):
        args = ["import-project", str(path), "-f", name, "--into", "Calls", "--author", "alice"]
        result = run(data_dir, *args)
        assert result.exit_code == 0, result.output
        assert "1 segments" in result.stdout
    out = tmp_path / "again.ctm"
    assert run(data_dir, "export", "Calls", "-f", "ctm", "-o", str(out)).exit_code == 0
    lines = out.read_text().splitlines()
    assert "call-0 1 0.200 0.300 hello 0.9000" in lines
    assert "call-0 1 0.500 0.250 there" in lines
    assert [line for line in lines if line.split()[4] in ("so", "it")] == [
        "call-1 1 0.100 0.300 so",
        "call-1 1 0.400 0.200 it",
    ]
