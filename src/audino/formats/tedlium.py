"""TED-LIUM 3's legacy layout: whole talks with STM transcripts, as lhotse's
`prepare_tedlium` and sclite read them.

    legacy/<split>/stm/<talk>.stm   `<talk> 1 <speaker> <start> <end> <o,f0,gender> words…`,
                                    gaps as `ignore_time_segment_in_scoring`
    legacy/<split>/sph/<talk>.sph   NIST SPHERE, 16-bit PCM, 16 kHz mono (formats.sphere)

The audio is always SPHERE, as TED-LIUM ships it (lhotse reads it with sph2pipe: `lhotse
install-sph2pipe`); sample rate and channels follow the options, the codec does not.
`prepare_tedlium(root)` reads train, dev and test, each of which must hold a talk: split
the export `train=…,dev=…,test=…`, or name the splits written (`dataset_parts=["train"]`
for an unsplit export).

The words are the transcript; a segment without one is written as
`ignore_time_segment_in_scoring` (readers skip it) and counted in the export report. The
gender field is `female` or `male` (see Projection.gender), else `unknown`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from audino.formats import sphere
from audino.formats.clipping import whole_file
from audino.formats.files import OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, ident
from audino.formats.records import AnnotatedRecording, Dataset
from audino.formats.registry import Format, register
from audino.formats.report import ExportReport

NAME = "tedlium"
AUDIO = AudioSpec(16000, 1, "wav")  # written as SPHERE
IGNORE = "ignore_time_segment_in_scoring"
GAP = f"<o,f0,unknown> {IGNORE}"
UNTRANSCRIBED = f"no transcript (written as {IGNORE})"


def stm(
    item: AnnotatedRecording, view: Projection, talk: str, report: ExportReport
) -> Iterator[str]:
    rec = item.recording
    at = 0.0
    view.count_recording_values(rec, "TED-LIUM")
    carried = view.carried()
    for seg in sorted(item.segments, key=lambda s: (s.start, s.end)):
        view.count_left_out(seg, carried, "TED-LIUM")
        if seg.start > at + 0.01:
            yield f"{talk} 1 {talk} {at:.2f} {seg.start:.2f} {GAP}"
        gender = {"m": "male", "f": "female"}.get(view.gender(seg, rec) or "", "unknown")
        words = " ".join(seg.transcript.split())
        if not words:
            report.skip(UNTRANSCRIBED)
            words = IGNORE
        speaker = ident(view.speaker(seg, rec) or talk)
        yield f"{talk} 1 {speaker} {seg.start:.2f} {seg.end:.2f} <o,f0,{gender}> {words}"
        at = max(at, seg.end)
    if rec.duration > at + 0.01:
        yield f"{talk} 1 {talk} {at:.2f} {rec.duration:.2f} {GAP}"


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = dataclasses.replace(options.audio(AUDIO), codec=sphere.WAV_CODEC)
    for item in dataset.items:
        talk = view.recording_id(item.recording)
        split = view.split_of(item.recording)  # a talk is whole: by recording
        folder = f"legacy/{split}"
        for audio in whole_file(options, spec, item.recording, f"{folder}/sph/{talk}.sph"):
            yield OutputFile(audio.path, sphere.converted(audio.chunks))
        yield lines_file(f"{folder}/stm/{talk}.stm", stm(item, view, talk, options.counts))


FORMAT = register(
    Format(
        name=NAME,
        description="TED-LIUM 3 legacy layout: whole talks as 16 kHz SPHERE with an STM "
        "transcript each under legacy/<split>/, gaps marked ignore_time_segment_in_scoring.",
        export=export,
        speakers=True,
        genders=True,
        splits=True,
        files=True,
        clips=True,
    )
)
