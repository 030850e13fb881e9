"""The `audino` command: serve, users, projects, database and export."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from audino.config import Settings

app = typer.Typer(
    help="audino: collaborative audio annotation.", no_args_is_help=True, add_completion=False
)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
project_app = typer.Typer(help="Manage projects.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database and what it keeps in storage.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(project_app, name="project")
app.add_typer(db_app, name="db")

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder for the database, audio and secrets "
        "(env AUDINO_DATA_DIR, default ./audino-data).",
    ),
]


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


@app.command()
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


@app.command()
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


@user_app.command("add")
def user_add(
    name: str,
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an administrator.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Create a user."""
    from audino.services import users
    from audino.services.errors import AudinoError

    database = open_database(load_settings(data_dir))
    password = read_password(password_stdin)
    try:
        with database.session() as db:
            user = users.create_user(db, name, password, is_admin=admin)
            typer.echo(
                f"Created user {user.username!r} (id {user.id})"
                + (" as administrator." if admin else ".")
            )
    except AudinoError as exc:
        fail(exc.detail)


@user_app.command("passwd")
def user_passwd(
    name: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Set a user's password (logs them out everywhere)."""
    from audino.services import users
    from audino.services.errors import AudinoError

    database = open_database(load_settings(data_dir))
    password = read_password(password_stdin, "New password")
    try:
        with database.session() as db:
            user = users.find_by_username(db, name)
            if user is None:
                fail(f"No user named {name!r}.")
                return
            users.set_password(db, user, password)
            typer.echo(f"Password of {name!r} changed.")
    except AudinoError as exc:
        fail(exc.detail)


@user_app.command("list")
def user_list(data_dir: DataDir = None) -> None:
    """List users."""
    from audino.services import users

    database = open_database(load_settings(data_dir))
    with database.session(write=False) as db:
        for u in users.list_users(db):
            flags = ", ".join(
                f for f, on in (("admin", u.is_admin), ("inactive", not u.is_active)) if on
            )
            typer.echo(f"{u.id}\t{u.username}" + (f"\t({flags})" if flags else ""))


@project_app.command("create")
def project_create(
    name: str,
    description: Annotated[str, typer.Option(help="A description.")] = "",
    data_dir: DataDir = None,
) -> None:
    """Create a project."""
    from audino.services import projects
    from audino.services.errors import AudinoError

    database = open_database(load_settings(data_dir))
    try:
        with database.session() as db:
            project = projects.create_project(db, name, description=description)
            typer.echo(f"Created project {project.name!r} (id {project.id}).")
    except AudinoError as exc:
        fail(exc.detail)


@project_app.command("api-key")
def project_api_key(
    name: str,
    label: Annotated[str, typer.Option("--name", help="A name to recognise the key by.")] = "cli",
    revoke: Annotated[int | None, typer.Option(help="Revoke the key with this id.")] = None,
    list_keys: Annotated[bool, typer.Option("--list", help="List the project's keys.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Issue an upload key for project NAME (printed once), or list/revoke keys."""
    from audino.db.models import ApiKeyKind
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
                    typer.echo(f"{k.id}\t{k.prefix}…\t{k.name}\t{state}")
                return
            if revoke is not None:
                auth.revoke_api_key(db, revoke, project_id=project.id)
                typer.echo(f"Revoked key {revoke}.")
                return
            new = auth.issue_api_key(
                db, kind=ApiKeyKind.project, name=label, created_by_id=None, project_id=project.id
            )
            typer.echo(new.key)
            typer.secho(f"(key id {new.row.id}; shown only now — store it safely)", err=True)
    except AudinoError as exc:
        fail(exc.detail)


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """Apply pending database migrations."""
    from audino.db.engine import Database
    from audino.db.migrate import current_revision, upgrade

    database = Database(load_settings(data_dir))
    changed = upgrade(database.engine)
    rev = current_revision(database.engine)
    typer.echo(f"Database upgraded to {rev}." if changed else f"Database already at {rev}.")


@db_app.command("gc")
def db_gc(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be deleted; delete nothing.")
    ] = False,
    grace_hours: Annotated[
        float,
        typer.Option(
            min=0,
            help="Keep unused blobs younger than this: an ingest under way may not have "
            "recorded what it stored yet.",
        ),
    ] = 1.0,
    data_dir: DataDir = None,
) -> None:
    """Delete derived blobs (peaks, thumbnails, playback copies, spectrogram tiles) that
    no datapoint uses any more, and export files of deleted projects or export jobs."""
    from audino.services import unused_blobs
    from audino.storage.blobs import BlobStore

    settings = load_settings(data_dir)
    database = open_database(settings)
    storage = BlobStore.from_settings(settings)
    with database.session(write=False) as db:
        found = unused_blobs.sweep(
            db, storage, settings, grace_seconds=grace_hours * 3600, dry_run=dry_run
        )
    database.dispose()
    for blob in found.orphans:
        typer.echo(f"{blob.key}\t{blob.size}")
    for blob in found.export_orphans:
        typer.echo(f"exports/{blob.key}\t{blob.size}")
    count = len(found.orphans) + len(found.export_orphans)
    what = f"{count} unused blob{'' if count == 1 else 's'}"
    size = f"{found.orphan_bytes} bytes, {_human_bytes(found.orphan_bytes)}"
    typer.echo(f"{'Would delete' if dry_run else 'Deleted'} {what} ({size}).")
    if found.fresh:
        typer.echo(
            f"Kept {found.fresh} unused blob(s) younger than {grace_hours:g} h "
            "(an ingest may still record them)."
        )


def _human_bytes(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.1f} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024
    return f"{size:.1f} TiB"


@app.command("openapi")
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


def _find_project(db, ref: str):  # type: ignore[no-untyped-def]
    """A project by name, or by id when no project has that name."""
    from audino.db.models import Project
    from audino.services import projects

    project = projects.find_by_name(db, ref)
    if project is None and ref.isdigit():
        project = db.get(Project, int(ref))
    return project


@app.command("export")
def export_project(
    project: Annotated[str | None, typer.Argument(help="Project name (or id).")] = None,
    format_name: Annotated[
        str, typer.Option("--format", "-f", help="Format name (see --list-formats).")
    ] = "audino",
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write, '-' for stdout; for multi-file formats a folder, or a .zip "
            "(default: <project>-<format>.json or .zip here).",
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only datapoints that are todo, in_progress, done, review (marked for review) "
            "or reviewed (completed by a reviewer or manager)."
        ),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Only this user's annotations.")] = None,
    speaker_label: Annotated[
        str | None, typer.Option(help="The label whose values name speakers (default: speaker).")
    ] = None,
    splits: Annotated[
        str | None, typer.Option(help="Splits by ratio, e.g. train=0.8,dev=0.1,test=0.1.")
    ] = None,
    split_by: Annotated[
        str, typer.Option(help="Keep each recording, or each speaker, in one split.")
    ] = "recording",
    sample_rate: Annotated[int | None, typer.Option(help="Audio sample rate (Hz).")] = None,
    channels: Annotated[int | None, typer.Option(help="Audio channels.")] = None,
    codec: Annotated[str | None, typer.Option(help="Audio codec: flac, wav, mp3, ogg.")] = None,
    locale: Annotated[str | None, typer.Option(help="Language code for corpus layouts.")] = None,
    one_annotator: Annotated[
        bool,
        typer.Option("--one-annotator", help="Keep one annotator's segments per datapoint."),
    ] = False,
    list_formats: Annotated[
        bool, typer.Option("--list-formats", help="List the formats and exit.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Export project PROJECT as a dataset (a file, a zip or a folder), streamed."""
    from audino.formats import registry

    if list_formats:
        for fmt in registry.all_formats():
            mode = "export"
            if fmt.can_import:
                mode += ", import into a project" if fmt.matches_files else ", import"
            typer.echo(f"{fmt.name}\t{mode}\t{fmt.description}")
        return
    if not project:
        fail("Name the project to export (or use --list-formats).")
        return
    from audino.formats.options import ExportOptions, parse_splits
    from audino.services import exports
    from audino.services.errors import AudinoError
    from audino.storage.blobs import BlobStore

    settings = load_settings(data_dir)
    database = open_database(settings)
    storage = BlobStore.from_settings(settings)
    try:
        options = ExportOptions(
            speaker_label=speaker_label,
            splits=parse_splits(splits),
            split_by=split_by,
            sample_rate=sample_rate,
            channels=channels,
            codec=codec,
            locale=locale,
        )
    except ValueError as exc:
        fail(str(exc))
        return
    try:
        with database.session(write=False) as db:
            found = _find_project(db, project)
            if found is None:
                fail(f"No project named {project!r}.")
                return
            plan = exports.plan_export(
                db, found, format_name, status=status, author=author, options=options
            )
            total = exports.count_datapoints(db, plan)
    except AudinoError as exc:
        fail(exc.detail)
        return
    fmt = plan.format
    to_folder = (
        fmt.files
        and not fmt.single_file
        and output not in (None, "-")
        and not str(output).lower().endswith(".zip")
    )
    with typer.progressbar(length=total, label="Exporting", file=sys.stderr, show_pos=True) as bar:
        if to_folder:
            count = exports.write_export(
                database, plan, Path(str(output)), storage=storage, progress=bar.update
            )
            typer.echo(
                f"Exported {plan.project_name!r} as {fmt.name}: {count} files in {output}.",
                err=True,
            )
            return
        chunks = exports.stream_export(database, plan, storage=storage, progress=bar.update)
        if output == "-":
            stream = typer.get_binary_stream("stdout")
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()
            return
        target = Path(output or plan.filename)
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    typer.echo(f"Exported {plan.project_name!r} as {fmt.name} to {target}.", err=True)


def _read_input(path: Path) -> bytes:
    """A file's bytes; a folder (a Kaldi data dir, say) as a zip of its files."""
    if not path.is_dir():
        return path.read_bytes()
    from audino.formats.files import OutputFile, files_under, zip_stream

    files = [OutputFile(f.name, [f.data]) for f in files_under(path)]
    return b"".join(zip_stream(files))


@app.command("import-project")
def import_project(
    file: Annotated[
        Path,
        typer.Argument(
            help="An export (audino JSON), an annotation file (RTTM, TextGrid…), or a zip or "
            "folder of them.",
            exists=True,
            readable=True,
        ),
    ],
    name: Annotated[
        str | None, typer.Option(help="Name of the new project (default: the file's).")
    ] = None,
    format_name: Annotated[str, typer.Option("--format", "-f", help="Format name.")] = "audino",
    into: Annotated[
        str | None,
        typer.Option(help="Add to this existing project instead (audino-v1 files need one)."),
    ] = None,
    create_users: Annotated[
        bool, typer.Option("--create-users", help="Create missing users, inactive.")
    ] = False,
    metadata_only: Annotated[
        bool, typer.Option("--metadata-only", help="Import even when audio is not in storage.")
    ] = False,
    author: Annotated[
        str | None,
        typer.Option(help="Annotation files: segments by this user (default: predictions)."),
    ] = None,
    speaker_label: Annotated[
        str | None, typer.Option(help="Annotation files: the label that takes the speakers.")
    ] = None,
    label: Annotated[
        str | None, typer.Option(help="Annotation files: the label that takes the labels.")
    ] = None,
    create_labels: Annotated[
        bool,
        typer.Option(
            "--create-labels/--no-create-labels",
            help="Create unknown labels and values, or report them.",
        ),
    ] = True,
    data_dir: DataDir = None,
) -> None:
    """Create a project from an exported file, or add it to one with --into (all or
    nothing)."""
    from audino.services import imports
    from audino.services.errors import AudinoError
    from audino.storage.blobs import BlobStore

    settings = load_settings(data_dir)
    database = open_database(settings)
    storage = BlobStore.from_settings(settings)
    try:
        with database.session() as db:
            target = _find_project(db, into) if into else None
            if into and target is None:
                fail(f"No project named {into!r}.")
            result = imports.import_file(
                db,
                storage,
                _read_input(file),
                format_name=format_name,
                filename=file.name + (".zip" if file.is_dir() else ""),
                annotations=imports.AnnotationOptions(
                    author=author,
                    speaker_label=speaker_label,
                    label=label,
                    create_labels=create_labels,
                ),
                into=target,
                name=name,
                create_users=create_users,
                allow_missing_audio=metadata_only,
            )
    except AudinoError as exc:
        fail(exc.detail)
        return
    verb = "Imported project" if result.created_project else "Imported into project"
    typer.echo(
        f"{verb} {result.project_name!r} (id {result.project_id}): "
        f"{result.datapoints} datapoints, {result.segments} segments, "
        f"{result.assignments} assignments."
    )
    if result.users_created:
        typer.echo(f"Created inactive users: {', '.join(result.users_created)}.", err=True)
    if result.audio_missing:
        typer.echo(f"{len(result.audio_missing)} datapoints have no audio yet.", err=True)


from audino.cli_import import import_audio  # noqa: E402  (it uses the helpers above)

app.command("import")(import_audio)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
