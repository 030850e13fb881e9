"""Builds a project's lhotse CutSet through audino.client and prints what it holds as JSON.

Run by test_training.py with .venv-lhotse's Python (lhotse needs torch, which the main
environment does not have): `python lhotse_cuts.py URL TOKEN PROJECT_ID CACHE_DIR`. The
client is imported from src/ by path: it needs nothing but the standard library and lhotse.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from audino.client import Client  # noqa: E402

url, token, project_id, cache = sys.argv[1:5]
cuts = Client(url, token).cuts(int(project_id), cache_dir=cache)
clips = cuts.trim_to_supervisions(keep_overlapping=False)
print(
    json.dumps(
        {
            "recordings": sorted({c.recording_id for c in cuts}),
            "supervisions": sorted(
                [s.recording_id, s.start, s.duration, s.text, s.speaker]
                for c in cuts
                for s in c.supervisions
            ),
            "samples": sorted(int(c.load_audio().shape[-1]) for c in clips),
            "rates": sorted({c.sampling_rate for c in cuts}),
        }
    )
)
