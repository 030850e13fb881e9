"""Prodigy JSONL for `audio.manual`: one task per recording with its labelled spans.

    {"audio": "<url or file>", "path": "<file name>", "audio_spans": [{"start", "end",
     "label", "id"}], "transcript": "…", "answer": "accept", "_view_id": "audio_manual"}

A span's label is its first label value, else its speaker, else "SEGMENT"; the task's
transcript is the segments' transcripts in order. Import makes each span a segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from audino.formats.annotations import Annotations
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError
from audino.formats.registry import Format, register

NAME = "prodigy"


def _task(item: AnnotatedRecording, view: Projection) -> str:
    rec = item.recording
    spans = []
    for k, seg in enumerate(item.segments):
        tags = view.tags(seg)
        label = tags[0] if tags else view.speaker(seg, rec) or "SEGMENT"
        spans.append(
            {"start": seg.start, "end": seg.end, "label": label, "id": seg.id or f"{rec.id}-{k}"}
        )
    task: dict[str, Any] = {"audio": rec.url or rec.name, "path": rec.name, "audio_spans": spans}
    transcript = " ".join(s.transcript.strip() for s in item.segments if s.transcript.strip())
    if transcript or rec.reference_transcript:
        task["transcript"] = transcript or rec.reference_transcript
    task["answer"] = "accept"
    task["_view_id"] = "audio_manual"
    return orjson.dumps(task).decode()


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    yield lines_file("tasks.jsonl", (_task(item, view) for item in dataset.items))


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        for k, line in enumerate(file.text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                task = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise FormatError(f"not JSON ({exc.msg})", line=k, path=file.name) from None
            if not isinstance(task, dict):
                raise FormatError("each line must be a JSON object", line=k, path=file.name)
            if task.get("answer", "accept") != "accept":
                continue
            source = str(task.get("path") or task.get("audio") or "").split("?", 1)[0]
            name = source.replace("\\", "/").rsplit("/", 1)[-1]
            if not name:
                raise FormatError("a task needs a 'path' or 'audio'", line=k, path=file.name)
            out.recording(name)
            spans = task.get("audio_spans") or []
            if not isinstance(spans, list):
                raise FormatError("'audio_spans' must be a list", line=k, path=file.name)
            for span in spans:
                try:
                    start, end = float(span["start"]), float(span["end"])
                except (KeyError, TypeError, ValueError):
                    raise FormatError(
                        "a span needs numeric start and end", line=k, path=file.name
                    ) from None
                label = span.get("label")
                out.add(
                    name, start, end, tags=[str(label)] if label else [], line=k, path=file.name
                )
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="Prodigy JSONL for audio.manual: a task per recording with labelled "
        "audio spans and the transcript.",
        export=export,
        speakers=True,
        import_=import_,
        media_type="application/jsonl",
        extension=".jsonl",
        matches_files=True,
        files=True,
        single_file=True,
    )
)
