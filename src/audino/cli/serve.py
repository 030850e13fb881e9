"""`audino serve`, `audino worker` and `audino openapi`: the server and its job workers."""

from __future__ import annotations

import errno
import gc
import ipaddress
import socket
from pathlib import Path
from typing import Annotated

import typer

from audino.cli.common import DataDir, ctrl_c_stops, fail, load_settings, open_database
from audino.config import Settings


def _listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound before anything else: a taken port is the first thing said."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            fail(f"Port {port} is already in use; pick another with --port.")
        if exc.errno == errno.EACCES:
            fail(f"Not allowed to listen on port {port}; pick one above 1023 with --port.")
        fail(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.")
    return sock


def _step(message: str) -> None:
    """What a slow first start is doing, before it goes quiet."""
    typer.secho(message, dim=True)


def insecure_cookie_warning(host: str, cookie_secure: bool) -> str | None:
    """What to say when others can reach the server and its login cookie may travel in clear."""
    if cookie_secure:
        return None
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        return None
    return (
        f"Warning: serving on {host}, reachable from other machines, while the login cookie "
        "is sent without Secure (over plain HTTP too). Put audino behind HTTPS and set "
        "AUDINO_COOKIE_SECURE=true; without HTTPS, passwords and sessions cross the network "
        "readable."
    )


@ctrl_c_stops
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: DataDir = None,
    demo: Annotated[bool, typer.Option(help="Also create a demo project to try things.")] = False,
) -> None:
    """Start the audino server (SQLite and a local audio folder by default)."""
    gc.disable()  # imports make long-lived objects only; the app re-enables it once started
    settings = load_settings(data_dir)
    listener = _listen(host, port)
    _step(f"Starting audino (data in {settings.resolved_data_dir})…")
    import uvicorn

    from audino.api.app import create_app
    from audino.db.engine import Database
    from audino.db.migrate import HEAD, current_revision
    from audino.services.bootstrap import ensure_admin, prepare

    database = Database(settings)
    revision = current_revision(database.engine)
    if revision is None:
        _step("Creating the database…")
    elif revision != HEAD:
        _step(f"Migrating the database from version {revision} to {HEAD}…")
    prepare(database)
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
    warning = insecure_cookie_warning(host, settings.cookie_secure)
    if warning:
        typer.secho(warning, fg=typer.colors.YELLOW, err=True)
    application = create_app(settings, database)  # first: it sets up the job queue
    if demo:
        from audino.services import projects
        from audino.services.demo import PROJECT, create_demo

        with database.session(write=False) as db:
            fresh = projects.find_by_name(db, PROJECT) is None
        if fresh:
            _step("Preparing the demo project and its clips…")
        info = create_demo(database, settings)
        if info:
            typer.secho(info, fg=typer.colors.GREEN)
    typer.echo(
        f"audino is serving on http://{host}:{port} — API docs at http://{host}:{port}/docs "
        f"(data in {settings.resolved_data_dir}; Ctrl-C stops it)"
    )
    config = uvicorn.Config(
        application, host=host, port=port, log_level=settings.log_level, proxy_headers=False
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:
        pass  # a second Ctrl-C while shutting down
    finally:
        listener.close()
    if not server.started:
        raise typer.Exit(3)  # the app did not start (uvicorn has said why)


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
