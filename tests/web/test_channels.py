"""Channel lanes in a real browser: the split view draws one lane per channel of a 4-channel
file from the server's peaks, a segment drawn on a lane is stored on that channel where the
pointer went down and up, one drawn on the mixed view stays on all channels, and solo/mute
set the gains of a real Web Audio graph on the page's <audio> element (nothing decoded)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.conftest import FORMATS
from tests.web.conftest import Server, login, shoot, upload_ready

ANN = ("ann", "ann-password-1")
FOUR = FORMATS / "pcm16_4ch_16k.wav"
READY = '[data-testid=waveform][data-ready="true"]'
# wavesurfer draws in a shadow root; its wrapper spans the whole recording at this zoom.
WRAPPER = """() => {
  const host = document.querySelector('[data-testid=waveform]');
  for (const el of host.querySelectorAll('*')) {
    const w = el.shadowRoot && el.shadowRoot.querySelector('.wrapper');
    if (w) { const r = w.getBoundingClientRect(); return [r.left, r.top, r.width]; }
  }
  return null;
}"""
LANES = """(n) => { const host = document.querySelector('[data-testid=waveform] > div');
  const v = host && host.shadowRoot && host.shadowRoot.querySelector('[data-testid=stream-view]');
  return v && v.dataset.lanes === String(n) && v.dataset.complete === 'true'; }"""
# Records the Web Audio nodes the page makes, and any decode, before the page's scripts run.
SPY = """(() => {
  const spy = (window.__audio = { sources: [], splitters: [], gains: [], mergers: [], decodes: 0 });
  const P = BaseAudioContext.prototype;
  const wrap = (proto, name, into) => {
    const real = proto[name];
    proto[name] = function (...args) {
      const node = real.apply(this, args); into.push(node); return node; };
  };
  wrap(AudioContext.prototype, 'createMediaElementSource', spy.sources);
  wrap(P, 'createChannelSplitter', spy.splitters);
  wrap(P, 'createGain', spy.gains);
  wrap(P, 'createChannelMerger', spy.mergers);
  const decode = P.decodeAudioData;
  P.decodeAudioData = function (...args) { spy.decodes++; return decode.apply(this, args); };
})();"""
GRAPH = """() => { const a = window.__audio;
  const media = document.querySelector('[data-testid=audio]');
  return { sources: a.sources.length,
    onTheAudio: a.sources.length === 1 && a.sources[0].mediaElement === media
      && a.sources[0] instanceof MediaElementAudioSourceNode,
    splitter: a.splitters.map((s) => s.numberOfOutputs),
    merger: a.mergers.map((m) => m.numberOfInputs),
    gains: a.gains.map((g) => g.gain.value), decodes: a.decodes }; }"""


def _four_channels(server: Server) -> tuple[int, float]:
    with server.api() as api:
        api.post("/api/users", json={"username": ANN[0], "password": ANN[1]}).raise_for_status()
        pid = api.post("/api/projects", json={"name": "Meetings"}).json()["id"]
        api.post(
            f"/api/projects/{pid}/members", json={"username": ANN[0], "role": "annotator"}
        ).raise_for_status()
        dp = upload_ready(api, pid, FOUR, ANN[0])
        info = api.get(f"/api/datapoints/{dp}").json()
    assert info["channels"] == 4
    return dp, float(info["duration"])


def _segments(server: Server, dp: int) -> list[dict[str, Any]]:
    with server.api(*ANN) as ann:
        return sorted(ann.get(f"/api/datapoints/{dp}/segments").json(), key=lambda s: s["start"])


def _drag(page: Any, x0: float, x1: float, y: float) -> None:
    page.mouse.move(x0, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * step / 10, y)
    page.mouse.up()


def _saved(page: Any) -> None:
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)


def _gains(page: Any) -> str:
    return str(page.get_by_test_id("lane-controls").get_attribute("data-gains"))


def test_a_segment_drawn_on_a_lane_is_on_that_channel_and_solo_mute_set_the_gains(
    server: Server, new_page: Any
) -> None:
    dp, duration = _four_channels(server)
    page = new_page()
    page.add_init_script(SPY)
    login(page, server, *ANN)
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator(READY).wait_for(timeout=30_000)
    channels = page.get_by_role("group", name="Channels")
    assert channels.get_by_role("button", name="Mixed").get_attribute("aria-pressed") == "true"

    # On all channels: drawn on the one mixed waveform.
    left, top, width = page.evaluate(WRAPPER)
    x0, x1 = left + width * 0.1, left + width * 0.25
    _drag(page, x0, x1, top + 60)
    page.get_by_test_id("segment-row").first.wait_for()
    _saved(page)

    channels.get_by_role("button", name="Split").click()
    page.wait_for_function(LANES, arg=4, timeout=20_000)
    assert page.locator("[data-testid=waveform]").get_attribute("data-split") == "true"
    left, top, width = page.evaluate(WRAPPER)
    lane = page.locator(".lane-head[data-channel='1']")
    assert lane.locator(".lane-name").inner_text() == "Channel 2"
    lane_box = lane.bounding_box()
    # The lane's controls sit on its lane: channel 1's starts 64 px down the view.
    assert abs(lane_box["y"] - (top + 64)) <= 1, (lane_box, top)
    # The spectrogram moved down under the four lanes, and the lane boxes are drawn on
    # (where a box's Hz are read from the pointer) moved with it.
    spectrogram = page.locator("[data-testid=waveform] >> [data-testid=spectrogram]")
    layer = page.locator("[data-testid=waveform] >> [data-testid=box-layer]")
    expect(layer).to_have_count(1)
    spec_y = spectrogram.bounding_box()["y"]
    assert abs(spec_y - (top + 4 * 64)) <= 1, (spec_y, top)
    expect(layer).to_have_css("top", f"{round(spec_y - top)}px")

    # Drawn on channel 1's lane (the second), from 40 % to 70 % of the file.
    px = duration / width
    x0, x1 = left + width * 0.4, left + width * 0.7
    _drag(page, x0, x1, top + 64 + 40)
    page.get_by_test_id("segment-row").nth(1).wait_for()
    _saved(page)
    # The list says which channel it is on; the one on all channels says nothing.
    rows = page.get_by_test_id("segment-row")
    expect(rows.nth(1).get_by_test_id("segment-where")).to_have_text(re.compile(r"^\s*Channel 2$"))
    expect(rows.nth(0).get_by_test_id("segment-where")).to_have_count(0)
    shoot(page, "60-channels-split")
    whole, lane_seg = _segments(server, dp)
    assert whole["channel"] is None
    assert lane_seg["channel"] == 1
    assert abs(lane_seg["start"] - (x0 - left) / width * duration) <= px
    assert abs(lane_seg["end"] - (x1 - left) / width * duration) <= px

    # Drawn where they are stored: the lane segment on lane 1, the other across all four.
    shadow = "document.querySelector('[data-testid=waveform] > div').shadowRoot"
    boxes = page.evaluate(
        f"""() => [...{shadow}.querySelectorAll('[data-segment-id]')].map((el) => {{
          const r = el.getBoundingClientRect();
          return [el.dataset.channel, Math.round(r.top - {top}), Math.round(r.height)]; }})"""
    )
    assert sorted(boxes) == [["1", 64, 64], ["all", 0, 256]]

    # Solo and mute: the buttons say so, and the graph's GainNodes hold the gains.
    solo = page.get_by_role("button", name="Solo Channel 2")
    solo.click()
    assert solo.get_attribute("aria-pressed") == "true"
    assert _gains(page) == "0,1,0,0"
    mute = page.get_by_role("button", name="Mute Channel 4")
    mute.click()
    solo.click()
    assert (solo.get_attribute("aria-pressed"), mute.get_attribute("aria-pressed")) == (
        "false",
        "true",
    )
    assert _gains(page) == "1,1,1,0"
    assert lane.get_attribute("data-gain") == "1"
    assert page.locator(".lane-head[data-channel='3']").get_attribute("data-gain") == "0"
    graph = page.evaluate(GRAPH)
    assert graph == {
        "sources": 1,
        "onTheAudio": True,
        "splitter": [4],
        "merger": [4],
        "gains": [1, 1, 1, 0],
        "decodes": 0,
    }

    # It still plays, through the graph.
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=audio]').currentTime > 0.2", timeout=15_000
    )
    page.get_by_role("button", name="Pause", exact=True).click()

    # The form moves the lane segment to all channels: null again, and drawn across them.
    page.get_by_test_id("segment-row").nth(1).click()
    page.get_by_label("Channel", exact=True).select_option("all")
    _saved(page)
    assert [s["channel"] for s in _segments(server, dp)] == [None, None]

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(LANES, arg=4)
    shoot(page, "61-channels-split-phone")
    # Back to one waveform: every channel is heard again.
    page.get_by_role("group", name="Channels").get_by_role("button", name="Mixed").click()
    assert page.evaluate(GRAPH)["gains"] == [1, 1, 1, 1]
    assert page.js_errors == []


def test_without_web_audio_the_lanes_show_and_playback_stays_plain(
    server: Server, new_page: Any
) -> None:
    dp, _ = _four_channels(server)
    page = new_page()
    page.add_init_script("delete window.AudioContext; delete window.webkitAudioContext;")
    login(page, server, *ANN)
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator(READY).wait_for(timeout=30_000)
    page.get_by_role("group", name="Channels").get_by_role("button", name="Split").click()
    page.wait_for_function(LANES, arg=4, timeout=20_000)
    solo = page.get_by_role("button", name="Solo Channel 1")
    assert solo.is_disabled()
    assert "cannot mix" in str(solo.get_attribute("title"))
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=audio]').currentTime > 0.2", timeout=15_000
    )
    assert page.js_errors == []


def test_a_reviewer_sees_each_authors_segments_on_their_channels_lane(
    server: Server, new_page: Any
) -> None:
    dp, _ = _four_channels(server)
    bob, rita = ("bob", "bob-password-1"), ("rita", "rita-password-1")
    with server.api() as api:
        pid = api.get(f"/api/datapoints/{dp}").json()["project_id"]
        for (name, password), role in ((bob, "annotator"), (rita, "reviewer")):
            api.post("/api/users", json={"username": name, "password": password})
            r = api.post(f"/api/projects/{pid}/members", json={"username": name, "role": role})
            r.raise_for_status()
        r = api.post(
            f"/api/projects/{pid}/assignments", json={"users": ["bob"], "datapoint_ids": [dp]}
        )
        r.raise_for_status()
    for who, span in ((ANN, (0.5, 1.5)), (bob, (0.6, 1.4))):
        with server.api(*who) as client:
            body = {"start": span[0], "end": span[1], "channel": 2}
            client.post(f"/api/datapoints/{dp}/segments", json=body).raise_for_status()
    with server.api(*bob) as client:
        client.post(f"/api/datapoints/{dp}/complete").raise_for_status()

    page = new_page()
    login(page, server, *rita)
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator(READY).wait_for(timeout=30_000)
    page.locator("[data-testid=waveform] [data-other-segment-id]").first.wait_for(state="attached")
    page.get_by_role("group", name="Channels").get_by_role("button", name="Split").click()
    page.wait_for_function(LANES, arg=4, timeout=20_000)
    _, top, _ = page.evaluate(WRAPPER)
    page.locator("[data-testid=waveform] [data-segment-id][data-channel='2']").wait_for()
    mine = page.locator("[data-testid=waveform] [data-segment-id]").first.bounding_box()
    hers = page.locator("[data-testid=waveform] [data-other-segment-id]").first.bounding_box()
    # Channel 2's lane is 128–192 px down: bob's work in its top half, ann's under it.
    assert (round(mine["y"] - top), round(mine["height"])) == (128, 32)
    assert (round(hers["y"] - top), round(hers["height"])) == (160, 32)
    shoot(page, "62-channels-review")
    assert page.js_errors == []
