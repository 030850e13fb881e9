"""Models in the browser: a manager turns VAD at ingest on in the project settings, a
10-minute conversation is uploaded, and its annotator finds predicted speech regions drawn
apart from her work; she accepts most with one key, fixes two, rejects one, completes; the
export holds only the work she accepted."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
from playwright.sync_api import expect

from tests.conftest import SPEECH
from tests.web.conftest import Server, annotated_project, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
READY = '[data-testid=waveform][data-ready="true"]'


def conversation(path: Path, minutes: float = 10.0, rate: int = 16000) -> list[tuple[float, float]]:
    """The speech fixtures one after another with pauses, to `minutes`; the speech spans."""
    manifest = {
        row["file"]: row["segments"]
        for row in map(json.loads, (SPEECH / "manifest.jsonl").read_text().splitlines())
    }
    clips = []
    for flac in sorted(SPEECH.glob("*.flac")):
        samples, sr = soundfile.read(flac, dtype="float32", always_2d=True)
        assert sr == rate
        clips.append((samples.mean(axis=1), manifest[flac.name]))
    out: list[np.ndarray] = []
    spans: list[tuple[float, float]] = []
    t, k = 0.0, 0
    while t < minutes * 60 - 10:
        clip, said = clips[k % len(clips)]
        pause = np.zeros(int(rate * (1.5 + (k % 3) * 0.5)), np.float32)
        out += [clip, pause]
        spans += [(t + u["start"], t + u["end"]) for u in said]
        t += (len(clip) + len(pause)) / rate
        k += 1
    audio = np.concatenate(out)
    buffer = io.BytesIO()
    soundfile.write(buffer, audio, rate, format="FLAC")
    path.write_bytes(buffer.getvalue())
    return spans


def _predictions(api: Any, dp: int) -> list[dict[str, Any]]:
    r = api.get(f"/api/datapoints/{dp}/predictions")
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


def test_vad_at_ingest_then_accept_fix_reject_in_the_editor(
    server: Server, new_page: Any, tmp_path: Path
) -> None:
    with server.api() as api:
        pid = annotated_project(api, "Calls", ANN)

    # The manager turns WebRTC VAD on for new recordings in the project settings.
    admin = new_page(1366, 900)
    login(admin, server, "admin", "admin-password-1")
    admin.goto(f"{server.url}/projects/{pid}/manage?tab=settings")
    models = admin.get_by_role("group", name="Models")
    webrtc = models.get_by_test_id("model-row").filter(has_text="WebRTC VAD")
    webrtc.get_by_role("checkbox").check()
    expect(webrtc.get_by_label("Shortest pause")).to_have_value("0.1")
    shoot(admin, "models-01-settings")
    admin.get_by_role("button", name="Save changes").click()
    expect(admin.get_by_text("Saved.")).to_be_visible()

    talk = tmp_path / "conversation.flac"
    spans = conversation(talk)
    with server.api() as api:
        stored = api.get(f"/api/projects/{pid}").json()["settings"]["models"]["at_ingest"]
        assert [r["model"] for r in stored] == ["vad-webrtc"]
        dp = upload_ready(api, pid, talk, assign_to=ANN[0])
    with server.api(*ANN) as ann_api:
        deadline = time.monotonic() + 120
        while not (found := _predictions(ann_api, dp)):
            assert time.monotonic() < deadline, "no predictions arrived after ingest"
            time.sleep(0.3)
    # Roughly one prediction per utterance, each within the recording.
    assert 0.7 * len(spans) <= len(found) <= 1.5 * len(spans), (len(found), len(spans))

    page = new_page(1366, 900)
    login(page, server, *ANN)
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator(READY).wait_for(timeout=30_000)
    panel = page.get_by_test_id("predictions-panel")
    expect(panel).to_contain_text(f"{len(found)} of {len(found)} to decide")
    # Drawn apart from her work: dashed, in their own lane, nobody's segments yet.
    page.locator("[data-testid=waveform] [data-prediction-id]").first.wait_for(state="attached")
    expect(page.get_by_test_id("segment-row")).to_have_count(0)
    shoot(page, "models-02-predictions")

    # J goes to the first prediction; A accepts it and goes on, five times.
    page.locator("body").press("j")
    expect(page.get_by_test_id("current-prediction")).to_contain_text("vad-webrtc")
    for _ in range(5):
        page.locator("body").press("a")
        expect(page.get_by_test_id("segment-row")).to_have_count(_ + 1)
    # X rejects the next one.
    page.locator("body").press("x")
    expect(panel).to_contain_text(f"{len(found) - 6} of {len(found)} to decide")
    # Fix two of the accepted ones: a transcript each.
    rows = page.get_by_test_id("segment-row")
    for i in (0, 1):
        page.get_by_label(f"Text of segment {i + 1}").fill(f"fixed {i + 1}")
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)
    expect(rows).to_have_count(5)
    shoot(page, "models-03-accepted")
    page.get_by_role("button", name="Complete").click()
    page.get_by_text("Completed.").first.wait_for()
    assert page.js_errors == [] and admin.js_errors == []

    with server.api() as api:
        # The admin decided nothing himself; ann's decisions are hers.
        assert [p["decision"] for p in _predictions(api, dp)].count(None) == len(found)
        ann_id = next(u["id"] for u in api.get("/api/users").json() if u["username"] == "ann")
        hers = api.get(f"/api/datapoints/{dp}/predictions", params={"user_id": ann_id}).json()
        kinds = [p["decision"] for p in hers]
        assert (kinds.count("accepted"), kinds.count("rejected")) == (5, 1)
        r = api.get(f"/api/projects/{pid}/export", params={"status": "done"})
        r.raise_for_status()
        (item,) = r.json()["datapoints"]
    # The export holds ann's five segments, two of them fixed, and no prediction.
    segs = item["segments"]
    assert len(segs) == 5 and {s["source"] for s in segs} == {"human"}
    assert {"fixed 1", "fixed 2"} <= {s["transcript"] for s in segs}

    # The analytics page compares the model version with ann's finished work.
    admin.goto(f"{server.url}/projects/{pid}/analytics")
    row = admin.get_by_test_id("model-evaluation-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("vad-webrtc")
    # 5 of 6 decided accepted (83%): 3 as they were, the two fixed afterwards as edits.
    expect(row).to_contain_text("3 (83%)")
    expect(row.locator("td").nth(9)).to_have_text("2")
    admin.get_by_test_id("model-evaluation").scroll_into_view_if_needed()
    shoot(admin, "models-04-evaluation")
    assert admin.js_errors == []
