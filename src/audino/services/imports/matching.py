"""Annotation files matched to a project's datapoints by file name, and fitted to its
label schema: names as written, else without folders, else without the suffix."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.db.models import Datapoint, Label
from audino.formats.files import stem
from audino.formats.records import AnnotatedRecording, Dataset, LabelSpec
from audino.services.errors import Unprocessable
from audino.services.imports.checks import listing


def _keys(name: str) -> Iterable[str]:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    yield name
    yield base
    yield stem(base)
    yield stem(base).replace(" ", "_")  # ids in RTTM, Kaldi and STM have no spaces


def match_recordings(db: Session, project_id: int, items: list[AnnotatedRecording]) -> list[int]:
    """The datapoint id for each item; a 422 listing every name not found (or ambiguous)."""
    index: dict[str, set[int]] = {}
    # Windows share their recording's name and file: annotations match the recording.
    query = select(Datapoint.id, Datapoint.original_name, Datapoint.storage_key).where(
        Datapoint.project_id == project_id, Datapoint.parent_id.is_(None)
    )
    for dp_id, original, key in db.execute(query):
        for name in {*_keys(original), key.rsplit("/", 1)[-1]}:
            index.setdefault(name, set()).add(dp_id)
    found: list[int] = []
    missing: list[str] = []
    for item in items:
        r = item.recording
        match = None
        for key in (*([r.storage_key] if r.storage_key else []), *_keys(r.name)):
            hits = index.get(key, set())
            if len(hits) == 1:
                match = next(iter(hits))
                break
        if match is None:
            missing.append(r.name)
        else:
            found.append(match)
    if missing:
        raise Unprocessable(
            f"{len(missing)} file(s) named in the import are not datapoints of this project "
            f"(or their name is ambiguous): {listing(missing)}. Upload the audio first.",
            code="unknown_files",
            extra={"missing": missing[:1000]},
        )
    return found


def fit_to_project(
    db: Session,
    dataset: Dataset,
    project_id: int,
    *,
    renames: dict[str, str],
    create_labels: bool,
) -> Dataset:
    """Labels renamed (the file's "speaker" to the project's speaker label, say), values
    reshaped to the project's label kinds (single <-> multi); with `create_labels` off,
    a 422 listing labels and values the project lacks."""
    existing: dict[str, tuple[str, set[str]]] = {}
    for label in db.scalars(select(Label).where(Label.project_id == project_id)):
        existing[label.name] = (label.kind, {v.value for v in label.values})
    specs: list[LabelSpec] = []
    unknown: list[str] = []
    kinds: dict[str, str] = {}
    for spec in dataset.labels:
        name = renames.get(spec.name, spec.name)
        have = existing.get(name)
        kind = spec.kind
        if have is not None and {have[0], kind} <= {"single", "multi"}:
            kind = have[0]
        if have is not None and have[0] == "boolean" and _yes_no(spec):
            kind = "boolean"  # a choice of true/false (Label Studio's Choices) is a boolean
            spec = dataclasses.replace(spec, values=())
        kinds[name] = kind
        if not create_labels:
            if have is None:
                unknown.append(f"label {name!r}")
            else:
                unknown.extend(
                    f"{name}: {v.value!r}" for v in spec.values if v.value not in have[1]
                )
        specs.append(dataclasses.replace(spec, name=name, kind=kind))
    if unknown:
        raise Unprocessable(
            f"The file uses {len(unknown)} label(s) or value(s) this project does not have: "
            f"{listing(unknown)}. Add them, or import with the option to create them.",
            code="unknown_labels",
            extra={"unknown": unknown[:1000]},
        )
    unchanged = all(s.kind == k.kind for s, k in zip(specs, dataset.labels, strict=True))
    if not renames and unchanged:
        return dataclasses.replace(dataset, labels=tuple(specs))

    def fitted(values: Any) -> dict[str, Any]:
        return {
            renames.get(n, n): _shaped(v, kinds.get(renames.get(n, n), ""))
            for n, v in values.items()
        }

    items = []
    for item in dataset.items:
        for seg in item.segments:
            seg.values = fitted(seg.values)
        rec = item.recording
        rec.assignments = tuple(
            dataclasses.replace(a, values=fitted(a.values)) for a in rec.assignments
        )
        items.append(item)
    return dataclasses.replace(dataset, labels=tuple(specs), items=items)


def _yes_no(spec: LabelSpec) -> bool:
    return spec.kind in ("single", "multi") and {v.value for v in spec.values} <= {"true", "false"}


def _shaped(value: Any, kind: str) -> Any:
    if kind == "boolean":
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value
    if kind == "multi" and isinstance(value, str):
        return [value]
    if kind == "single" and isinstance(value, list):
        return value[0] if len(value) == 1 else value  # several: the import reports it
    return value
