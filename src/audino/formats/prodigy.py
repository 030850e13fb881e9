"""Prodigy JSONL for `audio.manual`, with the audio beside it: a task per recording and
annotator, as Prodigy's `db-out` writes them and its `db-in` and recipes read them.

    tasks.jsonl  {"audio": "audio/<recording>.wav", "path": "audio/<recording>.wav",
                  "meta": {"file": "<file name>", "span_label": "<label>"},
                  "audio_spans": [{"start", "end", "label", "id", "text"?}],
                  "transcript": "…", "answer": "accept", "_annotator_id": "<username>",
                  "_session_id": "<project>-<username>", "_view_id": "audio_manual",
                  "_input_hash": int, "_task_hash": int}
    audio/<recording>.<codec>  each recording whole (wav unless the options say otherwise)

Each person who annotated a recording gets a task of their own, answered `accept`, named
by `_annotator_id` (their username) and `_session_id` (`<project>-<username>`, Prodigy's
"dataset-session" form). A recording nobody annotated is an unanswered task (no `answer`,
no annotator), carrying model output as its spans when there is any, so Prodigy serves it
as a question rather than counting it as accepted. `_input_hash` is the same for every task
of a recording, `_task_hash` differs by annotator and spans; both are stable 32-bit ints.

A span's label is its speaker (the speaker label; `meta.span_label` names it); in a
project without one, the first choice label's value. A span keeps its transcript as
`text`, and the task's `transcript` joins them (audio.transcribe's field). Other label
values have no place in a Prodigy audio task and are counted in the export report.
Audio paths are relative to the unpacked zip unless `audio_root` (a folder, or a base URL)
says where it will be; `prodigy audio.manual … --loader jsonl --fetch-media` reads them.

Import reads accepted tasks as segments of their `_annotator_id` (unanswered tasks as
predictions; rejected and ignored ones not at all), the span label as the value of
`meta.span_label`'s label, else of "speaker".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import orjson

from audino.formats.annotations import SPEAKER, Annotations
from audino.formats.clipping import whole_file
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.labelstudio import AUDIO, audio_reference
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, ident
from audino.formats.records import AnnotatedRecording, Dataset, FormatError, SegmentRecord
from audino.formats.registry import Format, register
from audino.formats.report import REPORT_FILE

NAME = "prodigy"
TASKS = "tasks.jsonl"
VIEW = "audio_manual"
NO_PLACE = "label values with no place in a Prodigy audio task (only the span label)"
RECORDING_VALUES = "recording-level values with no place in a Prodigy audio task"


def prodigy_hash(*parts: Any) -> int:
    """A stable signed 32-bit hash, the kind Prodigy keeps in `_input_hash`/`_task_hash`."""
    digest = hashlib.blake2b(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS), digest_size=4)
    return int.from_bytes(digest.digest(), "big", signed=True)


class _Tasks:
    def __init__(self, dataset: Dataset, options: ExportOptions) -> None:
        self.view = view = Projection(dataset, options)
        self.options = options
        choice = [
            s.name for s in dataset.labels if s.scope == "segment" and s.kind in ("single", "multi")
        ]
        self.span_label = view.speaker_label or (choice[0] if choice else None)
        kept = {self.span_label}
        self.others = [
            s.name for s in dataset.labels if s.scope == "segment" and s.name not in kept
        ]
        self.recording_labels = [s.name for s in dataset.labels if s.scope == "datapoint"]
        self.dataset_name = ident(dataset.project.name, "audino")

    def label(self, seg: SegmentRecord, item: AnnotatedRecording) -> str:
        view = self.view
        if self.span_label is None:
            return "SEGMENT"
        if self.span_label == view.speaker_label:
            found = view.speaker(seg, item.recording)
        else:
            picked = view.values_of(seg, self.span_label)
            found = picked[0] if picked else None
        return found if found is not None else "SEGMENT"

    def spans(self, item: AnnotatedRecording, segments: list[SegmentRecord]) -> list[Any]:
        counts = self.options.counts
        out = []
        for k, seg in enumerate(segments):
            span: dict[str, Any] = {
                "start": seg.start,
                "end": seg.end,
                "label": self.label(seg, item),
                "id": seg.id or f"{item.recording.id}-{k}",
            }
            if seg.transcript.strip():
                span["text"] = seg.transcript
            out.append(span)
            left = sum(1 for name in self.others if seg.values.get(name) not in (None, "", []))
            if left:
                counts.leave_out(NO_PLACE, left)
        return out

    def task(
        self,
        item: AnnotatedRecording,
        audio: str,
        segments: list[SegmentRecord],
        author: str | None,
    ) -> str:
        rec = item.recording
        meta: dict[str, Any] = {"file": rec.name}
        if self.span_label is not None:
            meta["span_label"] = self.span_label
        task: dict[str, Any] = {"audio": audio, "path": audio, "meta": meta}
        task["audio_spans"] = spans = self.spans(item, segments)
        transcript = " ".join(s.transcript.strip() for s in segments if s.transcript.strip())
        if transcript or (author is None and rec.reference_transcript):
            task["transcript"] = transcript or rec.reference_transcript
        input_hash = prodigy_hash(rec.sha256 or rec.name, audio)
        if author is not None:
            task["answer"] = "accept"
            task["_annotator_id"] = author
            task["_session_id"] = f"{self.dataset_name}-{author}"
        task["_view_id"] = VIEW
        task["_input_hash"] = input_hash
        task["_task_hash"] = prodigy_hash(input_hash, author, spans)
        return orjson.dumps(task).decode()

    def of(self, item: AnnotatedRecording, audio: str) -> Iterator[str]:
        by_author: dict[str, list[SegmentRecord]] = {}
        for a in item.recording.assignments:
            if a.status == "done":
                by_author.setdefault(a.user, [])
            left = sum(1 for n in self.recording_labels if a.values.get(n) not in (None, "", []))
            if left:
                self.options.counts.leave_out(RECORDING_VALUES, left)
        model: list[SegmentRecord] = []
        for seg in item.segments:
            if seg.source == "human" and seg.author:
                by_author.setdefault(seg.author, []).append(seg)
            else:
                model.append(seg)
        for author, segments in sorted(by_author.items()):
            yield self.task(item, audio, segments, author)
        if model or not by_author:
            yield self.task(item, audio, model, None)


def _lines(dataset: Dataset, options: ExportOptions, out: list[str]) -> Iterator[OutputFile]:
    tasks = _Tasks(dataset, options)
    for item in dataset.items:
        rec = item.recording
        spec = AudioSpec(
            options.sample_rate or rec.sample_rate or AUDIO.sample_rate,
            options.channels or rec.channels or AUDIO.channels,
            options.codec or AUDIO.codec,
        )
        relative = f"audio/{tasks.view.recording_id(rec)}.{spec.codec}"
        yield from whole_file(options, spec, rec, relative)
        out.extend(tasks.of(item, audio_reference(options, relative)))


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    lines: list[str] = []  # held until the audio is out: a zip writes one file at a time
    yield from _lines(dataset, options, lines)
    yield lines_file(TASKS, lines)


def _recording(task: dict[str, Any]) -> str:
    meta = task.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("file"), str) and meta["file"]:
        return str(meta["file"])
    source = str(task.get("path") or task.get("audio") or "")
    if source.startswith("data:"):
        source = str(task.get("text") or "")  # base64 audio: Prodigy's loader names it here
    return source.split("?", 1)[0].replace("\\", "/").rsplit("/", 1)[-1]


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        low = file.name.lower()
        if not low.endswith((".jsonl", ".json", ".ndjson")) or low.endswith(REPORT_FILE):
            continue  # the audio and the export's report beside the tasks
        for k, line in enumerate(file.text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                task = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise FormatError(f"not JSON ({exc.msg})", line=k, path=file.name) from None
            if not isinstance(task, dict):
                raise FormatError("each line must be a JSON object", line=k, path=file.name)
            answer = task.get("answer")
            if answer not in (None, "accept"):
                continue  # rejected or ignored: nobody's annotation
            name = _recording(task)
            if not name:
                raise FormatError("a task needs a 'path' or 'audio'", line=k, path=file.name)
            out.recording(name)
            spans = task.get("audio_spans") or []
            if not isinstance(spans, list):
                raise FormatError("'audio_spans' must be a list", line=k, path=file.name)
            found_meta = task.get("meta")
            meta: dict[str, Any] = found_meta if isinstance(found_meta, dict) else {}
            label_name = str(meta.get("span_label") or SPEAKER)
            author = None
            if answer == "accept":
                found = task.get("_annotator_id") or task.get("_session_id")
                author = str(found) if found else None
            transcript = str(task.get("transcript") or "")
            single = transcript if len(spans) == 1 else ""
            for span in spans:
                if not isinstance(span, dict):
                    raise FormatError("a span must be an object", line=k, path=file.name)
                try:
                    start, end = float(span["start"]), float(span["end"])
                except (KeyError, TypeError, ValueError):
                    raise FormatError(
                        "a span needs numeric start and end", line=k, path=file.name
                    ) from None
                label = span.get("label")
                text = span.get("text")
                out.add(
                    name,
                    start,
                    end,
                    text=str(text) if isinstance(text, str) else single,
                    labels={label_name: [str(label)]} if label else {},
                    author=author,
                    line=k,
                    path=file.name,
                )
            if author is not None:
                out.assignment(name, author, line=k, path=file.name)
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="Prodigy JSONL for audio.manual with the audio: a task per recording "
        "and annotator (accepted), unannotated recordings as open tasks.",
        export=export,
        speakers=True,
        import_=import_,
        media_type="application/jsonl",
        extension=".jsonl",
        matches_files=True,
        files=True,
        clips=True,
        audio_root=True,
        audio_urls=True,
    )
)
