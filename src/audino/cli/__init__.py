"""The `audino` command: one module per command group, put together here."""

from __future__ import annotations

import typer

from audino.cli import db, projects, users
from audino.cli.export import export_project
from audino.cli.import_audio import import_audio
from audino.cli.import_project import import_project
from audino.cli.serve import openapi_schema, serve, worker

app = typer.Typer(
    help="audino: collaborative audio annotation.", no_args_is_help=True, add_completion=False
)
app.command()(serve)
app.command()(worker)
app.add_typer(users.app, name="user")
app.add_typer(projects.app, name="project")
app.add_typer(db.app, name="db")
app.command("openapi")(openapi_schema)
app.command("export")(export_project)
app.command("import-project")(import_project)
app.command("import")(import_audio)


def main() -> None:
    app()
