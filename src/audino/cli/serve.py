"""`audino serve`, `audino worker` and `audino openapi`: the server and its job workers."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated

import typer

from audino.cli.common import DataDir, fail, load_settings, open_database
from audino.config import Settings


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: DataDir = None,
    demo: Annotated[bool, typer.Option(help="Also create a demo project to try things.")] = False,
) -> None:
    """Start the audino server (SQLite and a local audio folder by default)."""
    gc.disable()  # imports make long-lived objects only; the app re-enables it once started
    import uvicorn

    from audino.api.app import create_app
    from audino.services.bootstrap import ensure_admin

    settings = load_settings(data_dir)
    database = open_database(settings)
    first = ensure_admin(database, settings)
    if first is not None:
        if first.password:
            typer.secho(
                f"Created the first administrator {first.username!r} with the one-time "
                f"password: {first.password}\nChange it after logging in "
                "(this is the only time it is shown).",
                fg=typer.colors.YELLOW,
            )
        else:
            typer.echo(f"Created the first administrator {first.username!r}.")
    application = create_app(settings, database)  # first: it sets up the job queue
    if demo:
        from audino.services.demo import create_demo

        info = create_demo(database, settings)
        if info:
            typer.secho(info, fg=typer.colors.GREEN)
    typer.echo(
        f"audino is serving on http://{host}:{port} — API docs at http://{host}:{port}/docs "
        f"(data in {settings.resolved_data_dir})"
    )
    uvicorn.run(
        application, host=host, port=port, log_level=settings.log_level, proxy_headers=False
    )


def worker(
    data_dir: DataDir = None,
    threads: Annotated[int, typer.Option(help="Jobs run at once in this process.")] = 2,
) -> None:
    """Run background jobs from a shared queue (set AUDINO_QUEUE_URL=redis://…)."""
    from audino.jobs import queue
    from audino.storage.blobs import BlobStore

    settings = load_settings(data_dir)
    if not settings.queue_url or not settings.queue_url.startswith(("redis", "unix")):
        fail(
            "`audino worker` takes jobs from a shared queue: set AUDINO_QUEUE_URL=redis://host:6379/0"
            " here and for `audino serve`. Without it, `audino serve` runs jobs itself."
        )
    database = open_database(settings)
    storage = BlobStore.from_settings(settings)
    typer.echo(f"audino worker: {threads} thread(s) on {settings.queue_url}")
    queue.install(settings, database, storage).run_worker(threads)


def openapi_schema() -> None:
    """Print the API's OpenAPI schema (JSON); the web app's client is generated from it."""
    import json
    import tempfile

    from audino.api.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), secret_key="openapi-schema-only")
        application = create_app(settings)
        schema = application.openapi()
        application.state.db.dispose()
    typer.echo(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False))
