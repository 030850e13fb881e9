"""The speech fixtures exported as corpora and read back by lhotse's own loaders: the
Kaldi data-dir loader and the LibriSpeech, Common Voice, VCTK, TED-LIUM and VoxCeleb
recipes' parsers find every utterance with its text and duration.

lhotse needs torch, which stays out of our dependencies: the readers run in
`.venv-lhotse` (made by .ci/run from a CPU-only torch wheel), and these tests skip
without it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.formats.test_corpus_formats import MANIFEST, export

LHOTSE_PYTHON = REPO / ".venv-lhotse" / "bin" / "python"
READER = Path(__file__).with_name("lhotse_read.py")
SEGMENTS = [
    (Path(entry["file"]).stem, k, seg)
    for entry in MANIFEST
    for k, seg in enumerate(entry["segments"])
]

pytestmark = pytest.mark.skipif(
    not LHOTSE_PYTHON.exists(),
    reason=".venv-lhotse is missing: lhotse needs torch, which .ci/run installs there only "
    "from a CPU-only wheel in /opt/wheels (python3 -m venv .venv-lhotse && "
    ".venv-lhotse/bin/pip install torch==2.13.0+cpu lhotse urllib3)",
)


def read(name: str, root: Path) -> dict[str, Any]:
    done = subprocess.run(
        [str(LHOTSE_PYTHON), str(READER), name, str(root)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def words(text: str) -> str:
    return " ".join(text.casefold().split())


def check(found: dict[str, Any], *, tolerance: float, whole_files: bool) -> None:
    """Every fixture segment is one supervision with its text and duration."""
    sups = found["supervisions"]
    assert len(sups) == len(SEGMENTS) == len({s["id"] for s in sups})
    by_text = {words(s["text"]): s for s in sups}
    for _name, _k, seg in SEGMENTS:
        sup = by_text[words(seg["text"])]
        assert sup["duration"] == pytest.approx(seg["end"] - seg["start"], abs=tolerance)
        if whole_files:  # one clip per segment: the recording is the clip
            assert sup["start"] == 0.0
            assert found["recordings"][sup["recording_id"]] == pytest.approx(
                sup["duration"], abs=tolerance
            )
        else:  # segments inside the original recordings
            assert sup["start"] == pytest.approx(seg["start"], abs=tolerance)
    if not whole_files:
        durations = {Path(e["file"]).stem: e["duration"] for e in MANIFEST}
        assert found["recordings"] == pytest.approx(durations, abs=0.01)


def test_kaldi_data_dir(tmp_path: Path) -> None:
    found = read("kaldi", export("kaldi", tmp_path))
    check(found, tolerance=0.002, whole_files=False)
    speakers = {s["speaker"] for s in found["supervisions"]}
    assert "voice_en-us" in speakers and all(
        s["id"].startswith(s["speaker"]) for s in found["supervisions"]
    )


def test_librispeech(tmp_path: Path) -> None:
    found = read("librispeech", export("librispeech", tmp_path))
    check(found, tolerance=0.002, whole_files=True)
    assert all(s["text"] == s["text"].upper() for s in found["supervisions"])


def test_commonvoice(tmp_path: Path) -> None:
    found = read("commonvoice", export("commonvoice", tmp_path))
    check(found, tolerance=0.03, whole_files=True)  # MP3 frames round the length


def test_vctk(tmp_path: Path) -> None:
    found = read("vctk", export("vctk", tmp_path))
    check(found, tolerance=0.002, whole_files=True)
    assert {s["speaker"] for s in found["supervisions"]} >= {"voiceenus", "voicear"}


def test_tedlium_stm(tmp_path: Path) -> None:
    found = read("tedlium", export("tedlium", tmp_path))
    check(found, tolerance=0.006, whole_files=False)  # STM times have two decimals


def test_voxceleb(tmp_path: Path) -> None:
    found = read("voxceleb", export("voxceleb", tmp_path))
    sups = found["supervisions"]
    assert len(sups) == len(SEGMENTS)
    # No transcripts in VoxCeleb: match by recording and utterance number.
    by_place = {(s["id"].split("-")[1], int(s["id"].split("-")[2])): s for s in sups}
    for name, k, seg in SEGMENTS:
        sup = by_place[(name, k + 1)]
        assert sup["duration"] == pytest.approx(seg["end"] - seg["start"], abs=0.002)
    speakers = {s["speaker"] for s in sups}
    assert len(speakers) == len(MANIFEST)
