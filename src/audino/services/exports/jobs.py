"""Exports as background jobs: the export streamed into a blob, kept for download.

A manager queues an export with the same choices as the streamed one; the `export` task
writes it chunk by chunk into the export store (beside the audio store, under
`<its url>-exports`), one blob per job, so running a job again overwrites its own blob.
Each project keeps its newest `KEEP` finished exports; finishing one deletes the blobs
of older ones (their jobs stay, marked `expired`).

The job's result carries the export's report (what the format could not carry) under
`report`, with `file` naming where the download holds it too: `export-report.json` in
a multi-file export's zip; null for a single-file format (CTM, CSV, …), whose one file
cannot hold it, and for an export that lost nothing.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.config import Settings
from audino.db.models import Job, JobStatus, Project
from audino.formats.report import REPORT_FILE, ExportReport
from audino.jobs import JobContext, task
from audino.services import jobs
from audino.services.access import EXPORT_JOB_KIND
from audino.services.errors import Conflict, NotFound
from audino.services.exports import dataset as exports
from audino.services.exports.options import OPTION_FIELDS, options_from
from audino.storage import remote
from audino.storage.blobs import BlobStore

KIND = EXPORT_JOB_KIND
KEEP = 5  # finished exports kept per project; older ones' files are deleted
PRUNE_BATCH = 100


def start_export(
    db: Session,
    project: Project,
    format_name: str,
    *,
    status: str | None = None,
    author: str | None = None,
    options: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> Job:
    """Checks the request (a bad one is refused now, not in the job) and queues it."""
    values = {k: v for k, v in (options or {}).items() if k in OPTION_FIELDS}
    plan = exports.plan_export(
        db, project, format_name, status=status, author=author, options=options_from(values)
    )
    payload = {
        "project_id": project.id,
        "format": plan.format.name,
        "status": plan.status,
        "author": plan.author,
        "options": values,
    }
    return jobs.enqueue(
        db,
        KIND,
        payload,
        project_id=project.id,
        created_by=actor_id,
        message=f"Waiting to export as {plan.format.name}",
    )


_stores: dict[tuple[str, str], BlobStore] = {}


def export_store(settings: Settings, storage: BlobStore) -> BlobStore:
    """Where finished exports live: beside the audio store, under `<its url>-exports`, so
    they stay out of the audio's listing and backups."""
    url = storage.url.rstrip("/") + "-exports"
    secret = settings.resolved_secret_key()
    store = _stores.get((url, secret))
    if store is None:
        options = remote.fs_options(
            url, endpoint_url=settings.s3_endpoint_url, extra=settings.storage_options
        )
        store = _stores[(url, secret)] = BlobStore(url, secret, options)
    return store


def export_key(project_id: int, job_id: int) -> str:
    return f"{project_id}/{job_id}"


def write_blob(store: BlobStore, key: str, chunks: Iterable[bytes]) -> int:
    """Writes the chunks under `key`, replacing what was there only once all are written;
    returns the size."""
    size = 0
    path = store.local_path(key)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.partial")
        try:
            with partial.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return size
    sink = store.open(key, "wb")  # a bucket makes the object visible only on close
    try:
        for chunk in chunks:
            sink.write(chunk)
            size += len(chunk)
    except BaseException:
        discard = getattr(sink, "discard", None)  # abort the upload, publish nothing
        with contextlib.suppress(Exception):
            if discard is not None:
                discard()
        raise
    sink.close()
    return size


@task(KIND)
def run_export(ctx: JobContext) -> dict[str, Any]:
    """Streams the export into its blob; running it again overwrites the same blob."""
    payload = ctx.payload
    project_id = int(payload["project_id"])
    with ctx.database.session(write=False) as db:
        project = db.get(Project, project_id)
        if project is None:
            raise NotFound(f"Project {project_id} does not exist.")
        plan = exports.plan_export(
            db,
            project,
            str(payload["format"]),
            status=payload.get("status"),
            author=payload.get("author"),
            options=options_from(dict(payload.get("options") or {})),
        )
        total = exports.count_datapoints(db, plan)
    done = 0
    ctx.progress(0.0, f"Exporting {total} datapoints as {plan.format.name}")

    def progress(count: int) -> None:
        nonlocal done
        done += count
        # The last few percent are the files written after the last datapoint.
        ctx.progress(0.98 * done / max(total, 1), f"{done} of {total} datapoints")

    store = export_store(ctx.settings, ctx.storage)
    key = export_key(project_id, ctx.job_id)
    report = ExportReport()
    chunks = exports.stream_export(
        ctx.database, plan, storage=ctx.storage, progress=progress, report=report
    )
    size = write_blob(store, key, chunks)
    with ctx.database.session() as db:
        expired = prune(db, store, project_id, ctx.job_id)
    ctx.progress(1.0, "Written")
    return {
        "format": plan.format.name,
        "filename": plan.filename,
        "media_type": plan.media_type,
        "size": size,
        "datapoints": total,
        "download_url": f"/api/projects/{project_id}/exports/{ctx.job_id}/download",
        "expired_exports": expired,
        "report": report_result(plan, report),
    }


def report_result(plan: exports.ExportPlan, report: ExportReport) -> dict[str, Any]:
    """The report as a job keeps it: its counts, and where the download holds it."""
    fmt = plan.format
    in_file = fmt.files and not fmt.single_file and not report.empty
    return {**report.as_dict(fmt.name), "file": REPORT_FILE if in_file else None}


def prune(db: Session, store: BlobStore, project_id: int, current: int) -> int:
    """Deletes the files of the project's finished exports beyond the newest `KEEP`
    (counting `current`); returns how many."""
    older = db.scalars(
        select(Job)
        .where(
            Job.project_id == project_id,
            Job.kind == KIND,
            Job.status == JobStatus.done.value,
            Job.id != current,
        )
        .order_by(Job.id.desc())
        .offset(KEEP - 1)
        .limit(PRUNE_BATCH)
    )
    count = 0
    for job in older:
        result = dict(job.result or {})
        if result.get("expired"):
            continue
        store.delete(export_key(project_id, job.id))
        job.result = {**result, "expired": True}
        count += 1
    return count


def finished_export(db: Session, project_id: int, job_id: int) -> Job:
    """The project's export job, ready to download; 404 when there is none, 409 while it
    runs or after it failed."""
    job = db.get(Job, job_id)
    if job is None or job.kind != KIND or job.project_id != project_id:
        raise NotFound(f"Project {project_id} has no export job {job_id}.", code="no_export")
    if job.status in (JobStatus.queued.value, JobStatus.running.value):
        raise Conflict(
            f"Export {job_id} is not ready yet ({job.status}, {round(job.progress * 100)}%).",
            code="export_not_ready",
        )
    if job.status == JobStatus.failed.value:
        raise Conflict(f"Export {job_id} failed: {job.error}", code="export_failed")
    if (job.result or {}).get("expired"):
        raise NotFound(
            f"Export {job_id} was deleted to make room for newer ones; export again.",
            code="export_expired",
        )
    return job
