"""VoxPopuli, in both of its layouts; 16 kHz Ogg Opus.

The transcribed data, as VoxPopuli's `get_asr_data` writes it (and Hugging Face's
VoxPopuli loader reads it), one clip per segment:

    transcribed_data/<lang>/asr_<split>.tsv   tab-separated with a header:
        id raw_text normalized_text speaker_id split gender is_gold_transcript accent
    transcribed_data/<lang>/<year>/<id>.ogg

and the sessions with their segment table, as the VoxPopuli download holds them and
lhotse's `prepare_voxpopuli` reads them (the table where it looks for it, its
`output_dir`; segments by time in the whole recording):

    raw_audios/<lang>/<year>/<session>_original.ogg   each recording whole
    asr_<lang>.tsv.gz   "|"-separated with a header (csv quoting): session_id id_
        speaker_id split start_time end_time original_text normed_text gender
        is_gold_transcript accent

`normalized_text` is the transcript lower-cased without punctuation, by Unicode's rules
(`formats.normalize`); the year is the recording's creation year (2000 when unknown).
Segments without a transcript are left out and counted in the export report.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator

from audino.formats.clipping import whole_file
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
SESSION_COLUMNS = (
    "session_id", "id_", "speaker_id", "split", "start_time", "end_time", "original_text",
    "normed_text", "gender", "is_gold_transcript", "accent",
)  # fmt: skip


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    numbers = Numbering()
    tables: dict[tuple[str, str], list[str]] = {}
    sessions: dict[str, list[list[str]]] = {}  # lang -> rows of asr_<lang>.tsv.gz
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
        session = f"{year}{base}"
        paths = []
        langs: list[str] = []
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
            seg = utt.segment
            sessions.setdefault(lang, []).append(
                [session, utt_id, row[3], utt.split, f"{seg.start:.6f}", f"{seg.end:.6f}",
                 utt.text, row[2], row[5], "True", row[7]]
            )  # fmt: skip
            if lang not in langs:
                langs.append(lang)
        yield from clips(options, spec, rec, utts, paths)
        for lang in langs:  # the session, whole, where each of its languages' readers look
            path = f"raw_audios/{lang}/{year}/{session}_original.{spec.codec}"
            yield from whole_file(options, spec, rec, path)
    for (lang, split), rows in tables.items():
        yield lines_file(
            f"transcribed_data/{lang}/asr_{split}.tsv", [COLUMNS.replace(" ", "\t"), *rows]
        )
    for lang, session_rows in sessions.items():
        yield OutputFile(f"asr_{lang}.tsv.gz", [_gzipped_table(session_rows)])


def _gzipped_table(rows: list[list[str]]) -> bytes:
    """asr_<lang>.tsv.gz: "|"-separated, quoted where a text needs it, as csv reads it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="|", lineterminator="\n")
    writer.writerow(SESSION_COLUMNS)
    writer.writerows(rows)
    return gzip.compress(buffer.getvalue().encode(), mtime=0)


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
