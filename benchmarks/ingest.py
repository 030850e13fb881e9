"""Ingest benchmark: `uv run python benchmarks/ingest.py [--quick] [--only wav,mp3,flac]`.

For generated 10 min / 1 h / 3 h files (44.1 kHz stereo WAV, VBR MP3, FLAC with a seek
table), the time of the whole ingest analysis (decode, peaks, thumbnail, and the FLAC
copy where browsers need one) as a ratio to a bare PyAV decode of the same file in the
same run (goal ≤ 1.3×); peaks and spectrogram tile sizes and latencies; seek accuracy of
what is served, per input format. Files are generated at run time and deleted after.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Figure, load_average, print_table  # noqa: E402

RATE = 44100
BLOCK_SECONDS = 10
FULL = (("10 min", 600.0), ("1 h", 3600.0), ("3 h", 10800.0))
QUICK = (("30 s", 30.0), ("3 min", 180.0))
KINDS = ("wav", "mp3", "flac")
# kind -> (container, encoder, frame sample format, codec options)
ENCODINGS: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "wav": ("wav", "pcm_s16le", "s16", {}),
    # VBR (-q 4), with LAME's fastest search (compression_level 9) to generate quickly.
    "mp3": (
        "mp3",
        "libmp3lame",
        "fltp",
        {"flags": "+qscale", "global_quality": "472", "compression_level": "9"},
    ),
    "flac": ("flac", "flac", "s16", {}),
}
# Seek accuracy: a sweep whose pitch tells the time (slow enough for 3 minutes).
SWEEP_HZ = 200.0
SWEEP_SLOPE = 30.0


def blocks(seconds: float) -> Iterator[np.ndarray]:
    """float32 (2, n) blocks: a slow sweep plus quiet noise, like a busy recording."""
    rng = np.random.default_rng(0)
    total = round(seconds * RATE)
    step = BLOCK_SECONDS * RATE
    for first in range(0, total, step):
        t = np.arange(first, min(total, first + step)) / RATE
        phase = 2 * np.pi * (SWEEP_HZ * t + SWEEP_SLOPE * t * t / 2)
        tone = 0.4 * np.sin(phase)
        noise = rng.normal(0, 0.05, (2, t.size))
        yield (tone[None, :] + noise).astype(np.float32)


def generate(path: Path, kind: str, seconds: float) -> Path:
    import av

    container, encoder, fmt, options = ENCODINGS[kind]
    with av.open(str(path), "w", format=container) as out:
        stream: Any = out.add_stream(encoder, rate=RATE, layout="stereo")
        if options:
            stream.codec_context.options = options
        size = stream.codec_context.frame_size or 4096
        fifo = av.AudioFifo()
        pts = 0
        for block in blocks(seconds):
            if fmt == "s16":
                data = np.round(block.T * 32767).astype(np.int16).reshape(1, -1)
            else:
                data = np.ascontiguousarray(block)
            frame = av.AudioFrame.from_ndarray(data, format=fmt, layout="stereo")
            frame.sample_rate = RATE
            frame.pts = pts
            pts += block.shape[1]
            fifo.write(frame)
            while fifo.samples >= size:
                out.mux(stream.encode(fifo.read(size)))
        rest = fifo.read(fifo.samples) if fifo.samples else None
        if rest is not None:
            out.mux(stream.encode(rest))
        out.mux(stream.encode(None))
    if kind == "flac":
        _add_seek_table(path)
    return path


def _add_seek_table(path: Path) -> None:
    """FFmpeg writes no FLAC seek table; the reference encoder does (every 10 s)."""
    import av
    from mutagen.flac import FLAC, SeekPoint, SeekTable

    points = []
    offset = 0
    spacing = max(10 * RATE, 1)
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        following = 0
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            if packet.pts >= following and len(points) < 450:
                points.append(SeekPoint(int(packet.pts), offset, packet.duration or 4096))
                following = packet.pts - packet.pts % spacing + spacing
            offset += packet.size
    info = FLAC(str(path))
    table = SeekTable(None)
    table.seekpoints = points
    info.metadata_blocks.insert(1, table)
    info.save()


def bare_decode(path: Path) -> float:
    import av

    began = time.perf_counter()
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        stream.thread_type = "AUTO"
        for _ in container.decode(stream):
            pass
    return time.perf_counter() - began


def measure(folder: Path, kind: str, label: str, seconds: float, repeats: int) -> list[Figure]:
    from audino.audio.analysis import analyse
    from audino.audio.peaks import read_level
    from audino.audio.probe import probe_quick
    from audino.audio.spectrogram import TileSpec, tile

    path = folder / f"bench-{kind}-{round(seconds)}.{kind}"
    began = time.perf_counter()
    generate(path, kind, seconds)
    made = time.perf_counter() - began
    size_mib = path.stat().st_size / 2**20
    print(f"  {label} {kind}: generated {size_mib:.0f} MiB in {made:.0f} s", flush=True)
    name = f"{kind} {label}"
    figures: list[Figure] = []
    _, quick = _timed(lambda: probe_quick(path))
    info = probe_quick(path)
    copy = folder / "playback.flac"
    # Bare decode and ingest alternate `repeats` times; the fastest of each counts (other
    # work on the machine only ever slows a run down). CPU time includes the copy's thread.
    base = base_cpu = took = took_cpu = float("inf")
    for _ in range(repeats):
        cpu = time.process_time()
        base = min(base, bare_decode(path))
        base_cpu = min(base_cpu, time.process_time() - cpu)
        cpu = time.process_time()
        result, wall = _timed(
            lambda: analyse(path, container=info.container, codec=info.codec, playback_path=copy)
        )
        took, took_cpu = min(took, wall), min(took_cpu, time.process_time() - cpu)
    copied = result.playback_path is not None
    note = f"copy: {result.playback_reason}" if copied else "plays as uploaded"
    note += f"; CPU {took_cpu:.2f} s vs {base_cpu:.2f} s = {100 * took_cpu / base_cpu:.0f} %"
    figures.append(
        Figure(
            f"ingest {name} (% of bare decode)",
            100 * took / base,
            "%",
            "bare decode",
            100.0,
            130.0,
            note=f"{took:.2f} s vs bare decode {base:.2f} s; {note}",
        )
    )
    figures.append(Figure(f"upload probe {name}", quick, "s", target=1.0))
    figures.append(
        Figure(
            f"peaks {name}",
            len(result.peaks) / 1024,
            "KiB",
            note=f"{len(result.levels)} levels; overview {result.levels[-1].length} px "
            f"= {(HEADER + result.levels[-1].length * 4) / 1024:.1f} KiB; "
            f"thumbnail {len(result.thumbnail)} B",
        )
    )
    if copied:
        copy_mib = copy.stat().st_size / 2**20
        figures.append(Figure(f"playback copy {name}", copy_mib, "MiB", "original", size_mib))
    # Serving: one screen (2000 px) of the finest level, and a spectrogram tile at 80 %.
    blob_path = folder / "peaks.dat"
    blob_path.write_bytes(result.peaks)
    level0 = result.levels[0]
    middle = int(level0.length * 0.8)
    a, b = level0.data_range(result.channels, middle, middle + 2000)

    def read_range() -> bytes:
        with blob_path.open("rb") as f:
            f.seek(a)
            return f.read(b - a)

    _, latency = _timed(read_range)
    _ = read_level(result.peaks, result.levels[-1], result.channels)
    figures.append(Figure(f"peaks read 2000 px {name}", latency * 1000, "ms", target=50))
    source = copy if copied else path
    start = seconds * 0.8
    spec = TileSpec(start, start + 10.0, width=1000, height=256, scale="mel")
    png, tile_time = _timed(lambda: tile(source, spec, result.sample_rate))
    figures.append(
        Figure(
            f"spectrogram tile 10 s {name}",
            tile_time * 1000,
            "ms",
            target=1000,
            note=f"1000×256 mel PNG {len(png) / 1024:.0f} KiB",
        )
    )
    error = seek_error(source, min(seconds, 180.0))
    figures.append(Figure(f"seek error {name}", error * 1000, "ms", target=20))
    path.unlink()
    copy.unlink(missing_ok=True)
    ratio = 100 * took / base
    print(f"    ingest {took:.2f} s = {ratio:.0f} % of bare decode; {note}", flush=True)
    return figures


HEADER = 24


def seek_error(path: Path, span: float) -> float:
    """Largest |heard − expected| over seeks across the first `span` s (≤ 3 min, where the
    sweep stays below 5.6 kHz), decoding the window alone as a seeking player would."""
    from audino.audio.decode import decode_window

    worst = 0.0
    for target in (0.03 * span, 0.27 * span, 0.56 * span, 0.94 * span):
        window, rate = decode_window(path, target, target + 0.2)
        mono = window[0].astype(np.float64) * np.hanning(window.shape[1])
        spectrum = np.abs(np.fft.rfft(mono, 1 << 21))
        k = int(np.argmax(spectrum))
        lo, mid, hi = np.log(spectrum[k - 1 : k + 2] + 1e-30)
        hz = (k + 0.5 * (lo - hi) / (lo - 2 * mid + hi)) * rate / (1 << 21)
        heard = (hz - SWEEP_HZ) / SWEEP_SLOPE
        worst = max(worst, abs(heard - (target + 0.1)))
    return worst


def _timed(fn: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - began


def run(
    folder: Path,
    *,
    quick: bool = False,
    kinds: tuple[str, ...] = KINDS,
    sizes: tuple[str, ...] | None = None,
    repeats: int = 2,
) -> list[Figure]:
    folder.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    for label, seconds in QUICK if quick else FULL:
        if sizes and label not in sizes:
            continue
        for kind in kinds:
            figures += measure(folder, kind, label, seconds, 1 if seconds > 3600 else repeats)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 s and 3 min files")
    parser.add_argument("--only", default=",".join(KINDS), help=f"comma list of {KINDS}")
    labels = [label for label, _ in FULL + QUICK]
    parser.add_argument("--sizes", default="", help=f"comma list of {labels} (default: all)")
    parser.add_argument("--repeats", type=int, default=2, help="runs per file up to 1 h")
    args = parser.parse_args()
    kinds = tuple(k.strip() for k in args.only.split(",") if k.strip() in KINDS)
    sizes = tuple(s.strip() for s in args.sizes.split(",") if s.strip())
    print(f"ingest benchmark; load average {load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="audino-ingest-") as tmp:
        figures = run(Path(tmp), quick=args.quick, kinds=kinds, sizes=sizes, repeats=args.repeats)
    print()
    print_table(figures)


if __name__ == "__main__":
    main()
