"""VoxPopuli transcribed-data layout; one 16 kHz Ogg Opus per segment.

    transcribed_data/<lang>/asr_<split>.tsv   tab-separated with a header:
        id raw_text normalized_text speaker_id split gender is_gold_transcript accent
    transcribed_data/<lang>/<year>/<id>.ogg

`normalized_text` is the transcript lower-cased without punctuation, by Unicode's rules
(`formats.normalize`); the year is the recording's creation year (2000 when unknown).
Segments without a transcript are left out and counted in the export report.
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.commonvoice import cell
from audino.formats.corpus import Numbering, clips, utterances
from audino.formats.files import OutputFile, lines_file
from audino.formats.normalize import normalized_text
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, file_safe
from audino.formats.records import Dataset
from audino.formats.registry import Format, register

NAME = "voxpopuli"
AUDIO = AudioSpec(16000, 1, "ogg")
COLUMNS = "id raw_text normalized_text speaker_id split gender is_gold_transcript accent"


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    numbers = Numbering()
    tables: dict[tuple[str, str], list[str]] = {}
    for rec, utts in utterances(
        dataset,
        options,
        view,
        "train",
        transcribed=True,
        genders=True,
        carried=("accent", "language", "locale"),
        where="VoxPopuli",
    ):
        year = rec.created_at.year if rec.created_at else 2000
        base = file_safe(view.recording_id(rec))
        paths = []
        for k, utt in enumerate(utts):
            lang = file_safe(
                str(options.locale or utt.attribute("language") or utt.attribute("locale") or "und")
            )
            utt_id = f"{year}{base}_{k:04d}"
            paths.append(f"transcribed_data/{lang}/{year}/{utt_id}.{spec.codec}")
            row = [
                utt_id,
                utt.text,
                normalized_text(utt.text),
                str(numbers(utt.speaker_key)),
                utt.split,
                utt.gender(),
                "True",
                cell(utt.attribute("accent")),
            ]
            tables.setdefault((lang, utt.split), []).append("\t".join(row))
        yield from clips(options, spec, rec, utts, paths)
    for (lang, split), rows in tables.items():
        yield lines_file(
            f"transcribed_data/{lang}/asr_{split}.tsv", [COLUMNS.replace(" ", "\t"), *rows]
        )


FORMAT = register(
    Format(
        name=NAME,
        description="VoxPopuli: a 16 kHz Ogg Opus per segment, asr_<split>.tsv with raw and "
        "normalised text, speaker, gender.",
        export=export,
        speakers=True,
        splits=True,
        locale=True,
        genders=True,
        files=True,
        clips=True,
    )
)
