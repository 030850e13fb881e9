"""Alembic migrations run programmatically: `audino db upgrade` and on server start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision; a test checks it against Alembic's own view. Knowing it here lets a
# restart skip importing Alembic when the schema is already current.
HEAD = "0014"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None  # no version table yet: an empty database


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Bring the schema to `revision`; returns True when anything ran."""
    if revision == "head" and current_revision(engine) == HEAD:
        return False
    from alembic import command

    command.upgrade(alembic_config(engine), revision)
    return True
