"""VoxCeleb layout for speaker recognition; one 16 kHz WAV per segment.

    wav/<speaker-id>/<recording-id>/<NNNNN>.wav     16 kHz mono
    vox1_meta.csv   tab-separated despite the name:
                    `VoxCeleb1 ID  VGGFace1 ID  Gender  Nationality  Set`

Speaker ids are numbered id10001, id10002…; the speaker's name goes in `VGGFace1 ID`
(spaces as "_"); Set is the split (dev unless split otherwise), by speaker by default.
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.corpus import Numbering, clips, speaker_name, utterances
from audino.formats.files import OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, file_safe, ident
from audino.formats.records import Dataset
from audino.formats.registry import Format, register

NAME = "voxceleb"
AUDIO = AudioSpec(16000, 1, "wav")


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    numbers = Numbering()
    meta: dict[str, str] = {}
    for rec, utts in utterances(
        dataset,
        options,
        view,
        "dev",
        genders=True,
        carried=("nationality", "accent"),
        where="VoxCeleb",
    ):
        reco = file_safe(view.recording_id(rec))
        counts: dict[str, int] = {}
        paths = []
        for utt in utts:
            spk = f"id{10000 + numbers(utt.speaker_key)}"
            counts[spk] = counts.get(spk, 0) + 1
            paths.append(f"wav/{spk}/{reco}/{counts[spk]:05d}.{spec.codec}")
            gender = {"male": "m", "female": "f"}.get(utt.gender(), "")
            nationality = ident(
                str(utt.attribute("nationality") or utt.attribute("accent") or ""), ""
            )
            meta.setdefault(
                spk, f"{spk}\t{ident(speaker_name(utt))}\t{gender}\t{nationality}\t{utt.split}"
            )
        yield from clips(options, spec, rec, utts, paths)
    header = "VoxCeleb1 ID\tVGGFace1 ID\tGender\tNationality\tSet"
    yield lines_file("vox1_meta.csv", [header, *(meta[k] for k in sorted(meta))])


FORMAT = register(
    Format(
        name=NAME,
        description="VoxCeleb: a 16 kHz WAV per segment under wav/<speaker>/<recording>/, "
        "vox1_meta.csv of speakers.",
        export=export,
        speakers=True,
        splits=True,
        genders=True,
        files=True,
        clips=True,
    )
)
