"""The 2025 Audino (CVAT-based) export: a TSV of segments and an MP3 clip for each.

    data.tsv   tab-separated with a header: path sentence age gender accent locale
               emotion label start end audio_file
    clips/<id>.mp3   16 kHz mono

`path` is the clip's file name, `audio_file` the recording it was cut from, `label` the
segment's label values joined by ", ". Import reads data.tsv back as segments of the
recordings named in `audio_file` (clips are not needed).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from audino.formats.annotations import Annotations, number
from audino.formats.commonvoice import cell
from audino.formats.corpus import Utterance, clips, utterances
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, file_safe
from audino.formats.records import Dataset, FormatError
from audino.formats.registry import Format, register

NAME = "audino-cvat"
AUDIO = AudioSpec(16000, 1, "mp3")
COLUMNS = (
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
)
ATTRIBUTES = ("age", "gender", "accent", "locale", "emotion")


def _attribute(utt: Utterance, name: str) -> object:
    found = utt.attribute(name)
    return utt.attribute("language") if found is None and name == "locale" else found


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    rows = ["\t".join(COLUMNS)]
    for rec, utts in utterances(
        dataset,
        options,
        view,
        "",
        # The table has columns for its attributes and the choice labels ("label"); the
        # speaker and text labels have none.
        carried=[*view.tag_labels, *ATTRIBUTES],
        speakers=False,
        where="an audino-cvat table",
    ):
        paths = []
        for k, utt in enumerate(utts):
            clip = f"{file_safe(utt.segment.id or f'{rec.id}-{k}')}.{spec.codec}"
            paths.append(f"clips/{clip}")
            seg = utt.segment
            rows.append(
                "\t".join(
                    [
                        clip,
                        cell(seg.transcript),
                        *(cell(_attribute(utt, a)) for a in ATTRIBUTES),
                        cell(", ".join(view.tags(seg))),
                        f"{seg.start:.3f}",
                        f"{seg.end:.3f}",
                        cell(rec.name),
                    ]
                )
            )
        yield from clips(options, spec, rec, utts, paths)
    yield lines_file("data.tsv", rows)


def import_(files: list[InputFile]) -> Dataset:
    tables = [f for f in files if f.name.endswith(".tsv")] or files
    out = Annotations()
    for file in tables:
        reader = csv.DictReader(io.StringIO(file.text()), delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in ("start", "end", "audio_file") if c not in (reader.fieldnames or [])]
        if missing:
            raise FormatError(
                f"the header needs the columns {', '.join(missing)}", line=1, path=file.name
            )
        for row in reader:
            k = reader.line_num
            label = row.get("label") or ""
            attributes = {a: row[a] for a in ATTRIBUTES if row.get(a)}
            out.add(
                (row.get("audio_file") or "").strip(),
                number(row.get("start") or "", "start", line=k, path=file.name),
                number(row.get("end") or "", "end", line=k, path=file.name),
                text=row.get("sentence") or "",
                tags=label.split(", ") if label else [],
                attributes=attributes,
                line=k,
                path=file.name,
            )
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="The 2025 Audino export: data.tsv of segments with speaker attributes, "
        "an MP3 clip per segment in clips/.",
        export=export,
        import_=import_,
        media_type="text/tab-separated-values",
        extension=".tsv",
        matches_files=True,
        genders=True,
        files=True,
        clips=True,
    )
)
