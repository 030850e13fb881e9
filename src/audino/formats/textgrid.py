"""Praat TextGrid, one per recording (long text form), read back with praatio.

    <recording>.TextGrid: an IntervalTier of transcripts per speaker (one tier "segments"
    when nobody is named) and beside it one per label, "<speaker>: <label>", holding the
    label's values (see `formats.tiers`); intervals tile [0, duration], gaps as empty
    text; overlapping segments of one speaker spill into a tier "<speaker> (2)"; `"` is
    written `""`.

An empty interval is a gap, so a segment with neither a transcript nor a label value has
no place in a TextGrid: it is left out and counted in the export report.

Import reads long and short forms in UTF-8 or UTF-16: every non-empty interval of a
transcript tier becomes a segment, its tier name the speaker (unless "segments"), its text
the transcript; label tiers add their values to those segments.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audino.formats.annotations import Annotations
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError
from audino.formats.registry import Format, register
from audino.formats.report import ExportReport
from audino.formats.tiers import TierReader, carried, tiers

NAME = "textgrid"
UNCARRIED = "no transcript or label value (an empty interval is a gap)"


def _num(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".") or "0"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _grid(item: AnnotatedRecording, view: Projection, report: ExportReport) -> Iterator[str]:
    layers = tiers(item, view)
    lost = sum(1 for seg in item.segments if not carried(seg, view))
    if lost:
        report.skip(UNCARRIED, lost)
    xmax = max([item.recording.duration, *(s.end for s in item.segments)])
    yield from ('File type = "ooTextFile"', 'Object class = "TextGrid"', "")
    yield from ("xmin = 0", f"xmax = {_num(xmax)}", "tiers? <exists>", f"size = {len(layers)}")
    yield "item []:"
    for k, (name, spans) in enumerate(layers, 1):
        intervals: list[tuple[float, float, str]] = []
        at = 0.0
        for start, end, text in spans:
            if start > at:
                intervals.append((at, start, ""))
            intervals.append((start, end, text))
            at = end
        if at < xmax:
            intervals.append((at, xmax, ""))
        yield f"    item [{k}]:"
        yield '        class = "IntervalTier"'
        yield f"        name = {_quote(name)}"
        yield "        xmin = 0"
        yield f"        xmax = {_num(xmax)}"
        yield f"        intervals: size = {len(intervals)}"
        for j, (start, end, text) in enumerate(intervals, 1):
            yield (
                f"        intervals [{j}]:\n            xmin = {_num(start)}\n"
                f"            xmax = {_num(end)}\n            text = {_quote(text)}"
            )


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    report = options.counts
    for item in dataset.items:
        name = f"{view.recording_id(item.recording)}.TextGrid"
        yield lines_file(name, _grid(item, view, report))


def _parse(file: InputFile) -> dict[str, Any]:
    from praatio.utilities import textgrid_io

    text = file.text()
    if "TextGrid" not in text[:200]:
        raise FormatError('not a TextGrid: no "TextGrid" object class', line=1, path=file.name)
    try:
        grid = textgrid_io.parseTextgridStr(text, includeEmptyIntervals=False)
        for tier in grid["tiers"]:
            tier["entries"] = list(tier["entries"])
    except Exception as exc:  # praatio raises bare IndexError/ValueError on bad files
        raise FormatError(
            f"not a readable TextGrid ({type(exc).__name__}: {exc})", path=file.name
        ) from None
    return grid  # type: ignore[no-any-return]


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        if not file.name.lower().endswith(".textgrid") and len(files) > 1:
            continue
        out.recording(file.stem)
        # Point tiers mark instants, not segments.
        intervals = [t for t in _parse(file)["tiers"] if t.get("class") == "IntervalTier"]
        reader = TierReader(str(t["name"]) for t in intervals)
        for tier in intervals:
            for entry in tier["entries"]:
                start, end, text = entry[0], entry[1], entry[2]
                if text.strip():
                    reader.add(str(tier["name"]), float(start), float(end), text)
        reader.into(out, file.stem, file.name)
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="Praat TextGrid per recording: an interval tier per speaker with the "
        "transcripts and one per label (Praat, praatio, Montreal Forced Aligner).",
        export=export,
        speakers=True,
        import_=import_,
        media_type="text/plain",
        extension=".TextGrid",
        matches_files=True,
        files=True,
    )
)
