"""Speed benchmarks for audino: `uv run python benchmarks/run.py [--quick]`.

(a) native import of 10,000 items x 10 segments, (b) native export of 11,000 x 10 streamed,
(c) 8 and 32 annotators saving 10-segment batches against a real `audino serve`,
(d) first start and restart time, (e) idle memory, (f) ingest of long WAV/MP3/FLAC files
against a bare decode (benchmarks/ingest.py), (g) a 3-hour recording in headless Chromium:
time to draw and to play after a seek, bytes and renderer memory (benchmarks/browser.py),
(h) 11,000 x 10 segments to every text format, streamed, (i) clip cutting from 16 kHz
mono (benchmarks/bench_dataset_formats.py), and (j) seek accuracy in Chromium per input
format, original against what is served (benchmarks/seek_accuracy.py).
Each figure is printed next to a baseline measured in the same run and its target.
Nothing here is a unit test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARTS = ("formats", "load", "start", "ingest", "seek", "browser", "dataset-formats")


def main() -> None:
    from benchmarks import (
        bench_dataset_formats,
        bench_formats,
        bench_server,
        browser,
        ingest,
        seek_accuracy,
    )
    from benchmarks.common import Figure, load_average, print_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s load runs instead of 30 s")
    parser.add_argument("--seconds", type=float, help="duration of each load run")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma list of {PARTS}")
    parser.add_argument(
        "--postgres", metavar="URL", help="also run (a) and (b) on this PostgreSQL database"
    )
    parser.add_argument("--load-processes", type=int, default=1, help="load generator processes")
    args = parser.parse_args()
    seconds = args.seconds or (5.0 if args.quick else 30.0)
    parts = {p.strip() for p in args.only.split(",") if p.strip()}

    print(f"audino benchmarks; load average {load_average()}", flush=True)
    figures: list[Figure] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="audino-bench-") as tmp:
        folder = Path(tmp)
        if "formats" in parts:
            figures += bench_formats.run(folder / "sqlite")
            if args.postgres:
                figures += bench_formats.run(folder / "pg", postgres_url=args.postgres)
        if "load" in parts:
            for annotators in (8, 32):
                figures += bench_server.load(folder, annotators, seconds, args.load_processes)
        if "start" in parts:
            figures += bench_server.start_and_memory(folder)
        if "ingest" in parts:
            figures += ingest.run(folder / "ingest", quick=args.quick)
        if "seek" in parts and Path("/usr/bin/chromium").exists():
            (folder / "seek").mkdir()
            figures += seek_accuracy.run(folder / "seek", minutes=10.0 if args.quick else 60.0)
        if "browser" in parts:
            figures += browser.run(folder / "browser", hours=1.0 if args.quick else 3.0)
        if "dataset-formats" in parts:
            items = 2_000 if args.quick else 11_000
            figures += bench_dataset_formats.text_formats(folder / "dataset-formats", items=items)
            figures += bench_dataset_formats.clip_cutting(seconds=120.0 if args.quick else 600.0)
    print()
    print_table(figures)
    print(f"\nload average at the end {load_average()}; {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
