"""Engine and session factory; SQLite gets WAL, foreign keys and write-first transactions."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from audino.config import Settings


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(settings: Settings, url: str | None = None) -> Engine:
    url = url or settings.resolved_database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql+psycopg://"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise RuntimeError(
                "AUDINO_DATABASE_URL points at PostgreSQL, but its driver is not installed: "
                "install audino with the 'postgres' extra (pip install 'audino[postgres]')."
            ) from None
    if is_sqlite(url):
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            from pathlib import Path

            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=20,
            max_overflow=40,
            # JSON columns (segment values) decode several times faster with orjson.
            json_deserializer=orjson.loads,
        )
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
    else:
        engine = create_engine(
            url,
            pool_size=20,
            max_overflow=20,
            pool_pre_ping=True,
            json_deserializer=orjson.loads,
        )
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself, so writers can ask for BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Writers checkpoint the WAL themselves after their turn (see _commit); SQLite's
        # own checkpoint, inside COMMIT, would make every queued writer wait for it.
        # It stays on with a high mark as a bound for writes from elsewhere.
        cur.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()

    writers = WriterQueue()
    timeout = busy_timeout_ms / 1000

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write transaction takes the write lock up front: two deferred transactions
        # upgrading at once would fail with SQLITE_BUSY instead of waiting their turn.
        mode = conn.get_execution_options().get("sqlite_begin", "")
        if mode == "IMMEDIATE" and not conn.info.get(_HOLDS_WRITER):
            # Writers queue here in arrival order instead of in SQLite's busy handler,
            # which sleeps in growing steps and lets unlucky requests wait for seconds.
            if not writers.acquire(timeout):
                raise TimeoutError("the database stayed busy; please retry")
            conn.info[_HOLDS_WRITER] = True
        try:
            conn.exec_driver_sql(f"BEGIN {mode}".strip())
        except BaseException:
            _release(conn.info)
            raise

    def _release(info: dict[str, Any]) -> bool:
        if info.pop(_HOLDS_WRITER, False):
            writers.release()
            return True
        return False

    # The writer's turn ends once COMMIT or ROLLBACK has run, not when it is about to
    # (the engine's "commit" event fires before): a COMMIT that checkpoints the WAL takes
    # milliseconds, and the next writer would wait for it in SQLite's sleeping busy handler.
    dialect = engine.dialect
    do_commit, do_rollback = dialect.do_commit, dialect.do_rollback

    def _info(dbapi_conn: Any) -> dict[str, Any]:
        # A pooled connection shares its record's info; the engine's first-connect
        # probe passes an ad-hoc connection without one (it never holds the writer).
        record = getattr(dbapi_conn, "_connection_record", None)
        return record.info if record is not None else {}

    commits = itertools.count(1)

    def _commit(dbapi_conn: Any) -> None:
        do_commit(dbapi_conn)
        if _release(_info(dbapi_conn)) and next(commits) % CHECKPOINT_EVERY == 0:
            _checkpoint(dbapi_conn)

    def _rollback(dbapi_conn: Any) -> None:
        try:
            do_rollback(dbapi_conn)
        finally:
            _release(_info(dbapi_conn))

    dialect.do_commit = _commit  # type: ignore[method-assign,assignment]
    dialect.do_rollback = _rollback  # type: ignore[method-assign,assignment]

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        _release(record.info)  # a connection given back mid-transaction

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(_dbapi_conn: Any, record: Any, _exc: Any) -> None:
        _release(record.info)


_HOLDS_WRITER = "audino_holds_writer"
# Every this many write transactions, the writer that just committed copies the WAL back
# into the database (PASSIVE: it waits for no one, and others may write meanwhile).
CHECKPOINT_EVERY = 50
WAL_AUTOCHECKPOINT_PAGES = 20_000


def _checkpoint(dbapi_conn: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:
        pass  # a later checkpoint (or SQLite's own) catches up
    finally:
        cur.close()


class WriterQueue:
    """A first-come, first-served lock for SQLite writers within this process."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        if turn.acquire(timeout=timeout):
            return True
        with self._mutex:
            try:
                self._waiting.remove(turn)
            except ValueError:
                return True  # handed over just as the wait timed out
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()  # ownership passes straight on
            else:
                self._held = False


def make_sessionmaker(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if write else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


class Database:
    """The engine plus a read and a write session factory."""

    def __init__(self, settings: Settings, url: str | None = None) -> None:
        self.engine = make_engine(settings, url)
        self.url = str(self.engine.url)
        self.read_session = make_sessionmaker(self.engine)
        self.write_session = make_sessionmaker(self.engine, write=True)

    def new_session(self, *, write: bool = True) -> Session:
        """A session the caller commits or rolls back and closes (see `session`)."""
        return (self.write_session if write else self.read_session)()

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        factory = self.write_session if write else self.read_session
        with factory() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
