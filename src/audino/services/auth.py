"""Passwords, browser sessions, API keys and the failed-login limiter."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from audino.db.engine import Database
from audino.db.models import ApiKey, ApiKeyKind, ApiKeyScope, AuthSession, LoginFailure, User
from audino.services.errors import InvalidInput, NotAuthenticated, NotFound, TooManyRequests

log = logging.getLogger("audino.auth")

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


class LoginLocked(TooManyRequests):
    """A login refused before its password is checked; `retry_after` is in whole seconds."""

    code = "login_rate_limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, extra={"retry_after": retry_after})
        self.retry_after = retry_after


class LoginLimiter:
    """Throttles failed logins per (account, address) pair and, more loosely, per address.

    Counts live in the `login_failures` table, so every server process sees the same ones.
    A pair may fail `max_failures` times, an address `address_factor` times as many, before
    it is locked for `base_lock` seconds, doubling with each further failure up to
    `max_lock`; a count is forgotten `window` seconds after its last failure or lock. A
    success clears its own pair only, so an attacker's pair stays locked while the account's
    owner signs in from anywhere else. Unknown usernames count exactly like real ones: the
    answers never tell who exists. A locked login is refused before its password is checked
    and writes nothing; `now` is the clock (Unix seconds, shared by all processes).
    """

    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        *,
        address_factor: int = 10,
        base_lock: float = 30.0,
        max_lock: float = 900.0,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.max_failures = max_failures
        self.address_max_failures = max_failures * address_factor
        self.window = window_seconds
        self.base_lock = base_lock
        self.max_lock = max_lock
        self.now = now

    def check(self, db: Session, username: str, client: str) -> None:
        """Raises LoginLocked while the pair or the address is locked."""
        pair, address = _throttle_keys(username, client)
        now = self.now()
        # The pair's row stays locked until this login is counted: concurrent guesses at one
        # account from one address queue up here instead of all slipping past the count.
        pair_until = db.scalar(
            select(LoginFailure.locked_until).where(LoginFailure.key == pair).with_for_update()
        )
        address_until = db.scalar(
            select(LoginFailure.locked_until).where(LoginFailure.key == address)
        )
        pair_wait = (pair_until or 0.0) - now
        address_wait = (address_until or 0.0) - now
        wait = max(pair_wait, address_wait)
        if wait <= 0:
            return
        seconds = max(1, math.ceil(wait))
        unit = "second" if seconds == 1 else "seconds"
        whose = "this address for this account" if pair_wait >= address_wait else "this address"
        raise LoginLocked(
            f"Too many failed logins from {whose}. Try again in {seconds} {unit}.", seconds
        )

    def record_failure(self, db: Session, username: str, client: str) -> None:
        now = self.now()
        pair, address = _throttle_keys(username, client)
        upsert = _upsert_for(db)
        # Always the pair first, then the address: concurrent failures take row locks in one
        # order, so they wait for each other but never deadlock.
        for key, allowed in ((pair, self.max_failures), (address, self.address_max_failures)):
            stmt = upsert(LoginFailure).values(
                key=key, failures=1, locked_until=0.0, expires_at=now + self.window, updated_at=now
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=[LoginFailure.key],
                set_={
                    # A forgotten count starts again from this failure.
                    "failures": case(
                        (LoginFailure.expires_at <= now, 1), else_=LoginFailure.failures + 1
                    ),
                    "expires_at": now + self.window,
                    "updated_at": now,
                },
            ).returning(LoginFailure.failures)
            failures = int(db.execute(stmt).scalar_one())
            if failures >= allowed:
                lock = min(self.base_lock * 2 ** min(failures - allowed, 32), self.max_lock)
                db.execute(
                    update(LoginFailure)
                    .where(LoginFailure.key == key)
                    .values(locked_until=now + lock, expires_at=now + lock + self.window)
                )
        self._prune(db, now)

    def record_success(self, db: Session, username: str, client: str) -> None:
        """Clears the pair; the address keeps its count (an attacker's own account must not
        wipe the failures it made guessing others)."""
        pair, _ = _throttle_keys(username, client)
        db.execute(delete(LoginFailure).where(LoginFailure.key == pair))

    @staticmethod
    def _prune(db: Session, now: float) -> None:
        # A few forgotten rows per failure keep the table small; rows another login holds
        # are skipped, not waited for.
        expired = (
            select(LoginFailure.key)
            .where(LoginFailure.expires_at <= now)
            .limit(100)
            .with_for_update(skip_locked=True)
        )
        db.execute(delete(LoginFailure).where(LoginFailure.key.in_(expired)))


def _upsert_for(db: Session) -> Callable[..., Any]:
    if db.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


def _throttle_keys(username: str, client: str) -> tuple[str, str]:
    """The pair's and the address's keys, hashed: usernames may hold mistyped passwords."""
    address = _address_group(client)
    pair = hashlib.sha256(f"{username.casefold()}\n{address}".encode()).hexdigest()
    return f"pair:{pair}", f"addr:{hashlib.sha256(address.encode()).hexdigest()}"


def _address_group(client: str) -> str:
    """IPv6 clients count per /64, the block one subscriber usually holds: hopping between
    its addresses gains nothing."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


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
    scope: ApiKeyScope = ApiKeyScope.upload,
) -> NewApiKey:
    """A new key; project keys get a scope (upload-only unless asked), personal tokens none."""
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
        scope=scope.value if kind == ApiKeyKind.project else None,
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


# How often a key's last use is written down: at most once a minute per key, so bearer
# traffic does not turn every read into a write.
KEY_USE_EVERY = timedelta(minutes=1)


def key_use_due(key: ApiKey) -> bool:
    last = key.last_used_at
    return last is None or datetime.now(UTC) - last >= KEY_USE_EVERY


def _note_use(db: Session, key: ApiKey) -> None:
    now = datetime.now(UTC)
    db.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key.id,
            (ApiKey.last_used_at.is_(None)) | (ApiKey.last_used_at < now - KEY_USE_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def note_key_use(db: Session, key: ApiKey, *, database: Database | None = None) -> None:
    """Records that `key` was just used (the keys pages' "last used"), when it is due: in
    `db` (a request that writes anyway), or with `database` in a transaction of its own so
    a read stays a read; best effort there: a busy database only delays the record."""
    if not key_use_due(key):
        return
    if database is None:
        _note_use(db, key)
        return
    try:
        with database.session() as own:
            _note_use(own, key)
    except OperationalError as err:
        log.warning("could not record the use of API key %s: %s", key.id, err)


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
