"""Plain records the client sends and answers: predictions in, jobs and push counts out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PredictionIn:
    """One prediction to push: on an item by id (or by its file name), times in seconds.

    Give `id` (any string, your key) to make pushes idempotent: the same id sent again
    updates the prediction instead of adding another."""

    start: float
    end: float
    datapoint_id: int | None = None
    datapoint: str | None = None
    id: str | None = None
    confidence: float | None = None
    transcript: str = ""
    labels: Mapping[str, Any] = field(default_factory=dict)
    channel: int | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end}
        for name in ("datapoint_id", "datapoint", "id", "confidence", "channel"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.transcript:
            out["transcript"] = self.transcript
        if self.labels:
            out["labels"] = dict(self.labels)
        return out


@dataclass(frozen=True)
class Pushed:
    created: int = 0
    updated: int = 0


@dataclass(frozen=True)
class Job:
    """A background job as the server reports it (`GET /api/jobs/{id}`)."""

    id: int
    kind: str
    status: str  # queued | running | done | failed
    progress: float
    message: str
    error: str | None
    result: dict[str, Any]
    project_id: int | None = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> Job:
        return cls(
            id=int(body["id"]),
            kind=str(body["kind"]),
            status=str(body["status"]),
            progress=float(body.get("progress") or 0.0),
            message=str(body.get("message") or ""),
            error=body.get("error"),
            result=dict(body.get("result") or {}),
            project_id=body.get("project_id"),
        )

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")
