"""`audino serve --demo`'s keyword-spotting project: the Speech Commands layout (a folder per
word becomes the item's `word` label), features and the dataset map computed in the
background, so a newcomer opens the explorer and the map at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import upgrade
from audino.db.models import Assignment, Datapoint, DatapointFeatures, DatasetMap, Label, User
from audino.jobs import queue
from audino.services import demo, projects
from audino.services.features import unavailable_error
from audino.storage.blobs import BlobStore


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, secret_key="s", queue_url="immediate")


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database(settings)
    upgrade(db.engine)
    queue.install(settings, db, BlobStore.from_settings(settings))  # jobs run as they commit
    yield db
    db.dispose()


def test_the_keyword_demo_is_labelled_by_folder_with_its_map_ready(
    database: Database, settings: Settings
) -> None:
    said = demo.create_demo(database, settings)
    assert said is not None and "Demo project 'Demo: keyword spotting' created with 30" in said
    with database.session(write=False) as db:
        project = projects.find_by_name(db, demo.KEYWORDS)
        assert project is not None
        items = list(db.scalars(select(Datapoint).where(Datapoint.project_id == project.id)))
        assert len(items) == 30 and all(d.ingest_status == "ready" for d in items)
        label = db.scalar(select(Label).where(Label.project_id == project.id))
        assert label is not None and (label.name, label.scope) == ("word", "datapoint")
        names = {v.id: v.value for v in label.values}
        assert sorted(names.values()) == sorted(
            ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
        )
        dataset = db.scalar(select(User).where(User.username == demo.DATASET))
        assert dataset is not None
        for item in items:
            row = db.scalar(
                select(Assignment).where(
                    Assignment.datapoint_id == item.id, Assignment.user_id == dataset.id
                )
            )
            assert row is not None
            word = item.metadata_["word"]
            assert names[row.values[str(label.id)]] == word  # the folder's word
            assert item.original_name.startswith(f"{word}_")
        if unavailable_error() is None:
            computed = db.scalar(
                select(func.count())
                .select_from(DatapointFeatures)
                .where(DatapointFeatures.datapoint_id.in_([d.id for d in items]))
            )
            assert computed == 30
            laid_out = db.get(DatasetMap, project.id)
            assert laid_out is not None and laid_out.items == 30
    # Started again: nothing is made twice.
    assert demo.create_demo(database, settings) is None
