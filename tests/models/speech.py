"""The speech fixtures with their exact speech intervals, and frame-level (10 ms) scoring."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audino.models import Prediction

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SPEECH = FIXTURES / "speech"
FRAME = 0.01


@dataclass(frozen=True)
class Clip:
    path: Path
    duration: float
    speech: list[tuple[float, float]]


def clips() -> list[Clip]:
    out = []
    for line in (SPEECH / "manifest.jsonl").read_text().splitlines():
        row = json.loads(line)
        speech = [(s["start"], s["end"]) for s in row["segments"]]
        out.append(Clip(SPEECH / row["file"], row["duration"], speech))
    return out


def mask(intervals: list[tuple[float, float]], duration: float) -> np.ndarray:
    centres = (np.arange(int(round(duration / FRAME))) + 0.5) * FRAME
    out = np.zeros(centres.size, bool)
    for start, end in intervals:
        out |= (centres >= start) & (centres < end)
    return out


def frame_f1(reference: list[tuple[float, float]], got: list[Prediction], duration: float) -> float:
    ref = mask(reference, duration)
    hyp = mask([(p.start, p.end) for p in got], duration)
    tp = int((ref & hyp).sum())
    return 2 * tp / (ref.sum() + hyp.sum()) if tp else 0.0
