"""Running a model over recordings as a job: a manager's run on a selection or the whole
project, and the runs a project asks for at ingest (`settings.models.at_ingest`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from audino.db.models import Datapoint, IngestStatus, Job, Project
from audino.jobs import JobContext, task
from audino.services import jobs, predictions, selection
from audino.services.errors import InvalidInput, Unprocessable
from audino.services.ingest.job import local_copy

KIND = "predict"
SETTING = "models"
MAX_SELECTION = 100_000


def _model(name: object) -> Any:
    from audino.models import registry

    if not isinstance(name, str):
        raise InvalidInput("Say which model to run by its name.", code="bad_model")
    return registry.get(name)


def checked_run(raw: object, where: str = "") -> dict[str, Any]:
    """One model run as the API and the project settings give it: {"model", "settings"}."""
    from audino.models import registry

    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}a model run is an object with `model` and `settings`.")
    unknown = set(raw) - {"model", "settings"}
    if unknown:
        raise InvalidInput(f"{where}unknown fields: {', '.join(sorted(map(str, unknown)))}.")
    annotator = _model(raw.get("model"))
    settings = registry.check_settings(annotator, raw.get("settings") or {})
    check_run = getattr(annotator, "check_run", None)  # a plugin need not have it
    if check_run is not None:
        try:
            check_run(settings)
        except InvalidInput as error:
            raise InvalidInput(f"{where}{error.detail}", code=error.code) from None
    return {"model": annotator.name, "settings": settings}


def at_ingest_config(settings: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The runs a project asks for on every new recording; 400 naming a bad one."""
    raw = settings.get(SETTING)
    if raw is None:
        return []
    if not isinstance(raw, Mapping) or set(raw) - {"at_ingest"}:
        raise InvalidInput(
            'settings.models takes {"at_ingest": [{"model": …, "settings": {…}}]}.',
            code="bad_settings",
        )
    runs = raw.get("at_ingest") or []
    if not isinstance(runs, list) or len(runs) > 8:
        raise InvalidInput(
            "settings.models.at_ingest is a list of at most 8 model runs.", code="bad_settings"
        )
    return [checked_run(r, f"settings.models.at_ingest[{i}]: ") for i, r in enumerate(runs)]


def start(
    db: Session,
    project: Project,
    model: str,
    settings: Mapping[str, Any] | None,
    datapoint_ids: Sequence[int] | None,
    *,
    actor_id: int | None,
) -> Job:
    """Queues a run of `model` over the selection (or every recording of the project)."""
    run = checked_run({"model": model, "settings": dict(settings or {})})
    reason = _model(run["model"]).unavailable()
    if reason:
        raise Unprocessable(reason, code="model_unavailable")
    ids = None
    if datapoint_ids is not None:
        ids = selection.checked_ids(
            db, project.id, datapoint_ids, to="to run the model on", limit=MAX_SELECTION
        )
    return jobs.enqueue(
        db,
        KIND,
        {"project_id": project.id, **run, "datapoint_ids": ids},
        project_id=project.id,
        created_by=actor_id,
        message=f"Waiting to run {run['model']}",
    )


@dataclass
class RideAlong:
    """An at-ingest run that takes the audio during ingest's own decoding pass (a model
    whose `stream` is not None): its predictions are stored when the item becomes ready,
    with no second decode. A model that fails here runs as a job instead."""

    index: int  # its place in settings.models.at_ingest
    annotator: Any
    stream: Any  # audino.models.PredictionStream
    failed: str | None = None

    def add(self, samples: np.ndarray, rate: int) -> None:
        if self.failed is None:
            try:
                self.stream.add(samples, rate)
            except Exception as exc:  # the model's failure, never ingest's
                self.failed = str(exc) or type(exc).__name__

    def finish(self, duration: float) -> list[Any] | None:
        if self.failed is None:
            try:
                return list(self.stream.finish(duration))
            except Exception as exc:
                self.failed = str(exc) or type(exc).__name__
        return None


def ride_alongs(project_settings: Mapping[str, Any]) -> list[RideAlong]:
    """The project's at-ingest runs that can share ingest's decoding pass."""
    try:
        runs = at_ingest_config(project_settings)
    except InvalidInput:
        return []
    out = []
    for index, run in enumerate(runs):
        annotator = _model(run["model"])
        if annotator.unavailable():
            continue  # queued as a job, which fails saying what to install
        streaming = getattr(annotator, "stream", None)  # a plugin need not have it
        stream = streaming(run["settings"]) if streaming is not None else None
        if stream is not None:
            out.append(RideAlong(index, annotator, stream))
    return out


def after_ingest(
    db: Session,
    datapoint: Datapoint,
    project_settings: Mapping[str, Any],
    made: Mapping[int, list[Any]] | None = None,
) -> dict[str, int]:
    """For a recording that just became ready: stores the predictions made during ingest
    (`made`, by place in settings.models.at_ingest) and queues the project's other
    at-ingest runs as jobs. Returns the predictions stored per model."""
    try:
        runs = at_ingest_config(project_settings)
    except InvalidInput:
        return {}  # settings are checked when saved; a model gone since is not ingest's failure
    stored: dict[str, int] = {}
    for index, run in enumerate(runs):
        found = (made or {}).get(index)
        if found is not None:
            annotator = _model(run["model"])
            written = predictions.write_predictions(
                db, datapoint, annotator.name, annotator.version, found
            )
            stored[annotator.name] = stored.get(annotator.name, 0) + written.predictions
            continue
        jobs.enqueue(
            db,
            KIND,
            {"project_id": datapoint.project_id, **run, "datapoint_ids": [datapoint.id]},
            project_id=datapoint.project_id,
            datapoint_id=datapoint.id,
            message=f"Waiting to run {run['model']}",
        )
    return stored


def _recordings(db: Session, project_id: int, ids: list[int] | None) -> list[int]:
    """Top-level recordings to run on: a window stands for its recording."""
    query = select(Datapoint.id, Datapoint.parent_id).where(
        Datapoint.project_id == project_id,
        Datapoint.ingest_status == IngestStatus.ready.value,
    )
    if ids is not None:
        query = query.where(Datapoint.id.in_(ids))
    out = {parent or dp for dp, parent in db.execute(query)}
    return sorted(out)


@task(KIND)
def run_model(ctx: JobContext) -> dict[str, Any]:
    from audino.models import AudioInput

    payload = ctx.payload
    annotator = _model(payload["model"])
    reason = annotator.unavailable()
    if reason:
        raise Unprocessable(reason, code="model_unavailable")
    settings = payload.get("settings") or {}
    with ctx.database.session(write=False) as db:
        ids = _recordings(db, int(payload["project_id"]), payload.get("datapoint_ids"))
    total = predictions.Written()
    done = 0
    for n, dp_id in enumerate(ids):
        ctx.progress(n / max(1, len(ids)), f"{annotator.name}: {n} of {len(ids)} recordings")
        with ctx.database.session(write=False) as db:
            dp = db.get(Datapoint, dp_id)
            if dp is None:
                continue
            key, duration, codec = dp.storage_key, dp.duration, dp.codec
            rate, channels = dp.sample_rate, dp.channels
        with local_copy(ctx.storage, key, ctx.settings.temp_dir) as (path, _work):
            audio = AudioInput(
                path, duration=duration, sample_rate=rate, channels=channels, codec=codec
            )
            found = annotator.predict(audio, settings)
        with ctx.database.session() as db:
            dp = db.get(Datapoint, dp_id)
            if dp is None:
                continue
            written = predictions.write_predictions(
                db, dp, annotator.name, annotator.version, found
            )
        total.predictions += written.predictions
        total.replaced += written.replaced
        total.left_out += written.left_out
        done += 1
    ctx.progress(1.0, f"{annotator.name}: {total.predictions} predictions on {done} recordings")
    return {
        "model": annotator.name,
        "version": annotator.version,
        "recordings": done,
        "predictions": total.predictions,
        "replaced": total.replaced,
        "left_out": total.left_out,
    }
