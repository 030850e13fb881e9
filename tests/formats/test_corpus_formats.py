"""Corpus layouts with audio, on the shared speech fixtures (8 languages): the right
texts and durations, read back by our own probe and by Hugging Face `datasets`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest

from audino.audio.clips import cut
from audino.formats import registry
from audino.formats.files import InputFile, write_tree
from audino.formats.options import ExportOptions
from audino.formats.records import (
    AnnotatedRecording,
    Dataset,
    LabelSpec,
    ProjectInfo,
    Recording,
    SegmentRecord,
)
from tests.conftest import SPEECH

MANIFEST = [orjson.loads(line) for line in (SPEECH / "manifest.jsonl").read_bytes().splitlines()]
LOCALES = {"en-us": "en", "en-gb+f3": "en"}


def speech() -> Dataset:
    items = []
    for i, entry in enumerate(MANIFEST):
        rec = Recording(
            id=i + 1,
            name=entry["file"],
            storage_key=entry["file"],
            duration=entry["duration"],
            sample_rate=16000,
            channels=1,
            metadata={
                "language": LOCALES.get(entry["voice"], entry["voice"].split("+")[0]),
                "gender": "female" if "+f" in entry["voice"] else "male",
            },
        )
        segs = tuple(
            SegmentRecord(
                id=f"{i}-{j}",
                recording_id=i + 1,
                author="alice",
                start=s["start"],
                end=s["end"],
                transcript=s["text"],
                values={"speaker": f"voice {entry['voice']}"},
            )
            for j, s in enumerate(entry["segments"])
        )
        items.append(AnnotatedRecording(rec, segs))
    return Dataset(ProjectInfo("speech"), (LabelSpec("speaker", "text"),), (), items)


def local_clips(
    recording: Recording, spans: Sequence[tuple[float, float, int | None]], **audio: Any
) -> Iterator[bytes]:
    yield from cut(SPEECH / recording.name, spans, **audio)


def export(name: str, root: Path, **options: Any) -> Path:
    fmt = registry.get(name)
    write_tree(fmt.output_files(speech(), ExportOptions(clips=local_clips, **options)), root)
    return root


def duration(path: Path) -> tuple[float, int, int]:
    import av

    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        samples = sum(f.samples for f in c.decode(stream))
        return samples / stream.sample_rate, stream.sample_rate, stream.codec_context.channels


def all_segments() -> list[tuple[str, float]]:
    return sorted((s["text"], s["end"] - s["start"]) for e in MANIFEST for s in e["segments"])


def same(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> bool:
    """Same texts, durations within 10 ms (clips are cut on sample boundaries)."""
    got, want = sorted(got), sorted(want)
    return [t for t, _ in got] == [t for t, _ in want] and all(
        abs(a - b) <= 0.01 for (_, a), (_, b) in zip(got, want, strict=True)
    )


def test_librispeech(tmp_path: Path) -> None:
    root = export("librispeech", tmp_path)
    found = []
    for trans in sorted(root.glob("train-clean-100/*/*/*.trans.txt")):
        for line in trans.read_text().splitlines():
            utt, text = line.split(" ", 1)
            spk, chapter, _ = utt.split("-")
            audio = trans.parent / f"{utt}.flac"
            seconds, rate, channels = duration(audio)
            assert (rate, channels) == (16000, 1) and trans.parent.parts[-2:] == (spk, chapter)
            found.append((text, seconds))
    assert found and all(text == text.upper() for text, _ in found)
    assert same(found, [(t.upper(), d) for t, d in all_segments()])
    speakers = (root / "SPEAKERS.TXT").read_text().splitlines()
    assert speakers[1].startswith(";ID") and "voice de" in "\n".join(speakers)


def test_commonvoice_splits_by_speaker(tmp_path: Path) -> None:
    root = export(
        "commonvoice", tmp_path, splits=(("train", 0.5), ("test", 0.5)), split_by="speaker"
    )
    assert {p.name for p in root.iterdir()} == {"ar", "cmn", "de", "en", "es", "fr", "hi"}
    rows = []
    for table in root.glob("*/validated.tsv"):
        reader = csv.DictReader(
            io.StringIO(table.read_text()), delimiter="\t", quoting=csv.QUOTE_NONE
        )
        assert reader.fieldnames == [
            "client_id",
            "path",
            "sentence",
            "up_votes",
            "down_votes",
            "age",
            "gender",
            "accents",
            "variant",
            "locale",
            "segment",
        ]
        for row in reader:
            seconds, rate, _ = duration(table.parent / "clips" / row["path"])
            assert rate == 48000 and row["locale"] == table.parent.name
            rows.append((row["sentence"], seconds, row["client_id"]))
    assert same([(t, d) for t, d, _ in rows], all_segments())
    durations = (root / "de" / "clip_durations.tsv").read_text().splitlines()
    assert durations[0] == "clip\tduration[ms]" and len(durations) == 3
    split_of: dict[str, set[str]] = {}
    for table in [*root.glob("*/train.tsv"), *root.glob("*/test.tsv")]:
        for line in table.read_text().splitlines()[1:]:
            split_of.setdefault(line.split("\t")[0], set()).add(table.stem)
    assert all(len(splits) == 1 for splits in split_of.values())


def test_audiofolder_loads_in_datasets(tmp_path: Path) -> None:
    from datasets import Audio, load_dataset

    root = export("audiofolder", tmp_path / "af", splits=(("train", 0.7), ("dev", 0.3)))
    data = load_dataset("audiofolder", data_dir=str(root), cache_dir=str(tmp_path / "cache"))
    assert set(data) <= {"train", "validation"}
    got = []
    for split in data.values():
        split = split.cast_column("audio", Audio(decode=False))
        for row in split:
            seconds, rate, _ = duration(Path(row["audio"]["path"]))
            assert rate == 16000 and row["speaker_id"].startswith("voice ")
            got.append((row["transcription"], seconds))
    assert same(got, all_segments())


def test_kaldi_and_nemo_with_whole_recordings(tmp_path: Path) -> None:
    root = export("kaldi", tmp_path / "kaldi")
    for line in (root / "wav.scp").read_text().splitlines():
        reco, path = line.split()
        seconds, rate, _ = duration(root / path)
        want = next(e["duration"] for e in MANIFEST if e["file"].startswith(reco))
        assert rate == 16000 and abs(seconds - want) < 0.01
    texts = dict(line.split(" ", 1) for line in (root / "text").read_text().splitlines())
    assert sorted(texts.values()) == sorted(t for t, _ in all_segments())
    root = export("nemo", tmp_path / "nemo")
    entries = [orjson.loads(line) for line in (root / "manifest.json").read_bytes().splitlines()]
    assert same([(e["text"], e["duration"]) for e in entries], all_segments())
    assert all((root / e["audio_filepath"]).is_file() for e in entries)
    assert {e["lang"] for e in entries} >= {"de", "cmn", "hi"}


@pytest.mark.parametrize(
    ("name", "pattern", "rate"),
    [
        ("vctk", "wav48_silence_trimmed/*/*_mic1.flac", 48000),
        ("voxceleb", "wav/*/*/*.wav", 16000),
        ("voxpopuli", "transcribed_data/*/*/*.ogg", 48000),
        ("librivox", "*/*/*/*.wav", 24000),
        ("tedlium", "legacy/train/sph/*.sph", 16000),
    ],
)
def test_other_corpora_write_clips_and_tables(
    tmp_path: Path, name: str, pattern: str, rate: int
) -> None:
    root = export(name, tmp_path)
    clips = sorted(root.glob(pattern))
    assert len(clips) == (len(MANIFEST) if name == "tedlium" else len(all_segments()))
    seconds, found_rate, channels = duration(clips[0])
    assert found_rate == rate and channels == 1 and seconds > 1
    if name == "vctk":
        spk = clips[0].parent.name
        text = root / "txt" / spk / clips[0].name.replace("_mic1.flac", ".txt")
        assert text.read_text().strip() in {t for t, _ in all_segments()}
        assert (root / "speaker-info.txt").read_text().startswith("ID  AGE  GENDER")
    if name == "tedlium":
        stm = (root / "legacy/train/stm" / clips[0].with_suffix(".stm").name).read_text()
        stm = stm.splitlines()
        assert stm[0].endswith("ignore_time_segment_in_scoring") and "<o,f0," in stm[1]
    if name == "voxpopuli":
        table = next(root.glob("transcribed_data/*/asr_train.tsv")).read_text().splitlines()
        assert table[0].split("\t")[:3] == ["id", "raw_text", "normalized_text"]


def test_audino_cvat_clips_and_round_trip(tmp_path: Path) -> None:
    root = export("audino-cvat", tmp_path)
    lines = (root / "data.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    assert header == [
        "path",
        "sentence",
        "age",
        "gender",
        "accent",
        "locale",
        "emotion",
        "label",
        "start",
        "end",
        "audio_file",
    ]
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    got = [(r["sentence"], duration(root / "clips" / r["path"])[0]) for r in rows]
    assert same(got, all_segments())
    back = registry.get("audino-cvat").read(
        [InputFile("data.tsv", (root / "data.tsv").read_bytes())]
    )
    names = {item.recording.name for item in back.items}
    assert names == {e["file"] for e in MANIFEST}
    assert next(iter(back.items)).segments[0].attributes == {"gender": "male", "locale": "en"}


def test_missing_audio_skips_its_clips_but_keeps_the_text(tmp_path: Path) -> None:
    def broken(recording: Recording, spans: Any, **audio: Any) -> Iterator[bytes]:
        if recording.name.startswith("de"):
            raise FileNotFoundError(recording.name)
        yield from local_clips(recording, spans, **audio)

    fmt = registry.get("librispeech")
    write_tree(fmt.output_files(speech(), ExportOptions(clips=broken)), tmp_path)
    texts = [p for p in tmp_path.glob("*/*/*/*.trans.txt")]
    assert len(texts) == len(MANIFEST)
    assert len(list(tmp_path.glob("*/*/*/*.flac"))) == len(all_segments()) - 2


def test_audino_cvat_table_and_clips_read_by_pandas_and_libsndfile(tmp_path: Path) -> None:
    """As a training script reads the 2025 export: pandas on data.tsv (tab-separated, no
    quoting, as Common Voice loaders read it), each row's clip decoded by libsndfile
    (soundfile), not by us. (`datasets`' csv builder leaves the file open: a warning.)"""
    import csv

    import pandas
    import soundfile

    root = export("audino-cvat", tmp_path / "cvat")
    table = pandas.read_csv(
        root / "data.tsv", sep="\t", quoting=csv.QUOTE_NONE, keep_default_na=False, dtype=str
    )
    got = []
    for row in table.to_dict("records"):
        samples, rate = soundfile.read(root / "clips" / row["path"])
        got.append((row["sentence"], len(samples) / rate))
        assert float(row["end"]) > float(row["start"]) >= 0
    assert same(got, all_segments())


def test_nemo_manifest_loads_in_datasets_with_its_spans(tmp_path: Path) -> None:
    """NeMo manifests are JSON lines: `datasets`' json builder reads every entry, and the
    offset/duration of an entry over a whole recording cut out its text's span."""
    import soundfile
    from datasets import load_dataset

    root = export("nemo", tmp_path / "nemo")
    data = load_dataset(
        "json", data_files=str(root / "manifest.json"), cache_dir=str(tmp_path / "cache")
    )["train"]
    assert same([(r["text"], r["duration"]) for r in data], all_segments())
    for row in data:
        info = soundfile.info(root / row["audio_filepath"])
        assert info.samplerate == 16000 and info.channels == 1
        assert row["offset"] + row["duration"] <= info.duration + 0.01
