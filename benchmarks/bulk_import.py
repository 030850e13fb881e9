"""Bulk import speed: `uv run python benchmarks/bulk_import.py [--files 400] [--seconds 5] [--s3]`.

A folder of generated clips (16 kHz mono WAV and FLAC, half each) is imported into a fresh
project with `BulkImport` (hash, probe, store, datapoint row, ingest job queued on the
default SQLite queue, as `audino import` does next to a server), with 1, 2 and 4 workers.
The baseline, measured in the same run on the same files, is reading and hashing them
(SHA-256) and nothing else. Printed: files/s, hours of audio per second, and the ratio of
import time to hashing time. The files sit in the page cache, so the baseline is the cost
of hashing, not of the disk. With --s3 the clips are also imported from a bucket on a moto
server, against downloading and hashing each object one after another.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Figure, database, load_average, print_table  # noqa: E402

RATE = 16_000


def make_clips(folder: Path, count: int, seconds: float) -> float:
    """`count` distinct noisy tones, alternately WAV and FLAC; returns their total length."""
    import soundfile

    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * RATE)) / RATE
    for i in range(count):
        tone = 0.2 * np.sin(2 * np.pi * (110 + i) * t) + 0.02 * rng.standard_normal(t.size)
        batch = folder / f"batch{i % 10}"
        batch.mkdir(parents=True, exist_ok=True)
        soundfile.write(batch / f"clip_{i:05d}.{'wav' if i % 2 == 0 else 'flac'}", tone, RATE)
    return count * seconds


def hash_all(folder: Path) -> tuple[float, int]:
    """Seconds to read and SHA-256 every file once (the baseline), and the bytes read."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    start = time.perf_counter()
    total = 0
    for path in files:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                total += len(chunk)
    return time.perf_counter() - start, total


def import_once(source: Path | str, data: Path, workers: int) -> tuple[float, int, float]:
    """(seconds, files imported, audio seconds imported) for one import into a new project."""
    from audino.jobs import queue
    from audino.services import projects
    from audino.services.imports.bulk import BulkImport
    from audino.storage.blobs import BlobStore

    with database(data) as (settings, db):
        storage = BlobStore.from_settings(settings)
        queue.install(settings, db, storage)  # ingest jobs wait in the SQLite queue file
        with db.session() as session:
            project_id = projects.create_project(session, f"bench-{workers}").id
        start = time.perf_counter()
        summary = BulkImport(db, storage, settings, project_id, str(source), workers=workers).run()
        elapsed = time.perf_counter() - start
    if summary.failed:
        raise RuntimeError(f"benchmark clips were refused: {summary.failures[:3]}")
    return elapsed, summary.imported, summary.seconds_imported


def run(folder: Path, files: int = 400, seconds: float = 5.0) -> list[Figure]:
    clips = folder / "clips"
    audio = make_clips(clips, files, seconds)
    hash_all(clips)  # warm the page cache
    baseline, size = min(hash_all(clips) for _ in range(3))
    print(
        f"{files} clips, {audio / 3600:.2f} h, {size / 2**20:.0f} MiB: hashing takes "
        f"{baseline:.3f} s ({files / baseline:,.0f} files/s)",
        flush=True,
    )
    figures = []
    for workers in (1, 2, 4):
        elapsed, imported, audio_seconds = import_once(clips, folder / f"data-{workers}", workers)
        assert imported == files
        ratio = elapsed / baseline
        print(f"  {workers} worker(s): {elapsed:.2f} s, {ratio:.1f}x hashing", flush=True)
        figures.append(
            Figure(
                f"import {files} clips, {workers} worker(s): files/s",
                imported / elapsed,
                "files/s",
                "hashing only",
                files / baseline,
                note=f"{ratio:.1f}x the hashing time",
            )
        )
        figures.append(
            Figure(
                f"import {files} clips, {workers} worker(s): audio per wall time",
                audio_seconds / elapsed,
                "x real time",
                "hashing only",
                audio / baseline,
                note=f"{audio_seconds / 3600 / elapsed:.3f} audio hours/s "
                f"(hashing: {audio / 3600 / baseline:.3f})",
            )
        )
    return figures


def run_s3(folder: Path, files: int = 200, seconds: float = 5.0) -> list[Figure]:
    """The same from a bucket on a moto S3 server (its own process, so it does not share
    our interpreter lock); the baseline downloads and hashes each object once."""
    import os
    import subprocess
    import urllib.request

    import boto3
    import s3fs
    from tests.s3server import free_port

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.1)
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AUDINO_S3_ENDPOINT_URL=endpoint,
    )
    try:
        clips = folder / "s3-clips"
        audio = make_clips(clips, files, seconds)
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
        fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": endpoint})
        fs.put(str(clips) + "/", "bench/clips/", recursive=True)
        start = time.perf_counter()
        for path in fs.find("bench/clips"):
            hashlib.sha256(fs.cat_file(path)).hexdigest()
        baseline = time.perf_counter() - start
        print(f"S3: {files} clips; download and hash: {baseline:.2f} s", flush=True)
        figures = []
        for workers in (1, 4):
            elapsed, imported, _ = import_once(
                "s3://bench/clips", folder / f"s3-data-{workers}", workers
            )
            assert imported == files
            figures.append(
                Figure(
                    f"import {files} clips from S3 (moto), {workers} worker(s): files/s",
                    imported / elapsed,
                    "files/s",
                    "download + hash",
                    files / baseline,
                    note=f"{elapsed / baseline:.1f}x the download-and-hash time; "
                    f"{audio / 3600 / elapsed:.3f} audio hours/s",
                )
            )
        return figures
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=400, help="clips to generate")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each clip")
    parser.add_argument("--s3", action="store_true", help="also import from a moto S3 bucket")
    args = parser.parse_args()
    print(f"audino bulk import benchmark; load average {load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="audino-bench-import-") as tmp:
        figures = run(Path(tmp), args.files, args.seconds)
        if args.s3:
            figures += run_s3(Path(tmp), min(args.files, 200), args.seconds)
    print()
    print_table(figures)


if __name__ == "__main__":
    main()
