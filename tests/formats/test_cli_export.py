"""`audino export` and `audino import-project` on a data dir, with typer's CliRunner."""

from __future__ import annotations

import zipfile
from pathlib import Path

import orjson
import pytest
from click.testing import Result
from typer.testing import CliRunner

from audino.cli import app
from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import upgrade
from audino.services import projects
from audino.services.labels import schema as labels
from audino.storage.blobs import BlobStore
from tests import builders

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir holding project "Calls": two datapoints, a label, segments by alice."""
    monkeypatch.setenv("AUDINO_DATA_DIR", str(tmp_path))  # the CLI sets it; restore after
    settings = Settings(data_dir=tmp_path)
    database = Database(settings)
    upgrade(database.engine)
    storage = BlobStore(settings.resolved_storage_url, settings.resolved_secret_key())
    pid = builders.project(database, "Calls")
    with database.session() as db:
        labels.create_label(
            db,
            projects.get_project(db, pid),
            name="speaker",
            kind="single",
            values=[{"value": "A"}, {"value": "B"}],
        )
    (label_id, value_ids) = builders.label_ids(database, pid)["speaker"]
    alice = builders.user(database, "alice")
    builders.member(database, pid, alice, "annotator")
    for i, status in enumerate(("done", "todo")):
        dp = builders.datapoint(database, storage, pid, f"call-{i}.wav", status=status)
        builders.assignment(database, dp, alice, status=status)
        values = {str(label_id): value_ids["A"]}
        builders.segments(
            database,
            dp,
            alice,
            [{"start": 0.0, "end": 1.0, "transcript": "नमस्ते", "values": values}],
        )
    database.dispose()
    return tmp_path


def run(data_dir: Path, *args: str) -> Result:
    return runner.invoke(app, [*args, "--data-dir", str(data_dir)])


def test_list_formats(data_dir: Path) -> None:
    result = run(data_dir, "export", "--list-formats")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("audino\texport, import\t") for line in lines)
    assert any(line.startswith("audino-v1\texport, import into a project\t") for line in lines)


def test_export_to_file_and_stdout(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run(data_dir, "export", "Calls", "--format", "audino", "-o", str(target))
    assert result.exit_code == 0, result.output
    doc = orjson.loads(target.read_bytes())
    assert [dp["name"] for dp in doc["datapoints"]] == ["call-0.wav", "call-1.wav"]
    assert doc["datapoints"][0]["segments"][0]["values"] == {"speaker": "A"}
    assert not list(tmp_path.glob("*.partial"))
    result = run(data_dir, "export", "Calls", "-f", "audino-v1", "-o", "-", "--status", "done")
    assert result.exit_code == 0
    entries = orjson.loads(result.stdout_bytes)
    assert [e["original_filename"] for e in entries] == ["call-0.wav"]
    assert entries[0]["segmentations"][0]["transcription"] == "नमस्ते"
    result = run(data_dir, "export", "Calls", "-o", "-", "--author", "alice")
    assert result.exit_code == 0


def test_export_errors(data_dir: Path) -> None:
    result = run(data_dir, "export", "Nope", "-o", "-")
    assert result.exit_code == 1 and "No project named 'Nope'" in result.output
    result = run(data_dir, "export", "Calls", "--format", "kaldi-xyz", "-o", "-")
    assert result.exit_code == 1 and "Unknown format" in result.output
    result = run(data_dir, "export", "Calls", "--author", "nobody", "-o", "-")
    assert result.exit_code == 1 and "nobody" in result.output
    result = run(data_dir, "export")
    assert result.exit_code == 1


def test_import_project_round_trip(data_dir: Path, tmp_path: Path) -> None:
    exported = tmp_path / "calls.json"
    assert run(data_dir, "export", "1", "-o", str(exported)).exit_code == 0
    result = run(data_dir, "import-project", str(exported), "--name", "Calls again")
    assert result.exit_code == 0, result.output
    assert "Imported project 'Calls again'" in result.stdout
    assert "2 datapoints, 2 segments, 2 assignments" in result.stdout
    again = tmp_path / "again.json"
    assert run(data_dir, "export", "Calls again", "-o", str(again)).exit_code == 0
    a, b = orjson.loads(exported.read_bytes()), orjson.loads(again.read_bytes())
    for doc in (a, b):
        doc["project"].pop("name")
        for dp in doc["datapoints"]:
            dp.pop("id")
            for seg in dp["segments"]:
                seg.pop("id")
    assert a == b


def test_import_project_errors(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "audino",\n"version": }')
    result = run(data_dir, "import-project", str(bad))
    assert result.exit_code == 1 and "line 2" in result.output
    exported = tmp_path / "calls.json"
    run(data_dir, "export", "Calls", "-o", str(exported))
    result = run(data_dir, "import-project", str(exported))
    assert result.exit_code == 1 and "already exists" in result.output
    doc = orjson.loads(exported.read_bytes())
    doc["datapoints"][0]["storage_key"] = "zz/missing.wav"
    doc["datapoints"][0]["segments"][0]["author"] = "ghost"
    bad.write_bytes(orjson.dumps(doc))
    result = run(data_dir, "import-project", str(bad), "--name", "X")
    assert result.exit_code == 1 and "call-0.wav" in result.output
    result = run(
        data_dir, "import-project", str(bad), "--name", "X", "--metadata-only", "--create-users"
    )
    assert result.exit_code == 0, result.output
    assert "ghost" in result.output and "1 datapoints have no audio" in result.output


def test_import_v1_into_a_project(data_dir: Path, tmp_path: Path) -> None:
    v1 = tmp_path / "calls-v1.json"
    assert run(data_dir, "export", "Calls", "-f", "audino-v1", "-o", str(v1)).exit_code == 0
    result = run(data_dir, "import-project", str(v1), "-f", "audino-v1")
    assert result.exit_code == 1 and "into the project" in result.output
    result = run(data_dir, "import-project", str(v1), "-f", "audino-v1", "--into", "Nope")
    assert result.exit_code == 1 and "No project named 'Nope'" in result.output
    result = run(data_dir, "import-project", str(v1), "-f", "audino-v1", "--into", "Calls")
    assert result.exit_code == 0, result.output
    assert "Imported into project 'Calls'" in result.stdout
    assert "2 segments and 0 assignments on 2 datapoints" in result.stdout


def test_list_formats_names_every_format(data_dir: Path) -> None:
    result = run(data_dir, "export", "--list-formats")
    names = {line.split("\t")[0] for line in result.stdout.splitlines()}
    assert names == set(
        [
            "audino",
            "audino-v1",
            "audino-cvat",
            "commonvoice",
            "librispeech",
            "voxpopuli",
            "tedlium",
            "voxceleb",
            "vctk",
            "librivox",
            "kaldi",
            "nemo",
            "audiofolder",
            "rttm",
            "ctm",
            "textgrid",
            "eaf",
            "audacity",
            "raven",
            "webvtt",
            "srt",
            "csv",
            "labelstudio",
            "prodigy",
        ]
    )
    assert any(
        line.startswith("rttm\texport, import into a project\t")
        for line in result.stdout.splitlines()
    )
    assert any(line.startswith("librispeech\texport\t") for line in result.stdout.splitlines())


def test_multi_file_export_to_a_folder_or_a_zip(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "grids"
    result = run(data_dir, "export", "Calls", "-f", "textgrid", "-o", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["call-0.TextGrid", "call-1.TextGrid"]
    assert "Exporting" in result.stderr
    archive = tmp_path / "calls.zip"
    result = run(
        data_dir, "export", "Calls", "-f", "rttm", "-o", str(archive), "--speaker-label", "speaker"
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as zf:
        rttm = zf.read("all.rttm").decode()
    assert rttm.splitlines()[0] == "SPEAKER call-0 1 0.000 1.000 <NA> <NA> A <NA> <NA>"
    result = run(data_dir, "export", "Calls", "-f", "csv", "-o", "-")
    assert result.exit_code == 0 and "नमस्ते" in result.stdout
    result = run(data_dir, "export", "Calls", "-f", "kaldi", "-o", "-", "--splits", "x=")
    assert result.exit_code == 1 and "bad split" in result.output
    result = run(data_dir, "export", "Calls", "-f", "kaldi", "-o", "-", "--codec", "aac")
    assert result.exit_code == 1 and "codec" in result.output


def test_import_annotation_files_into_a_project(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "grids"
    assert run(data_dir, "export", "Calls", "-f", "textgrid", "-o", str(folder)).exit_code == 0
    result = run(
        data_dir,
        "import-project",
        str(folder),
        "-f",
        "textgrid",
        "--into",
        "Calls",
        "--author",
        "alice",
    )
    assert result.exit_code == 0, result.output
    assert "2 segments and 0 assignments on 2 datapoints" in result.stdout
    rttm = tmp_path / "more.rttm"
    rttm.write_text("SPEAKER call-1 1 2.0 1.0 <NA> <NA> Z <NA> <NA>\n")
    result = run(
        data_dir, "import-project", str(rttm), "-f", "rttm", "--into", "Calls", "--no-create-labels"
    )
    assert result.exit_code == 1 and "'Z'" in result.output
    result = run(data_dir, "import-project", str(rttm), "-f", "rttm", "--into", "Calls")
    assert result.exit_code == 0, result.output
    rttm.write_text("SPEAKER call-1 1 2.0\n")
    result = run(data_dir, "import-project", str(rttm), "-f", "rttm", "--into", "Calls")
    assert result.exit_code == 1 and "line 1" in result.output
