"""The shapes of the quality answers (agreement, gold report, analytics), for the API docs
and the web app's generated types. Figures are null with a `reason` when they cannot be
computed (too few segments, no label values, one annotator)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Coefficient(BaseModel):
    value: float | None = Field(description="κ or α; null when it cannot be computed.")
    units: int = Field(description="How many matched segments or frames it is computed on.")
    reason: str | None


class ErrorRate(BaseModel):
    """WER or CER: with each annotator as the reference, and their mean."""

    a_ref: float | None
    b_ref: float | None
    mean: float | None
    errors: int
    reason: str | None


class Boundaries(BaseModel):
    tolerance: float = Field(description="Seconds a boundary may be off (default 0.2).")
    precision: float | None
    recall: float | None
    f1: float | None
    mean_offset: float | None = Field(description="Mean distance of matched boundaries (s).")
    reason: str | None


class Diarization(BaseModel):
    der: float | None = Field(description="Diarization error rate, mean of both directions.")
    der_a_ref: float | None
    der_b_ref: float | None
    jer: float | None = Field(description="Jaccard error rate.")
    reason: str | None


class PairLabel(BaseModel):
    label: str
    kappa: Coefficient = Field(description="Cohen's κ on matched segments.")
    alpha: Coefficient = Field(description="Krippendorff's α on matched segments.")
    frame_kappa: Coefficient = Field(description="Cohen's κ on 10 ms frames.")
    frame_alpha: Coefficient


class GroupLabel(BaseModel):
    label: str
    fleiss_kappa: Coefficient
    alpha: Coefficient
    frame_fleiss_kappa: Coefficient
    frame_alpha: Coefficient


class ItemPair(BaseModel):
    annotator_a: str
    annotator_b: str
    segments_a: int
    segments_b: int
    matched: int = Field(description="Segments matched one to one at IoU ≥ 0.4.")
    wer: ErrorRate = Field(description="On matched segments.")
    cer: ErrorRate
    item_wer: ErrorRate = Field(description="On the whole item's text, in time order.")
    item_cer: ErrorRate
    labels: list[PairLabel]
    boundaries: Boundaries
    diarization: Diarization


class ItemAgreement(BaseModel):
    datapoint_id: int
    annotators: list[str]
    reason: str | None
    pairs: list[ItemPair]
    labels: list[GroupLabel] = Field(description="All annotators together.")


class PooledPair(BaseModel):
    annotator_a: str | None = Field(description="Null in `overall` (every pair pooled).")
    annotator_b: str | None
    items: int
    segments_a: int
    segments_b: int
    matched: int
    wer: ErrorRate
    cer: ErrorRate
    labels: list[PairLabel]
    boundaries: Boundaries
    diarization: Diarization


class ProjectLabel(GroupLabel):
    items: int


class ProjectAgreement(BaseModel):
    project_id: int
    items: int = Field(description="Overlap items (two or more annotators) pooled.")
    skipped: int = Field(description="Overlap items with too little to compare.")
    overall: PooledPair
    pairs: list[PooledPair]
    labels: list[ProjectLabel]


class AnnotatorGold(BaseModel):
    username: str
    items: int = Field(description="Gold items they completed.")
    passed: int
    accuracy: float | None = Field(description="Items passed / items.")
    segment_recall: float | None = Field(description="Reference segments matched (IoU ≥ 0.4).")
    wer: float | None
    cer: float | None
    label_accuracy: float | None
    alert: bool = Field(description="Accuracy below the project's threshold.")
    failed_items: list[int]


class GoldReport(BaseModel):
    project_id: int
    gold_items: int
    rate: float = Field(description="Share of a queue that is gold.")
    alert_below: float
    min_items: int = Field(description="Gold items completed before an alert can fire.")
    annotators: list[AnnotatorGold]
    alerts: list[str]


class DayRow(BaseModel):
    day: str
    annotator: str
    items: int
    audio_hours: float
    active_hours: float


class AnnotatorRow(BaseModel):
    annotator: str
    items_completed: int
    audio_hours: float
    active_hours: float = Field(description="All active time, finished or not.")
    accepted: int
    rejected: int
    audio_hours_per_active_hour: float | None


class OutcomeRow(BaseModel):
    day: str
    accepted: int
    rejected: int


class LabelRow(BaseModel):
    label: str
    value: str
    segments: int


class GoldRow(BaseModel):
    username: str
    items: int
    passed: int
    accuracy: float | None
    wer: float | None
    alert: bool


class AgreementWeek(BaseModel):
    week: str = Field(description="The Monday (UTC) of the week items were last completed.")
    items: int
    wer: float | None
    boundary_f1: float | None
    label_alpha: float | None


class Analytics(BaseModel):
    """Every chart's rows; with `chart`, only that chart's key is present."""

    per_day: list[DayRow] | None = None
    per_annotator: list[AnnotatorRow] | None = None
    review_outcomes: list[OutcomeRow] | None = None
    labels: list[LabelRow] | None = None
    gold: list[GoldRow] | None = None
    agreement: list[AgreementWeek] | None = None
