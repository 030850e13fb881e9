"""Every `audino export` option reaches the export: for each one, the CLI writes the same
bytes as the API's streamed export given the same choice, and not the bytes it writes
without it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import typer.main
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from audino.api.app import create_app
from audino.cli import app
from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import upgrade
from audino.formats import registry
from audino.formats.selection import PREDICTIONS_LEFT_OUT
from audino.services import projects
from audino.services.bootstrap import ensure_admin
from audino.services.exports.options import OPTION_FIELDS
from audino.services.labels import schema as labels
from audino.storage.blobs import BlobStore
from tests import builders
from tests.conftest import SPEECH

runner = CliRunner()
ADMIN = ("admin", "admin-password-1")


@dataclass
class Instance:
    data_dir: Path
    api: TestClient
    project_id: int


def _label(database: Database, pid: int, name: str, values: list[str]) -> None:
    with database.session() as db:
        labels.create_label(
            db,
            projects.get_project(db, pid),
            name=name,
            kind="single",
            values=[{"value": v} for v in values],
        )


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Instance]:
    """Project "Calls" on the speech fixtures: four datapoints in different states, each
    transcribed by alice (speaker A, who X or Y, a voice female, Male or other) and the
    first also by bob (one segment left untranscribed), the second with a model's
    prediction, so that every option changes what is exported."""
    data = tmp_path / "data"
    monkeypatch.setenv("AUDINO_DATA_DIR", str(data))
    settings = Settings(data_dir=data, admin_username=ADMIN[0], admin_password=ADMIN[1])
    database = Database(settings)
    upgrade(database.engine)
    ensure_admin(database, settings)
    storage = BlobStore(settings.resolved_storage_url, settings.resolved_secret_key())
    pid = builders.project(database, "Calls")
    _label(database, pid, "speaker", ["A", "B"])
    _label(database, pid, "who", ["X", "Y"])
    _label(database, pid, "voice", ["female", "Male", "other"])  # found by --gender-label
    ids = builders.label_ids(database, pid)
    alice, bob = builders.user(database, "alice"), builders.user(database, "bob")
    for user in (alice, bob):
        builders.member(database, pid, user, "annotator")
    manifest = builders.speech_manifest()[:4]
    for i, entry in enumerate(manifest):
        status = ("done", "todo", "done", "in_progress")[i]
        dp = builders.datapoint(
            database, storage, pid, entry["file"],
            content=(SPEECH / entry["file"]).read_bytes(), duration=entry["duration"],
            sample_rate=16000, codec="flac", container="flac", status=status,
            metadata={"language": entry["voice"].split("-")[0].split("+")[0]},
        )  # fmt: skip
        builders.assignment(database, dp, alice, status=status)

        def values(who: str, voice: str) -> dict[str, int]:
            return {
                str(ids["speaker"][0]): ids["speaker"][1]["A"],
                str(ids["who"][0]): ids["who"][1][who],
                str(ids["voice"][0]): ids["voice"][1][voice],
            }

        specs = [
            {"start": s["start"], "end": s["end"], "transcript": s["text"],
             "values": values("XY"[(i + k) % 2], ("female", "Male", "other")[i % 3])}
            for k, s in enumerate(entry["segments"])
        ]  # fmt: skip
        builders.segments(database, dp, alice, specs)
        if i == 0:
            builders.assignment(database, dp, bob, status="in_progress")
            other = [
                {"start": 1.0, "end": 2.0, "transcript": "bob was here"},
                {"start": 3.0, "end": 3.5, "transcript": ""},  # drawn, never transcribed
            ]
            builders.segments(database, dp, bob, other)
        if i == 1:  # a model's prediction, left out unless asked for
            prediction = {"start": 0.25, "end": 1.5, "source": "model", "model": "vad-webrtc",
                          "model_version": "1.0", "confidence": 0.9}  # fmt: skip
            builders.segments(database, dp, None, [prediction])
    client = TestClient(create_app(settings, database), raise_server_exceptions=False)
    r = client.post("/api/auth/login", json={"username": ADMIN[0], "password": ADMIN[1]})
    assert r.status_code == 200, r.text
    try:
        yield Instance(data, client, pid)
    finally:
        client.close()
        database.dispose()


def cli_export(instance: Instance, folder: Path, fmt: str, args: list[str]) -> bytes:
    """The CLI's file: a zip for a multi-file format, as the API sends it."""
    target = folder / f"out-{len(list(folder.iterdir()))}{registry.get(fmt).download_extension}"
    command = ["export", "Calls", "-f", fmt, "-o", str(target), *args]
    result = runner.invoke(app, [*command, "--data-dir", str(instance.data_dir)])
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def api_export(instance: Instance, fmt: str, params: dict[str, Any]) -> bytes:
    r = instance.api.get(
        f"/api/projects/{instance.project_id}/export", params={"format": fmt, **params}
    )
    assert r.status_code == 200, r.text
    return r.content


# option -> (format, CLI arguments, API parameters, the baseline's CLI arguments)
CASES: dict[str, tuple[str, list[str], dict[str, Any], list[str]]] = {
    "status": ("csv", ["--status", "done"], {"status": "done"}, []),
    "author": ("csv", ["--author", "bob"], {"author": "bob"}, []),
    "one_annotator": ("csv", ["--one-annotator"], {"one_annotator": "true"}, []),
    "speaker_label": ("rttm", ["--speaker-label", "who"], {"speaker_label": "who"}, []),
    "gender_label": ("kaldi", ["--gender-label", "voice"], {"gender_label": "voice"}, []),
    "audio_root": ("kaldi", ["--audio-root", "/data/calls"], {"audio_root": "/data/calls"}, []),
    "splits": ("librispeech", ["--splits", "train=1,test=1"], {"splits": "train=1,test=1"}, []),
    "split_by": (
        "librispeech",
        ["--splits", "train=1,test=1", "--split-by", "speaker"],
        {"splits": "train=1,test=1", "split_by": "speaker"},
        ["--splits", "train=1,test=1"],
    ),
    "sample_rate": ("librispeech", ["--sample-rate", "8000"], {"sample_rate": 8000}, []),
    "channels": ("librispeech", ["--channels", "2"], {"channels": 2}, []),
    "codec": ("librispeech", ["--codec", "wav"], {"codec": "wav"}, []),
    "locale": ("commonvoice", ["--locale", "xx"], {"locale": "xx"}, []),
    "predictions": ("csv", ["--predictions", "include"], {"predictions": "include"}, []),
}


def test_every_export_option_has_a_cli_option_and_a_case() -> None:
    command = typer.main.get_command(app)
    export = command.commands["export"]  # type: ignore[attr-defined]
    names = {p.name for p in export.params}
    assert set(OPTION_FIELDS) <= names
    assert set(CASES) == {*OPTION_FIELDS, "status", "author"}


@pytest.mark.parametrize("option", sorted(CASES))
def test_the_cli_option_reaches_the_export(option: str, instance: Instance, tmp_path: Path) -> None:
    fmt, args, params, baseline = CASES[option]
    out = tmp_path / "exports"
    out.mkdir()
    got = cli_export(instance, out, fmt, args)
    assert got == api_export(instance, fmt, params)
    assert got != cli_export(instance, out, fmt, baseline), f"--{option} changed nothing"


def test_the_cli_says_what_the_format_could_not_carry(instance: Instance, tmp_path: Path) -> None:
    """On stderr, the one place a single-file format can say it; a folder also gets the
    report as a file."""
    where = ["--data-dir", str(instance.data_dir)]
    ctm = tmp_path / "words.ctm"
    result = runner.invoke(app, ["export", "Calls", "-f", "ctm", "-o", str(ctm), *where])
    assert result.exit_code == 0, result.output
    assert "Not carried: 1 segment skipped: no transcript." in result.stderr
    estimated = sum(1 for line in ctm.read_text().splitlines() if line.endswith(" 0.0000"))
    assert f"Not carried: {estimated} CTM words with estimated times" in result.stderr
    folder = tmp_path / "kaldi"
    result = runner.invoke(app, ["export", "Calls", "-f", "kaldi", "-o", str(folder), *where])
    assert result.exit_code == 0, result.output
    assert "Not carried: 1 segment skipped: no transcript." in result.stderr
    report = orjson.loads((folder / "export-report.json").read_bytes())
    assert report["segments_skipped"] == {"no transcript": 1, PREDICTIONS_LEFT_OUT: 1}
    assert f"Not carried: 1 segment skipped: {PREDICTIONS_LEFT_OUT}." in result.stderr
    args = ["export", "Calls", "-f", "rttm", "-o", "-", "--predictions", "include", *where]
    result = runner.invoke(app, args)
    # Every segment is in it (predictions too); only the transcripts had no place.
    assert result.exit_code == 0 and "skipped" not in result.stderr
    assert "left out: transcripts with no place in RTTM" in result.stderr
