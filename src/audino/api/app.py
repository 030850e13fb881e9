"""The FastAPI application: routers, error handlers, state, and the built web app."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from audino import __version__
from audino.api import errors, openapi, web
from audino.api.routes import (
    assignments,
    audio,
    auth,
    bulk,
    compat,
    datapoints,
    dataset_map,
    exports,
    features,
    jobs,
    labels,
    ml_backend,
    peaks,
    prediction_upload,
    predictions,
    projects,
    quality,
    reviews,
    rounds,
    segments,
    selection,
    templates,
    users,
    windows,
)
from audino.api.security_headers import SecurityHeaders
from audino.config import Settings
from audino.db.engine import Database
from audino.jobs import queue
from audino.services.auth import LoginLimiter
from audino.storage.blobs import BlobStore


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str


def create_app(settings: Settings, database: Database | None = None) -> FastAPI:
    database = database or Database(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Everything loaded so far lives as long as the server: moving it out of the
        # collector's sight keeps full collections short under load (they were 30-70 ms).
        # `audino serve` starts with the collector off to import faster; it resumes here.
        gc.freeze()
        gc.enable()
        job_queue.start_consumer(settings.job_workers)
        try:
            yield
        finally:
            job_queue.stop_consumer()
            database.dispose()

    app = FastAPI(
        title="audino",
        version=__version__,
        description="Collaborative audio segmentation, labelling and transcription.",
        lifespan=lifespan,
        docs_url=None,  # served by web.install from the package, so it works offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.storage = BlobStore.from_settings(settings)
    job_queue = app.state.jobs = queue.install(settings, database, app.state.storage)
    app.state.login_limiter = LoginLimiter(
        settings.login_max_failures, settings.login_window_seconds
    )
    errors.install(app)
    openapi.install(app)  # every error answer in the schema, in our body
    # The busiest routes first: each request is matched against the routes in order.
    for module in (
        segments,
        datapoints,
        audio,
        auth,
        assignments,
        users,
        projects,
        labels,
        exports,
        peaks,
        jobs,
        compat,
        bulk,
        windows,
        reviews,
        quality,
        rounds,
        predictions,
        prediction_upload,
        ml_backend,
        features,
        dataset_map,
        selection,
        templates,
    ):
        app.include_router(module.router)

    @app.get("/api/health", tags=["meta"], response_model=HealthOut)
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    web.install(app)  # last: its catch-all route must not shadow the API
    # Outermost: every answer (API, audio, pages, /docs, errors) gets the headers.
    app.add_middleware(SecurityHeaders, settings=settings)
    return app
