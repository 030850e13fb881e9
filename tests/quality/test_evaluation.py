"""Model evaluation against people's work, on hand-computed cases."""

from __future__ import annotations

import pytest

from audino.formats.records import SegmentRecord
from audino.quality.evaluation import Evaluation


def seg(start: float, end: float, text: str = "") -> SegmentRecord:
    return SegmentRecord(None, 1, None, start, end, transcript=text)


def test_segments_frames_text_and_boundaries() -> None:
    human = [seg(0.0, 1.0, "hello world"), seg(2.0, 3.0, "good bye"), seg(5.0, 6.0)]
    # One good match (IoU 0.8), one too short to match (IoU 0.3), one false alarm.
    predicted = [seg(0.1, 0.9, "hello word"), seg(2.0, 2.3), seg(8.0, 9.0)]
    ev = Evaluation()
    ev.items = 1
    ev.add(predicted, human, extent=10.0)
    got = ev.json()
    assert (got["matched"], got["predicted"], got["human"]) == (1, 3, 3)
    assert got["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert got["recall"] == pytest.approx(1 / 3, abs=1e-4)
    # Frames: human 300, predicted 80 + 30 + 100; shared 80 + 30.
    assert got["frame_precision"] == pytest.approx(110 / 210, abs=1e-4)
    assert got["frame_recall"] == pytest.approx(110 / 300, abs=1e-4)
    # One substitution in two reference words.
    assert got["wer"] == 0.5
    assert got["median_start_error"] == pytest.approx(0.1)
    assert got["median_end_error"] == pytest.approx(0.1)


def test_nothing_to_compare_gives_no_figures() -> None:
    ev = Evaluation()
    ev.add([], [], extent=5.0)
    got = ev.json()
    assert got["precision"] is None and got["recall"] is None and got["f1"] is None
    assert got["wer"] is None and got["median_start_error"] is None
    ev.add([seg(0, 1)], [], extent=5.0)
    assert ev.json()["precision"] == 0.0 and ev.json()["recall"] is None
