"""What every command shares: the --data-dir option, settings, the database, errors."""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from audino.config import Settings

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder for the database, audio and secrets "
        "(env AUDINO_DATA_DIR, default ./audino-data).",
    ),
]


Command = TypeVar("Command", bound=Callable[..., None])


def ctrl_c_stops(command: Command) -> Command:
    """Ctrl-C (SIGINT) stops the command, as a user expects, even when the process was started
    with SIGINT ignored (a script's `&`, nohup): Python raises KeyboardInterrupt again. The
    previous handler comes back after, for callers that run the command in-process."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            return command(*args, **kwargs)  # only the main thread may set signal handlers
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            return command(*args, **kwargs)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    return run  # type: ignore[return-value]


def load_settings(data_dir: Path | None) -> Settings:
    if data_dir is not None:
        os.environ["AUDINO_DATA_DIR"] = str(data_dir)
        return Settings(data_dir=data_dir)
    return Settings()


def open_database(settings: Settings):  # type: ignore[no-untyped-def]
    from audino.db.engine import Database
    from audino.services.bootstrap import prepare

    database = Database(settings)
    prepare(database)
    return database


def fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def read_password(password_stdin: bool, prompt: str = "Password") -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


def find_project(db, ref: str):  # type: ignore[no-untyped-def]
    """A project by name, or by id when no project has that name."""
    from audino.db.models import Project
    from audino.services import projects

    project = projects.find_by_name(db, ref)
    if project is None and ref.isdigit():
        project = db.get(Project, int(ref))
    return project
