"""Reads an exported corpus with lhotse's own loaders and prints what it found as JSON.

Run by tests/formats/test_lhotse_readers.py in a separate environment that has lhotse
(and its CPU-only torch): `python lhotse_read.py FORMAT DIR [--no-audio]`. Prints one
JSON object: `{"supervisions": [{id, recording_id, text, speaker, gender, start, duration,
words}], "recordings": {id: duration}, "samples": {id: samples loaded}, "parts": {part:
supervisions}}`; `words` ([symbol, start, duration, score]) are a CTM's word alignments
(format `kaldi+ctm`: a Kaldi data dir with its `words.ctm`). Every reader runs from an
empty working directory, so relative paths in the export's files fail as they would for
a user elsewhere; `samples` is what loading each recording's audio gave (Kaldi: through
wav.scp), unless `--no-audio` (an export without audio). SPHERE audio (TED-LIUM) is read
through sph2pipe, or bin/sph2pipe where it is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any


def kaldi(root: Path) -> tuple[Any, Any]:
    from lhotse.kaldi import load_kaldi_data_dir

    recordings, supervisions, _ = load_kaldi_data_dir(root, sampling_rate=16000)
    return recordings, supervisions


def kaldi_ctm(root: Path) -> tuple[Any, Any]:
    """A Kaldi data dir with the words of `words.ctm` aligned to its supervisions."""
    recordings, supervisions = kaldi(root)
    return recordings, supervisions.with_alignment_from_ctm(root / "words.ctm")


def librispeech(root: Path) -> tuple[Any, Any]:
    from lhotse.recipes import prepare_librispeech

    parts = prepare_librispeech(root, dataset_parts="auto")
    return _merged(parts)


def librivox(root: Path) -> tuple[Any, Any]:
    """`prepare_libritts` on the subsets written (its default asks for all seven)."""
    from lhotse.recipes import prepare_libritts

    parts = sorted(p.name for p in root.iterdir() if p.is_dir())
    return _merged(prepare_libritts(root, dataset_parts=parts))


def commonvoice(root: Path) -> tuple[Any, Any]:
    """Each language's validated.tsv."""
    from lhotse.recipes import prepare_commonvoice

    languages = sorted(p.name for p in root.iterdir() if (p / "validated.tsv").is_file())
    with tempfile.TemporaryDirectory() as out:
        found = prepare_commonvoice(root, out, languages=languages, splits=["validated"])
    return _merged(parts["validated"] for parts in found.values())


def commonvoice_default(root: Path) -> tuple[Any, Any]:
    """`prepare_commonvoice` as its docs call it: train, dev and test of each language."""
    from lhotse.recipes import prepare_commonvoice

    languages = sorted(p.name for p in root.iterdir() if (p / "validated.tsv").is_file())
    with tempfile.TemporaryDirectory() as out:
        found = prepare_commonvoice(root, out, languages=languages)
    return _merged(
        {f"{lang}/{split}": part for lang, parts in found.items() for split, part in parts.items()}
    )


def vctk(root: Path) -> tuple[Any, Any]:
    from lhotse.recipes import prepare_vctk

    found = prepare_vctk(root, use_edinburgh_vctk_url=True, mic_id="mic1")
    return found["recordings"], found["supervisions"]


def tedlium(root: Path) -> tuple[Any, Any]:
    """`prepare_tedlium` on the legacy/<split>/ folders the export wrote (all three, its
    default, when the export has train, dev and test)."""
    from lhotse.recipes import prepare_tedlium

    written = sorted(p.name for p in (root / "legacy").iterdir() if p.is_dir())
    if written == ["dev", "test", "train"]:
        return _merged(prepare_tedlium(root))
    return _merged(prepare_tedlium(root, dataset_parts=written))


def _sph2pipe() -> None:
    """lhotse reads SPHERE through the sph2pipe binary; without it (`lhotse
    install-sph2pipe` needs the network), bin/sph2pipe answers with libsndfile."""
    if shutil.which("sph2pipe") is None:
        here = Path(__file__).resolve().parent / "bin"
        python = Path(sys.executable).parent  # bin/sph2pipe runs on this python3
        os.environ["PATH"] = os.pathsep.join([str(here), str(python), os.environ["PATH"]])


def voxceleb(root: Path) -> tuple[Any, Any]:
    # prepare_voxceleb also downloads the trials list; its VoxCeleb1 reader runs offline.
    from lhotse.recipes.voxceleb import _prepare_voxceleb_v1

    return _merged(_prepare_voxceleb_v1(root, num_jobs=1))


def voxpopuli(root: Path) -> tuple[Any, Any]:
    """`prepare_voxpopuli` (task asr) for each language it knows that the export has:
    the sessions under raw_audios/<lang>/ and the segment table asr_<lang>.tsv.gz, which
    the recipe looks for in its output_dir (it would download it otherwise)."""
    from lhotse.recipes.voxpopuli import ASR_LANGUAGES, prepare_voxpopuli

    langs = sorted(p.name for p in (root / "raw_audios").iterdir() if p.name in ASR_LANGUAGES)
    found = {}
    for lang in langs:
        with tempfile.TemporaryDirectory() as out:
            shutil.copy(root / f"asr_{lang}.tsv.gz", out)
            parts = prepare_voxpopuli(root, output_dir=out, task="asr", lang=lang)
        found.update({f"{lang}/{split}": part for split, part in parts.items()})
    return _merged(found)


PARTS: dict[str, int] = {}  # part -> supervisions, when a recipe names its parts


def _merged(parts: Any) -> tuple[Any, Any]:
    """One recording and supervision set from a recipe's parts (a dict of them: their
    sizes are kept in PARTS)."""
    from lhotse import RecordingSet, SupervisionSet

    if isinstance(parts, dict):
        PARTS.update({name: len(part["supervisions"]) for name, part in parts.items()})
        parts = parts.values()
    recordings, supervisions = [], []
    for part in parts:
        recordings.extend(part["recordings"])
        supervisions.extend(part["supervisions"])
    return RecordingSet.from_recordings(recordings), SupervisionSet.from_segments(supervisions)


READERS = {
    "kaldi": kaldi,
    "kaldi+ctm": kaldi_ctm,
    "librispeech": librispeech,
    "librivox": librivox,
    "commonvoice": commonvoice,
    "commonvoice:default": commonvoice_default,
    "vctk": vctk,
    "tedlium": tedlium,
    "voxceleb": voxceleb,
    "voxpopuli": voxpopuli,
}


def main() -> None:
    name, root = sys.argv[1], Path(sys.argv[2]).resolve()
    audio = "--no-audio" not in sys.argv[3:]
    _sph2pipe()
    with tempfile.TemporaryDirectory() as elsewhere:
        os.chdir(elsewhere)  # not the export's folder: its paths must work from anywhere
        recordings, supervisions = READERS[name](root)
        samples = {r.id: int(r.load_audio().shape[-1]) for r in recordings if audio}
    out = {
        "recordings": {r.id: r.duration for r in recordings},
        "samples": samples,
        "parts": PARTS,
        "supervisions": [
            {
                "id": s.id,
                "recording_id": s.recording_id,
                "text": s.text,
                "speaker": s.speaker,
                "gender": s.gender,
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
