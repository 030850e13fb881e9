"""Long recordings as sessions: splitting recordings into windows and merging them back
(managers). Which recordings are split follows the project's `sessions` setting."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from audino.api.deps import DatapointManager, DbDep, ProjectManager, SettingsDep, StorageDep
from audino.services import windows
from audino.services.ingest.derived import derived_store

router = APIRouter(prefix="/api", tags=["datapoints"])


class SplitResult(BaseModel):
    recordings: int
    windows: int


@router.post("/projects/{project_id}/windows", response_model=SplitResult)
def split_project(
    access: ProjectManager, db: DbDep, storage: StorageDep, settings: SettingsDep
) -> SplitResult:
    """Presents every recording the project's `sessions` setting applies to as windows
    (those not split yet, processed, and without segments)."""
    recordings, made = windows.split_project(
        db, access.project, derived_store(settings, storage), actor_id=access.principal.actor_id
    )
    return SplitResult(recordings=recordings, windows=made)


@router.post("/datapoints/{datapoint_id}/windows", response_model=SplitResult)
def split_recording(
    access: DatapointManager, db: DbDep, storage: StorageDep, settings: SettingsDep
) -> SplitResult:
    """Presents one recording as windows, following the project's `sessions` setting."""
    made = windows.split_one(
        db, access.datapoint, derived_store(settings, storage), actor_id=access.principal.actor_id
    )
    return SplitResult(recordings=1 if made else 0, windows=len(made))


@router.delete("/datapoints/{datapoint_id}/windows", response_model=SplitResult)
def merge_windows(access: DatapointManager, db: DbDep) -> SplitResult:
    """Presents a split recording whole again (refused once any window has work)."""
    count = windows.merge(db, access.datapoint, actor_id=access.principal.actor_id)
    return SplitResult(recordings=1, windows=count)
