"""Passwords, browser sessions, API keys and the failed-login limiter."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from audino.db.models import ApiKey, ApiKeyKind, AuthSession, User
from audino.services.errors import InvalidInput, NotAuthenticated, NotFound, TooManyRequests

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against for unknown users, so timing does not reveal who exists."""
    return _hasher.hash("not-a-real-password")


PERSONAL_PREFIX = "aud_p_"
PROJECT_PREFIX = "aud_k_"


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters long.",
            code="weak_password",
        )
    if len(password) > 1024:
        raise InvalidInput("Password must be at most 1024 characters long.", code="weak_password")


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    """Tokens are 256-bit random, so a plain SHA-256 is a safe, indexable hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def generate_password() -> str:
    return secrets.token_urlsafe(12)


class LoginLimiter:
    """Refuses logins after too many failures per username or client within a window."""

    def __init__(self, max_failures: int, window_seconds: float) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] < now - self.window:
            q.popleft()
        return q

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                q = self._recent(key, now)
                if len(q) >= self.max_failures:
                    wait = int(q[0] + self.window - now) + 1
                    raise TooManyRequests(
                        f"Too many failed logins. Try again in {wait} seconds.",
                        code="login_rate_limited",
                        extra={"retry_after": wait},
                    )

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def authenticate(db: Session, username: str, password: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(_dummy_hash(), password)
        raise NotAuthenticated("Wrong username or password.", code="bad_credentials")
    if not verify_password(user.password_hash, password):
        raise NotAuthenticated("Wrong username or password.", code="bad_credentials")
    if not user.is_active:
        raise NotAuthenticated("This account is deactivated.", code="account_inactive")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


@dataclass
class NewSession:
    token: str
    csrf_token: str
    row: AuthSession


def create_session(db: Session, user: User, lifetime_hours: float) -> NewSession:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    row = AuthSession(
        token_hash=hash_token(token),
        csrf_token=csrf,
        user_id=user.id,
        expires_at=datetime.now(UTC) + timedelta(hours=lifetime_hours),
    )
    db.add(row)
    db.flush()
    return NewSession(token, csrf, row)


def resolve_session(db: Session, token: str) -> AuthSession | None:
    row = db.scalar(select(AuthSession).where(AuthSession.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= datetime.now(UTC):
        return None
    if not row.user.is_active:
        return None
    return row


def revoke_session(db: Session, session_id: int) -> None:
    db.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def revoke_user_sessions(db: Session, user_id: int, *, except_id: int | None = None) -> None:
    stmt = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if except_id is not None:
        stmt = stmt.where(AuthSession.id != except_id)
    db.execute(stmt.values(revoked_at=datetime.now(UTC)))


def revoke_user_tokens(db: Session, user_id: int) -> int:
    """Revokes every personal API token of a user (their project keys are the project's
    and stay); returns how many were live."""
    result = db.execute(
        update(ApiKey)
        .where(
            ApiKey.user_id == user_id,
            ApiKey.kind == ApiKeyKind.personal.value,
            ApiKey.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC))
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass
class NewApiKey:
    key: str
    row: ApiKey


def issue_api_key(
    db: Session,
    *,
    kind: ApiKeyKind,
    name: str,
    created_by_id: int | None,
    user_id: int | None = None,
    project_id: int | None = None,
) -> NewApiKey:
    prefix = PERSONAL_PREFIX if kind == ApiKeyKind.personal else PROJECT_PREFIX
    key = prefix + secrets.token_urlsafe(32)
    row = ApiKey(
        kind=kind.value,
        name=name.strip(),
        prefix=key[: len(prefix) + 4],
        key_hash=hash_token(key),
        user_id=user_id,
        project_id=project_id,
        created_by_id=created_by_id,
    )
    db.add(row)
    db.flush()
    return NewApiKey(key, row)


# Built once: the hot path of every bearer request only binds the hash.
_KEY_AND_USER = (
    select(ApiKey, User)
    .outerjoin(User, User.id == ApiKey.user_id)
    .where(ApiKey.key_hash == bindparam("key_hash"))
)


def resolve_api_key(db: Session, key: str) -> ApiKey | None:
    found = resolve_api_key_user(db, key)
    return None if found is None else found[0]


def resolve_api_key_user(db: Session, key: str) -> tuple[ApiKey, User | None] | None:
    """A live API key and its user (None for project keys), in one query."""
    found = db.execute(_KEY_AND_USER, {"key_hash": hash_token(key)}).first()
    if found is None or found[0].revoked_at is not None:
        return None
    return found[0], found[1]


def revoke_api_key(
    db: Session, key_id: int, *, project_id: int | None = None, user_id: int | None = None
) -> ApiKey:
    row = db.get(ApiKey, key_id)
    if (
        row is None
        or (project_id is not None and row.project_id != project_id)
        or (user_id is not None and row.user_id != user_id)
    ):
        raise NotFound("No such API key.")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
    return row


def list_api_keys(
    db: Session, *, project_id: int | None = None, user_id: int | None = None
) -> list[ApiKey]:
    stmt = select(ApiKey).order_by(ApiKey.id)
    if project_id is not None:
        stmt = stmt.where(ApiKey.project_id == project_id, ApiKey.kind == ApiKeyKind.project.value)
    if user_id is not None:
        stmt = stmt.where(ApiKey.user_id == user_id, ApiKey.kind == ApiKeyKind.personal.value)
    return list(db.scalars(stmt))
