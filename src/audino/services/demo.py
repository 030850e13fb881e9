"""`audino serve --demo`: a ready-to-annotate speech project with an annotator account, and
a keyword-spotting project in the Speech Commands layout (a folder per spoken word, the
folder the item's label) whose audio features and dataset map are computed in the
background when the `features` extra is installed."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from audino.config import Settings
from audino.db.engine import Database
from audino.db.models import User
from audino.services import projects, users
from audino.services.auth import generate_password
from audino.services.ingest.uploads import TempAudio, ingest_file
from audino.services.labels import schema as labels
from audino.storage.blobs import BlobStore

CLIPS = Path(__file__).resolve().parent.parent / "demo"
KEYWORD_CLIPS = CLIPS / "keywords"  # made by scripts/make_demo_keywords.py (espeak-ng)
PROJECT = "Demo: multilingual speech"
KEYWORDS = "Demo: keyword spotting"
ANNOTATOR = "annotator"
# Whose values the folder labels are, as `audino import --label-author` would make them.
DATASET = "speech-commands"


def create_demo(database: Database, settings: Settings) -> str | None:
    """Creates the demo once; returns what to tell the user, or None if it already exists."""
    storage = BlobStore.from_settings(settings)
    clips = json.loads((CLIPS / "clips.json").read_text(encoding="utf-8"))
    with database.session() as db:
        if projects.find_by_name(db, PROJECT) is not None:
            annotator = users.find_by_username(db, ANNOTATOR)
            if annotator is None:
                return None
            return _keyword_demo(db, storage, settings, annotator)  # an older demo: add it
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
        keywords = _keyword_demo(db, storage, settings, annotator)
    login = f"{ANNOTATOR!r} with password {password}" if password else repr(ANNOTATOR)
    made = f"Demo project {PROJECT!r} created with {len(clips)} clips assigned to {login} "
    return made + "(shown only now)." + (f"\n{keywords}" if keywords else "")


def _keyword_demo(
    db: Session, storage: BlobStore, settings: Settings, annotator: User
) -> str | None:
    """The keyword-spotting project (once): 30 one-second commands, each labelled with its
    folder's word, features and map queued; what to tell the user, or None."""
    if projects.find_by_name(db, KEYWORDS) is not None:
        return None
    from audino.services import features
    from audino.services.imports.bulk import folder_label_ready, set_folder_value

    rows = json.loads((KEYWORD_CLIPS / "keywords.json").read_text(encoding="utf-8"))
    words = list(dict.fromkeys(r["word"] for r in rows))
    # Each clip's features as soon as it is processed (a job for the whole project queued
    # now would miss clips still being processed); the map follows each features job.
    ready = features.unavailable_error() is None
    project = projects.create_project(
        db,
        KEYWORDS,
        description="One-second spoken commands in the Speech Commands layout, a folder per "
        "word: browse them in the grid, open a clip's audio features, and see how the words "
        "group on the dataset map. Check that each clip says its word.",
        settings={features.SETTING: True} if ready else None,
    )
    projects.set_member(db, project, annotator, "annotator")
    dataset = users.find_by_username(db, DATASET)
    if dataset is None:
        dataset = users.create_user(db, DATASET, generate_password())  # nobody signs in as it
    projects.set_member(db, project, dataset, "annotator")
    label = folder_label_ready(db, project.id, "word", words, DATASET, actor_id=None)
    assert label is not None
    for row in rows:
        outcome = ingest_file(
            db,
            storage,
            settings,
            project,
            TempAudio.from_path(KEYWORD_CLIPS / row["file"]),
            original_name=row["file"].replace("/", "_"),
            assign_to=[annotator],
            metadata={"word": row["word"], "voice": row["voice"], "import_path": row["file"]},
        )
        set_folder_value(db, outcome.datapoint, label, row["word"])
    return f"Demo project {KEYWORDS!r} created with {len(rows)} spoken commands" + (
        "; its audio features and dataset map are being computed."
        if ready
        else " (install the features extra for its feature explorer and map)."
    )
