"""VCTK (0.92) layout, as lhotse's VCTK recipe reads it; one 48 kHz FLAC per segment.

    txt/<spk>/<spk>_<NNN>.txt                            the transcript, one line
    wav48_silence_trimmed/<spk>/<spk>_<NNN>_mic1.flac    48 kHz mono
    speaker-info.txt    whitespace-aligned `ID  AGE  GENDER  ACCENTS  REGION`

AGE is a whole number, 0 when unknown (lhotse's recipe reads it as an integer).

Speaker ids are the speaker's name in letters and digits (VCTK's look like p225).
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.corpus import Numbering, alnum, clips, utterances
from audino.formats.files import OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import Dataset
from audino.formats.registry import Format, register

NAME = "vctk"
AUDIO = AudioSpec(48000, 1, "flac")


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    numbers = Numbering()
    counts: dict[str, int] = {}
    info: dict[str, tuple[str, str, str, str]] = {}
    for rec, utts in utterances(
        dataset,
        options,
        view,
        "",
        transcribed=True,
        genders=True,
        carried=("age", "accent", "accents", "region"),
        where="VCTK",
    ):
        paths = []
        texts = []
        for utt in utts:
            spk = alnum(utt.speaker or "", f"s{numbers(utt.speaker_key)}")
            counts[spk] = counts.get(spk, 0) + 1
            utt_id = f"{spk}_{counts[spk]:03d}"
            paths.append(f"wav48_silence_trimmed/{spk}/{utt_id}_mic1.{spec.codec}")
            texts.append(lines_file(f"txt/{spk}/{utt_id}.txt", [utt.text]))
            gender = {"male": "M", "female": "F"}.get(utt.gender(), "U")
            info.setdefault(
                spk,
                (
                    _age(utt.attribute("age")),
                    gender,
                    alnum(str(utt.attribute("accent") or ""), "NA"),
                    " ".join(str(utt.attribute("region") or "").split()),
                ),
            )
        yield from clips(options, spec, rec, utts, paths)
        yield from texts
    rows = ["ID  AGE  GENDER  ACCENTS  REGION"]
    rows += [
        f"{s:<5} {a:<4} {g:<7} {c:<8} {r}".rstrip() for s, (a, g, c, r) in sorted(info.items())
    ]
    yield lines_file("speaker-info.txt", rows)


def _age(value: object) -> str:
    try:
        return str(max(0, int(float(str(value)))))
    except (ValueError, OverflowError):
        return "0"


FORMAT = register(
    Format(
        name=NAME,
        description="VCTK: a 48 kHz FLAC per segment under wav48_silence_trimmed/, a txt "
        "per utterance, speaker-info.txt.",
        export=export,
        speakers=True,
        genders=True,
        files=True,
        clips=True,
    )
)
