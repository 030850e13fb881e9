"""Common Voice layout (one MP3 per segment), as lhotse's Common Voice recipe and
Hugging Face's loaders read it.

    <locale>/validated.tsv, train.tsv, dev.tsv, test.tsv (and any other split named):
        tab-separated, header `client_id path sentence up_votes down_votes age gender
        accents variant locale segment`, no quoting
    <locale>/clips/common_voice_<locale>_<N>.mp3   48 kHz mono
    <locale>/clip_durations.tsv   `clip  duration[ms]`

Every locale has all of validated, train, dev and test, as Common Voice ships them, a
split without clips as its header alone; an export without splits puts every clip in
train. lhotse's `prepare_commonvoice` reads train, dev and test by default and asserts
that each holds a clip: split the export so every locale gets some of each, or name the
splits to read (`splits=["validated"]`).

`client_id` is a hash of the speaker (of the audio when nobody is named); the locale
comes from the options, else the segment's or recording's `locale`/`language`, else "und".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from audino.formats.corpus import Utterance, clips, utterances
from audino.formats.files import OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, file_safe
from audino.formats.records import Dataset
from audino.formats.registry import Format, register

NAME = "commonvoice"
AUDIO = AudioSpec(48000, 1, "mp3")
TABLES = ("validated", "train", "dev", "test")  # written for every locale
COLUMNS = [
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


def cell(value: object) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def locale_of(utt: Utterance, options: ExportOptions) -> str:
    found = options.locale or utt.attribute("locale") or utt.attribute("language") or "und"
    return file_safe(str(found), "und")


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    tables: dict[str, dict[str, list[str]]] = {}  # locale -> table -> rows
    durations: dict[str, list[str]] = {}
    n = 0
    for rec, utts in utterances(
        dataset,
        options,
        view,
        "train",
        transcribed=True,
        carried=("age", "accent", "accents", "locale", "language"),
        where="Common Voice",
    ):
        paths = []
        for utt in utts:
            n += 1
            locale = locale_of(utt, options)
            clip = f"common_voice_{locale}_{n}.{spec.codec}"
            paths.append(f"{locale}/clips/{clip}")
            client = hashlib.sha256(utt.speaker_key.encode()).hexdigest()
            row = [
                client,
                clip,
                utt.text,
                "2",
                "0",
                cell(utt.attribute("age")),
                cell(utt.attribute("gender")),
                cell(utt.attribute("accent")),
                "",
                locale,
                "",
            ]
            line = "\t".join(cell(v) if i != 2 else v for i, v in enumerate(row))
            by_table = tables.setdefault(locale, {name: [] for name in TABLES})
            by_table["validated"].append(line)
            by_table.setdefault(utt.split, []).append(line)
            durations.setdefault(locale, []).append(f"{clip}\t{round(utt.duration * 1000)}")
        yield from clips(options, spec, rec, utts, paths)
    header = "\t".join(COLUMNS)
    for locale, by_table in tables.items():
        for table, rows in by_table.items():
            yield lines_file(f"{locale}/{table}.tsv", [header, *rows])
        yield lines_file(f"{locale}/clip_durations.tsv", ["clip\tduration[ms]", *durations[locale]])


FORMAT = register(
    Format(
        name=NAME,
        description="Common Voice: an MP3 per segment in clips/, validated.tsv and "
        "train/dev/test.tsv per locale, clip_durations.tsv.",
        export=export,
        speakers=True,
        genders=True,
        splits=True,
        locale=True,
        files=True,
        clips=True,
    )
)
