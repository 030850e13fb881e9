"""Label Studio JSON tasks (audio with `Labels` and per-region `TextArea`), imported by
Label Studio as tasks with annotations and predictions.

    [{"id", "data": {"audio", "name"},
      "annotations": [{"completed_by": {"username"}, "result": [
          {"id", "from_name": "<label>", "to_name": "audio", "type": "labels",
           "original_length", "value": {"start", "end", "channel", "labels": [...]}},
          {"id" (same region), "from_name": "transcription", "to_name": "audio",
           "type": "textarea", "value": {"start", "end", "channel", "text": [...]}}]}],
      "predictions": [{"model_version", "score", "result": [...]}]}]

Human segments become one annotation per author; model output becomes predictions,
one per model version. Import reads both (a `labels` result's from_name names the label).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from audino.formats.annotations import Annotations
from audino.formats.files import InputFile, OutputFile
from audino.formats.json_stream import json_lines
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError, SegmentRecord
from audino.formats.registry import Format, register

NAME = "labelstudio"
TEXT = "transcription"
_UPLOAD_PREFIX = re.compile(r"^[0-9a-f]{8}-")


def _results(seg: SegmentRecord, view: Projection, rec: Any, k: int) -> list[dict[str, Any]]:
    rid = (seg.id or f"r{k}")[:36]
    base = {"start": seg.start, "end": seg.end, "channel": seg.channel or 0}
    out = []
    speaker = view.speaker(seg, rec)
    if speaker is not None and view.speaker_label:
        out.append((view.speaker_label, [speaker]))
    for name in view.tag_labels:
        value = seg.values.get(name)
        if value not in (None, "", []):
            out.append((name, value if isinstance(value, list) else [value]))
    results: list[dict[str, Any]] = [
        {
            "id": rid,
            "from_name": name,
            "to_name": "audio",
            "type": "labels",
            "original_length": rec.duration,
            "value": {**base, "labels": labels},
        }
        for name, labels in out
    ]
    if seg.transcript or not results:
        results.append(
            {
                "id": rid,
                "from_name": TEXT,
                "to_name": "audio",
                "type": "textarea",
                "original_length": rec.duration,
                "value": {**base, "text": [seg.transcript]},
            }
        )
    return results


def _task(item: AnnotatedRecording, view: Projection) -> dict[str, Any]:
    rec = item.recording
    annotations: dict[str, list[dict[str, Any]]] = {}
    predictions: dict[tuple[str, str], list[Any]] = {}
    for k, seg in enumerate(item.segments):
        results = _results(seg, view, rec, k)
        if seg.source == "human" and seg.author:
            annotations.setdefault(seg.author, []).extend(results)
        else:
            key = (seg.model or seg.source, seg.model_version or "")
            predictions.setdefault(key, []).extend(results)
            if seg.confidence is not None:
                for r in results:
                    r["score"] = seg.confidence
    return {
        "id": rec.id,
        "data": {"audio": rec.url or rec.name, "name": rec.name},
        "annotations": [
            {"completed_by": {"username": author}, "result": result}
            for author, result in annotations.items()
        ],
        "predictions": [
            {
                "model_version": f"{model} {version}".strip(),
                "result": result,
                "score": _mean([r.get("score") for r in result]),
            }
            for (model, version), result in predictions.items()
        ],
    }


def _mean(values: list[Any]) -> float | None:
    scores = [v for v in values if isinstance(v, int | float)]
    return sum(scores) / len(scores) if scores else None


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    tasks = (_task(item, view) for item in dataset.items)
    yield OutputFile("tasks.json", json_lines(tasks, head=b"[", tail=b"]\n"))


def _name(data: dict[str, Any]) -> str:
    name = data.get("name")
    if isinstance(name, str) and name:
        return name
    audio = str(data.get("audio") or "").split("?", 1)[0]
    base = audio.replace("\\", "/").rsplit("/", 1)[-1]
    return _UPLOAD_PREFIX.sub("", base)


def _add_results(
    out: Annotations, name: str, results: Any, source: str, model: str | None, where: str
) -> None:
    if not isinstance(results, list):
        raise FormatError("'result' must be a list", path=where)
    regions: dict[str, dict[str, Any]] = {}
    for j, r in enumerate(results):
        if not isinstance(r, dict) or not isinstance(r.get("value"), dict):
            raise FormatError("a result needs a 'value' object", path=f"{where}.result[{j}]")
        value = r["value"]
        if "start" not in value or "end" not in value:
            continue  # a whole-task choice, not a region
        region = regions.setdefault(
            str(r.get("id", j)), {"value": value, "labels": {}, "text": "", "score": r.get("score")}
        )
        if r.get("type") == "labels":
            picked = value.get("labels") or []
            region["labels"][str(r.get("from_name") or "label")] = [str(v) for v in picked]
        elif r.get("type") == "textarea":
            region["text"] = " ".join(str(t) for t in value.get("text") or [])
    for rid, region in regions.items():
        value = region["value"]
        try:
            start, end = float(value["start"]), float(value["end"])
            channel = int(value.get("channel") or 0)
        except (TypeError, ValueError):
            raise FormatError(
                "start, end and channel must be numbers", path=f"{where}.result[{rid}]"
            ) from None
        labels = region["labels"]
        score = region["score"]
        out.add(
            name,
            start,
            end,
            text=region["text"],
            labels=labels,
            channel=channel or None,
            source=source,
            model=model,
            confidence=score if isinstance(score, int | float) else None,
            path=f"{where}.result",
        )


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        try:
            tasks = orjson.loads(file.data)
        except orjson.JSONDecodeError as exc:
            raise FormatError(
                f"not JSON ({exc.msg})", line=exc.lineno, column=exc.colno, path=file.name
            ) from None
        if isinstance(tasks, dict):
            tasks = [tasks]
        if not isinstance(tasks, list):
            raise FormatError("expected a list of tasks", path=file.name)
        for i, task in enumerate(tasks):
            where = f"{file.name}[{i}]"
            if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
                raise FormatError("a task needs a 'data' object", path=where)
            name = _name(task["data"])
            out.recording(name)
            for j, a in enumerate(task.get("annotations") or []):
                if isinstance(a, dict) and not a.get("was_cancelled"):
                    _add_results(
                        out, name, a.get("result"), "import", None, f"{where}.annotations[{j}]"
                    )
            for j, p in enumerate(task.get("predictions") or []):
                if isinstance(p, dict):
                    model = p.get("model_version")
                    _add_results(
                        out,
                        name,
                        p.get("result"),
                        "model",
                        str(model) if model else None,
                        f"{where}.predictions[{j}]",
                    )
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="Label Studio JSON tasks: regions with labels and transcripts, "
        "annotations per author, model output as predictions.",
        export=export,
        speakers=True,
        import_=import_,
        media_type="application/json",
        extension=".json",
        matches_files=True,
        files=True,
        single_file=True,
    )
)
