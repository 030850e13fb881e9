"""`audino import` learns a dataset folder's layout: folder per label (Speech Commands),
metadata tables beside the audio (Hugging Face AudioFolder) or named on the command line,
and Speech Commands' split lists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from audino.config import Settings
from audino.db.engine import Database
from audino.db.models import Assignment, AuditEvent, Datapoint, Label, User
from audino.services.errors import InvalidInput
from audino.services.imports.layout import Table, learn
from tests.bulk.test_cli_import import data_dir, run
from tests.s3server import tone_wav

__all__ = ["data_dir"]  # the fixture, used by name


def speech_commands(root: Path) -> Path:
    """Speech Commands' layout: a folder per keyword, background noise, split lists."""
    files = {
        "yes/0a7c2a8d_nohash_0.wav": 0,
        "yes/0b09edd3_nohash_0.wav": 1,
        "no/0a7c2a8d_nohash_1.wav": 2,
        "go/0c2ca723_nohash_0.wav": 3,
        "_background_noise_/white_noise.wav": 4,
    }
    for name, seed in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(tone_wav(seed))
    (root / "validation_list.txt").write_text("no/0a7c2a8d_nohash_1.wav\n")
    (root / "testing_list.txt").write_text("go/0c2ca723_nohash_0.wav\n")
    (root / "README.md").write_text("not audio, not read\n")
    return root


def items(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Per imported file: its metadata, and each user's item-level values by label name."""
    database = Database(Settings(data_dir=data_dir))
    try:
        with database.session(write=False) as db:
            labels = {str(label.id): label for label in db.scalars(select(Label))}
            out: dict[str, dict[str, Any]] = {}
            for dp in db.scalars(select(Datapoint)):
                values: dict[str, dict[str, str]] = {}
                for a in db.scalars(select(Assignment).where(Assignment.datapoint_id == dp.id)):
                    user = db.get(User, a.user_id)
                    assert user is not None
                    for label_id, value_id in (a.values or {}).items():
                        label = labels[label_id]
                        value = next(v.value for v in label.values if v.id == value_id)
                        values.setdefault(user.username, {})[label.name] = value
                out[dp.metadata_["import_path"]] = {"metadata": dp.metadata_, "values": values}
            return out
    finally:
        database.dispose()


def test_speech_commands_folders_become_label_values(data_dir: Path, tmp_path: Path) -> None:
    folder = speech_commands(tmp_path / "speech_commands")
    result = run(
        data_dir,
        str(folder),
        "-p",
        "Calls",
        "--folder-label",
        "keyword",
        "--label-author",
        "ann",
    )
    assert result.exit_code == 0, result.output
    assert "5 imported" in result.output
    assert "4 files get a value of the label “keyword” from their folder (3 values)" in (
        result.output
    )
    assert "Speech Commands split lists" in result.output
    found = items(data_dir)
    assert set(found) == {
        "yes/0a7c2a8d_nohash_0.wav",
        "yes/0b09edd3_nohash_0.wav",
        "no/0a7c2a8d_nohash_1.wav",
        "go/0c2ca723_nohash_0.wav",
        "_background_noise_/white_noise.wav",
    }
    assert found["yes/0b09edd3_nohash_0.wav"]["values"] == {"ann": {"keyword": "yes"}}
    assert found["no/0a7c2a8d_nohash_1.wav"]["values"] == {"ann": {"keyword": "no"}}
    assert found["_background_noise_/white_noise.wav"]["values"] == {}
    splits = {name: item["metadata"]["split"] for name, item in found.items()}
    assert splits["no/0a7c2a8d_nohash_1.wav"] == "validation"
    assert splits["go/0c2ca723_nohash_0.wav"] == "test"
    assert splits["yes/0a7c2a8d_nohash_0.wav"] == "train"
    assert found["go/0c2ca723_nohash_0.wav"]["metadata"]["keyword"] == "go"
    database = Database(Settings(data_dir=data_dir))
    with database.session(write=False) as db:
        label = db.scalars(select(Label).where(Label.name == "keyword")).one()
        assert (label.scope, label.kind) == ("datapoint", "single")
        assert [v.value for v in label.values] == ["go", "no", "yes"]
        assert db.scalar(select(AuditEvent.id).where(AuditEvent.action == "label.create"))
    database.dispose()

    # Run again with a new keyword folder: the old files are skipped, the value is added.
    (folder / "stop").mkdir()
    (folder / "stop" / "0d2bcf9d_nohash_0.wav").write_bytes(tone_wav(9))
    again = run(data_dir, str(folder), "-p", "Calls", "--folder-label", "keyword",
                "--label-author", "ann")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "1 imported" in again.output and "5 already there" in again.output
    assert items(data_dir)["stop/0d2bcf9d_nohash_0.wav"]["values"] == {"ann": {"keyword": "stop"}}


def test_audiofolder_metadata_beside_the_audio(data_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "audiofolder"
    for split, names in {"train": ["a.wav", "b.wav"], "test": ["c.wav"]}.items():
        (root / split).mkdir(parents=True)
        for i, name in enumerate(names):
            (root / split / name).write_bytes(tone_wav(10 + len(split) + i))
    (root / "train" / "metadata.csv").write_text(
        "file_name,transcription,speaker_id,score,code\n"
        'a.wav,"hello, world",7,0.5,007\n'
        "b.wav,good morning,12,1,010\n"
    )
    (root / "test" / "metadata.jsonl").write_text(
        json.dumps({"file_name": "c.wav", "transcription": "bye", "tags": ["x", "y"]}) + "\n"
    )
    result = run(data_dir, str(root), "-p", "Calls")
    assert result.exit_code == 0, result.output
    assert "train/metadata.csv: metadata for 2 of 2 rows' files." in result.output
    found = items(data_dir)
    a = found["train/a.wav"]["metadata"]
    assert a["transcription"] == "hello, world" and a["split"] == "train"
    assert a["speaker_id"] == 7 and a["score"] == 0.5  # numeric columns stay numbers
    assert a["code"] == "007"  # a column with leading zeros stays text
    assert found["train/b.wav"]["metadata"]["score"] == 1
    c = found["test/c.wav"]["metadata"]
    assert c["tags"] == ["x", "y"] and c["split"] == "test"
    assert all(item["values"] == {} for item in found.values())  # no folder labels asked for


def test_a_metadata_table_named_on_the_command_line(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "calls"
    (folder / "site1").mkdir(parents=True)
    (folder / "site1" / "owl.wav").write_bytes(tone_wav(20))
    (folder / "site1" / "frog.wav").write_bytes(tone_wav(21))
    table = tmp_path / "sheet.tsv"
    table.write_text("filename\tsite\thabitat\nowl.wav\tA\tforest\nnope.wav\tB\tlake\n")
    result = run(data_dir, str(folder), "-p", "Calls", "--metadata", str(table))
    assert result.exit_code == 0, result.output
    assert "sheet.tsv: metadata for 1 of 2 rows' files." in result.output
    found = items(data_dir)
    assert found["site1/owl.wav"]["metadata"]["habitat"] == "forest"
    assert "habitat" not in found["site1/frog.wav"]["metadata"]


def test_bad_layouts_are_refused_before_any_file(data_dir: Path, tmp_path: Path) -> None:
    folder = speech_commands(tmp_path / "sc")
    table = tmp_path / "bad.csv"
    table.write_text("speaker,age\nann,30\n")
    bad = run(data_dir, str(folder), "-p", "Calls", "--metadata", str(table))
    assert bad.exit_code == 2 and "has no column naming the audio file" in bad.output
    stranger = run(data_dir, str(folder), "-p", "Calls", "--folder-label", "keyword",
                   "--label-author", "zed")  # fmt: skip
    assert stranger.exit_code == 2 and "zed" in stranger.output
    lonely = run(data_dir, str(folder), "-p", "Calls", "--label-author", "ann")
    assert lonely.exit_code == 2 and "--folder-label" in lonely.output
    assert items(data_dir) == {}  # nothing imported by any of them, no label made
    database = Database(Settings(data_dir=data_dir))
    with database.session(write=False) as db:
        assert db.scalars(select(Label)).all() == []
    database.dispose()


def test_learn_reports_rows_it_cannot_place() -> None:
    names = ["a/x.wav", "b/x.wav", "b/y.wav"]
    layout = learn(names, [Table("m.csv", "", b"file,n\nx.wav,1\ny.wav,2\nb/x.wav,3\n")])
    # "x.wav" names two files: not guessed; "y.wav" is unique; "b/x.wav" is a path.
    assert layout.metadata == {"b/y.wav": {"n": 2}, "b/x.wav": {"n": 3}}
    assert layout.unmatched == 1
    with pytest.raises(InvalidInput, match="line 2: not JSON"):
        learn(names, [Table("m.jsonl", "", b'{"file": "a/x.wav"}\n{oops\n')])
    with pytest.raises(InvalidInput, match="more cells than the header"):
        learn(names, [Table("m.csv", "", b"file,n\na/x.wav,1,2\n")])
