"""Bulk import from a server folder or a bucket, as a job a project manager starts."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from audino.api.deps import DbDep, ProjectManager, SettingsDep
from audino.api.routes.jobs import JobPublic, job_public
from audino.services.imports import bulk_job as bulk_import_job

router = APIRouter(prefix="/api", tags=["imports"])


class BulkImportIn(BaseModel):
    # A folder, a glob or a bucket URL inside one of the server's AUDINO_IMPORT_ROOTS.
    source: str = Field(min_length=1, max_length=4096)
    assign: list[int | str] = Field(default_factory=list, max_length=1000)
    overlap: float = Field(default=0.0, ge=0.0, le=1.0)
    # Folder per label (Speech Commands, AudioFolder): the item-level label each file's
    # folder gives a value of, and the member whose values they are (see `audino import`).
    folder_label: str | None = Field(default=None, min_length=1, max_length=200)
    label_author: int | str | None = None


@router.post("/projects/{project_id}/imports", response_model=JobPublic, status_code=202)
def start_bulk_import(
    body: BulkImportIn, access: ProjectManager, db: DbDep, settings: SettingsDep
) -> JobPublic:
    """Import every audio file of a server folder, glob or bucket; returns the job whose
    progress and summary (imported, skipped, refused with reasons) the jobs API shows."""
    job = bulk_import_job.start_import(
        db,
        settings,
        access.project,
        body.source,
        assign=[str(a) for a in body.assign],
        overlap=body.overlap,
        folder_label=body.folder_label,
        label_author=None if body.label_author is None else str(body.label_author),
        actor_id=access.principal.actor_id,
    )
    db.refresh(job)
    return job_public(job)
