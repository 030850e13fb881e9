"""LibriTTS/MLS-style LibriVox layout; one 24 kHz WAV per segment.

    <subset>/<spk>/<chap>/<spk>_<chap>_<para>_<sent>.wav
    <subset>/<spk>/<chap>/<spk>_<chap>_<para>_<sent>.original.txt    the transcript
    <subset>/<spk>/<chap>/<spk>_<chap>_<para>_<sent>.normalized.txt  lower case, no
                                                        punctuation (formats.normalize)
    <subset>/<spk>/<chap>/<spk>_<chap>.trans.tsv    utt<TAB>original<TAB>normalized
    <subset>/segments.txt    MLS-style `utt<TAB><source file><TAB><start><TAB><end>`

Speakers and chapters (recordings) are numbered; <para> is 000001, <sent> the segment.
Segments without a transcript are left out and counted in the export report.
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.corpus import Numbering, clips, utterances
from audino.formats.files import OutputFile, lines_file
from audino.formats.librispeech import SUBSETS
from audino.formats.normalize import normalized_text
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import Dataset
from audino.formats.registry import Format, register

NAME = "librivox"
AUDIO = AudioSpec(24000, 1, "wav")


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    speakers = Numbering()
    chapters = Numbering()
    segments: dict[str, list[str]] = {}
    for rec, utts in utterances(dataset, options, view, "train", transcribed=True):
        groups: dict[tuple[str, int, int], list[str]] = {}
        paths = []
        texts = []
        for utt in utts:
            spk, chap = speakers(utt.speaker_key), chapters(str(rec.id or rec.name))
            subset = SUBSETS.get(utt.split, utt.split)
            rows = groups.setdefault((subset, spk, chap), [])
            utt_id = f"{spk}_{chap}_000001_{len(rows):06d}"
            folder = f"{subset}/{spk}/{chap}"
            norm = normalized_text(utt.text)
            rows.append(f"{utt_id}\t{utt.text}\t{norm}")
            paths.append(f"{folder}/{utt_id}.{spec.codec}")
            texts.append(lines_file(f"{folder}/{utt_id}.original.txt", [utt.text]))
            texts.append(lines_file(f"{folder}/{utt_id}.normalized.txt", [norm]))
            segments.setdefault(subset, []).append(
                f"{utt_id}\t{rec.name}\t{utt.segment.start:.3f}\t{utt.segment.end:.3f}"
            )
        yield from clips(options, spec, rec, utts, paths)
        yield from texts
        for (subset, spk, chap), rows in groups.items():
            yield lines_file(f"{subset}/{spk}/{chap}/{spk}_{chap}.trans.tsv", rows)
    for subset, rows in segments.items():
        yield lines_file(f"{subset}/segments.txt", rows)


FORMAT = register(
    Format(
        name=NAME,
        description="LibriVox as LibriTTS/MLS: a 24 kHz WAV per segment with original and "
        "normalised text, trans.tsv, segments.txt.",
        export=export,
        speakers=True,
        splits=True,
        files=True,
        clips=True,
    )
)
