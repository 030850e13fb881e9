"""Background jobs: list, read, retry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from audino.api import openapi
from audino.api.deps import DbDep, JobManager, JobReader, PrincipalDep
from audino.db.models import Job
from audino.services import jobs
from audino.services.access import Can, check_datapoint, check_project, visible_jobs

router = APIRouter(prefix="/api/jobs", tags=["jobs"])
MAX_ID = 2**31 - 1


class JobPublic(BaseModel):
    id: int
    kind: str
    status: str  # queued | running | done | failed
    progress: float  # 0..1
    message: str
    error: str | None
    result: dict[str, Any]
    project_id: int | None
    datapoint_id: int | None
    created_by_id: int | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def job_public(job: Job) -> JobPublic:
    return JobPublic.model_validate(job, from_attributes=True)


@router.get("", response_model=list[JobPublic], responses=openapi.answers(403, 404))
def list_jobs(
    db: DbDep,
    principal: PrincipalDep,
    project_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    datapoint_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    status: str | None = Query(default=None, max_length=16),
    kind: str | None = Query(default=None, max_length=64),
    before: int | None = Query(default=None, ge=1, le=MAX_ID),
    limit: int = Query(default=50, ge=1, le=jobs.MAX_LIST),
) -> list[JobPublic]:
    """Newest first: a project's jobs, a datapoint's, or (without filters) all you may see;
    the same rule as reading one job (annotators see only their datapoints' jobs)."""
    if datapoint_id is not None:
        check_datapoint(db, principal, datapoint_id, Can.read)
    elif project_id is not None:
        check_project(db, principal, project_id, Can.read)
    found = jobs.list_jobs(
        db,
        visible=visible_jobs(principal, Can.read),
        project_id=project_id,
        datapoint_id=datapoint_id,
        status=status,
        kind=kind,
        before=before,
        limit=limit,
    )
    return [job_public(job) for job in found]


@router.get("/{job_id}", response_model=JobPublic)
def get_job(access: JobReader) -> JobPublic:
    return job_public(access.job)


@router.post("/{job_id}/retry", response_model=JobPublic)
def retry_job(access: JobManager, db: DbDep) -> JobPublic:
    """Runs a failed job again (tasks are idempotent, so nothing is done twice)."""
    return job_public(jobs.retry(db, access.job))
