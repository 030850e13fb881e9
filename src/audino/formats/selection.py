"""Whose annotations an export keeps when a datapoint was annotated by several people."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from audino.formats.records import AnnotatedRecording

STATUS_RANK = {"done": 2, "in_progress": 1}


def one_annotator(items: Iterable[AnnotatedRecording]) -> Iterator[AnnotatedRecording]:
    """Per datapoint, one author's segments: the author whose assignment is furthest along
    (done first), then whoever drew the most segments; model output with no author is kept
    only when no person annotated."""
    for item in items:
        authors: dict[str | None, int] = {}
        for seg in item.segments:
            authors[seg.author] = authors.get(seg.author, 0) + 1
        people = [a for a in authors if a is not None]
        if len(authors) <= 1 or not people:
            yield item
            continue
        status = {a.user: STATUS_RANK.get(a.status, 0) for a in item.recording.assignments}
        chosen = max(people, key=lambda a: (status.get(a, 0), authors[a], a))
        segments = tuple(s for s in item.segments if s.author == chosen)
        yield AnnotatedRecording(item.recording, segments)
