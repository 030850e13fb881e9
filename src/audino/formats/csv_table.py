"""CSV: one row per segment, for spreadsheets and pandas; TSV is read too.

    segments.csv: recording, start, end, channel, low_hz, high_hz, speaker, transcript,
                  author, source, confidence, <one column per label>,
                  recording:<one column per recording-level label>, attributes

A multi-valued label's values are joined by "|"; `attributes` holds the segment's
attributes as JSON. Channels are 0-based, as everywhere in audino; empty cells are None.
Recording-level (datapoint-scope) labels are the author's values for the whole recording,
repeated on each of their rows; someone who chose such values but drew no segment there
gets a row of their own with empty start and end. Import keeps each row's author.

Spreadsheets run a cell that starts with = + - @, a tab or a carriage return as a formula
(`=HYPERLINK(…)` in a transcript would be a link, or worse, when the file is opened). As
OWASP advises, such text cells are written with a leading apostrophe, which spreadsheets
show as text; text that already starts with apostrophes before such a character gets one
more. Reading removes exactly one, so what was written reads back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import orjson

from audino.formats.annotations import Annotations, number
from audino.formats.files import CHUNK_BYTES, InputFile, OutputFile
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import Dataset, FormatError
from audino.formats.registry import Format, register

NAME = "csv"
RECORDING = "recording:"  # the prefix of a recording-level label's column
BASE = (
    "recording",
    "start",
    "end",
    "channel",
    "low_hz",
    "high_hz",
    "speaker",
    "transcript",
    "author",
    "source",
    "confidence",
)


# Text a spreadsheet would take for a formula, behind any apostrophes already there.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def _text(value: str) -> str:
    """Text safe to open in a spreadsheet (see the module's note on formulas)."""
    return "'" + value if _FORMULA.match(value) else value


def _untext(value: str) -> str:
    return value[1:] if value.startswith("'") and _FORMULA.match(value, 1) else value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return _text("|".join(str(v) for v in value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _text(value)
    return value


def _rows(dataset: Dataset, options: ExportOptions) -> Iterator[bytes]:
    view = Projection(dataset, options)
    labels = [s.name for s in dataset.labels if s.scope == "segment" and s.name not in BASE]
    labels = [name for name in labels if name != view.speaker_label]
    whole = [s.name for s in dataset.labels if s.scope == "datapoint"]
    buffer = io.StringIO()
    # CRLF (RFC 4180): a text with a lone carriage return is then quoted, not a new row.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [*BASE, *map(_text, labels), *(_text(RECORDING + n) for n in whole), "attributes"]
    )
    blank = [""] * (len(BASE) - 1 + len(labels))
    for item in dataset.items:
        rec = item.recording
        name = rec.name
        chosen = {a.user: a.values for a in rec.assignments if a.values}
        drew = {s.author for s in item.segments}
        for user, values in chosen.items():
            if user not in drew and any(values.get(n) not in (None, "", []) for n in whole):
                row = [_text(name), *blank, *[_cell(values.get(n)) for n in whole], ""]
                row[BASE.index("author")] = _cell(user)
                row[BASE.index("source")] = "human"
                writer.writerow(row)
        for s in item.segments:
            values = s.values
            mine = chosen.get(s.author or "", {})
            writer.writerow(
                [
                    _text(name),
                    f"{s.start:.6f}",
                    f"{s.end:.6f}",
                    _cell(s.channel),
                    _cell(s.low_hz),
                    _cell(s.high_hz),
                    _cell(view.speaker(s, rec)),
                    _text(s.transcript),
                    _cell(s.author),
                    s.source,
                    _cell(s.confidence),
                    *[_cell(values.get(n)) for n in labels],
                    *[_cell(mine.get(n)) for n in whole],
                    orjson.dumps(s.attributes).decode() if s.attributes else "",
                ]
            )
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    yield OutputFile("segments.csv", _rows(dataset, options))


def _optional(text: str, what: str, line: int, path: str) -> float | None:
    return number(text, what, line=line, path=path) if text.strip() else None


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        text = file.text()
        first = text.split("\n", 1)[0]
        reader = csv.reader(io.StringIO(text), delimiter="\t" if "\t" in first else ",")
        try:
            header = [_untext(h.strip()) for h in next(reader)]
        except StopIteration:
            continue
        missing = [h for h in ("recording", "start", "end") if h not in header]
        if missing:
            raise FormatError(
                f"the header needs the columns {', '.join(missing)}", line=1, path=file.name
            )
        labels = [h for h in header if h not in BASE and h != "attributes"]
        whole = [h for h in labels if h.startswith(RECORDING) and len(h) > len(RECORDING)]
        labels = [h for h in labels if h not in whole]
        try:
            for row in reader:
                k = reader.line_num
                if not any(row):
                    continue
                cells = dict(zip(header, map(_untext, row), strict=False))
                get = cells.get
                channel = _optional(get("channel", ""), "channel", k, file.name)
                attributes: dict[str, Any] = {}
                if get("attributes"):
                    try:
                        attributes = orjson.loads(get("attributes", ""))
                    except orjson.JSONDecodeError:
                        raise FormatError(
                            "attributes must be a JSON object", line=k, path=file.name
                        ) from None
                    if not isinstance(attributes, dict):
                        raise FormatError(
                            "attributes must be a JSON object", line=k, path=file.name
                        )
                recording = get("recording", "").strip()
                author = (get("author") or "").strip() or None
                if get("source") == "model":
                    author = None
                chosen = {n[len(RECORDING) :]: (get(n) or "").split("|") for n in whole}
                if author is not None and any(v != [""] for v in chosen.values()):
                    out.assignment(recording, author, labels=chosen, line=k, path=file.name)
                if not (get("start") or "").strip() and not (get("end") or "").strip():
                    if author is None:
                        raise FormatError(
                            "a row without start and end holds an author's recording-level "
                            "values, and needs the author",
                            line=k,
                            path=file.name,
                        )
                    out.assignment(recording, author, line=k, path=file.name)
                    continue
                named = {n: (get(n) or "").split("|") for n in labels}
                confidence = _optional(get("confidence", ""), "confidence", k, file.name)
                out.add(
                    recording,
                    number(get("start", ""), "start", line=k, path=file.name),
                    number(get("end", ""), "end", line=k, path=file.name),
                    speaker=get("speaker") or None,
                    text=get("transcript", ""),
                    labels=named,
                    channel=None if channel is None else int(channel),
                    low_hz=_optional(get("low_hz", ""), "low_hz", k, file.name),
                    high_hz=_optional(get("high_hz", ""), "high_hz", k, file.name),
                    attributes=attributes,
                    confidence=confidence,
                    author=author,
                    source="model" if get("source") == "model" else "import",
                    line=k,
                    path=file.name,
                )
        except csv.Error as exc:
            raise FormatError(f"not CSV ({exc})", line=reader.line_num, path=file.name) from None
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="CSV table, one row per segment: recording, times, channel, speaker, "
        "transcript, one column per label.",
        export=export,
        speakers=True,
        import_=import_,
        media_type="text/csv",
        extension=".csv",
        matches_files=True,
        files=True,
        single_file=True,
    )
)
