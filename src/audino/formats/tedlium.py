"""TED-LIUM layout: whole talks with STM transcripts, as lhotse's TED-LIUM recipe and
sclite read them.

    <split>/stm/<talk>.stm   `<talk> 1 <speaker> <start> <end> <o,f0,gender> words…`,
                             gaps as `ignore_time_segment_in_scoring`
    <split>/wav/<talk>.wav   16 kHz mono (TED-LIUM ships SPH; WAV is what we can write)

The words are the transcript; a segment without one is written as
`ignore_time_segment_in_scoring` (readers skip it) and counted in the export report.
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.clipping import whole_file
from audino.formats.files import OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, ident
from audino.formats.records import AnnotatedRecording, Dataset
from audino.formats.registry import Format, register
from audino.formats.report import ExportReport

NAME = "tedlium"
AUDIO = AudioSpec(16000, 1, "wav")
IGNORE = "ignore_time_segment_in_scoring"
GAP = f"<o,f0,unknown> {IGNORE}"
UNTRANSCRIBED = f"no transcript (written as {IGNORE})"


def stm(
    item: AnnotatedRecording, view: Projection, talk: str, report: ExportReport
) -> Iterator[str]:
    rec = item.recording
    at = 0.0
    for seg in sorted(item.segments, key=lambda s: (s.start, s.end)):
        if seg.start > at + 0.01:
            yield f"{talk} 1 {talk} {at:.2f} {seg.start:.2f} {GAP}"
        gender = str(seg.attributes.get("gender") or rec.metadata.get("gender") or "")
        gender = {"m": "male", "f": "female"}.get(gender[:1].lower(), "unknown")
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
    spec = options.audio(AUDIO)
    for item in dataset.items:
        talk = view.recording_id(item.recording)
        split = options.split_of(f"rec-{item.recording.id or item.recording.name}", "train")
        yield from whole_file(options, spec, item.recording, f"{split}/wav/{talk}.{spec.codec}")
        yield lines_file(f"{split}/stm/{talk}.stm", stm(item, view, talk, options.counts))


FORMAT = register(
    Format(
        name=NAME,
        description="TED-LIUM: whole talks as 16 kHz WAV with an STM transcript each, gaps "
        "marked ignore_time_segment_in_scoring.",
        export=export,
        speakers=True,
        splits=True,
        files=True,
        clips=True,
    )
)
