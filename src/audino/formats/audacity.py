"""Audacity label tracks, one per recording (File > Import > Labels reads them back).

    <recording>.txt: start<TAB>end<TAB>label   (seconds, 6 decimals, UTF-8)
                     \\<TAB>low Hz<TAB>high Hz  (after a label that is a frequency box)
    <recording>.audino.json: what the labels cannot say, for audino to read back

The label files are Audacity's own format, three fields a line, so strict readers of it
(crowsetta's `aud-seq`, and `aud-bbox` when every label is a box) read them too. The label
Audacity shows is the segment's transcript, else its label values joined by ", " (a class
name, for sound events). The JSON beside each holds, per label that needs it,
`[start, end, label, extra]` as the line writes them, with `extra`
`{"transcript": true}` when the label is the transcript, the speaker, and the single- and
multi-choice values by label name; importing both gives each segment back as exported. A
label changed in Audacity no longer matches its entry and imports as a plain label.

A label file without that JSON (written by Audacity or by hand) imports each label as
values of the "label" label, split on ", ". Files from earlier audino versions, with the
JSON as a fourth field on the label's line, import as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from audino.formats.annotations import Annotations, number
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError, SegmentRecord
from audino.formats.registry import Format, register

NAME = "audacity"
SIDECAR = ".audino.json"  # <recording>.audino.json beside <recording>.txt


def _one_line(text: str) -> str:
    return " ".join(text.split())  # tabs and newlines would break the line


def label_text(view: Projection, seg: SegmentRecord) -> str:
    """What Audacity shows: the transcript, else the label values."""
    return _one_line(seg.transcript) or _one_line(", ".join(view.tags(seg)))


def _extra(view: Projection, seg: SegmentRecord, rec: Any) -> dict[str, Any]:
    """What the label does not say, for audino to read back."""
    extra: dict[str, Any] = {}
    if _one_line(seg.transcript):
        extra["transcript"] = True
    speaker = view.speaker(seg, rec)
    if speaker is not None:
        extra["speaker"] = speaker
    labels = {name: view.values_of(seg, name) for name in view.tag_labels}
    labels = {name: values for name, values in labels.items() if values}
    if labels:
        extra["labels"] = labels
    return extra


def _lines(item: AnnotatedRecording, view: Projection, extras: list[Any]) -> Iterator[str]:
    for seg in item.segments:
        fields = [f"{seg.start:.6f}", f"{seg.end:.6f}", label_text(view, seg)]
        extra = _extra(view, seg, item.recording)
        if extra:
            extras.append([*fields, extra])
        yield "\t".join(fields)
        if seg.low_hz is not None or seg.high_hz is not None:
            yield f"\\\t{seg.low_hz or 0.0:.6f}\t{seg.high_hz or 0.0:.6f}"


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    for item in dataset.items:
        name = view.recording_id(item.recording)
        extras: list[Any] = []
        lines = list(_lines(item, view, extras))  # one recording's labels at a time
        yield lines_file(f"{name}.txt", lines)
        if extras:
            yield OutputFile(f"{name}{SIDECAR}", _sidecar(extras))


def _sidecar(extras: list[Any]) -> Iterator[bytes]:
    yield orjson.dumps(extras) + b"\n"


def _split(text: str) -> list[str]:
    return text.split(", ") if text else []


def _label(
    fields: list[str], line: int, path: str, extras: dict[tuple[str, ...], list[Any]]
) -> dict[str, Any]:
    """What a label line says of its segment, as keywords of `Annotations.add`: with its
    entry in the JSON beside the file (`extras`), else the fourth field of earlier audino
    exports."""
    text = fields[2].strip() if len(fields) > 2 else ""
    waiting = extras.get(tuple(fields[:3]))
    if waiting:
        found: Any = waiting.pop(0)
    else:
        extra = "\t".join(fields[3:]).strip()
        if not extra:
            return {"tags": _split(text)}
        try:
            found = orjson.loads(extra)
        except orjson.JSONDecodeError:
            found = None
    labels = found.get("labels", {}) if isinstance(found, dict) else None
    if not isinstance(found, dict) or not _named_values(labels):
        raise FormatError(
            "the column after the label is not audino's JSON of speaker and labels",
            line=line,
            path=path,
        )
    transcript = bool(found.get("transcript"))
    speaker = found.get("speaker")
    return {
        "text": text if transcript else "",
        "speaker": None if speaker in (None, "") else str(speaker),
        "labels": labels,
        "tags": () if transcript or labels else _split(text),
    }


def _named_values(labels: object) -> bool:
    """{label name: [value, …]}"""
    return isinstance(labels, dict) and all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in labels.values()
    )


def _sidecars(files: list[InputFile]) -> dict[str, dict[tuple[str, ...], list[Any]]]:
    """Per label file stem, its JSON's entries: (start, end, label) -> extras in order."""
    out: dict[str, dict[tuple[str, ...], list[Any]]] = {}
    for file in files:
        base = file.name.replace("\\", "/").rsplit("/", 1)[-1]
        if not base.endswith(SIDECAR):
            continue
        try:
            entries = orjson.loads(file.data)
        except orjson.JSONDecodeError as exc:
            raise FormatError(f"not JSON ({exc.msg})", path=file.name) from None
        ok = isinstance(entries, list) and all(
            isinstance(e, list) and len(e) == 4 and all(isinstance(x, str) for x in e[:3])
            for e in entries
        )
        if not ok:
            raise FormatError("expected a list of [start, end, label, extra]", path=file.name)
        found = out.setdefault(base[: -len(SIDECAR)], {})
        for start, end, label, extra in entries:
            found.setdefault((start, end, label), []).append(extra)
    return out


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    sidecars = _sidecars(files)
    for file in files:
        if file.name.endswith(SIDECAR):
            continue
        recording = file.stem
        extras = sidecars.get(recording, {})
        out.recording(recording)
        pending: tuple[float, float, dict[str, Any], int] | None = None
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
                start, end, found, at = pending
                out.add(
                    recording, start, end, low_hz=low, high_hz=high, line=at, path=file.name,
                    **found,
                )  # fmt: skip
                pending = None
                continue
            if pending is not None:
                start, end, found, at = pending
                out.add(recording, start, end, line=at, path=file.name, **found)
            if len(fields) < 2:
                raise FormatError("a label line is start<TAB>end<TAB>label", line=k, path=file.name)
            start = number(fields[0], "start", line=k, path=file.name)
            end = number(fields[1], "end", line=k, path=file.name)
            pending = (start, end, _label(fields, k, file.name, extras), k)
        if pending is not None:
            start, end, found, at = pending
            out.add(recording, start, end, line=at, path=file.name, **found)
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
