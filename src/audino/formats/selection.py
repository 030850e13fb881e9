"""Whose annotations an export keeps: one annotator's when a datapoint was annotated by
several people, and what becomes of a model's predictions (`ExportOptions.predictions`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from audino.formats.records import AnnotatedRecording, SegmentRecord
from audino.formats.report import ExportReport

STATUS_RANK = {"done": 2, "in_progress": 1}


def one_annotator(
    items: Iterable[AnnotatedRecording], *, keep_predictions: bool = False
) -> Iterator[AnnotatedRecording]:
    """Per datapoint, one author's segments: the author whose assignment is furthest along
    (done first), then whoever drew the most segments; model output with no author is kept
    only when no person annotated, or always with `keep_predictions` (a model's segments
    are then no one's to choose, and stay beside the chosen person's)."""
    for item in items:
        authors: dict[str | None, int] = {}
        for seg in item.segments:
            if keep_predictions and is_prediction(seg):
                continue
            authors[seg.author] = authors.get(seg.author, 0) + 1
        people = [a for a in authors if a is not None]
        if len(authors) <= 1 or not people:
            yield item
            continue
        status = {a.user: STATUS_RANK.get(a.status, 0) for a in item.recording.assignments}
        chosen = max(people, key=lambda a: (status.get(a, 0), authors[a], a))
        segments = tuple(
            s
            for s in item.segments
            if s.author == chosen or (keep_predictions and is_prediction(s))
        )
        yield AnnotatedRecording(item.recording, segments)


# The export report's reason for the predictions `predictions="exclude"` leaves out.
PREDICTIONS_LEFT_OUT = "model predictions (predictions=exclude; include or as_annotator keep them)"


def is_prediction(seg: SegmentRecord) -> bool:
    """A model's segment, not yet anyone's work (accepting one makes a person's segment)."""
    return seg.source == "model"


def model_annotator(model: str | None, version: str | None) -> str:
    """The annotator a model version is exported as: `model:vad-webrtc@1.0`."""
    name = f"model:{model or 'unknown'}"
    return f"{name}@{version}" if version else name


def without_predictions(
    items: Iterable[AnnotatedRecording], report: ExportReport | None = None
) -> Iterator[AnnotatedRecording]:
    """Each recording without its models' segments, counted in `report` as left out."""
    for item in items:
        kept = tuple(s for s in item.segments if not is_prediction(s))
        if len(kept) == len(item.segments):
            yield item
            continue
        if report is not None:
            report.skip(PREDICTIONS_LEFT_OUT, len(item.segments) - len(kept))
        yield AnnotatedRecording(item.recording, kept)


def predictions_as_annotators(
    items: Iterable[AnnotatedRecording],
) -> Iterator[AnnotatedRecording]:
    """Each model version's segments as the work of an annotator of its own
    (`model_annotator`), so a format writes them as it writes a person's (an annotation,
    a tier, a speaker lane) and they can be scored against people's. The segment keeps its
    model, version and confidence."""
    for item in items:
        if not any(is_prediction(s) for s in item.segments):
            yield item
            continue
        segments = tuple(
            dataclasses.replace(s, author=model_annotator(s.model, s.model_version), source="human")
            if is_prediction(s)
            else s
            for s in item.segments
        )
        yield AnnotatedRecording(item.recording, segments)
