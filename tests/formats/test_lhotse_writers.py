"""Files lhotse writes, imported: a CTM from `SupervisionSet.write_alignment_to_ctm` and a
Kaldi data dir from `lhotse.kaldi.export_to_kaldi`, both made from a lhotse manifest of the
speech fixtures (8 languages) with word alignments. Counts, times, text (exact) and
speakers are compared with what lhotse was given.

lhotse runs in `.venv-lhotse` (see test_lhotse_readers.py); these tests skip without it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from audino.formats import registry
from audino.formats.files import InputFile
from tests.conftest import SPEECH
from tests.formats.test_lhotse_readers import LHOTSE_PYTHON, MANIFEST

WRITER = Path(__file__).with_name("lhotse_write.py")

pytestmark = pytest.mark.skipif(
    not LHOTSE_PYTHON.exists(), reason=".venv-lhotse is missing (see test_lhotse_readers.py)"
)


def spec() -> dict[str, Any]:
    """A lhotse manifest of the fixtures: one supervision per segment, its words sharing
    the segment's span evenly, each with a score."""
    recordings, supervisions = [], []
    for entry in MANIFEST:
        reco = Path(entry["file"]).stem
        recordings.append({"id": reco, "path": str(SPEECH / entry["file"])})
        for k, seg in enumerate(entry["segments"]):
            words = seg["text"].split()
            step = round((seg["end"] - seg["start"]) / len(words), 2)
            supervisions.append(
                {
                    "id": f"{reco}-{k}",
                    "recording_id": reco,
                    "start": seg["start"],
                    "duration": round(seg["end"] - seg["start"], 4),
                    "text": seg["text"],
                    "speaker": f"spk-{entry['voice'].replace('+', '-')}",
                    "language": entry["voice"].split("-")[0].split("+")[0],
                    "words": [
                        [w, round(seg["start"] + j * step, 2), step, 0.5 + 0.01 * j]
                        for j, w in enumerate(words)
                    ],
                }
            )
    return {"recordings": recordings, "supervisions": supervisions}


def write(what: str, out: Path) -> dict[str, Any]:
    manifest = spec()
    spec_file = out.parent / f"{what}-spec.json"
    spec_file.write_text(json.dumps(manifest, ensure_ascii=False))
    done = subprocess.run(
        [str(LHOTSE_PYTHON), str(WRITER), what, str(spec_file), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return manifest


def files(folder: Path) -> list[InputFile]:
    return [InputFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()]


def test_a_ctm_written_by_lhotse_imports(tmp_path: Path) -> None:
    manifest = write("ctm", tmp_path / "ctm")
    back = registry.get("ctm").read(files(tmp_path / "ctm"))
    # Words come back grouped into segments, each word with its times in the segment's words.
    got = {
        item.recording.name: [
            (w["word"], w["start"], w["end"], w.get("confidence"))
            for s in item.segments
            for w in s.attributes["words"]
        ]
        for item in back.items
    }
    want: dict[str, list[tuple[str, float, float, float]]] = {}
    for sup in manifest["supervisions"]:
        for w, start, dur, score in sup["words"]:
            want.setdefault(sup["recording_id"], []).append((w, start, start + dur, score))
    assert set(got) == set(want)
    for reco, words in want.items():
        # lhotse writes times and scores with two decimals.
        assert [w[0] for w in got[reco]] == [w[0] for w in words]
        flat = [x for w in got[reco] for x in w[1:]]
        assert flat == pytest.approx([x for w in words for x in w[1:]], abs=0.0051)
    # lhotse's channel 0 is the recording's one channel.
    assert all(s.channel is None for item in back.items for s in item.segments)


def test_a_kaldi_data_dir_written_by_lhotse_imports(tmp_path: Path) -> None:
    manifest = write("kaldi", tmp_path / "kaldi")
    back = registry.get("kaldi").read(files(tmp_path / "kaldi"))
    got = sorted(
        (item.recording.name, s.start, s.end, s.transcript, s.values.get("speaker"))
        for item in back.items
        for s in item.segments
    )
    want = sorted(
        (s["recording_id"], s["start"], s["start"] + s["duration"], s["text"], s["speaker"])
        for s in manifest["supervisions"]
    )
    assert len(got) == len(want) == sum(len(e["segments"]) for e in MANIFEST)
    for g, w in zip(got, want, strict=True):
        assert g[0] in (w[0], f"{w[0]}.flac")  # FLAC goes through a pipe: named by its id
        assert g[1:3] == pytest.approx(w[1:3], abs=0.001)
        assert g[3:] == w[3:]
