"""CTM word timings (NIST sclite, Kaldi alignments): one word per line.

    words.ctm: <recording> <channel> <start> <duration> <word> [<confidence>]

Word timings come from a segment's `attributes["words"]` ([{word, start, end,
confidence?}], times in seconds from the recording's start); a segment without them is
written only when its transcript is a single word. Import makes each word a segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audino.formats.annotations import Annotations, number
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import Dataset, FormatError, SegmentRecord
from audino.formats.registry import Format, register

NAME = "ctm"


def words(seg: SegmentRecord) -> list[tuple[float, float, str, Any]]:
    timed = seg.attributes.get("words")
    out = []
    if isinstance(timed, list) and timed:
        for w in timed:
            if isinstance(w, dict) and {"word", "start", "end"} <= w.keys():
                out.append(
                    (float(w["start"]), float(w["end"]), str(w["word"]), w.get("confidence"))
                )
        return out
    tokens = seg.transcript.split()
    if len(tokens) == 1:
        out.append((seg.start, seg.end, tokens[0], seg.confidence))
    return out


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)

    def lines() -> Iterator[str]:
        for item in dataset.items:
            reco = view.recording_id(item.recording)
            for seg in item.segments:
                channel = 1 if seg.channel is None else seg.channel + 1
                for start, end, word, conf in words(seg):
                    line = f"{reco} {channel} {start:.3f} {end - start:.3f} {word}"
                    yield line if conf is None else f"{line} {float(conf):.4f}"

    yield lines_file("words.ctm", lines())


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        for k, line in enumerate(file.text().splitlines(), 1):
            fields = line.split()
            if not fields or fields[0].startswith(";;"):
                continue
            if len(fields) < 5:
                raise FormatError(
                    f"a CTM line has 5 or 6 fields, this one {len(fields)}", line=k, path=file.name
                )
            start = number(fields[2], "start", line=k, path=file.name)
            duration = number(fields[3], "duration", line=k, path=file.name)
            channel = fields[1]
            if not channel.isdigit() and channel not in ("A", "B"):
                raise FormatError(f"channel {channel!r} is not a number", line=k, path=file.name)
            index = {"A": 1, "B": 2}.get(channel) or int(channel)
            conf = (
                number(fields[5], "confidence", line=k, path=file.name) if len(fields) > 5 else None
            )
            out.add(
                fields[0],
                start,
                start + duration,
                text=fields[4],
                confidence=conf,
                channel=None if index <= 1 else index - 1,
                line=k,
                path=file.name,
            )
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="CTM word timings (sclite, Kaldi): recording, channel, start, "
        "duration, word, confidence.",
        export=export,
        import_=import_,
        media_type="text/plain",
        extension=".ctm",
        matches_files=True,
        files=True,
        single_file=True,
    )
)
