"""Bulk import as a background job: queued by a manager through the API, reading only
from the import roots the server allows (AUDINO_IMPORT_ROOTS)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from audino.config import Settings
from audino.db.models import Job, Project
from audino.jobs import JobContext, task
from audino.services import assignments, jobs
from audino.services.errors import InvalidInput, Unprocessable
from audino.services.imports.bulk import (
    JOB_LISTED_FAILURES,
    BulkImport,
    FileOutcome,
    ImportSummary,
    check_overlap,
)
from audino.services.imports.sources import Source, check_allowed, drop_escaping

KIND = "import"
JOB_WORKERS = 4
# How many refused files the error of a job that imported nothing names.
NAMED_FAILURES = 5


def start_import(
    db: Session,
    settings: Settings,
    project: Project,
    source: str,
    *,
    assign: Sequence[str] = (),
    overlap: float = 0.0,
    folder_label: str | None = None,
    label_author: str | None = None,
    actor_id: int | None = None,
) -> Job:
    """Checks the request and queues the import; its progress shows on the job."""
    source = source.strip()
    check_allowed(source, settings.resolved_import_roots)
    users = assignments.resolve_members(db, project.id, assign)
    check_overlap(users, overlap)
    author = None
    if label_author is not None:
        if not folder_label:
            raise InvalidInput(
                "label_author goes with folder_label (the label it fills).", code="bad_layout"
            )
        author = assignments.resolve_members(db, project.id, [label_author])[0].username
    payload = {
        "project_id": project.id,
        "source": source,
        "assign": [u.username for u in users],
        "overlap": overlap,
        "folder_label": folder_label.strip() if folder_label else None,
        "label_author": author,
        "actor_id": actor_id,
    }
    return jobs.enqueue(
        db,
        KIND,
        payload,
        project_id=project.id,
        created_by=actor_id,
        message=f"Waiting to import {source}",
    )


def _message(summary: ImportSummary) -> str:
    return (
        f"{summary.done} of {summary.found} files: {summary.imported} imported, "
        f"{summary.skipped} already there, {summary.failed} refused"
    )


@task(KIND)
def run_import(ctx: JobContext) -> dict[str, Any]:
    """Imports the source; running it again adds only what is missing."""
    payload = ctx.payload
    roots = ctx.settings.resolved_import_roots
    source = str(payload["source"])
    check_allowed(source, roots)  # the roots may have changed since it was queued

    def progress(summary: ImportSummary, _outcome: FileOutcome | None) -> None:
        if summary.found:
            ctx.progress(summary.done / summary.found, _message(summary))
        else:
            ctx.progress(0.0, "Listing files")

    def only_inside(opened: Source) -> list[Any]:
        return drop_escaping(opened, roots)

    summary = BulkImport(
        ctx.database,
        ctx.storage,
        ctx.settings,
        int(payload["project_id"]),
        source,
        assign=list(payload.get("assign") or []),
        overlap=float(payload.get("overlap") or 0.0),
        workers=JOB_WORKERS,
        actor_id=payload.get("actor_id"),
        progress=progress,
        check_source=only_inside,
        folder_label=payload.get("folder_label"),
        label_author=payload.get("label_author"),
    ).run()
    if summary.nothing_imported:
        if summary.found == 0:
            raise Unprocessable(f"No audio files found in {source}.", code="no_audio")
        named = "; ".join(f"{n}: {why}" for n, why in summary.failures[:NAMED_FAILURES])
        more = summary.failed - min(summary.failed, NAMED_FAILURES)
        raise Unprocessable(
            f"None of the {summary.found} files could be imported ({named}"
            + (f"; and {more} more" if more else "")
            + ").",
            code="nothing_imported",
        )
    return summary.as_dict(JOB_LISTED_FAILURES)
