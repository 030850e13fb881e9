"""The export dialog: a format's options, then one click runs the job and downloads its file."""

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


def _export(page: Any, format_name: str | None = None) -> bytes:
    """One click on the button: the file arrives when the job is done, with no second click."""
    if format_name is not None:
        page.get_by_label("Format", exact=True).select_option(format_name)
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Export and download", exact=True).click()
    page.get_by_role("link", name="Download again").wait_for()
    return Path(info.value.path()).read_bytes()


def test_the_dialog_starts_with_the_native_format_and_one_click_downloads_it(
    server: Server, new_page: Any
) -> None:
    pid = _speech_project(server)
    page = new_page(accept_downloads=True)
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{pid}/manage/export")
    fmt = page.get_by_label("Format", exact=True)
    fmt.locator("option").first.wait_for(state="attached")
    assert fmt.input_value() == "audino"
    assert "Native audino JSON" in page.locator("#export-format-about").inner_text()
    shoot(page, "export-dialog-default")

    # While the job runs the dialog shows its progress: the job is reported at 40 % until the
    # test has looked, then as the server has it (done), and the file arrives by itself.
    held = {"release": False}

    def hold(route: Any) -> None:
        response = route.fetch()
        job = response.json()
        if not held["release"]:
            job.update(status="running", progress=0.4, message="Writing datapoint 2 of 3")
        route.fulfill(response=response, json=job)

    page.route("**/api/jobs/*", hold)
    button = page.get_by_role("button", name="Exporting…")
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Export and download", exact=True).click()
        bar = page.get_by_role("progressbar", name="Export progress")
        bar.wait_for()
        assert bar.get_attribute("aria-valuenow") == "40"
        assert button.is_disabled()
        page.get_by_text("40% · Writing datapoint 2 of 3").wait_for()
        shoot(page, "export-dialog-progress")
        held["release"] = True
    page.get_by_role("link", name="Download again").wait_for()
    doc = orjson.loads(Path(info.value.path()).read_bytes())
    assert doc["format"] == "audino" and doc["project"]["name"] == "Voices"
    assert len(doc["datapoints"]) == 3
    assert page.get_by_role("button", name="Export and download").is_enabled()
    shoot(page, "export-dialog-downloaded")
    assert page.js_errors == []


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


def test_the_dialog_says_what_the_format_could_not_carry(server: Server, new_page: Any) -> None:
    pid = _speech_project(server)
    with server.api() as api:
        dp = api.get(f"/api/projects/{pid}/datapoints").json()["items"][0]["id"]
        for k in range(2):  # drawn but never transcribed: CTM has no words for them
            body = {"start": 0.02 * k, "end": 0.02 * k + 0.01}
            api.post(f"/api/datapoints/{dp}/segments", json=body).raise_for_status()
    page = new_page(accept_downloads=True)
    login(page, server, *ADMIN)
    page.goto(f"{server.url}/projects/{pid}/manage/export")
    page.get_by_label("Format", exact=True).locator("option").first.wait_for(state="attached")

    ctm = _export(page, "ctm").decode()
    estimated = sum(1 for line in ctm.splitlines() if line.endswith(" 0.0000"))
    report = page.get_by_role("status", name="Not carried")
    report.wait_for()
    text = report.inner_text()
    assert "Not carried by ctm:" in text
    assert "2 segments skipped: no transcript" in text
    assert f"{estimated} CTM words with estimated times (confidence 0.0000)" in text
    assert "writes one file" in text  # CTM's one file cannot hold the report
    shoot(page, "export-dialog-report")

    # A multi-file export says where its zip holds the same report. Kaldi also takes a
    # gender label and the folder it will be unpacked into (absolute wav.scp paths).
    page.get_by_label("Format", exact=True).select_option("kaldi")
    page.get_by_label("Gender label", exact=True).wait_for()
    page.get_by_label("Audio folder", exact=True).fill("/data/voices")
    kaldi = _export(page, "kaldi")
    with zipfile.ZipFile(io.BytesIO(kaldi)) as zf:
        scp = zf.read("wav.scp").decode().splitlines()
    assert scp and all(line.split(" ", 1)[1].startswith("/data/voices/wav/") for line in scp)
    report.get_by_text("export-report.json").wait_for()
    assert "2 segments skipped: no transcript" in report.inner_text()
    # An export that lost nothing shows no report.
    _export(page, "eaf")
    assert report.count() == 0
    assert page.js_errors == []
