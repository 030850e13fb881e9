"""Audacity label tracks and Raven selection tables as exported, read back by crowsetta
(the annotation loader of vak and the VocalPy tools): its `aud-seq` reader for Audacity's
standard format, `aud-bbox` for the extended one with frequency boxes, `raven` for Raven
tables. Counts, times (1 ms), labels (exact) and the annotation columns are compared.

crowsetta pins its own pandas and pandera, so it runs in `.venv-crowsetta` (made by
.ci/run: `python3 -m venv .venv-crowsetta && .venv-crowsetta/bin/pip install crowsetta`);
these tests skip without it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from audino.formats import registry
from audino.formats.files import write_tree
from audino.formats.options import ExportOptions
from audino.formats.records import Dataset
from tests.conftest import REPO
from tests.formats.test_text_formats import SPEAKERS, dataset

CROWSETTA_PYTHON = REPO / ".venv-crowsetta" / "bin" / "python"
READER = Path(__file__).with_name("crowsetta_read.py")

pytestmark = pytest.mark.skipif(
    not CROWSETTA_PYTHON.exists(),
    reason=".venv-crowsetta is missing (python3 -m venv .venv-crowsetta && "
    ".venv-crowsetta/bin/pip install crowsetta)",
)


def read(name: str, path: Path, *args: str) -> list[Any]:
    done = subprocess.run(
        [str(CROWSETTA_PYTHON), str(READER), name, str(path), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def exported(name: str, ds: Dataset, root: Path) -> Path:
    write_tree(registry.get(name).output_files(ds, ExportOptions()), root)
    return root


def boxes(found: list[Any]) -> list[float]:
    """Onset, offset, low and high Hz of each row, one after the other."""
    return [float(x) for row in found for x in row[:4]]


def segments(ds: Dataset) -> dict[str, list[Any]]:
    return {item.recording.name.rsplit(".", 1)[0]: list(item.segments) for item in ds.items}


@pytest.mark.parametrize("transcripts", [True, False])
def test_crowsetta_aud_seq_reads_our_audacity_labels(tmp_path: Path, transcripts: bool) -> None:
    """Audacity's standard three fields a line: the transcript, else the label values."""
    ds = dataset(transcripts=transcripts)
    root = exported("audacity", ds, tmp_path)
    for stem, segs in segments(ds).items():
        found = read("aud-seq", root / f"{stem.replace(' ', '_')}.txt")
        assert len(found) == len(segs)
        for (onset, offset, label), seg in zip(found, segs, strict=True):
            assert onset == pytest.approx(seg.start, abs=0.001)
            assert offset == pytest.approx(seg.end, abs=0.001)
            assert label == (seg.transcript if transcripts else seg.values["kind"])


def test_crowsetta_aud_bbox_reads_our_frequency_boxes(tmp_path: Path) -> None:
    ds = dataset(transcripts=False, boxes=True)
    root = exported("audacity", ds, tmp_path)
    for stem, segs in segments(ds).items():
        found = read("aud-bbox", root / f"{stem.replace(' ', '_')}.txt")
        assert [row[4] for row in found] == [s.values["kind"] for s in segs]
        assert boxes(found) == pytest.approx(
            [x for s in segs for x in (s.start, s.end, s.low_hz, s.high_hz)], abs=0.001
        )


def test_crowsetta_raven_reads_our_selection_tables(tmp_path: Path) -> None:
    """Each label is an annotation column (crowsetta's `annot_col`); Speaker and
    Transcript come along as columns of their own."""
    ds = dataset(boxes=True)
    root = exported("raven", ds, tmp_path)
    tables = sorted(root.glob("*.Table.1.selections.txt"))
    assert len(tables) == 2
    for table, (_stem, segs) in zip(tables, sorted(segments(ds).items()), strict=True):
        found = read("raven", table, "kind")
        assert boxes(found) == pytest.approx(
            [x for s in segs for x in (s.start, s.end, s.low_hz, s.high_hz)], abs=0.001
        )
        assert [row[4] for row in found] == [s.values["kind"] for s in segs]
        assert [(row[5]["Speaker"], row[5]["Transcript"]) for row in found] == [
            (s.values["speaker"], s.transcript) for s in segs
        ]
        assert {row[5]["Speaker"] for row in found} == set(SPEAKERS)
