"""`audino project`: create projects and issue their API keys."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from audino.cli.common import DataDir, fail, load_settings, open_database

app = typer.Typer(help="Manage projects.", no_args_is_help=True)


class KeyScope(enum.StrEnum):
    # The values of db.models.ApiKeyScope, kept here so the CLI starts without the models.
    upload = "upload"
    export = "export"
    manage = "manage"


@app.command("create")
def project_create(
    name: str,
    description: Annotated[str, typer.Option(help="A description.")] = "",
    template: Annotated[
        str | None,
        typer.Option(
            help="Set the project up from a template: a built-in's key (transcription, "
            "speaker-diarisation, keyword-spotting, bioacoustic-calls, …) or a saved "
            "template's id.",
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Create a project, blank or from a template."""
    from audino.services import projects, templates
    from audino.services.errors import AudinoError

    database = open_database(load_settings(data_dir))
    try:
        with database.session() as db:
            if template is None:
                project = projects.create_project(db, name, description=description)
                typer.echo(f"Created project {project.name!r} (id {project.id}).")
                return
            chosen = templates.get_template(db, template)
            project = templates.create_project(db, chosen, name, description=description)
            typer.echo(
                f"Created project {project.name!r} (id {project.id}) from the template "
                f"{chosen.name!r}."
            )
    except AudinoError as exc:
        known = ", ".join(t.id for t in templates.builtins())
        hint = f" Built-in templates: {known}." if exc.code == "template_not_found" else ""
        fail(exc.detail + hint)


@app.command("api-key")
def project_api_key(
    name: str,
    label: Annotated[str, typer.Option("--name", help="A name to recognise the key by.")] = "cli",
    revoke: Annotated[int | None, typer.Option(help="Revoke the key with this id.")] = None,
    list_keys: Annotated[bool, typer.Option("--list", help="List the project's keys.")] = False,
    scope: Annotated[
        KeyScope,
        typer.Option(
            help="upload: add audio only; export: read everything and export; "
            "manage: everything a project manager may do."
        ),
    ] = KeyScope.upload,
    data_dir: DataDir = None,
) -> None:
    """Issue a key for project NAME (printed once; upload-only by default), or list/revoke."""
    from audino.db.models import ApiKeyKind, ApiKeyScope
    from audino.services import auth, projects
    from audino.services.errors import AudinoError

    database = open_database(load_settings(data_dir))
    try:
        with database.session() as db:
            project = projects.find_by_name(db, name)
            if project is None:
                fail(f"No project named {name!r}.")
                return
            if list_keys:
                for k in auth.list_api_keys(db, project_id=project.id):
                    state = "revoked" if k.revoked_at else "active"
                    typer.echo(f"{k.id}\t{k.prefix}…\t{k.name}\t{k.scope}\t{state}")
                return
            if revoke is not None:
                auth.revoke_api_key(db, revoke, project_id=project.id)
                typer.echo(f"Revoked key {revoke}.")
                return
            new = auth.issue_api_key(
                db,
                kind=ApiKeyKind.project,
                name=label,
                created_by_id=None,
                project_id=project.id,
                scope=ApiKeyScope(scope.value),
            )
            typer.echo(new.key)
            typer.secho(
                f"({scope.value} key, id {new.row.id}; shown only now — store it safely)", err=True
            )
    except AudinoError as exc:
        fail(exc.detail)
