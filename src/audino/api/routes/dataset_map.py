"""The dataset map: every item with audio features as a point in 2-D, coloured by label or
metadata, with the outliers of each label value; made by a job (managers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import orjson
from fastapi import APIRouter, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from audino.api import openapi
from audino.api.deps import DbDep, ProjectManager, ProjectReader
from audino.api.routes.jobs import JobPublic, job_public
from audino.services import dataset_map

router = APIRouter(prefix="/api", tags=["dataset map"])


class MapPoint(BaseModel):
    datapoint_id: int
    name: str
    x: float = Field(description="In [-1, 1]; both axes share one scale.")
    y: float
    duration: float
    labels: dict[str, str] = Field(
        description="By label id: the item-level value most people chose (yours alone, for "
        "an annotator)."
    )
    metadata: dict[str, str | float] = Field(
        description="The fields of `colour_options`: text for a category, a number for a scale."
    )
    window_ids: list[int] = Field(
        default_factory=list,
        description="A recording the lists show as windows: those windows (left out if none).",
    )


class MapOutlier(BaseModel):
    datapoint_id: int
    name: str
    label_id: int
    label: str
    value: str
    distance: float = Field(description="From its value's centre, standardised features.")
    typical: float = Field(description="The median distance of that value's items.")
    nearest: str | None = Field(description="Another value of the label whose centre is closer.")
    reason: str


class ColourValue(BaseModel):
    value: str
    color: str | None
    count: int


class NumericRange(BaseModel):
    min: float
    max: float


class ColourOption(BaseModel):
    key: str = Field(description="label:<id> or meta:<field>.")
    kind: Literal["label", "metadata"]
    name: str
    field: str = Field(description="The key in each point's labels or metadata.")
    color: str | None
    values: list[ColourValue] = Field(description="The categories, for a category.")
    numeric: NumericRange | None = Field(description="The range, for a scale.")


class MapOut(BaseModel):
    method: Literal["pca", "umap"]
    computed_at: datetime
    stale: bool = Field(description="Items got features since the map was made.")
    stale_items: int = Field(description="Items with features newer than the map, or not on it.")
    missing_features: int = Field(description="Recordings without features, so not on the map.")
    job_id: int | None = Field(description="A map job waiting or running.")
    points: list[MapPoint]
    outliers: list[MapOutlier] = Field(description="Worth a second look: the farthest first.")
    colour_options: list[ColourOption]


class MapIn(BaseModel):
    method: Literal["auto", "pca", "umap"] = Field(
        default="auto", description="auto: UMAP when installed (and 20 items or more), else PCA."
    )
    features: bool = Field(
        default=True, description="Compute the audio features of items that lack them first."
    )


@router.get("/projects/{project_id}/map", response_model=MapOut, responses=openapi.answers(409))
def get_map(access: ProjectReader, db: DbDep) -> Response:
    """The map of the items you may see (an annotator: those assigned to them); 409 with
    the reason while it is not made yet (and how to make it)."""
    view = dataset_map.read(db, access.project, access.principal, access.role)
    body: dict[str, Any] = {
        "method": view.method,
        "computed_at": view.computed_at,
        "stale": view.stale,
        "stale_items": view.stale_items,
        "missing_features": view.missing_features,
        "job_id": view.job_id,
        "points": view.points,
        "outliers": view.outliers,
        "colour_options": view.colour_options,
    }
    return Response(orjson.dumps(body), media_type="application/json")


@router.post(
    "/projects/{project_id}/map",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=openapi.answers(409),
)
def make_map(access: ProjectManager, db: DbDep, body: MapIn | None = None) -> JobPublic:
    """Makes the map as a job: the missing audio features first (unless `features` is
    false), then the layout. A map job already waiting or running is answered instead of a
    second one. 409 when there is nothing to lay out (the answer says what to do)."""
    wanted = body or MapIn()
    job = dataset_map.start(
        db, access.project, wanted.method, wanted.features, actor_id=access.principal.actor_id
    )
    return job_public(job)
