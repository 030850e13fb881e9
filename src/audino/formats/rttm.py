"""RTTM speaker turns (+ UEM scored regions), as read by pyannote, dscore and kaldi.

    all.rttm: SPEAKER <file> 1 <onset> <duration> <NA> <NA> <speaker> <NA> <NA>
    all.uem:  <file> 1 <start> <end>      (each recording from 0 to its duration)

Ids carry no spaces: file ids are recording names without their suffix, speakers come
from the speaker label (else the recording's name). Channel is written 1-based; a segment
on all channels is written on channel 1, as RTTM knows no "all". On import channel 1 is the
first channel (0) of a recording that has turns on other channels too, else all channels.
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.annotations import Annotations, number
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import Dataset, FormatError
from audino.formats.registry import Format, register

NAME = "rttm"


WHERE = "RTTM"
NO_TRANSCRIPTS = "transcripts with no place in RTTM (speaker turns only)"


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    durations: list[tuple[str, float]] = []

    def turns() -> Iterator[str]:
        for item in dataset.items:
            rec = item.recording
            file_id = view.recording_id(rec)
            durations.append((file_id, rec.duration))
            view.count_recording_values(rec, WHERE)
            for seg in item.segments:
                view.count_left_out(seg, view.carried(gender=False), WHERE)
                if seg.transcript.strip():
                    options.counts.leave_out(NO_TRANSCRIPTS)
                channel = 1 if seg.channel is None else seg.channel + 1
                yield (
                    f"SPEAKER {file_id} {channel} {seg.start:.3f} {seg.end - seg.start:.3f} "
                    f"<NA> <NA> {view.speaker_id(seg, rec)} <NA> <NA>"
                )

    yield lines_file("all.rttm", turns())
    yield lines_file("all.uem", (f"{f} 1 0.000 {d:.3f}" for f, d in durations))


def import_(files: list[InputFile]) -> Dataset:
    """Reads every `.rttm` file (other files, such as a `.uem`, are skipped)."""
    out = Annotations()
    found = False
    for file in files:
        if not file.name.lower().endswith(".rttm") and len(files) > 1:
            continue
        found = True
        for number_, line in enumerate(file.text().splitlines(), 1):
            fields = line.split()
            if not fields or line.startswith((";", "#")):
                continue
            if fields[0] != "SPEAKER":
                continue  # other turn types (SPKR-INFO, LEXEME…) carry no speaker turn
            if len(fields) < 8:
                raise FormatError(
                    f"an RTTM line has 10 fields, this one {len(fields)}",
                    line=number_,
                    path=file.name,
                )
            onset = number(fields[3], "onset", line=number_, path=file.name)
            duration = number(fields[4], "duration", line=number_, path=file.name)
            channel = _channel(fields[2], number_, file.name)
            out.add(
                fields[1],
                onset,
                onset + duration,
                speaker=fields[7],
                channel=channel,
                line=number_,
                path=file.name,
            )
    if not found:
        raise FormatError("no .rttm file among the uploaded files")
    out.first_channel_alone_is_all()
    return out.dataset()


def _channel(text: str, line: int, path: str) -> int | None:
    if text == "<NA>":
        return None
    if not text.isdigit() or int(text) < 1:
        raise FormatError(f"channel {text!r} is not a 1-based number", line=line, path=path)
    return int(text) - 1


FORMAT = register(
    Format(
        name=NAME,
        description="RTTM speaker turns and a UEM of scored regions (pyannote, dscore, "
        "Kaldi diarization).",
        export=export,
        speakers=True,
        import_=import_,
        media_type="text/plain",
        extension=".rttm",
        matches_files=True,
        files=True,
    )
)
