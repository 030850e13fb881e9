"""The feature explorer: which audio features an item has, their values as JSON, CSV or
NumPy, computing them as a job (managers), and every item's summary vector for the map."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated, Any, Literal

import numpy as np
import orjson
from fastapi import APIRouter, Path, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from audino.api import openapi
from audino.api.deps import (
    DatapointReader,
    DbDep,
    ProjectManager,
    ProjectReader,
    SettingsDep,
    StorageDep,
)
from audino.api.routes.export_jobs import attachment
from audino.api.routes.jobs import MAX_ID, JobPublic, job_public
from audino.audio import features as audio_features
from audino.services import features

router = APIRouter(prefix="/api", tags=["features"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
FeatureName = Annotated[str, Path(min_length=1, max_length=64)]


class FeatureOut(BaseModel):
    name: str = Field(description="The stable name used in URLs.")
    title: str
    explanation: str = Field(description="What it shows, in plain words.")
    link: str = Field(description="Where to read more.")
    unit: str = Field(description="The unit of the values.")
    axis: str = Field(description="What the rows are.")
    rows: int
    row_labels: list[str] = Field(description="A name per row (the CSV's column names).")
    row_values: list[float | None] | None = Field(
        description="Where each row lies on its axis (Hz, BPM), where rows have a position."
    )


class CatalogueOut(BaseModel):
    datapoint_id: int
    recording_id: int = Field(description="Whose features these are (a window's recording).")
    version: str
    computed: bool
    frames: int | None = Field(description="Frames per feature, once computed.")
    computed_at: datetime | None
    job_id: int | None = Field(description="A features job queued or running for this item.")
    unavailable: str | None = Field(description="Why this server cannot compute features.")
    max_frames: int = Field(description="Long recordings are averaged down to this many frames.")
    features: list[FeatureOut]


class ValuesOut(BaseModel):
    name: str
    unit: str
    times: list[float] = Field(description="The centre of each frame, s from the item's start.")
    rows: list[str] = Field(description="A label per row.")
    values: list[list[float]] = Field(description="values[row][frame].")


class RunIn(BaseModel):
    datapoint_ids: list[Id] | None = Field(
        default=None, max_length=features.MAX_SELECTION, description="Items (default: all)."
    )


class SummaryOut(BaseModel):
    datapoint_id: int
    vector: list[float]


@router.get("/datapoints/{datapoint_id}/features", response_model=CatalogueOut)
def get_catalogue(access: DatapointReader, db: DbDep) -> CatalogueOut:
    """The audio features an item can have, each explained, and whether they are computed."""
    found = features.status(db, access.datapoint)
    out = []
    for f in audio_features.CATALOGUE:
        labels, row_values = features.rows_of(f.name)
        about = f.about
        out.append(
            FeatureOut(
                name=f.name,
                title=about.title,
                explanation=about.explanation,
                link=about.link,
                unit=about.unit,
                axis=about.axis,
                rows=f.rows,
                row_labels=labels,
                row_values=row_values,
            )
        )
    return CatalogueOut(
        datapoint_id=access.datapoint.id,
        recording_id=found.recording_id,
        version=audio_features.VERSION,
        computed=found.computed,
        frames=found.frames,
        computed_at=found.computed_at,
        job_id=found.job_id,
        unavailable=found.unavailable,
        max_frames=audio_features.MAX_FRAMES,
        features=out,
    )


_DISPOSITION = {
    "Content-Disposition": {
        "description": "attachment; filename=datapoint-<id>-<feature>.<format>",
        "required": True,
        "schema": {"type": "string"},
    }
}


@router.get(
    "/datapoints/{datapoint_id}/features/{feature}",
    response_model=ValuesOut,
    responses={
        200: {
            "description": "JSON {times, rows, values}; CSV: `time,<row labels>` then a line "
            "per frame; NPY: the (rows, frames) float32 array.",
            "headers": _DISPOSITION,
            "content": {
                "text/csv": {"schema": openapi.BINARY},
                "application/octet-stream": {"schema": openapi.BINARY},
            },
        },
        **openapi.answers(404, 409),
    },
)
def get_values(
    access: DatapointReader,
    db: DbDep,
    storage: StorageDep,
    settings: SettingsDep,
    feature: FeatureName,
    format: Literal["json", "csv", "npy"] = "json",
) -> Response:
    """One feature's values with the time of each frame: 404 for an unknown feature, 409
    when the item's features are not computed yet (the answer says how)."""
    dp = access.datapoint
    found = features.values(db, storage, settings, dp, feature)
    filename = f"datapoint-{dp.id}-{feature}.{format}"
    headers = {"Content-Disposition": attachment(filename)}
    if format == "npy":
        out = io.BytesIO()
        np.save(out, np.ascontiguousarray(found.values, np.float32), allow_pickle=False)
        return Response(out.getvalue(), media_type="application/octet-stream", headers=headers)
    if format == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["time", *found.labels])
        for t, column in zip(found.times.tolist(), found.values.T.tolist(), strict=True):
            writer.writerow([f"{t:.6f}", *(f"{v:.6g}" for v in column)])
        return Response(text.getvalue(), media_type="text/csv", headers=headers)
    body: dict[str, Any] = {
        "name": feature,
        "unit": found.feature.about.unit,
        "times": found.times.astype(np.float64),
        "rows": found.labels,
        "values": np.ascontiguousarray(found.values, np.float32),
    }
    return Response(
        orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY),
        media_type="application/json",
        headers=headers,
    )


@router.post(
    "/projects/{project_id}/features",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
)
def compute(access: ProjectManager, db: DbDep, body: RunIn | None = None) -> JobPublic:
    """Computes the audio features of the selected items (default: every item) as a job;
    items already computed are skipped. 409 when this server lacks the `features` extra."""
    ids = body.datapoint_ids if body is not None else None
    job = features.start(db, access.project, ids, actor_id=access.principal.actor_id)
    return job_public(job)


@router.get("/projects/{project_id}/features/summary", response_model=list[SummaryOut])
def get_summaries(access: ProjectReader, db: DbDep) -> Response:
    """Each computed item's summary vector (mean and standard deviation of its MFCC, then
    of its Mel bands in dB) for the dataset map, by datapoint id."""
    ids, vectors = features.summaries(db, access.project, access.principal, access.role)
    body = [{"datapoint_id": i, "vector": v} for i, v in zip(ids, vectors, strict=True)]
    return Response(
        orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY), media_type="application/json"
    )
