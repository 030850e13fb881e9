"""Quality figures of an item or a project: agreement between annotators, validation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from audino.api.deps import (
    DatapointAnnotator,
    DatapointManager,
    DatapointReader,
    DatapointReviewer,
    DbDep,
    ProjectReviewer,
)
from audino.api.routes.quality_models import (
    Analytics,
    GoldReport,
    ItemAgreement,
    ProjectAgreement,
)
from audino.services import agreement, analytics, gold, review, validation
from audino.services.datapoints import resolve_user_ref

router = APIRouter(tags=["quality"])


@router.get("/api/datapoints/{datapoint_id}/agreement", response_model=ItemAgreement)
def item_agreement(access: DatapointReviewer, db: DbDep) -> dict[str, Any]:
    """How the item's annotators agree, pair by pair (WER/CER on matched segments and on the
    whole item, Cohen's κ and Krippendorff's α per choice label, boundary F1 within 200 ms,
    DER/JER on the speaker label) and all together (Fleiss' κ, α). Segments match one to
    one at IoU ≥ 0.4; `reason` says why a figure is missing."""
    return agreement.item_agreement(db, access.datapoint)


@router.get("/api/projects/{project_id}/agreement", response_model=ProjectAgreement)
def project_agreement(access: ProjectReviewer, db: DbDep) -> dict[str, Any]:
    """The project's overlap items (two or more annotators) pooled: overall, per annotator
    pair and per label, each figure computed from the summed counts."""
    return agreement.project_agreement(db, access.project.id)


class FindingOut(BaseModel):
    rule: int
    kind: str
    severity: Literal["error", "warning"]
    message: str
    segment_id: str | None
    start: float | None


class ValidationOut(BaseModel):
    user_id: int
    errors: int
    warnings: int
    findings: list[FindingOut]


@router.get("/api/datapoints/{datapoint_id}/validation", response_model=ValidationOut)
def check_item(
    access: DatapointReader,
    db: DbDep,
    user_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> ValidationOut:
    """The project's validation rules on your saved work on the item (reviewers: anyone's,
    with `user_id`), errors first; errors block Complete, warnings do not."""
    target = review.target_user_id(access.principal, access.role, user_id)
    findings = validation.check_work(db, access.datapoint, target)
    errors = sum(f.severity == "error" for f in findings)
    return ValidationOut(
        user_id=target,
        errors=errors,
        warnings=len(findings) - errors,
        findings=[FindingOut(**f.json()) for f in findings],
    )


# --- gold ---------------------------------------------------------------------------------


class GoldIn(BaseModel):
    reference_user_id: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="Whose segments on the item are the reference (default: yours).",
    )


class GoldOut(BaseModel):
    datapoint_id: int
    gold_user_id: int | None


@router.post("/api/datapoints/{datapoint_id}/gold", response_model=GoldOut)
def mark_gold(access: DatapointManager, db: DbDep, body: GoldIn | None = None) -> GoldOut:
    """Makes the item a gold item: its reference annotations are this user's segments on
    it, and it is mixed into annotators' queues (unflagged) at the project's gold rate."""
    user = access.principal.require_user()
    reference = body.reference_user_id if body and body.reference_user_id else user.id
    dp = gold.mark_gold(db, access.datapoint, reference, actor_id=access.principal.actor_id)
    return GoldOut(datapoint_id=dp.id, gold_user_id=dp.gold_user_id)


@router.delete("/api/datapoints/{datapoint_id}/gold", status_code=status.HTTP_204_NO_CONTENT)
def unmark_gold(access: DatapointManager, db: DbDep) -> None:
    """The item is an ordinary item again (assignments made for it stay)."""
    gold.unmark_gold(db, access.datapoint, actor_id=access.principal.actor_id)


@router.get("/api/projects/{project_id}/gold-report", response_model=GoldReport)
def gold_report(access: ProjectReviewer, db: DbDep) -> dict[str, Any]:
    """Per annotator, on the gold items they completed: accuracy (items passed), segment
    recall at IoU ≥ 0.4, WER and CER against the reference, label accuracy, and an alert
    when accuracy falls below the project's `settings.gold.alert_below`."""
    return gold.gold_report(db, access.project)


# --- analytics ----------------------------------------------------------------------------


@router.get(
    "/api/projects/{project_id}/analytics",
    response_model=Analytics,
    response_model_exclude_unset=True,
    responses={
        200: {
            "description": "Every chart's rows (JSON), or one chart's rows as CSV.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def project_analytics(
    access: ProjectReviewer,
    db: DbDep,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
    annotator: Annotated[str | None, Query(max_length=150)] = None,
    label: Annotated[str | None, Query(max_length=200)] = None,
    chart: Annotated[Literal[analytics.CHARTS] | None, Query()] = None,  # type: ignore[valid-type]
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Any:
    """Every chart's rows (per_day, per_annotator, review_outcomes, labels, gold,
    agreement), for UTC days `from`–`to` inclusive, one annotator, one label; with
    `format=csv&chart=…` one chart's rows as CSV."""
    annotator_id = None
    if annotator is not None:
        annotator_id = resolve_user_ref(db, annotator)
        if annotator_id is None:
            annotator_id = -1  # nobody: every chart empty
    data = analytics.analytics(
        db, access.project, since=since, until=until, annotator_id=annotator_id, label=label
    )
    if format == "csv":
        name = chart or "per_day"
        return Response(
            analytics.as_csv(data[name]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return data if chart is None else {chart: data[chart]}


class ActivityIn(BaseModel):
    seconds: float = Field(gt=0, le=600, description="Active seconds since the last report.")


class ActivityOut(BaseModel):
    active_seconds: float | None  # null: the caller is not assigned (nothing recorded)


@router.post("/api/datapoints/{datapoint_id}/activity", response_model=ActivityOut)
def record_activity(body: ActivityIn, access: DatapointAnnotator, db: DbDep) -> ActivityOut:
    """The editor reports the time spent working on the item, idle time left out."""
    user = access.principal.require_user()
    total = analytics.add_active_time(db, access.datapoint.id, user.id, body.seconds)
    return ActivityOut(active_seconds=total)
