"""(h) 11,000 items x 10 segments exported to each text format, streamed from the database
through the same service the API and CLI use; (i) clip cutting from 16 kHz mono FLAC.

Baselines measured in the same run: the native audino export of the same project for (f),
decoding the whole file without cutting or encoding for (g).
"""

from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from benchmarks.bench_formats import _best, _export, _import, _prepare
from benchmarks.common import Figure, database, timed
from benchmarks.data import native_document

TEXT_FORMATS = (
    "csv",
    "rttm",
    "textgrid",
    "eaf",
    "webvtt",
    "srt",
    "audacity",
    "raven",
    "ctm",
    "kaldi",
    "nemo",
    "labelstudio",
    "prodigy",
)
TARGET_S = 2.0
CLIP_TARGET_X = 100.0


def _export_format(db: Any, project_id: int, name: str) -> tuple[float, int]:
    """(seconds to the last byte, bytes); no audio source, so no clips."""
    from audino.services import projects
    from audino.services.exports import dataset as exports

    with db.session(write=False) as session:
        plan = exports.plan_export(session, projects.get_project(session, project_id), name)
    start = time.perf_counter()
    size = sum(len(chunk) for chunk in exports.stream_export(db, plan))
    return time.perf_counter() - start, size


def text_formats(
    folder: Path,
    *,
    items: int = 11_000,
    segments: int = 10,
    repeat: int = 2,
    formats: tuple[str, ...] = TEXT_FORMATS,
) -> list[Figure]:
    from audino.storage.blobs import BlobStore

    figures = []
    with database(folder) as (settings, db):
        storage = BlobStore(settings.resolved_storage_url, "benchmark-secret")
        _prepare(db, storage, items)
        # Word timings on half the segments: CTM writes those and estimates the rest.
        document = native_document(items, segments, name="export", seed=7, words=True)
        project = _import(db, storage, orjson.dumps(document)).project_id
        document = {}
        gc.collect()
        native = _best([timed(lambda: _export(db, project)) for _ in range(repeat)])[0][1]
        for name in formats:
            (seconds, size), _, cpu = _best(
                [timed(lambda: _export_format(db, project, name)) for _ in range(repeat)]  # noqa: B023
            )
            figures.append(
                Figure(
                    f"(h) export {items:,} x {segments} as {name}, streamed",
                    seconds,
                    "s",
                    "native audino export",
                    native,
                    TARGET_S,
                    note=f"{size / 1e6:.1f} MB; best of {repeat}; {cpu:.2f} s CPU",
                )
            )
    return figures


def _tone(seconds: float, path: Path) -> None:
    import numpy as np

    from audino.audio.clips import encode

    t = np.arange(int(seconds * 16000)) / 16000
    signal = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * np.random.default_rng(0).standard_normal(
        t.size
    )
    path.write_bytes(encode(signal[None, :].astype(np.float32), 16000, "flac"))


def _decode(path: Path) -> int:
    from audino.audio.probe import _pyav

    av = _pyav()
    with av.open(str(path)) as c:
        return sum(frame.samples for frame in c.decode(c.streams.audio[0]))


def clip_cutting(*, seconds: float = 600.0, clip: float = 5.0, repeat: int = 3) -> list[Figure]:
    from audino.audio.clips import cut

    figures = []
    with tempfile.TemporaryDirectory(prefix="audino-clips-") as tmp:
        source = Path(tmp) / "long.flac"
        _tone(seconds, source)
        spans = [
            (k * clip * 1.2, k * clip * 1.2 + clip, None)
            for k in range(int(seconds / (clip * 1.2)))
        ]
        cut_seconds = sum(e - s for s, e, _ in spans)
        decode_s = _best([timed(lambda: _decode(source)) for _ in range(repeat)])[1]
        for codec in ("flac", "wav", "mp3"):

            def run(codec: str = codec) -> list[bytes]:
                return list(cut(source, spans, sample_rate=16000, channels=1, codec=codec))

            out, wall, cpu = _best([timed(run) for _ in range(repeat)])
            assert len(out) == len(spans)
            figures.append(
                Figure(
                    f"(i) cut {len(spans)} x {clip:.0f} s clips from 16 kHz mono, {codec}",
                    cut_seconds / wall,
                    "x real time",
                    "decoding the whole file only",
                    seconds / decode_s,
                    CLIP_TARGET_X,
                    note=f"{seconds:.0f} s FLAC source; best of {repeat}; {cpu:.2f} s CPU",
                    at_least=True,
                )
            )
    return figures


def main() -> None:
    import argparse

    from benchmarks.common import load_average, print_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=11_000)
    parser.add_argument("--formats", default=",".join(TEXT_FORMATS))
    args = parser.parse_args()
    print(f"audino dataset-format benchmarks; load average {load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="audino-bench-") as tmp:
        figures = text_formats(Path(tmp), items=args.items, formats=tuple(args.formats.split(",")))
    figures += clip_cutting()
    print()
    print_table(figures)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
