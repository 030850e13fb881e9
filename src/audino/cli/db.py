"""`audino db`: migrations and the sweep of blobs nothing uses."""

from __future__ import annotations

from typing import Annotated

import typer

from audino.cli.common import DataDir, load_settings, open_database

app = typer.Typer(help="Manage the database and what it keeps in storage.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """Apply pending database migrations."""
    from audino.db.engine import Database
    from audino.db.migrate import current_revision, upgrade

    database = Database(load_settings(data_dir))
    changed = upgrade(database.engine)
    rev = current_revision(database.engine)
    typer.echo(f"Database upgraded to {rev}." if changed else f"Database already at {rev}.")


@app.command("gc")
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
    from audino.services.ingest import unused_blobs
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
