"""First start: schema up to date and an administrator to log in with."""

from __future__ import annotations

from dataclasses import dataclass

from audino.config import Settings
from audino.db.engine import Database
from audino.db.migrate import upgrade
from audino.services import auth, users


@dataclass
class FirstAdmin:
    username: str
    password: str | None  # set only when generated, to be shown once


def prepare(database: Database) -> bool:
    """Runs pending migrations; True when the schema changed."""
    return upgrade(database.engine)


def ensure_admin(database: Database, settings: Settings) -> FirstAdmin | None:
    """With no users at all, creates the first admin from the env or a generated password."""
    with database.session() as db:
        if users.count_users(db) > 0:
            return None
        username = settings.admin_username or "admin"
        password = settings.admin_password
        generated = None
        if not password:
            generated = password = auth.generate_password()
        users.create_user(db, username, password, is_admin=True)
        return FirstAdmin(username, generated)
