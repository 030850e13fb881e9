"""Label Studio JSON tasks with their labeling config and, when the export has audio, the
recordings beside them, as Label Studio imports them and label-studio-sdk reads them.

    tasks.json  [{"id", "data": {"audio": "audio/<recording>.wav", "name"},
                  "annotations": [{"completed_by": {"email": "<username>", "username"},
                                   "result": [...]}],
                  "predictions": [{"model_version", "score", "result": [...]}]}]
    labeling-config.xml  the project's labels as Label Studio tags (below)
    audio/<recording>.<codec>  each recording whole (wav unless the options say otherwise)

A region (a segment) is one id shared by several results: `labels` from the region label
(the speaker label, else the first choice label), `choices` for other choice labels
(per-region Choices), `textarea` for the transcript (`transcription`) and text labels,
`number` for number labels. Recording-level (datapoint-scope) labels are results without
start and end. Each person's work is one annotation (`completed_by` names them by
username; Label Studio's own tools read its `email`); model output is predictions, one
per model version.

`data.audio` is relative to the unpacked zip unless `audio_root` names where it will be:
an absolute folder, or a base URL (http or https) the folder is served from, which Label
Studio can fetch. Import reads annotations as segments of their authors (by
`completed_by` username or email, else `created_username`), with their recording-level
values, and predictions as model output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import quoteattr

import orjson

from audino.formats.annotations import Annotations
from audino.formats.clipping import whole_file
from audino.formats.files import InputFile, OutputFile
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import (
    AnnotatedRecording,
    AssignmentRecord,
    Dataset,
    FormatError,
    LabelSpec,
    Recording,
    SegmentRecord,
)
from audino.formats.registry import Format, register
from audino.formats.report import REPORT_FILE

NAME = "labelstudio"
OBJECT = "audio"  # the Audio tag's name: every result's to_name
TEXT = "transcription"
TASKS = "tasks.json"
CONFIG = "labeling-config.xml"
AUDIO = AudioSpec(16000, 1, "wav")
NO_ANNOTATOR = "recording-level values of an annotation that names no annotator"
_UPLOAD_PREFIX = re.compile(r"^[0-9a-f]{8}-")


def audio_reference(options: ExportOptions, relative: str) -> str:
    """Where a task's audio is: relative to the export, or under `audio_root` (a folder or
    a base URL)."""
    if not options.audio_root:
        return relative
    return f"{options.audio_root.replace(chr(92), '/').rstrip('/')}/{relative}"


class _Schema:
    """Which Label Studio control each label becomes, and the values seen for the config."""

    def __init__(self, dataset: Dataset, view: Projection) -> None:
        self.view = view
        self.segment = [s for s in dataset.labels if s.scope == "segment"]
        self.recording = [s for s in dataset.labels if s.scope == "datapoint"]
        choice = [s for s in self.segment if s.kind in ("single", "multi")]
        region = view.speaker_label
        if region is None and choice:
            region = choice[0].name
        self.region = region  # the Labels control
        self.choices = [s for s in choice if s.name != region]
        self.fields = [s for s in self.segment if s.kind in ("text", "number", "boolean")]
        self.fields = [s for s in self.fields if s.name != region]
        self.seen: dict[str, dict[str, None]] = {}  # label -> values used (text speakers)
        spec = next((s for s in dataset.labels if s.name == region), None)
        self.region_spec = spec

    def saw(self, name: str, values: list[str]) -> list[str]:
        self.seen.setdefault(name, {}).update(dict.fromkeys(values))
        return values

    def config(self) -> str:
        """The labeling config (XML) whose controls the results name."""
        lines = ["<View>", f'  <Audio name="{OBJECT}" value="$audio"/>']
        if self.region is not None:
            spec = self.region_spec
            values = [v.value for v in spec.values] if spec is not None else []
            values += [v for v in self.seen.get(self.region, {}) if v not in values]
            multiple = spec is not None and spec.kind == "multi"
            lines.append(
                f'  <Labels name={quoteattr(self.region)} toName="{OBJECT}"'
                + (' choice="multiple"' if multiple else "")
                + ">"
            )
            lines.extend(f"    <Label value={quoteattr(v)}/>" for v in values)
            lines.append("  </Labels>")
        lines.append(
            f'  <TextArea name="{TEXT}" toName="{OBJECT}" perRegion="true" editable="true"/>'
        )
        for spec in (*self.choices, *self.fields, *self.recording):
            lines.extend(_control(spec, per_region=spec.scope == "segment"))
        lines.append("</View>")
        return "\n".join(lines) + "\n"


def _control(spec: LabelSpec, *, per_region: bool) -> list[str]:
    where = f'toName="{OBJECT}"' + (' perRegion="true"' if per_region else "")
    name = quoteattr(spec.name)
    if spec.kind == "text":
        return [f'  <TextArea name={name} {where} editable="true"/>']
    if spec.kind == "number":
        return [f"  <Number name={name} {where}/>"]
    values = ["true", "false"] if spec.kind == "boolean" else [v.value for v in spec.values]
    choice = ' choice="multiple"' if spec.kind == "multi" else ""
    return [
        f"  <Choices name={name} {where}{choice}>",
        *(f"    <Choice value={quoteattr(v)}/>" for v in values),
        "  </Choices>",
    ]


def _value_result(spec: LabelSpec, value: Any, base: dict[str, Any]) -> dict[str, Any] | None:
    """One label's value as a result (`base` holds a region's start, end and channel)."""
    if value is None or value == "" or value == []:
        return None
    if spec.kind == "text":
        kind, body = "textarea", {"text": [str(value)]}
    elif spec.kind == "number":
        kind, body = "number", {"number": value}
    elif spec.kind == "boolean":
        kind, body = "choices", {"choices": ["true" if value else "false"]}
    else:
        kind, body = "choices", {"choices": value if isinstance(value, list) else [value]}
    return {"from_name": spec.name, "to_name": OBJECT, "type": kind, "value": {**base, **body}}


def _region(seg: SegmentRecord, schema: _Schema, rec: Recording, k: int) -> list[dict[str, Any]]:
    rid = (seg.id or f"r{k}")[:36]
    base = {"start": seg.start, "end": seg.end, "channel": seg.channel or 0}
    view = schema.view
    results: list[dict[str, Any]] = []
    if schema.region is not None:
        if schema.region == view.speaker_label:
            speaker = view.speaker(seg, rec)
            picked = [speaker] if speaker is not None else []
        else:
            picked = view.values_of(seg, schema.region)
        if picked:
            value = {**base, "labels": schema.saw(schema.region, picked)}
            results.append({"from_name": schema.region, "type": "labels", "value": value})
    if seg.transcript:
        value = {**base, "text": [seg.transcript]}
        results.append({"from_name": TEXT, "type": "textarea", "value": value})
    for spec in (*schema.choices, *schema.fields):
        found = _value_result(spec, seg.values.get(spec.name), base)
        if found is not None:
            results.append(found)
    if not results:  # a region nobody labelled or transcribed is still a region
        results.append({"from_name": TEXT, "type": "textarea", "value": {**base, "text": [""]}})
    for r in results:
        r.update(id=rid, to_name=OBJECT, original_length=rec.duration)
        if seg.confidence is not None and seg.source != "human":
            r["score"] = seg.confidence
    return results


def _recording_results(schema: _Schema, a: AssignmentRecord) -> list[dict[str, Any]]:
    out = []
    for k, spec in enumerate(schema.recording):
        found = _value_result(spec, a.values.get(spec.name), {})
        if found is not None:
            out.append({"id": f"recording-{k}", **found})
    return out


def _task(item: AnnotatedRecording, schema: _Schema, audio: str) -> dict[str, Any]:
    rec = item.recording
    annotations: dict[str, list[dict[str, Any]]] = {}
    for a in rec.assignments:
        mine = _recording_results(schema, a)
        if mine or a.status == "done":  # a finished annotation may be empty
            annotations.setdefault(a.user, []).extend(mine)
    predictions: dict[tuple[str, str], list[Any]] = {}
    for k, seg in enumerate(item.segments):
        results = _region(seg, schema, rec, k)
        if seg.source == "human" and seg.author:
            annotations.setdefault(seg.author, []).extend(results)
        else:
            key = (seg.model or seg.source, seg.model_version or "")
            predictions.setdefault(key, []).extend(results)
    return {
        "id": rec.id,
        "data": {"audio": audio, "name": rec.name},
        "annotations": [
            {
                "completed_by": {"email": author, "username": author},
                "was_cancelled": False,
                "ground_truth": False,
                "result": result,
            }
            for author, result in sorted(annotations.items())
        ],
        "predictions": [
            {
                "model_version": f"{model} {version}".strip(),
                "result": result,
                **({"score": score} if (score := _mean(result)) is not None else {}),
            }
            for (model, version), result in predictions.items()
        ],
    }


def _mean(results: list[Any]) -> float | None:
    scores = [r["score"] for r in results if isinstance(r.get("score"), int | float)]
    return sum(scores) / len(scores) if scores else None


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    schema = _Schema(dataset, view)
    tasks: list[bytes] = []  # held until the audio is out: a zip writes one file at a time
    for item in dataset.items:
        rec = item.recording
        spec = AudioSpec(
            options.sample_rate or rec.sample_rate or AUDIO.sample_rate,
            options.channels or rec.channels or AUDIO.channels,
            options.codec or AUDIO.codec,
        )
        relative = f"audio/{view.recording_id(rec)}.{spec.codec}"
        yield from whole_file(options, spec, rec, relative)
        tasks.append(orjson.dumps(_task(item, schema, audio_reference(options, relative))))
    yield OutputFile(TASKS, [b"[", b",\n".join(tasks), b"]\n"])
    yield OutputFile(CONFIG, [schema.config().encode()])


def _name(data: dict[str, Any]) -> str:
    name = data.get("name")
    if isinstance(name, str) and name:
        return name
    audio = str(data.get("audio") or "").split("?d=", 1)[-1].split("?", 1)[0]
    base = audio.replace("\\", "/").rsplit("/", 1)[-1]
    return _UPLOAD_PREFIX.sub("", base)


def _author(annotation: dict[str, Any]) -> str | None:
    """The annotator: `completed_by`'s username or email, else `created_username`
    ("email, id"); None when only Label Studio's numeric user id is given."""
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        for key in ("username", "email"):
            if isinstance(who.get(key), str) and who[key].strip():
                return str(who[key]).strip()
    created = annotation.get("created_username")
    if isinstance(created, str) and created.strip():
        return created.split(",", 1)[0].strip() or None
    return None


def _picked(value: dict[str, Any], key: str) -> list[str]:
    found = value.get(key)
    return [str(v) for v in found] if isinstance(found, list) else []


def _read_results(
    out: Annotations,
    name: str,
    results: Any,
    *,
    author: str | None,
    source: str,
    model: str | None,
    where: str,
) -> None:
    if not isinstance(results, list):
        raise FormatError("'result' must be a list", path=where)
    regions: dict[str, dict[str, Any]] = {}
    whole: dict[str, Any] = {"labels": {}, "fields": {}}
    for j, r in enumerate(results):
        if not isinstance(r, dict) or not isinstance(r.get("value"), dict):
            raise FormatError("a result needs a 'value' object", path=f"{where}.result[{j}]")
        value = r["value"]
        if "start" in value and "end" in value:
            regions.setdefault(
                str(r.get("id", j)),
                {"value": value, "labels": {}, "fields": {}, "text": "", "score": r.get("score")},
            )
    for j, r in enumerate(results):
        value, kind = r["value"], r.get("type")
        label = str(r.get("from_name") or "label")
        # A per-region result names its region by id (with or without its times); one
        # that matches no region is about the whole recording.
        target = regions.get(str(r.get("id", j)), whole)
        if kind == "labels":
            target["labels"][label] = _picked(value, "labels")
        elif kind == "choices":
            target["labels"][label] = _picked(value, "choices")
        elif kind == "textarea":
            text = "\n".join(_picked(value, "text"))
            if target is not whole and label == TEXT:
                target["text"] = text
            elif text:
                target["fields"][label] = text
        elif kind in ("number", "rating"):
            number = value.get(kind)
            if isinstance(number, int | float) and not isinstance(number, bool):
                target["fields"][label] = number
    for rid, region in regions.items():
        value = region["value"]
        try:
            start, end = float(value["start"]), float(value["end"])
            channel = int(value.get("channel") or 0)
        except (TypeError, ValueError):
            raise FormatError(
                "start, end and channel must be numbers", path=f"{where}.result[{rid}]"
            ) from None
        score = region["score"]
        out.add(
            name,
            start,
            end,
            text=region["text"],
            labels=region["labels"],
            fields=region["fields"],
            channel=channel or None,
            author=author,
            source=source,
            model=model,
            confidence=score if isinstance(score, int | float) else None,
            path=f"{where}.result",
        )
    if whole["labels"] or whole["fields"] or author:
        if source == "model":
            return  # a model's recording-level guess has no assignment to live in
        out.assignment(
            name, author or "", labels=whole["labels"], fields=whole["fields"], path=where
        )


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        low = file.name.lower()
        if not low.endswith(".json") or low.endswith(REPORT_FILE):
            continue  # the audio, the labeling config and the export's report
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
            for j, a in enumerate(task.get("annotations") or task.get("completions") or []):
                if isinstance(a, dict) and not a.get("was_cancelled") and not a.get("skipped"):
                    _read_results(
                        out,
                        name,
                        a.get("result"),
                        author=_author(a),
                        source="import",
                        model=None,
                        where=f"{where}.annotations[{j}]",
                    )
            for j, p in enumerate(task.get("predictions") or []):
                if isinstance(p, dict):
                    model = p.get("model_version")
                    _read_results(
                        out,
                        name,
                        p.get("result"),
                        author=None,
                        source="model",
                        model=str(model) if model else None,
                        where=f"{where}.predictions[{j}]",
                    )
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="Label Studio JSON tasks with their labeling config and the audio: "
        "regions with labels, choices and transcripts, recording-level choices, an "
        "annotation per author, model output as predictions.",
        export=export,
        speakers=True,
        import_=import_,
        media_type="application/json",
        extension=".json",
        matches_files=True,
        files=True,
        clips=True,
        audio_root=True,
        audio_urls=True,
    )
)
