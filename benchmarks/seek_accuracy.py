"""Seek accuracy in Chromium, per input format: `uv run python benchmarks/seek_accuracy.py
[--quick] [--minutes 60] [--formats vorbis.ogg,opus.ogg] [--at 0.1,0.5,0.8,0.99] [--repeat 3]`.

Each format gets a generated file whose two tones tell the time (a slow sweep over the
whole file for the second, a fast one repeating every 10 s for the millisecond). Headless
Chromium plays the original and what ingest serves (the seek-exact copy where one is made)
from a seek target through an `<audio>` element with HTTP Range; the first audio that comes
out says where it landed, compared with what the peaks show at the target. Goal: what is
served lands within 20 ms of what is drawn, everywhere.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Figure, load_average, print_table  # noqa: E402

RATE = 44100
COARSE_HZ = (200.0, 4800.0)  # the slow sweep covers this range over the whole file
FINE_HZ = 6000.0
FINE_SLOPE = 250.0  # Hz per second, repeating every FINE_PERIOD
FINE_PERIOD = 10.0
SNIPPET = 0.2
CONTAINER_OPTIONS = {"live.webm": {"live": "1"}}
AT = (0.05, 0.3, 0.55, 0.8, 0.97)  # where the seek targets lie, as fractions of the file
FORMATS: dict[str, tuple[str, str, str, dict[str, str], int | None]] = {
    # name: (container, encoder, sample format, options, output rate)
    "vbr.mp3": ("mp3", "libmp3lame", "fltp", {"flags": "+qscale", "global_quality": "472"}, None),
    "cbr.mp3": ("mp3", "libmp3lame", "fltp", {"b": "128000"}, None),
    "plain.flac": ("flac", "flac", "s16", {}, None),
    "pcm.wav": ("wav", "pcm_s16le", "s16", {}, None),
    # libvorbis through libsndfile: PyAV's FFmpeg has only its own experimental encoder.
    "vorbis.ogg": ("ogg", "libsndfile", "fltp", {}, None),
    "opus.ogg": ("ogg", "libopus", "flt", {}, 48000),
    "opus.webm": ("webm", "libopus", "flt", {}, 48000),
    "live.webm": ("webm", "libopus", "flt", {}, 48000),  # no cues, as MediaRecorder writes
    "aac.m4a": ("ipod", "aac", "fltp", {}, None),
}
LISTEN = """
async ([url, target]) => {
  const ctx = new AudioContext({sampleRate: 44100});
  const media = new Audio();
  media.preload = 'auto';
  media.src = url;
  await new Promise((ok, fail) => {
    media.addEventListener('loadedmetadata', ok, {once: true});
    media.addEventListener('error', () => fail(new Error('cannot play ' + url)), {once: true});
  });
  const tap = ctx.createScriptProcessor(4096, 2, 1);
  const heard = [];
  let count = 0;
  let listening = false;
  tap.onaudioprocess = (e) => {
    if (!listening) return;
    const data = e.inputBuffer.getChannelData(0);
    heard.push(Array.from(data));
    count += data.length;
  };
  ctx.createMediaElementSource(media).connect(tap);
  tap.connect(ctx.destination);
  await ctx.resume();
  media.currentTime = target;
  await new Promise((ok) => media.addEventListener('seeked', ok, {once: true}));
  listening = true;
  await media.play();
  const began = performance.now();
  while (count < 44100 && performance.now() - began < 15000) {
    await new Promise((ok) => setTimeout(ok, 50));
  }
  media.pause();
  await ctx.close();
  return heard.flat();
}
"""


def slope(seconds: float) -> float:
    return (COARSE_HZ[1] - COARSE_HZ[0]) / seconds


def blocks(seconds: float) -> Iterator[np.ndarray]:
    total = round(seconds * RATE)
    step = 10 * RATE
    k = slope(seconds)
    for first in range(0, total, step):
        t = np.arange(first, min(total, first + step)) / RATE
        coarse = np.sin(2 * np.pi * (COARSE_HZ[0] * t + k * t * t / 2))
        local = np.mod(t, FINE_PERIOD)
        fine = np.sin(2 * np.pi * (FINE_HZ * local + FINE_SLOPE * local * local / 2))
        mono = (0.3 * coarse + 0.3 * fine).astype(np.float32)
        yield np.stack([mono, mono])


def generate(path: Path, seconds: float) -> Path:
    import av

    container, encoder, fmt, options, out_rate = FORMATS[path.name]
    if encoder == "libsndfile":
        import soundfile

        with soundfile.SoundFile(
            path, "w", RATE, 2, format=container.upper(), subtype="VORBIS"
        ) as out:
            for block in blocks(seconds):
                out.write(block.T)
        return path
    rate = out_rate or RATE
    container_options = CONTAINER_OPTIONS.get(path.name, {})
    with av.open(str(path), "w", format=container, options=container_options) as out:
        stream: Any = out.add_stream(encoder, rate=rate, layout="stereo")
        if "b" in options:
            stream.bit_rate = int(options["b"])
        elif options:
            stream.codec_context.options = options
        size = stream.codec_context.frame_size or 4096
        fifo = av.AudioFifo()
        resampler = av.AudioResampler(format=fmt, layout="stereo", rate=rate)
        pts = 0
        for block in blocks(seconds):
            frame = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
            frame.sample_rate = RATE
            frame.pts = pts
            pts += block.shape[1]
            for piece in resampler.resample(frame):
                fifo.write(piece)
            while fifo.samples >= size:
                out.mux(stream.encode(fifo.read(size)))
        for piece in resampler.resample(None):
            fifo.write(piece)
        if fifo.samples:
            out.mux(stream.encode(fifo.read(fifo.samples)))
        out.mux(stream.encode(None))
    return path


def _peak(snippet: np.ndarray, low: float, high: float) -> float:
    size = 1 << 21
    spectrum = np.abs(np.fft.rfft(snippet * np.hanning(len(snippet)), size))
    lo, hi = int(low * size / RATE), int(high * size / RATE)
    k = lo + int(np.argmax(spectrum[lo:hi]))
    a, b, c = np.log(spectrum[k - 1 : k + 2] + 1e-30)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * RATE / size


def heard_time(snippet: np.ndarray, seconds: float) -> float:
    """The time at the middle of the snippet, from the two tones."""
    rough = (_peak(snippet, *COARSE_HZ) - COARSE_HZ[0]) / slope(seconds)
    within = (_peak(snippet, FINE_HZ - 50, FINE_HZ + FINE_SLOPE * FINE_PERIOD) - FINE_HZ) / (
        FINE_SLOPE
    )
    base = round((rough - within) / FINE_PERIOD) * FINE_PERIOD
    return base + within


def _resample(mono: np.ndarray, rate: int) -> np.ndarray:
    """To RATE by linear interpolation (enough to read two tones' pitch)."""
    if rate == RATE:
        return mono
    times = np.arange(round(len(mono) * RATE / rate)) / RATE
    return np.interp(times, np.arange(len(mono)) / rate, mono)


def targets(seconds: float, at: tuple[float, ...] = AT) -> list[float]:
    """Seek targets spread over the file, each 3-7 s into a fine-tone period."""
    out = []
    for fraction in at:
        t = fraction * seconds
        out.append(t - t % FINE_PERIOD + 3.0 + 4.0 * fraction)
    return out


def serve(folder: Path) -> tuple[str, Any]:
    import socket

    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import FileResponse, HTMLResponse
    from starlette.routing import Route

    async def file(request: Any) -> FileResponse:
        return FileResponse(folder / request.path_params["name"])

    async def index(request: Any) -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>seek</title>")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = Starlette(routes=[Route("/", index), Route("/files/{name}", file)])
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def run(
    folder: Path,
    *,
    minutes: float,
    chromium: str = "/usr/bin/chromium",
    formats: tuple[str, ...] = tuple(FORMATS),
    at: tuple[float, ...] = AT,
    repeat: int = 1,
) -> list[Figure]:
    from playwright.sync_api import sync_playwright

    from audino.audio.analysis import analyse
    from audino.audio.decode import decode_window
    from audino.audio.probe import probe_quick

    seconds = minutes * 60
    served: dict[str, str] = {}
    drawn: dict[str, list[float]] = {}
    for name in formats:
        path = generate(folder / name, seconds)
        info = probe_quick(path)
        copy = folder / f"{path.stem}-{path.suffix[1:]}-copy.flac"
        result = analyse(path, container=info.container, codec=info.codec, playback_path=copy)
        served[name] = copy.name if result.playback_path is not None else name
        # What the peaks show at each target: the served file decoded at exact timestamps
        # (a copy is written from the same sequential decode the peaks come from).
        drawn[name] = []
        for target in targets(seconds, at):
            window, rate = decode_window(folder / served[name], target, target + SNIPPET)
            assert rate in (RATE, 48000)
            mono = _resample(window[0], rate)
            drawn[name].append(heard_time(mono, seconds) - SNIPPET / 2)
        shift = ", ".join(
            f"{1000 * (d - t):+.1f}" for d, t in zip(drawn[name], targets(seconds, at), strict=True)
        )
        print(f"  {name}: served as {served[name]}; drawn minus true time {shift} ms", flush=True)
    url, server = serve(folder)
    figures = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        page = browser.new_page()
        page.goto(url)
        for name, what in served.items():
            for label, file in (("original", name), ("served", what)):
                if label == "served" and what == name:
                    continue
                worst = 0.0
                errors = []
                for target, seen in zip(targets(seconds, at), drawn[name], strict=True):
                    # The median of `repeat` listens: a loaded machine now and then
                    # delays the first audio of one listen, whatever the file.
                    heard_at = float(
                        np.median(
                            [
                                _listen(page, f"/files/{file}", target, seconds)
                                for _ in range(repeat)
                            ]
                        )
                    )
                    error = heard_at - seen
                    worst = max(worst, abs(error))
                    # Against the time the tones were generated for, too: a decoder that
                    # shifts the drawing would show here and not above.
                    true = 1000 * (heard_at - target)
                    errors.append(f"{target:.1f} s: {error * 1000:+.1f} (true time {true:+.1f})")
                served_label = label if what != name else "original = served"
                figures.append(
                    Figure(
                        f"seek {name} {minutes:g} min ({served_label})",
                        worst * 1000,
                        "ms",
                        target=20 if label != "original" or what == name else None,
                    )
                )
                print(f"    {name} {label}: worst {worst * 1000:.1f} ms", flush=True)
                print(f"      ({'; '.join(errors)} ms)", flush=True)
        browser.close()
    server.should_exit = True
    return figures


def _listen(page: Any, url: str, target: float, seconds: float) -> float:
    """Where a seek to `target` lands: the time the first audio heard tells."""
    heard = np.asarray(page.evaluate(LISTEN, [url, target]))
    sounding = np.flatnonzero(np.abs(heard) > 1e-4)
    snippet = heard[sounding[0] : sounding[0] + round(SNIPPET * RATE)]
    return heard_time(snippet, seconds) - SNIPPET / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10-minute files")
    parser.add_argument("--minutes", type=float, default=60.0, help="length of each file")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help=f"some of: {', '.join(FORMATS)}"
    )
    parser.add_argument(
        "--at",
        default=",".join(f"{f:g}" for f in AT),
        help="seek targets as fractions of the file, e.g. 0.1,0.5,0.8,0.99",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="listens per target (the median counts)"
    )
    args = parser.parse_args()
    minutes = 10.0 if args.quick else args.minutes
    formats = tuple(name.strip() for name in args.formats.split(",") if name.strip())
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown formats {', '.join(unknown)}; use some of: {', '.join(FORMATS)}")
    at = tuple(float(f) for f in args.at.split(","))
    if not all(0 <= f < 1 for f in at):
        parser.error("--at takes fractions from 0 up to (not including) 1")
    print(f"seek accuracy benchmark; load average {load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="audino-seek-") as tmp:
        figures = run(
            Path(tmp),
            minutes=minutes,
            chromium=args.chromium,
            formats=formats,
            at=at,
            repeat=max(1, args.repeat),
        )
    print()
    print_table(figures)


if __name__ == "__main__":
    main()
