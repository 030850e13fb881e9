"""Reads an exported corpus with lhotse's own loaders and prints what it found as JSON.

Run by tests/formats/test_lhotse_readers.py in a separate environment that has lhotse
(and its CPU-only torch): `python lhotse_read.py FORMAT DIR`. Prints one JSON object:
`{"supervisions": [{id, recording_id, text, speaker, start, duration, words}],
"recordings": {id: duration}}`; `words` ([symbol, start, duration, score]) are a CTM's
word alignments (format `kaldi+ctm`: a Kaldi data dir with its `words.ctm`).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any


def kaldi(root: Path) -> tuple[Any, Any]:
    from lhotse.kaldi import load_kaldi_data_dir

    os.chdir(root)  # wav.scp paths are relative to the data dir
    recordings, supervisions, _ = load_kaldi_data_dir(root, sampling_rate=16000)
    return recordings, supervisions


def kaldi_ctm(root: Path) -> tuple[Any, Any]:
    """A Kaldi data dir with the words of `words.ctm` aligned to its supervisions."""
    recordings, supervisions = kaldi(root)
    return recordings, supervisions.with_alignment_from_ctm(root / "words.ctm")


def librispeech(root: Path) -> tuple[Any, Any]:
    from lhotse.recipes import prepare_librispeech

    parts = prepare_librispeech(root, dataset_parts="auto")
    return _merged(parts.values())


def commonvoice(root: Path) -> tuple[Any, Any]:
    from lhotse.recipes import prepare_commonvoice

    languages = sorted(p.name for p in root.iterdir() if (p / "validated.tsv").is_file())
    with tempfile.TemporaryDirectory() as out:
        found = prepare_commonvoice(root, out, languages=languages, splits=["validated"])
    return _merged(parts["validated"] for parts in found.values())


def vctk(root: Path) -> tuple[Any, Any]:
    from lhotse.recipes import prepare_vctk

    found = prepare_vctk(root, use_edinburgh_vctk_url=True, mic_id="mic1")
    return found["recordings"], found["supervisions"]


def tedlium(root: Path) -> tuple[Any, Any]:
    # prepare_tedlium wants TED-LIUM 3's legacy/<split>/sph/ folders; its STM parser and
    # Recording.from_file are what read the files.
    from lhotse import RecordingSet, SupervisionSet
    from lhotse.recipes.tedlium import _parse_stm_file

    recordings, supervisions = [], []
    for split in sorted(p for p in root.iterdir() if p.is_dir()):
        recordings.extend(RecordingSet.from_dir(split / "wav", "*.wav"))
        for stm in sorted((split / "stm").glob("*.stm")):
            supervisions.extend(_parse_stm_file(stm))
    return RecordingSet.from_recordings(recordings), SupervisionSet.from_segments(supervisions)


def voxceleb(root: Path) -> tuple[Any, Any]:
    # prepare_voxceleb also downloads the trials list; its VoxCeleb1 reader runs offline.
    from lhotse.recipes.voxceleb import _prepare_voxceleb_v1

    return _merged(_prepare_voxceleb_v1(root, num_jobs=1).values())


def _merged(parts: Any) -> tuple[Any, Any]:
    from lhotse import RecordingSet, SupervisionSet

    recordings, supervisions = [], []
    for part in parts:
        recordings.extend(part["recordings"])
        supervisions.extend(part["supervisions"])
    return RecordingSet.from_recordings(recordings), SupervisionSet.from_segments(supervisions)


READERS = {
    "kaldi": kaldi,
    "kaldi+ctm": kaldi_ctm,
    "librispeech": librispeech,
    "commonvoice": commonvoice,
    "vctk": vctk,
    "tedlium": tedlium,
    "voxceleb": voxceleb,
}


def main() -> None:
    name, root = sys.argv[1], Path(sys.argv[2]).resolve()
    recordings, supervisions = READERS[name](root)
    out = {
        "recordings": {r.id: r.duration for r in recordings},
        "supervisions": [
            {
                "id": s.id,
                "recording_id": s.recording_id,
                "text": s.text,
                "speaker": s.speaker,
                "start": s.start,
                "duration": s.duration,
                "words": [
                    [w.symbol, w.start, w.duration, w.score]
                    for w in (s.alignment or {}).get("word", [])
                ],
            }
            for s in supervisions
        ],
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
