"""The export dialog: a format's options, a job with a progress bar, then a download."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import orjson

from tests.conftest import SPEECH
from tests.web.conftest import ADMIN, Server, login, shoot

MANIFEST = [orjson.loads(line) for line in (SPEECH / "manifest.jsonl").read_bytes().splitlines()]


def _speech_project(server: Server) -> int:
    """Three speech fixtures, each segment transcribed and given speaker A or B."""
    with server.api() as api:
        pid = int(api.post("/api/projects", json={"name": "Voices"}).json()["id"])
        label = api.post(
            f"/api/projects/{pid}/labels",
            json={"name": "speaker", "kind": "single", "values": [{"value": "A"}, {"value": "B"}]},
        ).json()
        values = [v["id"] for v in label["values"]]
        for entry in MANIFEST[:3]:
            clip = SPEECH / entry["file"]
            r = api.post(
                f"/api/projects/{pid}/datapoints", files={"file": (clip.name, clip.read_bytes())}
            )
            r.raise_for_status()
            dp = r.json()["datapoint"]["id"]
            for k, seg in enumerate(entry["segments"]):
                body = {
                    "start": seg["start"],
                    "end": seg["end"],
                    "transcript": seg["text"],
                    "values": {str(label["id"]): values[k % 2]},
                }
                api.post(f"/api/datapoints/{dp}/segments", json=body).raise_for_status()
    return pid


def _export(page: Any, format_name: str) -> bytes:
    page.get_by_label("Format", exact=True).select_option(format_name)
    page.get_by_role("button", name="Export", exact=True).click()
    download_link = page.get_by_role("link", name="Download")
    download_link.wait_for(timeout=30_000)
    with page.expect_download() as info:
        download_link.click()
    return Path(info.value.path()).read_bytes()


def test_export_dialog_runs_a_job_and_downloads_the_zip(server: Server, new_page: Any) -> None:
    pid = _speech_project(server)
    page = new_page(accept_downloads=True)
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{pid}/manage/export")
    page.get_by_label("Format", exact=True).wait_for()

    # Options follow the format: TextGrid has speakers but no audio or splits.
    page.get_by_label("Format", exact=True).select_option("textgrid")
    page.get_by_label("Speaker label", exact=True).wait_for()
    assert page.get_by_label("Sample rate", exact=True).count() == 0
    assert page.get_by_label("Splits", exact=True).count() == 0
    assert "TextGrid" in page.locator("#export-format-about").inner_text()

    grids = _export(page, "textgrid")
    with zipfile.ZipFile(io.BytesIO(grids)) as zf:
        names = sorted(zf.namelist())
        first = f"{MANIFEST[0]['file'].rsplit('.', 1)[0]}.TextGrid"
        text = zf.read(first).decode("utf-8")
    assert names == sorted(f"{e['file'].rsplit('.', 1)[0]}.TextGrid" for e in MANIFEST[:3])
    assert '"IntervalTier"' in text and MANIFEST[0]["segments"][0]["text"] in text

    # LibriSpeech cuts clips: choose 8 kHz WAV and a speaker-stable split.
    page.get_by_label("Format", exact=True).select_option("librispeech")
    page.get_by_label("Sample rate", exact=True).select_option("8000")
    page.get_by_label("Codec", exact=True).select_option("wav")
    page.get_by_label("Splits", exact=True).fill("train=0.5,test=0.5")
    page.get_by_label("Split by", exact=True).select_option("speaker")
    shoot(page, "export-dialog-librispeech")
    corpus = _export(page, "librispeech")
    with zipfile.ZipFile(io.BytesIO(corpus)) as zf:
        names = zf.namelist()
        clips = [n for n in names if n.endswith(".wav")]
        transcripts = "".join(zf.read(n).decode() for n in names if n.endswith(".trans.txt"))
        header = zf.read(clips[0])[:44]
    assert len(clips) == 6 and not any(n.endswith(".flac") for n in names)
    assert int.from_bytes(header[24:28], "little") == 8000  # the WAV's sample rate
    assert MANIFEST[0]["segments"][0]["text"].upper() in transcripts
    assert {n.split("/")[0] for n in clips} <= {"train-clean-100", "test-clean"}
    shoot(page, "export-dialog-done")
    assert page.js_errors == []
