"""Time–frequency boxes on the spectrogram in a real browser, in a project made from the
bioacoustic template: a box drawn with the mouse is saved with the times where the pointer
went down and up and the Hz those heights mean on the frequency axis (the server's own
formula, for linear, mel and log), it moves and resizes by dragging, the axis labels follow
the scale, and the Raven selection table exported reads back in crowsetta's Raven reader."""

from __future__ import annotations

import io
import wave
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import expect

from audino.audio.spectrogram import fraction_of, frequency_at
from tests.formats.test_crowsetta_readers import CROWSETTA_PYTHON, read
from tests.web.conftest import ADMIN, Server, shoot, upload_ready

RATE = 16_000
SECONDS = 10.0
HEIGHT = 160  # the spectrogram lane (SPECTROGRAM_HEIGHT in the editor)
SHADOW = "document.querySelector('[data-testid=waveform] > div').shadowRoot"
SETTLED = (
    f"() => {{ const r = {SHADOW}; if (!r) return false;"
    " const s = r.querySelector('[data-testid=spectrogram]');"
    " return s && s.dataset.tilesMissing === '0' && Number(s.dataset.tilesDrawn) > 0; }"
)


def _calls(path: Path) -> Path:
    """Ten seconds of three rising whistles over faint noise, 16 kHz mono."""
    t = np.arange(int(RATE * SECONDS)) / RATE
    rng = np.random.default_rng(7)
    signal = 0.01 * rng.standard_normal(t.size)
    for at in (1.0, 4.0, 7.0):
        inside = (t >= at) & (t < at + 1.2)
        f = 1500 + 2500 * (t[inside] - at) / 1.2
        signal[inside] += 0.5 * np.sin(2 * np.pi * np.cumsum(f) / RATE)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("boxes") / "data")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _calls(tmp_path_factory.mktemp("audio") / "dawn.wav")


def _bird_project(server: Server, calls: Path, name: str) -> tuple[int, int]:
    with server.api() as api:
        r = api.post("/api/projects", json={"name": name, "template": "bioacoustic-calls"})
        r.raise_for_status()
        pid = int(r.json()["id"])
        member = {"username": "admin", "role": "manager"}
        api.post(f"/api/projects/{pid}/members", json=member).raise_for_status()
        return pid, upload_ready(api, pid, calls, assign_to="admin")


def _open(page: Any, server: Server, dp: int) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Projects").wait_for()
    page.goto(f"{server.url}/datapoints/{dp}")
    page.get_by_role("dialog", name="Guidelines").get_by_role("button", name="Got it").click()
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=30_000)
    page.wait_for_function(SETTLED, timeout=30_000)


def _scale(page: Any, scale: str) -> None:
    page.get_by_label("Frequency scale").select_option(scale)
    page.wait_for_function(SETTLED, timeout=30_000)


def _saved(page: Any) -> None:
    page.locator('[data-testid=save-state][data-status="saved"]').wait_for(timeout=15_000)


def _drag(page: Any, a: tuple[float, float], b: tuple[float, float]) -> None:
    page.mouse.move(*a)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(a[0] + (b[0] - a[0]) * step / 8, a[1] + (b[1] - a[1]) * step / 8)
    page.mouse.up()


class Lane:
    """The lane's geometry on screen, and what a pointer position means there."""

    def __init__(self, page: Any) -> None:
        self.layer = page.get_by_test_id("box-layer").bounding_box()
        self.spec = page.get_by_test_id("spectrogram").bounding_box()
        assert abs(self.layer["y"] - self.spec["y"]) < 0.5, (self.layer, self.spec)
        assert self.layer["height"] == self.spec["height"] == HEIGHT
        self.px_seconds = SECONDS / self.layer["width"]

    def x(self, t: float) -> float:
        """The screen x of `t` s (the visible part of the file starts at the layer's left)."""
        return round(self.layer["x"] + t / self.px_seconds)

    def y(self, hz: float, scale: str) -> float:
        return self.spec["y"] + (1 - float(fraction_of(hz, scale, RATE))) * HEIGHT

    def seconds(self, x: float) -> float:
        return (x - self.layer["x"]) * self.px_seconds

    def hz(self, y: float, scale: str) -> float:
        return float(frequency_at(1 - (y - self.spec["y"]) / HEIGHT, scale, RATE))

    def hz_pixel(self, y: float, scale: str) -> float:
        """One pixel's worth of Hz at height `y` (the larger of the two neighbours)."""
        here = self.hz(y, scale)
        return max(abs(self.hz(y - 1, scale) - here), abs(self.hz(y + 1, scale) - here))


def _segments(server: Server, dp: int) -> list[dict[str, Any]]:
    with server.api() as api:
        r = api.get(f"/api/datapoints/{dp}/segments")
        r.raise_for_status()
        return sorted(r.json(), key=lambda s: s["start"])


def _box_past(page: Any, key: str, value: float, below: bool = False) -> None:
    """Waits until the (first) box on screen says its `key` went past `value`."""
    page.wait_for_function(
        f"([key, value, below]) => {{ const b = {SHADOW}.querySelector('[data-testid=box]');"
        " if (!b) return false; const v = Number(b.dataset[key]);"
        " return below ? v < value : v > value; }",
        arg=[key, value, below],
    )


def _near(got: float, want: float, tolerance: float) -> bool:
    return abs(got - want) <= tolerance


def test_boxes_drawn_on_every_scale_are_saved_where_the_pointer_was_and_read_by_raven(
    server: Server, calls: Path, new_page: Any, tmp_path: Path
) -> None:
    pid, dp = _bird_project(server, calls, "Dawn chorus")
    page = new_page(1280, 900)
    _open(page, server, dp)
    form = page.get_by_role("region", name="Segment", exact=True)
    expect(form).to_contain_text("draw a box on the spectrogram")
    drawn: dict[str, tuple[float, float, float, float]] = {}
    # One box per scale, each over its own whistle: the pointer from high-left to low-right.
    for scale, (t0, t1), (hz_high, hz_low) in [
        ("linear", (0.9, 2.3), (4600.0, 1200.0)),
        ("mel", (3.9, 5.3), (4600.0, 1200.0)),
        ("log", (6.9, 8.3), (4600.0, 1200.0)),
    ]:
        _scale(page, scale)
        lane = Lane(page)
        press = (lane.x(t0), round(lane.y(hz_high, scale)))
        release = (lane.x(t1), round(lane.y(hz_low, scale)))
        _drag(page, press, release)
        expect(page.get_by_test_id("box")).to_have_count(len(drawn) + 1)
        # Species A by its hotkey: the box is the selected segment.
        page.keyboard.press("1")
        expect(page.locator('[data-testid=box][data-selected="true"]')).to_contain_text("species A")
        _saved(page)
        form = page.get_by_role("region", name="Segment", exact=True)
        expect(form.get_by_label("Low frequency in Hz")).to_be_visible()
        drawn[scale] = (
            lane.seconds(press[0]),
            lane.seconds(release[0]),
            lane.hz(release[1], scale),
            lane.hz(press[1], scale),
        )
        seg = _segments(server, dp)[-1]
        start, end, low, high = drawn[scale]
        tick = lane.px_seconds + 0.001
        assert _near(seg["start"], start, tick) and _near(seg["end"], end, tick), (scale, seg)
        assert _near(seg["low_hz"], low, lane.hz_pixel(release[1], scale)), (scale, seg, low)
        assert _near(seg["high_hz"], high, lane.hz_pixel(press[1], scale)), (scale, seg, high)
        low_field = form.get_by_label("Low frequency in Hz")
        assert float(low_field.input_value()) == seg["low_hz"]
        assert float(form.get_by_label("High frequency in Hz").input_value()) == seg["high_hz"]
    shoot(page, "boxes-01-three-scales")
    assert len(page.get_by_test_id("box").all()) == 3
    saved = _segments(server, dp)
    assert len(saved) == 3 and all(s["values"] for s in saved)
    assert page.js_errors == []

    # The Raven selection table, read by crowsetta's Raven reader.
    with server.api() as api:
        r = api.get(f"/api/projects/{pid}/export", params={"format": "raven"})
        r.raise_for_status()
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        tables = [n for n in z.namelist() if n.endswith(".selections.txt")]
        assert len(tables) == 1, z.namelist()
        table = tmp_path / Path(tables[0]).name
        table.write_bytes(z.read(tables[0]))
    if not CROWSETTA_PYTHON.exists():
        pytest.skip(".venv-crowsetta is missing: the Raven reader did not run")
    rows = read("raven", table, "species")
    assert [row[4] for row in rows] == ["species A"] * 3
    assert [x for row in rows for x in row[:4]] == pytest.approx(
        [s[k] for s in saved for k in ("start", "end", "low_hz", "high_hz")], abs=0.001
    )


def test_a_box_moves_and_resizes_by_dragging(server: Server, calls: Path, new_page: Any) -> None:
    _pid, dp = _bird_project(server, calls, "Moves")
    with server.api() as api:
        body = {"start": 4.0, "end": 5.5, "low_hz": 1000.0, "high_hz": 5000.0}
        api.post(f"/api/datapoints/{dp}/segments", json=body).raise_for_status()
    page = new_page(1280, 900)
    _open(page, server, dp)
    _scale(page, "linear")
    lane = Lane(page)
    box = page.get_by_test_id("box")
    expect(box).to_have_count(1)
    # The box is drawn where its times and band are on the axis.
    shown = box.bounding_box()
    assert _near(shown["x"], lane.layer["x"] + 4.0 / lane.px_seconds, 1)
    assert _near(shown["y"], lane.y(5000, "linear"), 1)
    assert _near(shown["y"] + shown["height"], lane.y(1000, "linear"), 1)

    # Move: grab the middle, 100 px right and 15 px up; the band keeps its pixel height.
    mid = (shown["x"] + shown["width"] / 2, shown["y"] + shown["height"] / 2)
    _drag(page, mid, (mid[0] + 100, mid[1] - 15))
    _box_past(page, "start", 4.0)
    expect(page.get_by_role("region", name="Segment", exact=True)).to_contain_text("Segment 1")
    _saved(page)
    seg = _segments(server, dp)[0]
    shift = 100 * lane.px_seconds
    tick = lane.px_seconds + 0.001
    assert _near(seg["start"], 4.0 + shift, tick) and _near(seg["end"], 5.5 + shift, tick), seg
    top, bottom = lane.y(5000, "linear") - 15, lane.y(1000, "linear") - 15
    assert _near(seg["high_hz"], lane.hz(top, "linear"), lane.hz_pixel(top, "linear")), seg
    assert _near(seg["low_hz"], lane.hz(bottom, "linear"), lane.hz_pixel(bottom, "linear")), seg
    before = seg

    # Resize: the right edge 60 px further; only the end changes.
    shown = box.bounding_box()
    edge = (shown["x"] + shown["width"] - 2, shown["y"] + shown["height"] / 2)
    _drag(page, edge, (edge[0] + 60, edge[1] + 30))
    _box_past(page, "end", before["end"])
    _saved(page)
    seg = _segments(server, dp)[0]
    assert _near(seg["end"], before["end"] + 60 * lane.px_seconds, tick), seg
    assert (seg["start"], seg["low_hz"], seg["high_hz"]) == (
        before["start"],
        before["low_hz"],
        before["high_hz"],
    )
    before = seg

    # Resize: the top edge 30 px up; only the high frequency changes.
    shown = box.bounding_box()
    edge = (shown["x"] + shown["width"] / 2, shown["y"] + 2)
    _drag(page, edge, (edge[0] + 40, edge[1] - 30))
    _box_past(page, "highHz", before["high_hz"])
    _saved(page)
    seg = _segments(server, dp)[0]
    top = lane.y(before["high_hz"], "linear") - 30
    assert _near(seg["high_hz"], lane.hz(top, "linear"), lane.hz_pixel(top, "linear")), seg
    assert (seg["start"], seg["end"], seg["low_hz"]) == (
        before["start"],
        before["end"],
        before["low_hz"],
    )
    shoot(page, "boxes-02-moved-resized")

    # Undo takes the last resize back.
    page.get_by_role("button", name="↶ Undo").click()
    _box_past(page, "highHz", seg["high_hz"], below=True)
    _saved(page)
    assert _segments(server, dp)[0]["high_hz"] == before["high_hz"]
    assert page.js_errors == []


@pytest.mark.parametrize("scale", ["linear", "mel", "log"])
def test_frequency_axis_labels_follow_the_scale(
    server: Server, calls: Path, new_page: Any, scale: str
) -> None:
    _pid, dp = _bird_project(server, calls, f"Axis {scale}")
    page = new_page(1280, 900)
    _open(page, server, dp)
    _scale(page, scale)
    axis = page.locator(f'[aria-label="Frequency axis"][data-ticks="{scale}:server"]')
    axis.wait_for(state="attached")
    # Read at once: where each label sits from the top of the lane.
    labels = page.evaluate(
        f"() => {{ const r = {SHADOW};"
        " const top = r.querySelector('[data-testid=spectrogram]').getBoundingClientRect().top;"
        " return [...r.querySelectorAll('[aria-label^=Frequency] span')].map((s) => {"
        " const b = s.getBoundingClientRect(); return [s.textContent, b.top + b.height / 2 - top];"
        " }); }"
    )
    assert len(labels) >= 3
    for text, centre in labels:
        number, unit = text.split()
        hz = float(number) * (1000 if unit == "kHz" else 1)
        want = (1 - float(fraction_of(hz, scale, RATE))) * HEIGHT
        # Labels at the lane's edges are kept inside it; the others sit on their frequency.
        if 8 < want < HEIGHT - 8:
            assert _near(centre, want, 1.5), (scale, text, centre, want)
    if scale == "linear":
        # Even steps on a linear axis: 1 kHz apart is the same distance everywhere.
        inside = [c for _t, c in labels if 8 < c < HEIGHT - 8]
        gaps = {round(b - a) for a, b in zip(inside, inside[1:], strict=False)}
        assert len(gaps) == 1, labels


def test_without_the_setting_the_lane_draws_segments_and_shows_imported_boxes(
    server: Server, calls: Path, new_page: Any
) -> None:
    """A project not made for boxes: a drag on the spectrogram draws a plain segment, as it
    always did, and a box that came in with an import is still drawn as a box."""
    with server.api() as api:
        pid = int(api.post("/api/projects", json={"name": "Speech"}).json()["id"])
        member = {"username": "admin", "role": "manager"}
        api.post(f"/api/projects/{pid}/members", json=member).raise_for_status()
        dp = upload_ready(api, pid, calls, assign_to="admin")
        body = {"start": 4.0, "end": 5.5, "low_hz": 1000.0, "high_hz": 5000.0, "source": "import"}
        api.post(f"/api/datapoints/{dp}/segments", json=body).raise_for_status()
    page = new_page(1280, 900)
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Projects").wait_for()
    page.goto(f"{server.url}/datapoints/{dp}")
    page.locator('[data-testid=waveform][data-ready="true"]').wait_for(timeout=30_000)
    page.wait_for_function(SETTLED, timeout=30_000)
    expect(page.get_by_test_id("box")).to_have_count(1)
    lane = Lane(page)
    y = lane.spec["y"] + 100
    _drag(page, (lane.x(1.0), y), (lane.x(2.0), y + 30))
    expect(page.get_by_role("row")).to_have_count(3)  # the header and two segments
    _saved(page)
    plain, box = _segments(server, dp)
    assert plain["low_hz"] is None and plain["high_hz"] is None
    assert (box["low_hz"], box["high_hz"]) == (1000.0, 5000.0)
    expect(page.get_by_test_id("box")).to_have_count(1)

    # Zoomed in on the box, it still spans its times on the (now wider) lane.
    page.get_by_test_id("box").click()
    page.get_by_role("button", name="Zoom to segment").click()
    page.wait_for_function(
        "(w) => { const r = document.querySelector('[data-testid=waveform] > div').shadowRoot;"
        " const l = r && r.querySelector('[data-testid=box-layer]');"
        " return l && l.getBoundingClientRect().width > w * 2; }",
        arg=lane.layer["width"],
    )
    layer = page.get_by_test_id("box-layer").bounding_box()
    shown = page.get_by_test_id("box").bounding_box()
    per_second = layer["width"] / SECONDS
    assert _near(shown["x"], layer["x"] + 4.0 * per_second, 1.5), (shown, layer)
    assert _near(shown["width"], 1.5 * per_second, 1.5), (shown, layer)
    assert page.js_errors == []


def test_boxes_at_phone_width(server: Server, calls: Path, new_page: Any) -> None:
    _pid, dp = _bird_project(server, calls, "Phone")
    with server.api() as api:
        body = {"start": 1.0, "end": 2.2, "low_hz": 1300.0, "high_hz": 4200.0}
        api.post(f"/api/datapoints/{dp}/segments", json=body).raise_for_status()
    page = new_page(390, 844, is_mobile=True, has_touch=True)
    _open(page, server, dp)
    box = page.get_by_test_id("box")
    expect(box).to_be_visible()
    spec = page.get_by_test_id("spectrogram").bounding_box()
    shown = box.bounding_box()
    assert spec["y"] <= shown["y"] and shown["y"] + shown["height"] <= spec["y"] + HEIGHT + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("box").click()
    expect(page.get_by_label("High frequency in Hz")).to_have_value("4200")
    # Labelling a box (in the form: a phone has no keys) saves the whole segment: its band
    # goes along unchanged.
    form = page.get_by_role("region", name="Segment", exact=True)
    form.get_by_role("combobox").first.select_option(label="species A (1)")
    expect(box).to_contain_text("species A")
    _saved(page)
    (seg,) = _segments(server, dp)
    assert (seg["low_hz"], seg["high_hz"], seg["values"] != {}) == (1300.0, 4200.0, True)
    shoot(page, "boxes-03-phone")
    assert page.js_errors == []
