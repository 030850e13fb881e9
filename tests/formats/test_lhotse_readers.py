"""The speech fixtures exported as corpora and read back by lhotse's own loaders: the
Kaldi data-dir loader and the LibriSpeech, LibriTTS (our LibriVox), Common Voice, VCTK,
TED-LIUM and VoxCeleb recipes find every utterance with its text and duration, and load
every recording's audio from outside the export's folder.

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

from audino.cli import app
from tests.conftest import REPO
from tests.formats.test_cli_export_options import Instance, runner
from tests.formats.test_cli_export_options import instance as instance  # a fixture
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


def run_reader(name: str, root: Path, *, audio: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LHOTSE_PYTHON), str(READER), name, str(root), *([] if audio else ["--no-audio"])],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def read(name: str, root: Path, *, audio: bool = True) -> dict[str, Any]:
    """What lhotse found; with `audio`, each recording's audio is loaded too."""
    done = run_reader(name, root, audio=audio)
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
    # Each recording's audio loads, from outside the export's folder, at its length.
    rates = {r: n / d for r, n in found["samples"].items() if (d := found["recordings"][r])}
    assert set(found["samples"]) == set(found["recordings"])
    assert all(abs(rate - round(rate, -3)) < 60 for rate in rates.values()), rates


def test_kaldi_data_dir(tmp_path: Path) -> None:
    found = read("kaldi", export("kaldi", tmp_path, audio_root=str(tmp_path)))
    check(found, tolerance=0.002, whole_files=False)
    speakers = {s["speaker"] for s in found["supervisions"]}
    assert "voice_en-us" in speakers and all(
        s["id"].startswith(s["speaker"]) for s in found["supervisions"]
    )
    # spk2gender: every fixture voice has a gender in the recording metadata.
    genders = {s["speaker"]: s["gender"] for s in found["supervisions"]}
    assert genders["voice_en-gb+f3"] == "f" and genders["voice_en-us"] == "m"
    assert set(genders.values()) == {"f", "m"}


def test_kaldi_paths_relative_to_the_data_dir_fail_elsewhere(tmp_path: Path) -> None:
    """Why wav.scp paths are absolute: without `audio_root`, lhotse cannot load the audio
    from another working directory (the issue's `AudioLoadingError`)."""
    done = run_reader("kaldi", export("kaldi", tmp_path))
    assert done.returncode != 0 and "wav/" in done.stderr


def test_librispeech(tmp_path: Path) -> None:
    found = read("librispeech", export("librispeech", tmp_path))
    check(found, tolerance=0.002, whole_files=True)
    assert all(s["text"] == s["text"].upper() for s in found["supervisions"])


def test_librivox_as_libritts(tmp_path: Path) -> None:
    """LibriTTS's layout, book.tsv included, read by `prepare_libritts`."""
    found = read("librivox", export("librivox", tmp_path, splits=(("train", 1), ("dev", 1))))
    check(found, tolerance=0.002, whole_files=True)
    assert {s["gender"] for s in found["supervisions"]} == {"F", "M"}
    speakers = {s["speaker"] for s in found["supervisions"]}
    assert len(speakers) == len(MANIFEST)  # one reader per fixture voice
    assert all(rate == 24000 for rate in sample_rates(found).values())


def sample_rates(found: dict[str, Any]) -> dict[str, float]:
    return {r: round(n / found["recordings"][r], -3) for r, n in found["samples"].items()}


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


def test_kaldi_genders_from_a_label(tmp_path: Path) -> None:
    from tests.formats.test_genders import CODES, VOICES, voiced
    from tests.formats.test_genders import export as export_voiced

    voices = tuple(v if c else "Male" for v, c in zip(VOICES, CODES, strict=True))
    dataset = voiced(voices=voices)
    export_voiced("kaldi", tmp_path, dataset, gender_label="voice", audio_root=str(tmp_path))
    found = read("kaldi", tmp_path)
    genders = {s["speaker"]: s["gender"] for s in found["supervisions"]}
    assert genders == {
        f"voice_{e['voice']}": c or "m" for e, c in zip(MANIFEST, CODES, strict=True)
    }


def test_kaldi_folder_from_the_cli_reads_from_anywhere(instance: Instance, tmp_path: Path) -> None:
    """`audino export -f kaldi -o DIR` writes absolute wav.scp paths by default."""
    folder = tmp_path / "kaldi"
    args = ["export", "Calls", "-f", "kaldi", "-o", str(folder), "--gender-label", "voice"]
    result = runner.invoke(app, [*args, "--data-dir", str(instance.data_dir)])
    assert result.exit_code == 0, result.output
    assert all(
        line.split(" ", 1)[1].startswith(str(folder.resolve()))
        for line in (folder / "wav.scp").read_text().splitlines()
    )
    found = read("kaldi", folder)
    assert len(found["samples"]) == 4 and all(n > 16000 for n in found["samples"].values())
    # One voice is "other": no spk2gender (Kaldi needs every speaker), and the CLI says so.
    assert {s["gender"] for s in found["supervisions"]} == {None}
    assert "Not carried: 2 values left out: gender neither" in result.stderr
    assert "Not carried: 1 value left out: speakers neither f nor m" in result.stderr


SPLITS = (("train", 0.6), ("dev", 0.2), ("test", 0.2))  # 8 recordings: 5/2/1


def test_commonvoice_default_preparation_reads_train_dev_and_test(tmp_path: Path) -> None:
    """Every split's tsv is written (an empty one as its header), and with a locale that
    gets some of each, lhotse's default train/dev/test preparation runs."""
    root = export("commonvoice", tmp_path, locale="xx", splits=SPLITS)
    found = read("commonvoice:default", root)
    check(found, tolerance=0.03, whole_files=True)
    # Split by recording, 5/2/1 of the eight, two segments each.
    assert len(MANIFEST) == 8 and all(len(e["segments"]) == 2 for e in MANIFEST)
    assert found["parts"] == {"xx/train": 10, "xx/dev": 4, "xx/test": 2}
    # Unsplit, every clip is in train; dev and test are there, as headers.
    root = export("commonvoice", tmp_path / "plain")
    for locale in root.iterdir():
        tables = {t.stem: t.read_text().splitlines() for t in locale.glob("*.tsv")}
        assert tables["train"] == tables["validated"] and len(tables["train"]) > 1
        assert tables["dev"] == tables["test"] == [tables["train"][0]]


def test_tedlium_default_preparation(tmp_path: Path) -> None:
    """legacy/<split>/sph + stm, read by `prepare_tedlium(root)` with its default parts."""
    root = export("tedlium", tmp_path, splits=SPLITS)
    assert sorted(p.name for p in (root / "legacy").iterdir()) == ["dev", "test", "train"]
    found = read("tedlium", root)
    check(found, tolerance=0.006, whole_files=False)  # STM times have two decimals
    assert found["parts"] == {"train": 10, "dev": 4, "test": 2}
    assert all(rate == 16000 for rate in sample_rates(found).values())


def test_voxpopuli_sessions_read_by_prepare_voxpopuli(tmp_path: Path) -> None:
    """The sessions and asr_<lang>.tsv.gz beside the transcribed data: lhotse's VoxPopuli
    recipe finds every segment in its whole recording, with the normalised text and its
    split. (The recipe prepares train, dev and test and fails on an empty one, as for
    TED-LIUM: an export for it has all three.)"""
    from audino.formats.normalize import normalized_text

    root = export("voxpopuli", tmp_path, locale="en", splits=SPLITS)
    found = read("voxpopuli", root)
    sups = found["supervisions"]
    assert len(sups) == len(SEGMENTS)
    assert found["parts"] == {"en/train": 10, "en/dev": 4, "en/test": 2}
    by_text = {s["text"]: s for s in sups}
    for _name, _k, seg in SEGMENTS:
        sup = by_text[normalized_text(seg["text"])]
        assert sup["start"] == pytest.approx(seg["start"], abs=0.001)
        assert sup["duration"] == pytest.approx(seg["end"] - seg["start"], abs=0.001)
    durations = sorted(e["duration"] for e in MANIFEST)
    assert sorted(found["recordings"].values()) == pytest.approx(durations, abs=0.03)
    assert len({s["speaker"] for s in sups}) == len(MANIFEST)
    assert all(n > 0 for n in found["samples"].values())
