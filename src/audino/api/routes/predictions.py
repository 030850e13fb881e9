"""Models and their predictions: which auto-annotators exist, running one as a job, and each
person's accept / reject of the segments a model predicted."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from audino.api import openapi
from audino.api.deps import (
    DatapointAnnotator,
    DbDep,
    PrincipalDep,
    ProjectManager,
    ProjectReviewer,
)
from audino.api.routes.jobs import MAX_ID, JobPublic, job_public
from audino.api.routes.segments import Finite, SegmentPublic
from audino.services import prediction_jobs, predictions
from audino.services.errors import NotFound
from audino.services.model_evaluation import evaluate_models
from audino.services.segments import get_segment

router = APIRouter(tags=["models"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class SettingOut(BaseModel):
    name: str
    kind: str
    default: Any
    title: str
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: list[Any] | None = None


class ModelOut(BaseModel):
    name: str
    version: str
    title: str
    description: str
    fills: list[str]
    settings: list[SettingOut]
    unavailable: str | None = Field(description="Why it cannot run here (null: it can).")


@router.get("/api/models", response_model=list[ModelOut])
def list_models(_: PrincipalDep) -> list[ModelOut]:
    """The auto-annotators this server has (built-ins and installed plugins)."""
    from audino.models import registry

    out = []
    for m in registry.all():
        out.append(
            ModelOut(
                name=m.name,
                version=m.version,
                title=m.title,
                description=m.description,
                fills=list(m.fills),
                settings=[
                    SettingOut(
                        name=s.name,
                        kind=s.kind,
                        default=s.default,
                        title=s.title,
                        description=s.description,
                        minimum=s.minimum,
                        maximum=s.maximum,
                        choices=list(s.choices) if s.choices else None,
                    )
                    for s in m.settings
                ],
                unavailable=m.unavailable(),
            )
        )
    return out


class RunIn(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    model: str = Field(min_length=1, max_length=100)
    settings: dict[str, Any] = Field(default_factory=dict)
    datapoint_ids: list[Id] | None = Field(
        default=None, max_length=100_000, description="Items to run on (default: all)."
    )


@router.post(
    "/api/projects/{project_id}/predictions/jobs",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=openapi.answers(422),
)
def run_model(body: RunIn, access: ProjectManager, db: DbDep) -> JobPublic:
    """Runs a model on a selection of items or the whole project, as a job; the model's
    earlier predictions of the same version are replaced, human work never is."""
    job = prediction_jobs.start(
        db,
        access.project,
        body.model,
        body.settings,
        body.datapoint_ids,
        actor_id=access.principal.actor_id,
    )
    return job_public(job)


class PredictionOut(SegmentPublic):
    decision: Literal["accepted", "edited", "rejected", "ignored"] | None = Field(
        description="What the person decided (null: not yet; ignored: left aside)."
    )


UserQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("/api/datapoints/{datapoint_id}/predictions", response_model=list[PredictionOut])
def list_predictions(
    access: DatapointAnnotator, db: DbDep, user_id: UserQuery = None
) -> list[dict[str, Any]]:
    """The models' predictions on the item with your decision on each (reviewers: anyone's,
    with `user_id`)."""
    return predictions.list_predictions(
        db, access.datapoint, access.principal, access.role, user_id
    )


def _prediction(access: DatapointAnnotator, db: DbDep, segment_id: str) -> Any:
    try:
        seg = get_segment(db, segment_id)
    except NotFound:
        raise NotFound(f"Prediction {segment_id[:80]!r} does not exist.") from None
    return predictions.get_prediction(db, access.datapoint, seg)


class AcceptIn(BaseModel):
    """Changes to make while accepting (an edit); none: accepted as predicted."""

    model_config = ConfigDict(strict=True)

    start: Finite | None = None
    end: Finite | None = None
    transcript: str | None = Field(default=None, max_length=100_000)
    values: dict[str, Any] | None = None
    user_id: Id | None = Field(default=None, description="Reviewers: on whose behalf.")


class AcceptedOut(SegmentPublic):
    decision: Literal["accepted", "edited"]


@router.post(
    "/api/datapoints/{datapoint_id}/predictions/{segment_id}/accept",
    response_model=AcceptedOut,
    status_code=status.HTTP_201_CREATED,
)
def accept(
    segment_id: str, access: DatapointAnnotator, db: DbDep, body: AcceptIn | None = None
) -> dict[str, Any]:
    """Makes the prediction your own segment (linked to it), changed as the body says."""
    prediction = _prediction(access, db, segment_id)
    sent = body.model_dump(exclude_unset=True, exclude={"user_id"}) if body else {}
    changes = {k: v for k, v in sent.items() if v is not None}
    return predictions.accept(
        db,
        access.datapoint,
        prediction,
        access.principal,
        access.role,
        changes=changes,
        user_id=body.user_id if body else None,
    )


class WhoseIn(BaseModel):
    user_id: Id | None = Field(default=None, description="Reviewers: on whose behalf.")


@router.post(
    "/api/datapoints/{datapoint_id}/predictions/{segment_id}/reject",
    status_code=status.HTTP_204_NO_CONTENT,
)
def reject(
    segment_id: str, access: DatapointAnnotator, db: DbDep, body: WhoseIn | None = None
) -> None:
    """Marks the prediction wrong for you; it is no longer offered to you."""
    prediction = _prediction(access, db, segment_id)
    predictions.reject(
        db,
        access.datapoint,
        prediction,
        access.principal,
        access.role,
        user_id=body.user_id if body else None,
    )


@router.post(
    "/api/datapoints/{datapoint_id}/predictions/{segment_id}/ignore",
    status_code=status.HTTP_204_NO_CONTENT,
)
def ignore(
    segment_id: str, access: DatapointAnnotator, db: DbDep, body: WhoseIn | None = None
) -> None:
    """Leaves the prediction aside for you: neither accepted nor rejected (not counted in
    the model's evaluation), and no longer offered to you."""
    prediction = _prediction(access, db, segment_id)
    predictions.reject(
        db,
        access.datapoint,
        prediction,
        access.principal,
        access.role,
        user_id=body.user_id if body else None,
        decision=predictions.IGNORED,
    )


@router.delete(
    "/api/datapoints/{datapoint_id}/predictions/{segment_id}/decision",
    status_code=status.HTTP_204_NO_CONTENT,
)
def undecide(
    segment_id: str, access: DatapointAnnotator, db: DbDep, user_id: UserQuery = None
) -> None:
    """Takes a rejection or an ignore back (undo); an acceptance is undone by deleting its
    segment."""
    prediction = _prediction(access, db, segment_id)
    predictions.undecide(
        db, access.datapoint, prediction, access.principal, access.role, user_id=user_id
    )


class AcceptAboveIn(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    min_confidence: float = Field(ge=0, le=1)
    model: str | None = Field(default=None, max_length=100)
    user_id: Id | None = None


class AcceptedMany(BaseModel):
    accepted: int
    segments: list[AcceptedOut]


@router.post(
    "/api/datapoints/{datapoint_id}/predictions/accept",
    response_model=AcceptedMany,
    responses=openapi.answers(413),
)
def accept_above(body: AcceptAboveIn, access: DatapointAnnotator, db: DbDep) -> AcceptedMany:
    """Accepts every undecided prediction on the item at or above the confidence."""
    made = predictions.accept_above(
        db,
        access.datapoint,
        access.principal,
        access.role,
        min_confidence=body.min_confidence,
        model=body.model,
        user_id=body.user_id,
    )
    return AcceptedMany(accepted=len(made), segments=[AcceptedOut(**s) for s in made])


class LabelEvaluation(BaseModel):
    """One value of a choice label: the model's segments with it against people's."""

    label: str
    value: str
    predicted: int
    human: int
    matched: int = Field(description="One-to-one matches at IoU ≥ 0.5, both with this value.")
    precision: float | None
    recall: float | None
    f1: float | None
    frame_precision: float | None = Field(description="On 10 ms frames.")
    frame_recall: float | None
    frame_f1: float | None


class ModelEvaluationRow(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    model: str
    version: str
    predictions: int
    items_predicted: int
    items: int = Field(description="Items with predictions and finished human work.")
    comparisons: int = Field(description="(item, person) pairs compared.")
    predicted: int
    human: int
    matched: int = Field(description="One-to-one matches at IoU ≥ 0.5.")
    precision: float | None
    recall: float | None
    f1: float | None
    frame_precision: float | None = Field(description="On 10 ms frames.")
    frame_recall: float | None
    frame_f1: float | None
    wer: float | None = Field(
        description="Of matched segments' transcripts; people's text is the reference."
    )
    cer: float | None
    median_start_error: float | None = Field(description="Seconds, on matched segments.")
    median_end_error: float | None
    labels: list[LabelEvaluation] = Field(
        description="Per value of each choice label on segments, values that occur only."
    )
    accepted: int
    edited: int
    rejected: int
    accept_rate: float | None = Field(description="(accepted + edited) / decided.")
    edit_rate: float | None = Field(description="edited / (accepted + edited).")


class ModelEvaluation(BaseModel):
    project_id: int
    models: list[ModelEvaluationRow]


@router.get("/api/projects/{project_id}/model-evaluation", response_model=ModelEvaluation)
def model_evaluation(access: ProjectReviewer, db: DbDep) -> dict[str, Any]:
    """Each model version against people's finished work on the items both touched
    (segment and frame precision/recall/F1, WER/CER, boundary error), and how people
    treated its predictions (accept and edit rates)."""
    return evaluate_models(db, access.project)
