"""Praat TextGrid, one per recording (long text form), read back with praatio.

    <recording>.TextGrid: an IntervalTier per speaker (one tier "segments" when nobody is
    named); intervals tile [0, duration], gaps as empty text; overlapping segments of one
    speaker spill into a tier "<speaker> (2)"; `"` is written `""`.

Import reads long and short forms in UTF-8 or UTF-16: every non-empty interval becomes a
segment, its tier name the speaker (unless "segments"), its text the transcript.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audino.formats.annotations import Annotations
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.lanes import lanes, tier_base, tier_names
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError
from audino.formats.registry import Format, register

NAME = "textgrid"
DEFAULT_TIER = "segments"


def _num(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".") or "0"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def tiers(
    item: AnnotatedRecording, view: Projection
) -> list[tuple[str, list[tuple[float, float, str]]]]:
    """(tier name, non-overlapping (start, end, text) in order) per speaker lane."""
    rec = item.recording
    by_speaker: dict[str, list[tuple[float, float, str]]] = {}
    for seg in item.segments:
        speaker = view.speaker(seg, rec) or DEFAULT_TIER
        by_speaker.setdefault(speaker, []).append((seg.start, seg.end, view.caption(seg)))
    out: list[tuple[str, list[tuple[float, float, str]]]] = []
    for speaker, spans in by_speaker.items():
        split = lanes(spans)
        out.extend(zip(tier_names(speaker, len(split)), split, strict=True))
    return out


def _grid(item: AnnotatedRecording, view: Projection) -> Iterator[str]:
    layers = tiers(item, view)
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
    for item in dataset.items:
        yield lines_file(f"{view.recording_id(item.recording)}.TextGrid", _grid(item, view))


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
        for tier in _parse(file)["tiers"]:
            if tier.get("class") != "IntervalTier":
                continue  # point tiers mark instants, not segments
            name = tier_base(str(tier["name"]))
            speaker = None if name == DEFAULT_TIER else name
            for entry in tier["entries"]:
                start, end, text = entry[0], entry[1], entry[2]
                if text.strip():
                    out.add(
                        file.stem,
                        float(start),
                        float(end),
                        speaker=speaker,
                        text=text,
                        path=file.name,
                    )
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="Praat TextGrid per recording: an interval tier per speaker with the "
        "transcripts (Praat, praatio, Montreal Forced Aligner).",
        export=export,
        speakers=True,
        import_=import_,
        media_type="text/plain",
        extension=".TextGrid",
        matches_files=True,
        files=True,
    )
)
