"""Dataset formats over the API: zips and single files out, annotation files back in."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from audino.services import projects
from audino.services.labels import schema as labels
from tests import builders
from tests.conftest import SPEECH, AppEnv, Factory


def speech_project(env: AppEnv, factory: Factory, name: str = "Speech") -> int:
    """The shared speech fixtures as datapoints, each segment transcribed by alice and
    spoken by speaker A or B."""
    if name == "Speech":
        factory.user("alice")
    pid = factory.project(name, alice="annotator")["id"]
    with env.database.session() as db:
        labels.create_label(
            db,
            projects.get_project(db, pid),
            name="speaker",
            kind="single",
            values=[{"value": "A"}, {"value": "B"}],
        )
    label_id, value_ids = builders.label_ids(env.database, pid)["speaker"]
    with env.database.session() as db:
        from sqlalchemy import select

        from audino.db.models import User

        alice = db.scalar(select(User.id).where(User.username == "alice"))
    for entry in builders.speech_manifest()[:3]:
        dp = builders.datapoint(
            env.database,
            env.storage,
            pid,
            entry["file"],
            content=(SPEECH / entry["file"]).read_bytes(),
            duration=entry["duration"],
            sample_rate=16000,
            codec="flac",
            container="flac",
        )
        specs = [
            {
                "start": s["start"],
                "end": s["end"],
                "transcript": s["text"],
                "values": {str(label_id): value_ids["AB"[k]]},
            }
            for k, s in enumerate(entry["segments"])
        ]
        builders.segments(env.database, dp, alice, specs)
    return int(pid)


def get(client: Any, pid: int, **params: Any) -> Any:
    r = client.get(f"/api/projects/{pid}/export", params=params)
    assert r.status_code == 200, r.text
    return r


def test_formats_listed_with_download_shape(app_env: AppEnv, admin: Any) -> None:
    r = admin.get("/api/formats")
    formats = {f["name"]: f for f in r.json()}
    assert formats["rttm"]["multi_file"] and formats["rttm"]["extension"] == ".zip"
    assert formats["rttm"]["can_import"] and formats["rttm"]["matches_files"]
    assert formats["csv"]["media_type"] == "text/csv" and not formats["csv"]["multi_file"]
    assert formats["kaldi"]["audio"]
    assert formats["kaldi"]["genders"] and formats["kaldi"]["audio_root"]
    assert formats["tedlium"]["genders"] and not formats["tedlium"]["audio_root"]
    assert not formats["rttm"]["genders"]


def test_text_exports(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    pid = speech_project(app_env, factory)
    r = get(admin, pid, format="rttm")
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"].endswith("Speech-rttm.zip")
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        rttm = zf.read("all.rttm").decode().splitlines()
    assert rttm[0] == "SPEAKER en_us_1 1 0.700 2.433 <NA> <NA> A <NA> <NA>"
    r = get(admin, pid, format="csv")
    assert r.headers["content-type"].startswith("text/csv")
    assert "the birch canoe slid on the smooth planks" in r.text


def test_kaldi_export_carries_audio(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    pid = speech_project(app_env, factory)
    r = get(admin, pid, format="kaldi")
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = zf.namelist()
        assert "wav/en_us_1.wav" in names and "segments" in names
        wav = zf.read("wav/en_us_1.wav")
    assert wav[:4] == b"RIFF"
    assert 7.4 * 32000 < len(wav) < 7.5 * 32000  # 16 kHz mono 16-bit
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert zf.read("wav.scp").decode().splitlines()[0] == "de_1 wav/de_1.wav"
    # Told where the zip will be unpacked, wav.scp paths are absolute: lhotse and Kaldi
    # recipes then find the audio from any working directory.
    r = get(admin, pid, format="kaldi", audio_root="/corpora/speech/")
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        scp = zf.read("wav.scp").decode().splitlines()
    assert scp[0] == "de_1 /corpora/speech/wav/de_1.wav" and len(scp) == 3


def test_bad_options_are_4xx(app_env: AppEnv, factory: Factory, admin: Any) -> None:
    pid = speech_project(app_env, factory)
    for params in (
        {"codec": "aac"},
        {"splits": "train=x"},
        {"speaker_label": "nope"},
        {"gender_label": "nope"},
        {"audio_root": "not/absolute"},
        {"sample_rate": 1},
        {"split_by": "day"},
    ):
        r = admin.get(f"/api/projects/{pid}/export", params={"format": "kaldi", **params})
        assert r.status_code in (400, 404, 422), (params, r.text)


def test_rttm_imports_as_predictions_matched_by_name(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    pid = speech_project(app_env, factory)
    rttm = "SPEAKER en_us_1 1 0.50 1.00 <NA> <NA> C <NA> <NA>\n"
    rttm += "SPEAKER de_1 1 2.00 0.50 <NA> <NA> A <NA> <NA>\n"
    url = f"/api/projects/{pid}/import"
    r = admin.post(
        url,
        params={"format": "rttm", "filename": "x.rttm", "create_labels": False},
        content=rttm.encode(),
    )
    assert r.status_code == 422 and "'C'" in r.json()["detail"]
    r = admin.post(url, params={"format": "rttm", "filename": "x.rttm"}, content=rttm.encode())
    assert r.status_code == 200, r.text
    assert r.json()["segments"] == 2 and r.json()["labels_created"] == 0
    lines = get(admin, pid, format="csv").text.splitlines()
    imported = [line for line in lines if ",import," in line]
    assert len(imported) == 2 and any(",C," in line for line in imported)
    r = admin.post(
        url,
        params={"format": "rttm", "filename": "x.rttm", "author": "alice"},
        content=b"SPEAKER fr_1 1 1 1 <NA> <NA> A <NA> <NA>\n",
    )
    assert r.status_code == 422 and "fr_1" in r.json()["detail"]  # not in the project


def test_textgrid_zip_round_trip_through_the_api(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    pid = speech_project(app_env, factory)
    grids = get(admin, pid, format="textgrid").content
    other = speech_project(app_env, factory, "Again")
    r = admin.post(
        f"/api/projects/{other}/import",
        params={"format": "textgrid", "filename": "grids.zip", "author": "alice"},
        content=grids,
    )
    assert r.status_code == 200, r.text
    assert r.json()["segments"] == 6
    rows = [line for line in get(admin, other, format="csv").text.splitlines()[1:]]
    assert len(rows) == 12  # the builder's six and the imported six, by alice
    # A TextGrid cut short is refused, saying so, and nothing of it is imported.
    with zipfile.ZipFile(io.BytesIO(grids)) as zf:
        grid = zf.read(zf.namelist()[0])
    cut = grid[: grid.rindex(b"intervals [")]
    r = admin.post(
        f"/api/projects/{other}/import",
        params={"format": "textgrid", "filename": "en_us_1.TextGrid", "author": "alice"},
        content=cut,
    )
    assert r.status_code == 422 and "ends early" in r.json()["detail"], r.text
    assert len(get(admin, other, format="csv").text.splitlines()[1:]) == 12


def test_unparseable_file_is_a_422_with_the_line(
    app_env: AppEnv, factory: Factory, admin: Any
) -> None:
    pid = speech_project(app_env, factory)
    r = admin.post(
        f"/api/projects/{pid}/import",
        params={"format": "audacity"},
        files={"file": ("en_us_1.txt", b"0.5\t1\tx\n0.5\tnope\ty\n")},
    )
    assert r.status_code == 422
    assert r.json()["line"] == 2 and "line 2" in r.json()["detail"]
