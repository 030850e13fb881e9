"""Reads an exported annotation file with crowsetta's own readers and prints what it found
as JSON.

Run by tests/formats/test_crowsetta_readers.py in a separate environment that has
crowsetta (pandas, pandera, scipy), `.venv-crowsetta`:
`python crowsetta_read.py FORMAT PATH [ANNOTATION COLUMN]`, FORMAT one of crowsetta's
names: `aud-seq` (Audacity's standard label track), `aud-bbox` (Audacity's extended one,
every label with a frequency line), `raven` (a Raven selection table; the annotation
column, default "Annotation"). Prints a JSON list of rows: `[onset, offset, label]` for
aud-seq, `[onset, offset, low Hz, high Hz, label]` for aud-bbox, and for raven
`[onset, offset, low Hz, high Hz, annotation, {other column: value}]`.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def aud_seq(path: str) -> list[Any]:
    from crowsetta.formats.seq import AudSeq

    seq = AudSeq.from_file(path)
    return [
        [float(a), float(b), str(c)]
        for a, b, c in zip(seq.start_times, seq.end_times, seq.labels, strict=True)
    ]


def aud_bbox(path: str) -> list[Any]:
    from crowsetta.formats.bbox import AudBBox

    return [
        [b.onset, b.offset, b.low_freq, b.high_freq, b.label]
        for b in AudBBox.from_file(path).to_bbox()
    ]


def raven(path: str, column: str = "Annotation") -> list[Any]:
    from crowsetta.formats.bbox import Raven

    found = Raven.from_file(path, annot_col=column)
    bboxes = found.to_bbox()
    known = {"begin_time_s", "end_time_s", "low_freq_hz", "high_freq_hz", "annotation"}
    others = [c for c in found.df.columns if c not in known]
    rows = found.df[others].astype(str).to_dict("records")
    return [
        [b.onset, b.offset, b.low_freq, b.high_freq, b.label, row]
        for b, row in zip(bboxes, rows, strict=True)
    ]


READERS = {"aud-seq": aud_seq, "aud-bbox": aud_bbox, "raven": raven}


def main() -> None:
    name, path, *rest = sys.argv[1:]
    print(json.dumps(READERS[name](path, *rest), ensure_ascii=False))


if __name__ == "__main__":
    main()
