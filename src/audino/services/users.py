"""Users: create, list, deactivate, roles, passwords; the last admin is protected."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audino.db.models import User
from audino.services import audit, auth
from audino.services.errors import Conflict, InvalidInput, NotFound

USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")


def check_username(username: str) -> str:
    username = username.strip()
    if not USERNAME_RE.fullmatch(username):
        raise InvalidInput(
            "Usernames are 1–150 letters, digits or . @ + - _ (no spaces).",
            code="bad_username",
        )
    return username


def get_user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist.")
    return user


def find_by_username(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


def count_users(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(User)) or 0)


def create_user(
    db: Session,
    username: str,
    password: str,
    *,
    is_admin: bool = False,
    actor_id: int | None = None,
) -> User:
    username = check_username(username)
    if find_by_username(db, username) is not None:
        raise Conflict(f"A user named {username!r} already exists.", code="username_taken")
    user = User(username=username, password_hash=auth.hash_password(password), is_admin=is_admin)
    db.add(user)
    db.flush()
    audit.record(
        db,
        user_id=actor_id,
        action="user.create",
        entity_type="user",
        entity_id=user.id,
        after={"username": username, "is_admin": is_admin},
    )
    return user


def list_users(db: Session, *, include_inactive: bool = True) -> list[User]:
    stmt = select(User).order_by(User.id)
    if not include_inactive:
        stmt = stmt.where(User.is_active.is_(True))
    return list(db.scalars(stmt))


def _active_admins(db: Session) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(User)
            .where(User.is_admin.is_(True), User.is_active.is_(True))
        )
        or 0
    )


def _guard_last_admin(db: Session, user: User) -> None:
    if user.is_admin and user.is_active and _active_admins(db) <= 1:
        raise Conflict(
            "This is the last active administrator; make someone else an admin first.",
            code="last_admin",
        )


def update_user(
    db: Session,
    user: User,
    *,
    is_admin: bool | None = None,
    is_active: bool | None = None,
    actor_id: int | None = None,
) -> User:
    before = {"is_admin": user.is_admin, "is_active": user.is_active}
    if (is_admin is False and user.is_admin) or (is_active is False and user.is_active):
        _guard_last_admin(db, user)
    if is_admin is not None:
        user.is_admin = is_admin
    if is_active is not None:
        user.is_active = is_active
        if not is_active:
            auth.revoke_user_sessions(db, user.id)
    audit.record(
        db,
        user_id=actor_id,
        action="user.update",
        entity_type="user",
        entity_id=user.id,
        before=before,
        after={"is_admin": user.is_admin, "is_active": user.is_active},
    )
    return user


def set_password(
    db: Session,
    user: User,
    password: str,
    *,
    actor_id: int | None = None,
    keep_session_id: int | None = None,
) -> None:
    user.password_hash = auth.hash_password(password)
    # Logged out everywhere: every session but the one that changed it, and every personal
    # API token (a token is a password too; a script gets a new one after logging in).
    auth.revoke_user_sessions(db, user.id, except_id=keep_session_id)
    tokens = auth.revoke_user_tokens(db, user.id)
    audit.record(
        db,
        user_id=actor_id,
        action="user.password",
        entity_type="user",
        entity_id=user.id,
        after={"tokens_revoked": tokens},
    )


def delete_user(db: Session, user: User, *, actor_id: int | None = None) -> None:
    _guard_last_admin(db, user)
    audit.record(
        db,
        user_id=actor_id,
        action="user.delete",
        entity_type="user",
        entity_id=user.id,
        before={"username": user.username},
    )
    db.delete(user)
