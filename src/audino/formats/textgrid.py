"""Praat TextGrid, one per recording (long text form), read back with praatio.

    <recording>.TextGrid: an IntervalTier of transcripts per speaker (one tier "segments"
    when nobody is named) and beside it one per label, "<speaker>: <label>", holding the
    label's values (see `formats.tiers`); intervals tile [0, duration], gaps as empty
    text; overlapping segments of one speaker spill into a tier "<speaker> (2)"; `"` is
    written `""`.

An empty interval is a gap, so a segment with neither a transcript nor a label value has
no place in a TextGrid: it is left out and counted in the export report. An instant (a
segment whose start is its end) is a point: it goes on a TextTier beside its tier, named
like a spill-over tier ("Bo (2)"), as Praat and praatio want tier names to differ.

Import reads long and short forms in UTF-8 or UTF-16: every non-empty interval of a
transcript tier becomes a segment, its tier name the speaker (unless "segments"), its text
the transcript; label tiers add their values to those segments; a TextTier's marks become
instants the same way. A file that holds fewer tiers or entries than it declares (cut
short) is refused, naming the tier.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import count
from typing import Any

from audino.formats.annotations import Annotations
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.lanes import tier_base
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError
from audino.formats.registry import Format, register
from audino.formats.report import ExportReport
from audino.formats.tiers import Span, TierReader, carried, tiers

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
    # An instant (start = end) is a point: a TextTier beside its layer's IntervalTier,
    # named as a spill-over tier of the layer ("Bo (2)"), as tier names must differ.
    grid: list[tuple[str, str, list[Span]]] = []
    used = {name for name, _ in layers}
    for name, spans in layers:
        intervals = [span for span in spans if span[1] > span[0]]
        points = [span for span in spans if span[1] <= span[0]]
        if intervals or not points:
            grid.append(("IntervalTier", name, intervals))
        if points:
            if intervals:
                base = tier_base(name)
                name = next(n for k in count(2) if (n := f"{base} ({k})") not in used)
                used.add(name)
            grid.append(("TextTier", name, points))
    yield from ("xmin = 0", f"xmax = {_num(xmax)}", "tiers? <exists>", f"size = {len(grid)}")
    yield "item []:"
    for k, (kind, name, spans) in enumerate(grid, 1):
        yield f"    item [{k}]:"
        yield f"        class = {_quote(kind)}"
        yield f"        name = {_quote(name)}"
        yield "        xmin = 0"
        yield f"        xmax = {_num(xmax)}"
        if kind == "TextTier":
            yield f"        points: size = {len(spans)}"
            for j, (at, _, text) in enumerate(spans, 1):
                yield (
                    f"        points [{j}]:\n            number = {_num(at)}\n"
                    f"            mark = {_quote(text)}"
                )
            continue
        tiled = _tiled(spans, xmax)
        yield f"        intervals: size = {len(tiled)}"
        for j, (start, end, text) in enumerate(tiled, 1):
            yield (
                f"        intervals [{j}]:\n            xmin = {_num(start)}\n"
                f"            xmax = {_num(end)}\n            text = {_quote(text)}"
            )


def _tiled(spans: list[Span], xmax: float) -> list[Span]:
    """The spans with the gaps between them as empty intervals, from 0 to `xmax`."""
    intervals: list[Span] = []
    at = 0.0
    for start, end, text in spans:
        if start > at:
            intervals.append((at, start, ""))
        intervals.append((start, end, text))
        at = end
    if at < xmax:
        intervals.append((at, xmax, ""))
    return intervals


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    report = options.counts
    for item in dataset.items:
        name = f"{view.recording_id(item.recording)}.TextGrid"
        yield lines_file(name, _grid(item, view, report))


def _parse(file: InputFile) -> dict[str, Any]:
    from praatio.utilities import textgrid_io

    # praatio drops a short-form file's last entry when no newline follows it (tgt writes
    # none), which the truncation check below would refuse.
    text = file.text()
    if not text.endswith("\n"):
        text += "\n"
    if "TextGrid" not in text[:200]:
        raise FormatError('not a TextGrid: no "TextGrid" object class', line=1, path=file.name)
    try:
        grid = textgrid_io.parseTextgridStr(text, includeEmptyIntervals=True)
        for tier in grid["tiers"]:
            tier["entries"] = list(tier["entries"])
    except Exception as exc:  # praatio raises bare IndexError/ValueError on bad files
        raise FormatError(
            f"not a readable TextGrid ({type(exc).__name__}: {exc})", path=file.name
        ) from None
    _complete(text, grid, file.name)
    return grid  # type: ignore[no-any-return]


_TOKEN = re.compile(r'"(?:[^"]|"")*"|[^\s"]+')
_LONG_ITEM = re.compile(r"^\s*item\s*\[", re.M)
_LONG_SIZE = re.compile(r"^\s*size\s*=\s*(\d+)", re.M)
_LONG_TIER_SIZE = re.compile(r"^\s*(?:intervals|points)\s*:\s*size\s*=\s*(\d+)", re.M)


def _complete(text: str, grid: dict[str, Any], path: str) -> None:
    """Refuses a file that ends before the tiers and intervals it declares: praatio reads a
    TextGrid cut after a whole interval as if it were all there."""
    found = [len(t["entries"]) for t in grid["tiers"]]
    if _LONG_ITEM.search(text) or not grid["tiers"] and "item []" in text:
        top = _LONG_SIZE.search(text)
        tiers_declared = int(top.group(1)) if top else 0
        sizes = [int(n) for n in _LONG_TIER_SIZE.findall(text)]
    else:
        tiers_declared, sizes = _short_sizes(_TOKEN.findall(text))
    if tiers_declared != len(found) or len(sizes) != len(found):
        raise FormatError(
            f"the TextGrid ends early: it declares {tiers_declared} tiers and holds "
            f"{min(len(found), len(sizes))} whole (a truncated file?)",
            path=path,
        )
    for k, (want, got) in enumerate(zip(sizes, found, strict=False), 1):
        if want != got:
            raise FormatError(
                f"the TextGrid ends early: tier {k} declares {want} entries and holds {got} "
                "(a truncated file?)",
                path=path,
            )


def _short_sizes(tokens: list[str]) -> tuple[int, list[int]]:
    """The short text form's declared tier count and, tier by tier, entry counts as far as
    the tokens go (an entry is 3 values in an interval tier, 2 in a point tier)."""
    if "<exists>" not in tokens:
        return 0, []
    at = tokens.index("<exists>") + 1
    declared = int(tokens[at]) if at < len(tokens) and tokens[at].isdigit() else 0
    at += 1
    sizes: list[int] = []
    while at + 4 < len(tokens) and len(sizes) < declared:
        width = 2 if tokens[at].strip('"') == "TextTier" else 3
        count = int(tokens[at + 4]) if tokens[at + 4].isdigit() else 0
        sizes.append(count)
        at += 5 + width * count
    return declared, sizes


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        if not file.name.lower().endswith(".textgrid") and len(files) > 1:
            continue
        out.recording(file.stem)
        found = _parse(file)["tiers"]
        reader = TierReader(str(t["name"]) for t in found)
        for tier in found:
            points = tier.get("class") == "TextTier"
            for entry in tier["entries"]:
                start, end = float(entry[0]), float(entry[0] if points else entry[1])
                text = str(entry[-1])
                if text.strip():
                    reader.add(str(tier["name"]), start, end, text)
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
