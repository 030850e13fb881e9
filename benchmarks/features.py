"""Feature explorer benchmark: `uv run python benchmarks/features.py [--hours H] [--quick]`.

For 1 h of audio (by default), every audio feature as the `features` job computes it from
the stored file (decode, soxr to 22.05 kHz, librosa's features block by block, the .npz
written), in a fresh interpreter after a warm-up (librosa's import and numba's compiling
are timed apart), against a bare PyAV decode of the same file in the same run; as x real
time (goal >= 20x on 2 cores) and as a ratio to the decode. Two files: the speech fixtures
tiled to an hour (16 kHz mono FLAC) and speech-like noise bursts with tones (44.1 kHz
stereo FLAC). Also: the summary vectors of 10,000 items through the API (goal < 1 s).
Files are generated at run time and deleted after.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Figure, load_average, print_table  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SPEECH = REPO / "tests" / "fixtures" / "speech"
BLOCK_SECONDS = 10
TARGET_X_REAL_TIME = 20.0
MAP_ITEMS = 10_000

_RUN = """
import json, sys, time
import numpy as np
from audino.audio import features
from audino.audio.decode import stream_info
from audino.audio.resample import mono_chunks

path = sys.argv[1]
began = time.perf_counter()
features.compute(np.zeros(22050, np.float32), 22050)  # librosa's import and numba's JIT
warm = time.perf_counter() - began
info = stream_info(path)
began = time.perf_counter()
extractor = features.Extractor(info.sample_rate, info.claimed_duration or 0.0)
for chunk in mono_chunks(path, info.sample_rate):
    extractor.add(chunk)
found = extractor.finish()
blob = found.to_npz()
wall = time.perf_counter() - began
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"wall": wall, "warm": warm, "frames": int(found.times.size),
                  "pool": found.pool, "bytes": len(blob), "peak_mib": peak}))
"""


def speech_blocks(seconds: float) -> Iterator[np.ndarray]:
    """The speech fixtures (16 kHz) one after another, each at its own gain, over a quiet
    noise floor, until `seconds` are made."""
    import soundfile

    clips = [soundfile.read(p, dtype="float32")[0] for p in sorted(SPEECH.glob("*.flac"))]
    rng = np.random.default_rng(0)
    total, made = round(seconds * 16_000), 0
    while made < total:
        clip = clips[made % len(clips)] * rng.uniform(0.3, 1.0)
        block = clip[: total - made] + rng.normal(0, 0.003, min(clip.size, total - made))
        made += block.size
        yield block.astype(np.float32)


def burst_blocks(seconds: float, rate: int = 44_100) -> Iterator[np.ndarray]:
    """Speech-like bursts: noise shaped at a syllable rate with a gliding tone beneath,
    pauses between (stereo, slightly different per channel)."""
    rng = np.random.default_rng(1)
    total = round(seconds * rate)
    for first in range(0, total, BLOCK_SECONDS * rate):
        t = np.arange(first, min(total, first + BLOCK_SECONDS * rate)) / rate
        envelope = np.clip(np.sin(2 * np.pi * 4.0 * t), 0, None) * (
            np.sin(2 * np.pi * 0.1 * t) > -0.3
        )
        pitch = 140 + 40 * np.sin(2 * np.pi * 0.3 * t)
        tone = 0.3 * np.sin(2 * np.pi * np.cumsum(pitch) / rate)
        noise = rng.normal(0, 0.1, (2, t.size))
        yield ((tone + noise) * envelope + rng.normal(0, 0.002, (2, t.size))).astype(np.float32)


def write_flac(path: Path, blocks: Iterator[np.ndarray], rate: int, channels: int) -> None:
    import soundfile

    with soundfile.SoundFile(path, "w", rate, channels, "PCM_16", format="FLAC") as out:
        for block in blocks:
            out.write(block.T if block.ndim == 2 else block)


def bare_decode(path: Path) -> float:
    import av

    began = time.perf_counter()
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        stream.thread_type = "AUTO"
        for _ in container.decode(stream):
            pass
    return time.perf_counter() - began


def features_run(path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(path)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def measure(path: Path, what: str, seconds: float, repeats: int) -> list[Figure]:
    decode = min(bare_decode(path) for _ in range(repeats))
    runs = [features_run(path) for _ in range(repeats)]
    best = min(runs, key=lambda r: r["wall"])
    hours = f"{seconds / 3600:g} h" if seconds >= 3600 else f"{seconds / 60:g} min"
    speed = seconds / best["wall"]
    return [
        Figure(
            f"every feature of {hours} {what}, x real time",
            speed,
            "x",
            "bare decode",
            seconds / decode,
            TARGET_X_REAL_TIME,
            note=(
                f"{best['wall']:.1f} s = {best['wall'] / decode:.1f}x the bare decode "
                f"({decode:.2f} s); best of {repeats}; {best['frames']:,} frames of "
                f"{best['pool']} analysis frames each; .npz {best['bytes'] / 2**20:.1f} MiB; "
                f"peak memory {best['peak_mib']:.0f} MiB; librosa import + JIT before it "
                f"{best['warm']:.1f} s"
            ),
            at_least=True,
        )
    ]


def map_figure(folder: Path) -> Figure:
    """GET /api/projects/{id}/features/summary over MAP_ITEMS items (SQLite)."""
    from fastapi.testclient import TestClient
    from sqlalchemy import insert

    from audino.api.app import create_app
    from audino.audio.features import SUMMARY_LENGTH, VERSION
    from audino.config import Settings
    from audino.db.engine import Database
    from audino.db.migrate import upgrade
    from audino.db.models import Datapoint, DatapointFeatures, Project
    from audino.services.bootstrap import ensure_admin

    settings = Settings(
        data_dir=folder / "map",
        admin_username="admin",
        admin_password="benchmark-password",
        secret_key="benchmark-secret",
        queue_url="immediate",
    )
    settings.resolved_data_dir.mkdir(parents=True)
    database = Database(settings)
    upgrade(database.engine)
    ensure_admin(database, settings)
    rng = np.random.default_rng(0)
    with database.session() as db:
        project = Project(name="Map", description="", settings={})
        db.add(project)
        db.flush()
        rows = [
            {
                "project_id": project.id,
                "storage_key": f"k/{i}",
                "original_name": f"{i}.wav",
                "duration": 5.0,
                "sample_rate": 16000,
                "channels": 1,
                "codec": "pcm_s16le",
                "size": 1,
                "sha256": f"{i:064x}",
            }
            for i in range(MAP_ITEMS)
        ]
        db.execute(insert(Datapoint), rows)
        ids = sorted(db.scalars(Datapoint.__table__.select().with_only_columns(Datapoint.id)))
        vectors = rng.normal(0, 10, (MAP_ITEMS, SUMMARY_LENGTH)).astype("<f4")
        db.execute(
            insert(DatapointFeatures),
            [
                {
                    "datapoint_id": dp_id,
                    "version": VERSION,
                    "storage_key": f"f/{dp_id}",
                    "size": 1,
                    "frames": 1,
                    "summary": vectors[n].tobytes(),
                }
                for n, dp_id in enumerate(ids)
            ],
        )
        pid = project.id
    app = create_app(settings, database)
    with TestClient(app) as client:
        r = client.post(
            "/api/auth/login", json={"username": "admin", "password": "benchmark-password"}
        )
        assert r.status_code == 200, r.text
        url = f"/api/projects/{pid}/features/summary"
        client.get(url)
        times = []
        for _ in range(5):
            began = time.perf_counter()
            r = client.get(url)
            times.append(time.perf_counter() - began)
        assert r.status_code == 200 and len(r.json()) == MAP_ITEMS
    database.dispose()
    return Figure(
        f"GET features/summary of {MAP_ITEMS:,} items ({SUMMARY_LENGTH} values each)",
        min(times),
        "s",
        target=1.0,
        note=f"best of 5 on SQLite; {len(r.content) / 2**20:.1f} MiB of JSON",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0, help="length of each file")
    parser.add_argument("--quick", action="store_true", help="5 min files, one run each")
    parser.add_argument("--repeats", type=int, default=2, help="runs per file")
    args = parser.parse_args()
    seconds = 300.0 if args.quick else args.hours * 3600
    repeats = 1 if args.quick else args.repeats
    print(f"feature explorer benchmark; load average {load_average()}", flush=True)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="audino-features-") as tmp:
        folder = Path(tmp)
        speech, bursts = folder / "speech.flac", folder / "bursts.flac"
        began = time.perf_counter()
        write_flac(speech, speech_blocks(seconds), 16_000, 1)
        write_flac(bursts, burst_blocks(seconds), 44_100, 2)
        print(f"audio made in {time.perf_counter() - began:.0f} s", flush=True)
        figures += measure(speech, "speech fixtures (16 kHz mono FLAC)", seconds, repeats)
        figures += measure(bursts, "noise bursts (44.1 kHz stereo FLAC)", seconds, repeats)
        figures.append(map_figure(folder))
    print()
    print_table(figures)
    print(f"\nload average at the end {load_average()}")


if __name__ == "__main__":
    main()
