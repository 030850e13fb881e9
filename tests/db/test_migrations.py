"""Migrations: the known head matches Alembic, and the schema equals the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import HEAD, current_revision, head_revision, upgrade
from audino.db.models import Base
from tests.conftest import AppEnv


def test_known_head_is_alembic_head(tmp_path: Path) -> None:
    database = Database(Settings(data_dir=tmp_path))
    assert head_revision(database.engine) == HEAD
    assert current_revision(database.engine) is None
    assert upgrade(database.engine) is True
    assert current_revision(database.engine) == HEAD
    assert upgrade(database.engine) is False
    database.dispose()


def test_migrated_schema_matches_models(app_env: AppEnv) -> None:
    """Runs on SQLite and PostgreSQL: the migrations create exactly what the models declare."""
    with app_env.database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
