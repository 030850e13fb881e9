"""`Client`: the REST API as Python calls, for scripts and notebooks."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from audino.client import training
from audino.client.errors import AudinoError, JobFailed, JobTimeout
from audino.client.records import Job, PredictionIn, Pushed
from audino.client.transport import Transport

MAX_BATCH = 5000  # the server's limit per push request
PAGE = 500  # the server's largest datapoint page


class Client:
    """Talks to one audino server as the owner of `api_key` (a personal token from
    `POST /api/auth/tokens` or the account page, or a project key).

    >>> client = Client("http://localhost:8000", "aud_…")
    >>> client.projects()
    """

    def __init__(self, base_url: str, api_key: str | None = None, *, timeout: float = 60.0):
        self.http = Transport(base_url, api_key, timeout=timeout)

    # --- projects and items ----------------------------------------------------------------

    def projects(self) -> list[dict[str, Any]]:
        """The projects you can see."""
        return list(self.http.json("GET", "/api/projects"))

    def project(self, project_id: int) -> dict[str, Any]:
        return dict(self.http.json("GET", f"/api/projects/{project_id}"))

    def labels(self, project_id: int) -> list[dict[str, Any]]:
        return list(self.http.json("GET", f"/api/projects/{project_id}/labels"))

    def datapoints(
        self,
        project_id: int,
        *,
        status: str | None = None,
        filename: str | None = None,
        assignee: str | None = None,
        state: str | None = None,
        review: bool | None = None,
        sort: str = "id",
        page_size: int = PAGE,
    ) -> Iterator[dict[str, Any]]:
        """Every item of the project matching the filters, fetched page by page."""
        params: dict[str, Any] = {
            "status": status,
            "filename": filename,
            "assignee": assignee,
            "state": state,
            "review": review,
            "sort": sort,
            "limit": page_size,
        }
        cursor = None
        while True:
            page = self.http.json(
                "GET",
                f"/api/projects/{project_id}/datapoints",
                params={**params, "cursor": cursor},
            )
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def datapoint(self, datapoint_id: int) -> dict[str, Any]:
        return dict(self.http.json("GET", f"/api/datapoints/{datapoint_id}"))

    def audio(self, datapoint_id: int, dest: str | Path, *, original: bool = False) -> Path:
        """Downloads the item's audio to `dest`; `original`: the uploaded file, not the
        server's seekable copy."""
        path = Path(dest)
        self.http.download(
            f"/api/datapoints/{datapoint_id}/audio", path, params={"original": original or None}
        )
        return path

    # --- predictions and models ------------------------------------------------------------

    def push_predictions(
        self,
        project_id: int,
        model: str,
        version: str,
        predictions: Iterable[PredictionIn | Mapping[str, Any]],
        *,
        batch_size: int = 1000,
    ) -> Pushed:
        """Pushes a model's predictions in batches of `batch_size`; answers how many were
        created and how many (sent before with the same `id`) updated.

        Each batch is written whole or not at all; when one is refused, the batches before
        it stay written, so fix the item and push everything again (ids make that safe)."""
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH}.")
        created = updated = 0
        items = iter(predictions)
        first = 0
        while batch := [_prediction_json(p) for p in islice(items, batch_size)]:
            body = {"model": model, "version": version, "predictions": batch}
            try:
                answer = self.http.json(
                    "POST", f"/api/projects/{project_id}/predictions", body=body
                )
            except AudinoError as e:
                raise _in_stream(e, first) from None
            created += int(answer["created"])
            updated += int(answer["updated"])
            first += len(batch)
        return Pushed(created=created, updated=updated)

    def models(self) -> list[dict[str, Any]]:
        """The auto-annotators the server can run."""
        return list(self.http.json("GET", "/api/models"))

    def run_model(
        self,
        project_id: int,
        model: str,
        settings: Mapping[str, Any] | None = None,
        datapoint_ids: Sequence[int] | None = None,
    ) -> Job:
        """Starts a run of `model` on the items (default: all) as a job; see `wait`."""
        body: dict[str, Any] = {"model": model, "settings": dict(settings or {})}
        if datapoint_ids is not None:
            body["datapoint_ids"] = list(datapoint_ids)
        return Job.from_json(
            self.http.json("POST", f"/api/projects/{project_id}/predictions/jobs", body=body)
        )

    def job(self, job_id: int) -> Job:
        return Job.from_json(self.http.json("GET", f"/api/jobs/{job_id}"))

    def wait(self, job: Job | int, *, timeout: float = 600.0, poll: float = 1.0) -> Job:
        """The job once done; JobFailed (with the job's error) when it failed, JobTimeout
        when it is still unfinished after `timeout` seconds."""
        job_id = job if isinstance(job, int) else job.id
        deadline = time.monotonic() + timeout
        while True:
            found = self.job(job_id)
            if found.status == "done":
                return found
            if found.status == "failed":
                raise JobFailed(
                    found.error or f"Job {job_id} failed.", code="job_failed", body=_body(found)
                )
            if time.monotonic() >= deadline:
                raise JobTimeout(
                    f"Job {job_id} is still {found.status} after {timeout:g} s "
                    f"({found.progress:.0%}: {found.message}).",
                    code="job_timeout",
                    body=_body(found),
                )
            time.sleep(min(poll, max(0.0, deadline - time.monotonic())))

    # --- data out --------------------------------------------------------------------------

    def export(
        self,
        project_id: int,
        format: str = "audino",
        dest: str | Path | None = None,
        **options: Any,
    ) -> Any:
        """The project in `format` (see `GET /api/formats`), with the export's options
        (`status`, `predictions`, `splits`, …). With `dest` it is streamed to that file and
        the path answered; without, the bytes (parsed, for the JSON `audino` format)."""
        path, params = f"/api/projects/{project_id}/export", {"format": format, **options}
        if dest is not None:
            self.http.download(path, Path(dest), params=params)
            return Path(dest)
        if format == "audino":
            return self.http.json("GET", path, params=params)
        with self.http.open("GET", path, params=params) as answer:
            return answer.read()

    def dataset(
        self,
        project_id: int,
        *,
        cache_dir: str | Path | None = None,
        by: str = "segment",
        speaker_label: str = "speaker",
        **options: Any,
    ) -> Any:
        """The project's annotations as a Hugging Face `datasets.Dataset`: by segment (each
        row a clip, with its transcript, labels and speaker) or by recording. Audio is
        downloaded once into `cache_dir` (default ~/.cache/audino). Needs `pip install
        datasets soundfile`."""
        return training.dataset(
            self, project_id, training.cache_folder(cache_dir, self.http.base_url),
            by=by, speaker_label=speaker_label, options=options,
        )  # fmt: skip

    def cuts(
        self,
        project_id: int,
        *,
        cache_dir: str | Path | None = None,
        speaker_label: str = "speaker",
        **options: Any,
    ) -> Any:
        """The project as a lhotse `CutSet`: a cut per recording, its segments as
        supervisions (`.trim_to_supervisions()` for one cut each). Needs `pip install
        lhotse`."""
        return training.cuts(
            self, project_id, training.cache_folder(cache_dir, self.http.base_url),
            speaker_label=speaker_label, options=options,
        )  # fmt: skip


def _prediction_json(p: PredictionIn | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(p, PredictionIn):
        return p.as_json()
    if dataclasses.is_dataclass(p) and not isinstance(p, type):
        return {k: v for k, v in dataclasses.asdict(p).items() if v is not None}
    return dict(p)


def _in_stream(e: AudinoError, first: int) -> AudinoError:
    """A refused batch's error, its item counted from the start of everything pushed."""
    index = e.body.get("index")
    if not first or not isinstance(index, int):
        return e
    detail = e.detail.replace(f"Prediction {index}:", f"Prediction {first + index}:", 1)
    detail += f" (The {first} predictions before its batch were saved.)"
    body = {**e.body, "index": first + index, "detail": detail}
    return AudinoError(detail, status=e.status, code=e.code, body=body)


def _body(job: Job) -> dict[str, Any]:
    return dataclasses.asdict(job)
