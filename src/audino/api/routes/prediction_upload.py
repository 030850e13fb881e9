"""Pushing a model's predictions from a script: a batch per request, idempotent by id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from audino.api import openapi
from audino.api.deps import DbDep, ProjectManager
from audino.api.routes.segments import Finite
from audino.services import prediction_upload
from audino.services.prediction_upload import MAX_PREDICTIONS, PushedPrediction

router = APIRouter(tags=["models"])
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class PredictionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Your key for it: sending the same key again updates it, never copies.",
    )
    datapoint_id: Id | None = Field(default=None, description="The item, by id.")
    datapoint: str | None = Field(
        default=None, max_length=512, description="Or the item by its file name in the project."
    )
    start: Finite = Field(description="Seconds from the start of the recording.")
    end: Finite
    confidence: Finite | None = Field(default=None, description="0 to 1.")
    transcript: str = Field(default="", max_length=100_000)
    labels: dict[str, Any] = Field(
        default_factory=dict, description="Label name -> value text (a list for multi)."
    )
    channel: int | None = Field(default=None, ge=0, le=255, description="0-based; null: all.")


class PredictionsIn(BaseModel):
    model_config = ConfigDict(protected_namespaces=(), extra="forbid")

    model: str = Field(min_length=1, max_length=200)
    version: str = Field(min_length=1, max_length=100)
    predictions: list[PredictionIn] = Field(max_length=MAX_PREDICTIONS)


class PredictionsPushed(BaseModel):
    created: int
    updated: int = Field(description="Keyed predictions sent before, changed in place.")


@router.post(
    "/api/projects/{project_id}/predictions",
    response_model=PredictionsPushed,
    responses=openapi.answers(400),
)
def push_predictions(body: PredictionsIn, access: ProjectManager, db: DbDep) -> Any:
    """Adds or updates a model's predictions (up to 5000 per request). Sending the same `id`s
    again updates them in place and keeps people's decisions on them; human segments are
    never touched. One bad prediction is a 400 naming its index, and nothing is written."""
    pushed = prediction_upload.push_predictions(
        db,
        access.project,
        body.model,
        body.version,
        [PushedPrediction(**p.model_dump()) for p in body.predictions],
        actor_id=access.principal.actor_id,
    )
    return PredictionsPushed(created=pushed.created, updated=pushed.updated)
