"""Training data through audino.client: the project's segments with their audio as a
`datasets.Dataset` (a clip per segment, or a row per recording) and as a lhotse CutSet."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from audino.client import Client
from tests.client.conftest import CLIPS, Served
from tests.conftest import REPO

LHOTSE_PYTHON = REPO / ".venv-lhotse" / "bin" / "python"
SEGMENTS = sorted(
    (c["file"], s["start"], s["end"], s["text"], "A" if n == 0 else "B")
    for c in CLIPS
    for n, s in enumerate(c["segments"])
)


def test_dataset_has_a_clip_per_segment(served: Served, tmp_path: Path) -> None:
    client = Client(served.url, served.token)
    ds = client.dataset(served.project_id, cache_dir=tmp_path)
    rows = sorted(ds, key=lambda r: (r["name"], r["start"]))
    got = [(r["name"], r["start"], r["end"], r["transcript"], r["speaker"]) for r in rows]
    assert got == SEGMENTS
    for row in rows:
        assert row["labels"] == {"speaker": row["speaker"], "mood": None, "tags": ["x"]}
        assert row["source"] == "human" and row["author"] == "mia"
    for row in ds.with_format("numpy"):
        audio = row["audio"]
        assert audio["sampling_rate"] == 16000 and Path(str(audio["path"])).is_file()
        assert isinstance(audio["array"], np.ndarray) and audio["array"].dtype == np.float32
        expected = (row["end"] - row["start"]) * audio["sampling_rate"]
        assert abs(len(audio["array"]) - expected) <= 1
        assert float(np.abs(audio["array"]).max()) > 0.01  # speech, not silence
    # Audio is downloaded once: a second call reads the cache.
    cached = sorted(p.name for p in (tmp_path / f"project-{served.project_id}").rglob("*"))
    again = client.dataset(served.project_id, cache_dir=tmp_path)
    assert len(again) == len(ds)
    assert sorted(p.name for p in (tmp_path / f"project-{served.project_id}").rglob("*")) == cached


def test_dataset_by_recording(served: Served, tmp_path: Path) -> None:
    ds = Client(served.url, served.token).dataset(
        served.project_id, cache_dir=tmp_path, by="recording"
    )
    by_name = {row["name"]: row for row in ds}
    assert set(by_name) == {c["file"] for c in CLIPS}
    for clip in CLIPS:
        row = by_name[clip["file"]]
        assert row["transcript"] == " ".join(s["text"] for s in clip["segments"])
        assert [s["speaker"] for s in row["segments"]] == ["A", "B"]
        seconds = len(row["audio"]["array"]) / row["audio"]["sampling_rate"]
        assert abs(seconds - clip["duration"]) < 0.05


@pytest.mark.skipif(
    importlib.util.find_spec("lhotse") is not None, reason="lhotse is installed here"
)
def test_cuts_without_lhotse_says_how_to_install_it(served: Served, tmp_path: Path) -> None:
    with pytest.raises(ImportError, match=r"Client.cuts\(\) needs the lhotse library: pip"):
        Client(served.url, served.token).cuts(served.project_id, cache_dir=tmp_path)


@pytest.mark.skipif(not LHOTSE_PYTHON.exists(), reason=".venv-lhotse is missing (see .ci/run)")
def test_cuts_in_lhotse(served: Served, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(LHOTSE_PYTHON), str(Path(__file__).with_name("lhotse_cuts.py")), served.url,
         served.token, str(served.project_id), str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    ids = {f: str(i) for f, i in served.datapoints.items()}
    assert got["recordings"] == sorted(ids.values())
    assert got["rates"] == [16000]
    expected = sorted(
        [ids[f], a, pytest.approx(b - a, abs=1e-3), t, s] for f, a, b, t, s in SEGMENTS
    )
    assert got["supervisions"] == expected
    lengths = sorted(round((b - a) * 16000) for _f, a, b, _t, _s in SEGMENTS)
    assert all(abs(n - m) <= 2 for n, m in zip(got["samples"], lengths, strict=True))
