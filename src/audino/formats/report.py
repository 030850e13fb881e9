"""What an export could not carry as it was, counted while it streams: segments a format
left out and why, values it left out of segments it kept (a gender that is neither male
nor female, where the format knows only m/f), and lines whose values it had to estimate.

`Format.output_files` gives every export a fresh report through `ExportOptions.report`;
a format counts into it, and when anything was counted a multi-file export ends with
`export-report.json` in its zip or folder. A caller that passes its own report (to show it
in the export dialog, or for a single-file format, whose one file cannot hold it) reads
the counts there once the files are written. Formats count as their files' contents are
read, so the report is complete once every file before it has been read through, as
`zip_stream` and `write_tree` do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from audino.formats.files import OutputFile

REPORT_FILE = "export-report.json"
NO_TRANSCRIPT = "no transcript"  # the reason formats of transcripts give most


def no_place(where: str) -> str:
    """The reason for label values a format has no place for: "… in WebVTT"."""
    return f"label values with no place in {where}"


def no_place_for_recordings(where: str) -> str:
    return f"recording-level label values with no place in {where}"


@dataclass(slots=True)
class ExportReport:
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> segments left out
    estimated: dict[str, int] = field(default_factory=dict)  # what -> lines estimated
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> values left out

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def leave_out(self, reason: str, count: int = 1) -> None:
        self.left_out[reason] = self.left_out.get(reason, 0) + count

    def estimate(self, what: str, count: int = 1) -> None:
        self.estimated[what] = self.estimated.get(what, 0) + count

    @property
    def empty(self) -> bool:
        return not (self.skipped or self.estimated or self.left_out)

    def as_dict(self, format_name: str) -> dict[str, Any]:
        return {
            "format": format_name,
            "segments_skipped": dict(sorted(self.skipped.items())),
            "values_left_out": dict(sorted(self.left_out.items())),
            "lines_estimated": dict(sorted(self.estimated.items())),
        }

    def summary(self) -> list[str]:
        """One line per count, as the export dialog and `audino export` show them:
        "12 segments skipped: no transcript", "30 CTM words with estimated times …"."""
        lines = [
            f"{n} segment{'' if n == 1 else 's'} skipped: {reason}"
            for reason, n in sorted(self.skipped.items())
        ]
        lines.extend(
            f"{n} value{'' if n == 1 else 's'} left out: {reason}"
            for reason, n in sorted(self.left_out.items())
        )
        lines.extend(f"{n} {what}" for what, n in sorted(self.estimated.items()))
        return lines

    def file(self, format_name: str) -> OutputFile:
        data = orjson.dumps(self.as_dict(format_name), option=orjson.OPT_INDENT_2) + b"\n"
        return OutputFile(REPORT_FILE, [data])
