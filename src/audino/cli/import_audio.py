"""`audino import`: a folder, glob or bucket of audio into a project, with a progress bar."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from audino.cli.common import DataDir, ctrl_c_stops, find_project, load_settings, open_database

BAD_ARGUMENTS = 2
SHOWN_FAILURES = 200  # rows of the refused-files table; --report has them all
DEFAULT_WORKERS = min(8, os.cpu_count() or 1)


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} files/s" if speed else "– files/s", style="progress.data.speed")


class _HoursColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        hours = float(task.fields.get("seconds", 0.0)) / 3600
        return Text(f"{hours:.2f} h audio", style="progress.download")


def _options(values: list[str]) -> dict[str, Any]:
    """KEY=VALUE pairs (values parsed as JSON when they are) for the source's fsspec."""
    out: dict[str, Any] = {}
    for item in values:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise typer.BadParameter(f"{item!r} is not KEY=VALUE.", param_hint="--option")
        try:
            out[key.strip()] = json.loads(value)
        except ValueError:
            out[key.strip()] = value
    return out


def _bad(console: Console, message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(BAD_ARGUMENTS)


@ctrl_c_stops
def import_audio(
    source: Annotated[
        str,
        typer.Argument(
            help="A folder (read recursively), a glob ('calls/**/*.wav') or a bucket URL "
            "(s3://bucket/prefix)."
        ),
    ],
    project: Annotated[str, typer.Option("--project", "-p", help="Project name (or id).")],
    assign: Annotated[
        str | None,
        typer.Option(help="Annotators (comma-separated) who share the new files, in turn."),
    ] = None,
    overlap: Annotated[
        float,
        typer.Option(help="Fraction of the new files given to two annotators (0-1)."),
    ] = 0.0,
    annotations: Annotated[
        Path | None,
        typer.Option(
            help="Pre-annotations (RTTM, TextGrid, ELAN, CSV…) added to the imported files "
            "by file name after the audio.",
            exists=True,
            readable=True,
        ),
    ] = None,
    annotations_format: Annotated[
        str | None,
        typer.Option(help="Format of --annotations (default: from its extension)."),
    ] = None,
    folder_label: Annotated[
        str | None,
        typer.Option(
            help="Folder per label (Speech Commands, AudioFolder): each file's folder name "
            "becomes its value of this item-level label, made with every folder's value.",
        ),
    ] = None,
    label_author: Annotated[
        str | None,
        typer.Option(
            help="The member whose label values the folder names become (the items are "
            "assigned to them); without it the values are in each item's metadata only.",
        ),
    ] = None,
    metadata: Annotated[
        Path | None,
        typer.Option(
            help="A CSV, TSV or JSONL table of metadata per file (a file_name, file or path "
            "column), matched by path or file name. metadata.csv/.jsonl files inside SOURCE "
            "(Hugging Face AudioFolder) are read anyway.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    workers: Annotated[int, typer.Option(help="Files read, hashed and probed at once.")] = (
        DEFAULT_WORKERS
    ),
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-o",
            help="fsspec option for the source, KEY=VALUE (repeatable), e.g. anon=true.",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Also write the summary, every refused file included, as JSON here."),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Import every audio file of SOURCE into a project: in parallel, resumable (files
    already in the project are skipped by content), with a summary of the files refused."""
    from audino.jobs import queue
    from audino.services.errors import AudinoError
    from audino.services.imports.bulk import (
        BulkImport,
        check_annotation_format,
        import_annotations,
    )
    from audino.storage.blobs import BlobStore

    console = Console(stderr=True)
    settings = load_settings(data_dir)
    database = open_database(settings)
    storage = BlobStore.from_settings(settings)
    # Each new datapoint's ingest job goes to the queue the server (or `audino worker`)
    # consumes; jobs an interrupted earlier run saved but never queued go there too.
    queue.install(settings, database, storage).hand_over_lost(older_than=0)
    with database.session(write=False) as db:
        found = find_project(db, project)
        if found is None:
            raise _bad(console, f"No project named {project!r}.")
        project_id, project_name = found.id, found.name
    if label_author and not folder_label:
        raise _bad(console, "--label-author goes with --folder-label (the label it fills).")
    if annotations is not None:  # a wrong format is a bad argument: say so before importing
        try:
            annotations_format = check_annotation_format(annotations.name, annotations_format)
        except AudinoError as exc:
            raise _bad(console, exc.detail) from None
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        _HoursColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("Listing", total=None)

        def progress(summary: Any, outcome: Any) -> None:
            if outcome is None:
                bar.update(task, description="Importing", total=summary.found)
                return
            bar.update(task, completed=summary.done, seconds=summary.seconds_done)

        run = BulkImport(
            database,
            storage,
            settings,
            project_id,
            source,
            assign=[a.strip() for a in (assign or "").split(",") if a.strip()],
            overlap=overlap,
            workers=workers,
            source_options=_options(option or []),
            progress=progress,
            folder_label=folder_label.strip() if folder_label else None,
            label_author=label_author.strip() if label_author else None,
            metadata_table=(metadata.name, metadata.read_bytes()) if metadata else None,
        )
        try:
            summary = run.run()
        except AudinoError as exc:
            raise _bad(console, exc.detail) from None
        except KeyboardInterrupt:
            bar.stop()
            console.print(
                "[yellow]Interrupted.[/yellow] Run the same command again to import the rest: "
                "files already imported are skipped."
            )
            raise typer.Exit(130) from None
    if annotations is not None and not summary.nothing_imported:
        try:
            summary.annotations = import_annotations(
                database,
                storage,
                project_id,
                _read(annotations),
                filename=annotations.name + (".zip" if annotations.is_dir() else ""),
                format_name=annotations_format,
            )
        except AudinoError as exc:
            summary.failures.append((annotations.name, exc.detail))
            summary.failed += 1
    _print_summary(console, summary, project_name)
    if report is not None:
        report.write_text(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n")
        console.print(f"Summary written to {report}.")
    if summary.nothing_imported:
        raise typer.Exit(1)


def _read(path: Path) -> bytes:
    if not path.is_dir():
        return path.read_bytes()
    from audino.formats.files import OutputFile, files_under, zip_stream

    return b"".join(zip_stream([OutputFile(f.name, [f.data]) for f in files_under(path)]))


def _print_summary(console: Console, summary: Any, project_name: str) -> None:
    hours = summary.seconds_imported / 3600
    console.print(
        f"[bold]{project_name}[/bold]: {summary.imported} imported ({hours:.2f} h of audio), "
        f"{summary.skipped} already there, {summary.failed} refused, of {summary.found} files "
        f"in {summary.elapsed:.1f} s."
    )
    for note in summary.layout:
        console.print(note)
    a = summary.annotations
    if a and a.get("already_imported"):
        console.print(f"Annotations from {a['file']} were added before; not again.")
    elif a:
        console.print(
            f"Annotations from {a['file']} ({a['format']}): {a['segments']} segments on "
            f"{a['datapoints']} datapoints."
        )
    if summary.failures:
        table = Table(title="Refused", title_justify="left", show_lines=False)
        table.add_column("file", overflow="fold")
        table.add_column("reason", overflow="fold")
        for name, reason in summary.failures[:SHOWN_FAILURES]:
            table.add_row(name, reason)
        console.print(table)
        if len(summary.failures) > SHOWN_FAILURES:
            more = len(summary.failures) - SHOWN_FAILURES
            console.print(f"… and {more} more (--report FILE lists them all).")
    if summary.found == 0:
        console.print("[red]No audio files found.[/red]")
    sys.stderr.flush()
