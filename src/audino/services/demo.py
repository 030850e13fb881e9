"""`audino serve --demo`: a ready-to-annotate speech project with an annotator account."""

from __future__ import annotations

import json
from pathlib import Path

from audino.config import Settings
from audino.db.engine import Database
from audino.services import projects, users
from audino.services.auth import generate_password
from audino.services.ingest.uploads import TempAudio, ingest_file
from audino.services.labels import schema as labels
from audino.storage.blobs import BlobStore

CLIPS = Path(__file__).resolve().parent.parent / "demo"
PROJECT = "Demo: multilingual speech"
ANNOTATOR = "annotator"


def create_demo(database: Database, settings: Settings) -> str | None:
    """Creates the demo once; returns what to tell the user, or None if it already exists."""
    storage = BlobStore.from_settings(settings)
    clips = json.loads((CLIPS / "clips.json").read_text(encoding="utf-8"))
    with database.session() as db:
        if projects.find_by_name(db, PROJECT) is not None:
            return None
        password = None
        annotator = users.find_by_username(db, ANNOTATOR)
        if annotator is None:
            password = generate_password()
            annotator = users.create_user(db, ANNOTATOR, password)
        project = projects.create_project(
            db,
            PROJECT,
            description="Short synthetic speech in four languages: segment each sentence, "
            "pick the speaker and transcribe it.",
        )
        projects.set_member(db, project, annotator, "annotator")
        labels.create_label(
            db,
            project,
            name="speaker",
            kind="single",
            required=True,
            values=[
                {"value": "female", "color": "#e4572e", "hotkey": "1"},
                {"value": "male", "color": "#17bebb", "hotkey": "2"},
            ],
        )
        labels.create_label(
            db,
            project,
            name="noise",
            kind="multi",
            values=[{"value": "music", "hotkey": "m"}, {"value": "crosstalk", "hotkey": "c"}],
        )
        labels.create_label(db, project, name="language", kind="text", scope="datapoint")
        labels.create_label(db, project, name="clear recording", kind="boolean", scope="datapoint")
        for clip in clips:
            temp = TempAudio.from_path(CLIPS / clip["file"])
            ingest_file(
                db,
                storage,
                settings,
                project,
                temp,
                original_name=clip["file"],
                assign_to=[annotator],
                reference_transcript=clip["transcript"],
                metadata={"language": clip["language"]},
            )
    login = f"{ANNOTATOR!r} with password {password}" if password else repr(ANNOTATOR)
    return (
        f"Demo project {PROJECT!r} created with {len(clips)} clips assigned to {login} "
        "(shown only now)."
    )
