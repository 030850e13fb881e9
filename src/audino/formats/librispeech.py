"""LibriSpeech layout, as lhotse's `prepare_librispeech` reads it; one FLAC per segment.

    <subset>/<speaker>/<chapter>/<speaker>-<chapter>-<NNNN>.flac   16 kHz mono
    <subset>/<speaker>/<chapter>/<speaker>-<chapter>.trans.txt     "<utt-id> <TEXT>"
    SPEAKERS.TXT   ";"-comments, then "ID |SEX| SUBSET |MINUTES| NAME"

Speakers and chapters are numbered (speaker names go to SPEAKERS.TXT); a chapter is one
recording. Splits train/dev/test become train-clean-100/dev-clean/test-clean.
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.corpus import Numbering, clips, speaker_name, utterances
from audino.formats.files import OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import Dataset
from audino.formats.registry import Format, register

NAME = "librispeech"
AUDIO = AudioSpec(16000, 1, "flac")
SUBSETS = {"train": "train-clean-100", "dev": "dev-clean", "test": "test-clean"}


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    speakers = Numbering()
    chapters = Numbering()
    info: dict[int, list[str | float]] = {}  # id -> [sex, subset, minutes, name]
    for rec, utts in utterances(
        dataset,
        options,
        view,
        "train",
        transcribed=True,
        genders=True,
        carried=(),
        where="LibriSpeech",
    ):
        groups: dict[tuple[str, int, int], list[tuple[str, str]]] = {}
        paths = []
        for utt in utts:
            spk = speakers(utt.speaker_key)
            chapter = chapters(f"{rec.id or rec.name}")
            subset = SUBSETS.get(utt.split, utt.split)
            lines = groups.setdefault((subset, spk, chapter), [])
            utt_id = f"{spk}-{chapter}-{len(lines):04d}"
            lines.append((utt_id, utt.text.upper()))
            paths.append(f"{subset}/{spk}/{chapter}/{utt_id}.{spec.codec}")
            entry = info.setdefault(spk, ["", subset, 0.0, speaker_name(utt)])
            entry[0] = entry[0] or {"male": "M", "female": "F"}.get(utt.gender(), "")
            entry[2] = float(entry[2]) + utt.duration / 60
        yield from clips(options, spec, rec, utts, paths)
        for (subset, spk, chapter), lines in groups.items():
            yield lines_file(
                f"{subset}/{spk}/{chapter}/{spk}-{chapter}.trans.txt",
                (f"{u} {t}" for u, t in lines),
            )
    header = [
        "; Speakers exported from audino; NAME is the speaker as annotated.",
        ";ID  |SEX| SUBSET           |MINUTES| NAME",
    ]
    rows = (
        f"{spk:<5}| {sex or 'U'} | {subset:<17}| {minutes:6.2f}| {name}"
        for spk, (sex, subset, minutes, name) in sorted(info.items())
    )
    yield lines_file("SPEAKERS.TXT", [*header, *rows])


FORMAT = register(
    Format(
        name=NAME,
        description="LibriSpeech: a 16 kHz FLAC per segment in speaker/chapter folders, "
        "upper-case trans.txt per chapter, SPEAKERS.TXT.",
        export=export,
        speakers=True,
        splits=True,
        genders=True,
        files=True,
        clips=True,
    )
)
