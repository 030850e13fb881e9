"""Checks of imported records against this instance, before anything is written: values
the schema allows, unique audio and segment ids, audio in storage, files to attach to."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.db.models import AssignmentStatus, Datapoint, SegmentSource
from audino.formats.records import AnnotatedRecording
from audino.services.errors import Conflict, Unprocessable
from audino.storage.blobs import BlobStore

STATUSES = frozenset(s.value for s in AssignmentStatus)
SOURCES = frozenset(s.value for s in SegmentSource)
LISTED = 20  # names quoted in an error message; the full list goes in the JSON body


def chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def listing(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:LISTED])
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


def where(index: int, item: AnnotatedRecording) -> str:
    return f"datapoint #{index + 1} ({item.recording.name!r})"


def check_items(items: list[AnnotatedRecording]) -> None:
    seen_sha: set[str] = set()
    seen_segments: set[str] = set()
    for i, item in enumerate(items):
        r = item.recording
        if r.status not in STATUSES:
            raise Unprocessable(f"{where(i, item)}: unknown status {r.status!r}.", code="bad_file")
        if r.sha256 is not None:
            if r.sha256 in seen_sha:
                raise Unprocessable(
                    f"{where(i, item)}: the same audio (sha256 {r.sha256[:12]}…) is listed twice.",
                    code="duplicate_audio",
                )
            seen_sha.add(r.sha256)
        if "\x00" in r.name or "\x00" in r.reference_transcript:
            raise Unprocessable(
                f"{where(i, item)}: text contains a NUL character.", code="bad_file"
            )
        assignees = [a.user for a in r.assignments]
        if len(set(assignees)) != len(assignees):
            raise Unprocessable(
                f"{where(i, item)}: a user is assigned more than once.", code="bad_file"
            )
        for a in r.assignments:
            if a.status not in STATUSES:
                raise Unprocessable(
                    f"{where(i, item)}: assignment of {a.user!r} has unknown status {a.status!r}.",
                    code="bad_file",
                )
        for s in item.segments:
            if "\x00" in s.transcript:
                raise Unprocessable(
                    f"{where(i, item)}: a transcript contains a NUL character.", code="bad_file"
                )
            if s.source not in SOURCES:
                raise Unprocessable(
                    f"{where(i, item)}: segment source must be human, model or import, "
                    f"not {s.source!r}.",
                    code="bad_file",
                )
            if s.id is not None:
                if s.id in seen_segments:
                    raise Unprocessable(
                        f"{where(i, item)}: segment id {s.id!r} appears twice in the file.",
                        code="duplicate_segment",
                    )
                seen_segments.add(s.id)


def missing_audio(storage: BlobStore, items: list[AnnotatedRecording]) -> list[str]:
    try:
        absent = storage.missing([item.recording.storage_key for item in items])
    except ValueError as exc:
        item = items[exc.args[1]]
        raise Unprocessable(
            f"{where(exc.args[1], item)}: invalid storage key {item.recording.storage_key!r}.",
            code="bad_file",
        ) from None
    return [items[i].recording.name for i in absent]


def check_new_audio(db: Session, project_id: int, items: list[AnnotatedRecording]) -> None:
    hashes = [item.recording.sha256 for item in items if item.recording.sha256]
    clash: list[str] = []
    for chunk in chunks(hashes):
        clash.extend(
            db.scalars(
                select(Datapoint.original_name).where(
                    Datapoint.project_id == project_id, Datapoint.sha256.in_(chunk)
                )
            )
        )
    if clash:
        raise Conflict(
            f"{len(clash)} file(s) are already in this project: {listing(clash)}.",
            code="duplicate_audio",
            extra={"existing": clash[:1000]},
        )
