"""`audino import-project`: a native export or annotation files as a new project, or into one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audino.cli.common import DataDir, fail, find_project, load_settings, open_database


def _read_input(path: Path) -> bytes:
    """A file's bytes; a folder (a Kaldi data dir, say) as a zip of its files."""
    if not path.is_dir():
        return path.read_bytes()
    from audino.formats.files import OutputFile, files_under, zip_stream

    files = [OutputFile(f.name, [f.data]) for f in files_under(path)]
    return b"".join(zip_stream(files))


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
    from audino.services.errors import AudinoError
    from audino.services.imports import dataset as imports
    from audino.storage.blobs import BlobStore

    settings = load_settings(data_dir)
    database = open_database(settings)
    storage = BlobStore.from_settings(settings)
    try:
        with database.session() as db:
            target = find_project(db, into) if into else None
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
    if result.created_project or result.datapoints:
        verb = "Imported project" if result.created_project else "Imported into project"
        typer.echo(
            f"{verb} {result.project_name!r} (id {result.project_id}): "
            f"{result.datapoints} datapoints, {result.segments} segments, "
            f"{result.assignments} assignments."
        )
    else:  # annotations added to datapoints the project had
        typer.echo(
            f"Imported into project {result.project_name!r} (id {result.project_id}): "
            f"{result.segments} segments and {result.assignments} assignments on "
            f"{result.datapoints_annotated} datapoints."
        )
    if result.users_created:
        typer.echo(f"Created inactive users: {', '.join(result.users_created)}.", err=True)
    if result.audio_missing:
        typer.echo(f"{len(result.audio_missing)} datapoints have no audio yet.", err=True)
