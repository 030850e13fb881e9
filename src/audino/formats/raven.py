"""Raven selection tables, one per recording: time-frequency boxes for bioacoustics.

    <recording>.Table.1.selections.txt, tab-separated with a header:
    Selection  View  Channel  Begin Time (s)  End Time (s)  Low Freq (Hz)  High Freq (Hz)
    <label>…  [Speaker] [Transcript]

Channels are 1-based (channel 1 alone reads back as all channels, see
`Annotations.first_channel_alone_is_all`); a segment without a box spans 0 Hz to half the
sample rate. Each single- or multi-choice label is an annotation column of its own, named by
the label (values of a multi label ", "-joined; "Label: <name>" when the name is a fixed
column's). Raven may list a selection once per view; import keeps the first row of each. On
import, an "Annotation" column holds values of the label "label"; every other column whose
name carries no unit in parentheses and is none of Raven's own (Begin File, Begin Path, …)
is an annotation column: its values go to the label of that name."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from audino.formats.annotations import Annotations, number
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError
from audino.formats.registry import Format, register

NAME = "raven"
SUFFIX = ".Table.1.selections.txt"
BASE = (
    "Selection",
    "View",
    "Channel",
    "Begin Time (s)",
    "End Time (s)",
    "Low Freq (Hz)",
    "High Freq (Hz)",
)
ANNOTATION = "Annotation"  # Raven's default annotation column: the label "label"
OURS = ("Speaker", "Transcript")
LABEL_PREFIX = "Label: "
# Raven's measurements without a unit in their name: not annotations.
RAVEN_COLUMNS = frozenset(
    c.casefold()
    for c in (
        "Begin File", "End File", "Begin Path", "End Path", "File Offset", "Begin Date",
        "End Date", "Begin Clock Time", "End Clock Time", "Begin Date Time", "Occupancy",
        "Sound Files", "Selection", "View", "Channel",
    )
)  # fmt: skip
FIXED = frozenset(c.casefold() for c in (*BASE, *OURS, ANNOTATION)) | RAVEN_COLUMNS


def column(label: str) -> str:
    """A label's annotation column: its name, unless that is a fixed column's."""
    return f"{LABEL_PREFIX}{label}" if label.casefold() in FIXED else label


def annotation_columns(header: list[str]) -> dict[int, str]:
    """Column -> label, for the annotation columns of a header (see the module doc)."""
    out = {}
    for i, name in enumerate(h.strip() for h in header):
        if name == ANNOTATION:
            out[i] = "label"
        elif name.startswith(LABEL_PREFIX) and name[len(LABEL_PREFIX) :].strip():
            out[i] = name[len(LABEL_PREFIX) :].strip()
        elif name and not name.endswith(")") and name.casefold() not in FIXED:
            out[i] = name
    return out


def _clean(text: str) -> str:
    return " ".join(text.split())


def _rows(item: AnnotatedRecording, view: Projection) -> Iterator[str]:
    rec = item.recording
    speakers = view.speaker_label is not None
    transcripts = any(seg.transcript for seg in item.segments)
    labels = view.tag_labels
    header = [*BASE, *(column(n) for n in labels)]
    header += ["Speaker"] * speakers + ["Transcript"] * transcripts
    yield "\t".join(header)
    top = rec.sample_rate / 2
    for k, seg in enumerate(item.segments, 1):
        channel = 1 if seg.channel is None else seg.channel + 1
        low = 0.0 if seg.low_hz is None else seg.low_hz
        high = top if seg.high_hz is None else seg.high_hz
        row = [
            str(k),
            "Spectrogram 1",
            str(channel),
            f"{seg.start:.6f}",
            f"{seg.end:.6f}",
            f"{low:.3f}",
            f"{high:.3f}",
            *(_clean(", ".join(view.values_of(seg, n))) for n in labels),
        ]
        if speakers:
            row.append(_clean(view.speaker(seg, rec) or ""))
        if transcripts:
            row.append(_clean(seg.transcript))
        yield "\t".join(row)


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    for item in dataset.items:
        yield lines_file(f"{view.recording_id(item.recording)}{SUFFIX}", _rows(item, view))


def _recording(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    head, sep, _ = base.partition(".Table.")
    return head if sep else base.rsplit(".", 1)[0]


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        reader = csv.reader(io.StringIO(file.text()), delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        needed = ("Begin Time (s)", "End Time (s)")
        if header is None or any(h not in header for h in needed):
            raise FormatError(
                "not a Raven selection table: the header needs 'Begin Time (s)' and 'End Time (s)'",
                line=1,
                path=file.name,
            )
        col = {h.strip(): i for i, h in enumerate(header)}
        annotations = annotation_columns(header)
        default = _recording(file.name)
        out.recording(default)
        seen: set[str] = set()
        for k, row in enumerate(reader, 2):
            if not any(cell.strip() for cell in row):
                continue

            def cell(name: str, row: list[str] = row, col: dict[str, int] = col) -> str:
                i = col.get(name)
                return row[i].strip() if i is not None and i < len(row) else ""

            selection = cell("Selection")
            if selection:
                if selection in seen:
                    continue
                seen.add(selection)
            name = file.name
            start = number(cell("Begin Time (s)"), "begin time", line=k, path=name)
            end = number(cell("End Time (s)"), "end time", line=k, path=name)
            low = cell("Low Freq (Hz)")
            high = cell("High Freq (Hz)")
            channel = cell("Channel")
            if channel and not channel.isdigit():
                raise FormatError(f"channel {channel!r} is not a number", line=k, path=name)
            begin_file = cell("Begin File")
            labels: dict[str, list[str]] = {}
            for i, label in annotations.items():
                text = row[i].strip() if i < len(row) else ""
                values = [v.strip() for v in text.split(", ") if v.strip()]
                if values:
                    labels.setdefault(label, []).extend(values)
            tags = labels.pop("label", [])
            out.add(
                _recording(begin_file) if begin_file else default,
                start,
                end,
                speaker=cell("Speaker") or None,
                text=cell("Transcript"),
                tags=tags,
                labels=labels,
                channel=int(channel) - 1 if channel and int(channel) >= 1 else None,
                low_hz=number(low, "low frequency", line=k, path=name) if low else None,
                high_hz=number(high, "high frequency", line=k, path=name) if high else None,
                line=k,
                path=file.name,
            )
    out.first_channel_alone_is_all()
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="Raven selection table per recording: time-frequency boxes with "
        "channel and annotation (Raven Pro, bioacoustics).",
        export=export,
        speakers=True,
        import_=import_,
        media_type="text/plain",
        extension=".txt",
        matches_files=True,
        files=True,
    )
)
