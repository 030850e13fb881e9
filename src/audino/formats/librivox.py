"""LibriTTS/MLS-style LibriVox layout; one 24 kHz WAV per segment.

    <subset>/<spk>/<chap>/<spk>_<chap>_<para>_<sent>.wav
    <subset>/<spk>/<chap>/<spk>_<chap>_<para>_<sent>.original.txt    the transcript
    <subset>/<spk>/<chap>/<spk>_<chap>_<para>_<sent>.normalized.txt  lower case, no
                                                        punctuation (formats.normalize)
    <subset>/<spk>/<chap>/<spk>_<chap>.trans.tsv    utt<TAB>original<TAB>normalized
    <subset>/<spk>/<chap>/<spk>_<chap>.book.tsv     utt<TAB>original<TAB>normalized<TAB>
                                    aligned<TAB>start<TAB>end<TAB>SNR  (LibriTTS's columns)
    <subset>/segments.txt    MLS-style `utt<TAB><source file><TAB><start><TAB><end>`
    SPEAKERS.txt    ";"-comments, then `ID |SEX| SUBSET |MINUTES| NAME`, as LibriTTS's

As lhotse's `prepare_libritts` reads it: name the subsets written (`dataset_parts=
["train-clean-100"]`), as its default asks for all seven. In book.tsv, aligned is `true`
(the times are the segment's own), start and end are the segment's span in the recording,
and the SNR, which audino does not measure, is `nan`. SEX is F or M from the speaker's
gender (see Projection.gender), else U.

Speakers and chapters (recordings) are numbered; <para> is 000001, <sent> the segment.
Segments without a transcript are left out and counted in the export report.
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.corpus import Numbering, clips, speaker_name, utterances
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
    info: dict[int, list[str | float]] = {}  # speaker -> [sex, subset, minutes, name]
    for rec, utts in utterances(
        dataset,
        options,
        view,
        "train",
        transcribed=True,
        genders=True,
        carried=(),
        where="LibriVox",
    ):
        groups: dict[tuple[str, int, int], list[tuple[str, str]]] = {}
        paths = []
        texts = []
        for utt in utts:
            spk, chap = speakers(utt.speaker_key), chapters(str(rec.id or rec.name))
            subset = SUBSETS.get(utt.split, utt.split)
            rows = groups.setdefault((subset, spk, chap), [])
            utt_id = f"{spk}_{chap}_000001_{len(rows):06d}"
            folder = f"{subset}/{spk}/{chap}"
            norm = normalized_text(utt.text)
            span = f"{utt.segment.start:.3f}\t{utt.segment.end:.3f}"
            rows.append((f"{utt_id}\t{utt.text}\t{norm}", f"true\t{span}\tnan"))
            paths.append(f"{folder}/{utt_id}.{spec.codec}")
            texts.append(lines_file(f"{folder}/{utt_id}.original.txt", [utt.text]))
            texts.append(lines_file(f"{folder}/{utt_id}.normalized.txt", [norm]))
            segments.setdefault(subset, []).append(f"{utt_id}\t{rec.name}\t{span}")
            entry = info.setdefault(spk, ["", subset, 0.0, speaker_name(utt)])
            entry[0] = entry[0] or {"male": "M", "female": "F"}.get(utt.gender(), "")
            entry[2] = float(entry[2]) + utt.duration / 60
        yield from clips(options, spec, rec, utts, paths)
        yield from texts
        for (subset, spk, chap), rows in groups.items():
            base = f"{subset}/{spk}/{chap}/{spk}_{chap}"
            yield lines_file(f"{base}.trans.tsv", (trans for trans, _ in rows))
            yield lines_file(f"{base}.book.tsv", (f"{trans}\t{more}" for trans, more in rows))
    for subset, lines in segments.items():
        yield lines_file(f"{subset}/segments.txt", lines)
    header = [
        "; Speakers exported from audino; NAME is the speaker as annotated.",
        ";ID  |SEX| SUBSET           |MINUTES| NAME",
    ]
    speakers_rows = (
        f"{spk:<5}| {sex or 'U'} | {subset:<17}| {minutes:6.2f}| {name}"
        for spk, (sex, subset, minutes, name) in sorted(info.items())
    )
    yield lines_file("SPEAKERS.txt", [*header, *speakers_rows])


FORMAT = register(
    Format(
        name=NAME,
        description="LibriVox as LibriTTS/MLS: a 24 kHz WAV per segment with original and "
        "normalised text, trans.tsv and book.tsv per chapter, segments.txt, SPEAKERS.txt.",
        export=export,
        speakers=True,
        genders=True,
        splits=True,
        files=True,
        clips=True,
    )
)
