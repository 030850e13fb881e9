"""Hugging Face AudioFolder: `datasets.load_dataset("audiofolder", data_dir=…)` reads it.

    <split>/metadata.jsonl   {file_name, transcription, speaker_id, start, end,
                              source_file, <one key per label>} per line
    <split>/<recording>_<NNNN>.wav   one 16 kHz mono clip per segment, beside it

Splits are named train/validation/test by default ("dev" is written "validation").
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from audino.formats.corpus import clips, utterances
from audino.formats.files import OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, file_safe
from audino.formats.records import Dataset
from audino.formats.registry import Format, register

NAME = "audiofolder"
AUDIO = AudioSpec(16000, 1, "wav")


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    labels = [*view.tag_labels, *view.field_labels]
    tables: dict[str, list[str]] = {}
    for rec, utts in utterances(
        dataset, options, view, "train", carried=labels, where="AudioFolder"
    ):
        paths = []
        base = file_safe(view.recording_id(rec))
        for k, utt in enumerate(utts):
            split = {"dev": "validation"}.get(utt.split, utt.split)
            name = f"{base}_{k:04d}.{spec.codec}"
            paths.append(f"{split}/{name}")
            seg = utt.segment
            row = {
                "file_name": name,
                "transcription": seg.transcript,
                "speaker_id": utt.speaker or "",
                "start": round(seg.start, 3),
                "end": round(seg.end, 3),
                "source_file": rec.name,
            }
            for label in labels:  # every row has every column, so one schema fits all
                value = seg.values.get(label)
                row[label] = (
                    "|".join(value)
                    if isinstance(value, list)
                    else ("" if value is None else str(value))
                )
            tables.setdefault(split, []).append(orjson.dumps(row).decode())
        yield from clips(options, spec, rec, utts, paths)
    for split, rows in tables.items():
        yield lines_file(f"{split}/metadata.jsonl", rows)


FORMAT = register(
    Format(
        name=NAME,
        description="Hugging Face AudioFolder: a WAV clip per segment and metadata.jsonl per "
        "split, for datasets.load_dataset('audiofolder').",
        export=export,
        speakers=True,
        splits=True,
        files=True,
        clips=True,
    )
)
