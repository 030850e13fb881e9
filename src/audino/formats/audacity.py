"""Audacity label tracks, one per recording (File > Import > Labels reads them back).

    <recording>.txt: start<TAB>end<TAB>label   (seconds, 6 decimals, UTF-8)
                     \\<TAB>low Hz<TAB>high Hz  (after a label that is a frequency box)

The label is the segment's label values joined by ", ", else its transcript; importing
splits it on ", " into values of the "label" label.
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.annotations import Annotations, number
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError, SegmentRecord
from audino.formats.registry import Format, register

NAME = "audacity"


def label_text(view: Projection, seg: SegmentRecord) -> str:
    tags = view.tags(seg)
    text = ", ".join(tags) if tags else seg.transcript
    return " ".join(text.split())  # tabs and newlines would break the line


def _lines(item: AnnotatedRecording, view: Projection) -> Iterator[str]:
    for seg in item.segments:
        yield f"{seg.start:.6f}\t{seg.end:.6f}\t{label_text(view, seg)}"
        if seg.low_hz is not None or seg.high_hz is not None:
            yield f"\\\t{seg.low_hz or 0.0:.6f}\t{seg.high_hz or 0.0:.6f}"


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    for item in dataset.items:
        yield lines_file(f"{view.recording_id(item.recording)}.txt", _lines(item, view))


def _split(text: str) -> list[str]:
    return text.split(", ") if text else []


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        recording = file.stem
        out.recording(recording)
        pending: tuple[float, float, str, int] | None = None
        for k, line in enumerate(file.text().splitlines(), 1):
            if not line.strip():
                continue
            fields = line.split("\t")
            if fields[0] == "\\":
                if pending is None or len(fields) < 3:
                    raise FormatError(
                        "a frequency line must follow a label and hold low and high Hz",
                        line=k,
                        path=file.name,
                    )
                low = number(fields[1], "low frequency", line=k, path=file.name)
                high = number(fields[2], "high frequency", line=k, path=file.name)
                start, end, text, at = pending
                out.add(
                    recording,
                    start,
                    end,
                    tags=_split(text),
                    low_hz=low,
                    high_hz=high,
                    line=at,
                    path=file.name,
                )
                pending = None
                continue
            if pending is not None:
                start, end, text, at = pending
                out.add(recording, start, end, tags=_split(text), line=at, path=file.name)
            if len(fields) < 2:
                raise FormatError("a label line is start<TAB>end<TAB>label", line=k, path=file.name)
            start = number(fields[0], "start", line=k, path=file.name)
            end = number(fields[1], "end", line=k, path=file.name)
            pending = (start, end, "\t".join(fields[2:]).strip(), k)
        if pending is not None:
            start, end, text, at = pending
            out.add(recording, start, end, tags=_split(text), line=at, path=file.name)
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="Audacity label track per recording: start, end, label; frequency "
        "boxes as spectral lines.",
        export=export,
        import_=import_,
        media_type="text/plain",
        extension=".txt",
        matches_files=True,
        files=True,
    )
)
