"""(k) agreement on 1,000 overlap items: two annotators, ~20 segments each, with transcripts,
a speaker and an emotion label: every item's figures (matching, WER/CER, κ/α on matched
segments and 10 ms frames, boundary F1, DER/JER), then the project and per-pair summaries.

Baseline measured in the same run: reading the same segments, i.e. parsing the JSON they
are stored as and building the SegmentRecords and items. Target: under 2 s (issue 12).
Run: `uv run python benchmarks/agreement.py [--items N]`.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import Figure, load_average, print_table, timed  # noqa: E402

TARGET_S = 2.0  # for 1,000 items; scaled with --items
_TEXT = """
the a to of and in is it you that he was for on are with as his they be at one have this
from or had by hot word but what some we can out other were all there when up use your
how said an each she which do their time if will way about many then them write
"""
WORDS = tuple(_TEXT.split())
EMOTIONS = ("neutral", "happy", "angry", "sad")


def overlap_document(items: int, segments: int = 20, seed: int = 7) -> list[dict[str, Any]]:
    """Items as stored: per annotator, rows of (start, end, transcript, speaker, emotion).
    B is A redrawn: boundaries moved, some segments dropped or added, words and labels
    changed, speakers under other names."""
    rng = random.Random(seed)
    doc = []
    for n in range(items):
        rows_a = []
        t = rng.uniform(0.0, 1.0)
        for _ in range(segments):
            length = rng.uniform(0.8, 4.0)
            words = " ".join(rng.choice(WORDS) for _ in range(max(1, int(length * 2.5))))
            rows_a.append(
                [
                    round(t, 3),
                    round(t + length, 3),
                    words,
                    f"S{rng.randrange(3)}",
                    rng.choice(EMOTIONS),
                ]
            )
            t += length + rng.uniform(0.1, 1.5)
        rows_b = []
        for start, end, text, speaker, emotion in rows_a:
            if rng.random() < 0.05:
                continue
            words = [w if rng.random() > 0.1 else rng.choice(WORDS) for w in text.split()]
            rows_b.append(
                [
                    round(max(0.0, start + rng.gauss(0, 0.12)), 3),
                    round(end + rng.gauss(0, 0.12), 3),
                    " ".join(words),
                    "spk" + speaker if rng.random() > 0.05 else "spkS9",
                    emotion if rng.random() > 0.2 else rng.choice(EMOTIONS),
                ]
            )
            if rng.random() < 0.05:
                rows_b.append([end + 0.05, end + 0.6, rng.choice(WORDS), "spkS0", "neutral"])
        doc.append(
            {"recording": n, "duration": t + 1.0, "annotators": {"ann": rows_a, "bob": rows_b}}
        )
    return doc


def read_items(data: bytes) -> list[Any]:
    """The baseline: JSON to SegmentRecords grouped into overlap items."""
    from audino.formats.records import SegmentRecord
    from audino.quality.items import OverlapItem

    items = []
    for row in orjson.loads(data):
        rec = row["recording"]
        annotations = {
            who: [
                SegmentRecord(
                    None,
                    rec,
                    who,
                    start,
                    end,
                    transcript=text,
                    values={"speaker": speaker, "emotion": emotion},
                )
                for start, end, text, speaker, emotion in rows
            ]
            for who, rows in row["annotators"].items()
        }
        items.append(OverlapItem(rec, annotations, row["duration"]))
    return items


def agree(items: list[Any]) -> Any:
    from audino.quality.agreement import item_agreement
    from audino.quality.items import AgreementOptions
    from audino.quality.summary import summarize_pairs, summarize_project

    options = AgreementOptions(labels=("emotion",))
    results = [item_agreement(item, options) for item in items]
    return summarize_project(results), summarize_pairs(results)


def _import_seconds() -> float:
    """A fresh interpreter's import of the agreement modules (what the server's first
    agreement request pays once)."""
    code = (
        "import time; t = time.perf_counter(); import audino.quality.agreement, "
        "audino.quality.summary; print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def run(items: int = 1_000, repeat: int = 3) -> list[Figure]:
    data = orjson.dumps(overlap_document(items))
    agree(read_items(orjson.dumps(overlap_document(20, seed=1))))  # warm-up: imports, caches
    reads = [timed(lambda: read_items(data)) for _ in range(repeat)]
    records = reads[0][0]
    runs = [timed(lambda: agree(records)) for _ in range(repeat)]
    (project, _pairs), wall, cpu = min(runs, key=lambda r: r[1])
    read_s = min(r[1] for r in reads)
    segments = sum(len(s) for item in records for s in item.annotations.values())
    p = project.pairs
    kappa = p.labels[0].matched.kappa.value if p.labels else None
    return [
        Figure(
            f"(k) agreement on {items:,} overlap items (2 annotators, {segments:,} segments)",
            wall,
            "s",
            "reading the segments (JSON to records)",
            read_s,
            TARGET_S * items / 1_000,
            note=(
                f"{wall / read_s:.1f}x reading; best of {repeat}; {cpu:.2f} s CPU; "
                f"pooled WER {p.matched_wer.mean:.3f}, κ(emotion) {kappa:.3f}, "
                f"boundary F1 {p.boundaries.f1:.3f}, DER {p.diarization.der_mean:.3f}"
            ),
        ),
        Figure(
            "(k) import of audino.quality.agreement (fresh interpreter)", _import_seconds(), "s"
        ),
    ]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000)
    args = parser.parse_args()
    print(f"audino agreement benchmark; load average {load_average()}", flush=True)
    print_table(run(args.items))


if __name__ == "__main__":
    main()
