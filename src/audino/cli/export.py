"""`audino export`: a project as a dataset in any format, streamed to a file, a zip or a folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from audino.cli.common import DataDir, fail, find_project, load_settings, open_database

if TYPE_CHECKING:
    from audino.formats.report import ExportReport


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
            "or reviewed (a reviewer accepted someone's work on it, or a reviewer or manager "
            "completed it)."
        ),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Only this user's annotations.")] = None,
    speaker_label: Annotated[
        str | None, typer.Option(help="The label whose values name speakers (default: speaker).")
    ] = None,
    gender_label: Annotated[
        str | None,
        typer.Option(
            help="The label whose values are speakers' genders: female/f/woman, male/m/man "
            "(default: a label named gender or sex)."
        ),
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
    audio_root: Annotated[
        str | None,
        typer.Option(
            help="Absolute folder the export will be unpacked into: Kaldi's wav.scp paths "
            "start there (default: the output folder; relative paths in a zip)."
        ),
    ] = None,
    one_annotator: Annotated[
        bool,
        typer.Option("--one-annotator", help="Keep one annotator's segments per datapoint."),
    ] = False,
    predictions: Annotated[
        str,
        typer.Option(
            help="A model's predictions: exclude them, include them (marked as predictions "
            "where the format has a place), or as_annotator (each model version as an "
            "annotator named model:<name>@<version>, for evaluation)."
        ),
    ] = "exclude",
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
    from audino.formats.report import ExportReport
    from audino.services.errors import AudinoError
    from audino.services.exports import dataset as exports
    from audino.services.exports.options import options_from
    from audino.storage.blobs import BlobStore

    # The API's own conversion, so every option means the same from both.
    chosen = {
        "speaker_label": speaker_label,
        "gender_label": gender_label,
        "splits": splits,
        "split_by": split_by,
        "sample_rate": sample_rate,
        "channels": channels,
        "codec": codec,
        "locale": locale,
        "audio_root": audio_root,
        "one_annotator": one_annotator,
        "predictions": predictions,
    }
    try:
        options = options_from(chosen)
    except AudinoError as exc:
        fail(exc.detail)
        return
    settings = load_settings(data_dir)
    database = open_database(settings)
    storage = BlobStore.from_settings(settings)
    try:
        with database.session(write=False) as db:
            found = find_project(db, project)
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
    report = ExportReport()
    to_folder = (
        fmt.files
        and not fmt.single_file
        and output not in (None, "-")
        and not str(output).lower().endswith(".zip")
    )
    with typer.progressbar(length=total, label="Exporting", file=sys.stderr, show_pos=True) as bar:
        if to_folder:
            count = exports.write_export(
                database,
                plan,
                Path(str(output)),
                storage=storage,
                progress=bar.update,
                report=report,
            )
            typer.echo(
                f"Exported {plan.project_name!r} as {fmt.name}: {count} files in {output}.",
                err=True,
            )
            _say(report)
            return
        chunks = exports.stream_export(
            database, plan, storage=storage, progress=bar.update, report=report
        )
        if output == "-":
            stream = typer.get_binary_stream("stdout")
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()
            _say(report)
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
    _say(report)


def _say(report: ExportReport) -> None:
    """What the format could not carry, on stderr: the only place a single-file format
    (CTM, CSV, …) can report it."""
    for line in report.summary():
        typer.echo(f"Not carried: {line}.", err=True)
