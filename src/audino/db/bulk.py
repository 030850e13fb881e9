"""Bulk reads and writes for imports and exports, past SQLAlchemy's per-value conversion.

Converting each timestamp and JSON value through SQLAlchemy types costs more than the
database work itself at 100k rows, so these helpers use each backend's stored forms
directly: SQLite keeps naive-UTC text and JSON text, PostgreSQL takes and returns native
datetimes and parsed JSON. Writes go through executemany on SQLite and COPY on PostgreSQL.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Table, Text, cast, func, select, text, type_coerce
from sqlalchemy.sql.sqltypes import NullType


@contextmanager
def gc_paused() -> Iterator[None]:
    """Big imports allocate millions of acyclic objects; collecting meanwhile triples the
    time and frees nothing, so the cyclic collector waits until we are done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def raw(column: Any) -> Any:
    """Select `column` as the driver returns it, decoded later by `Decoders`; JSON comes as
    text on every backend (psycopg would parse it with the slower json module)."""
    if isinstance(column.type, JSON):
        return cast(column, Text).label(column.key)
    return type_coerce(column, NullType()).label(column.key)


class Decoders:
    """Timestamps and JSON as selected with `raw`: SQLite gives naive-UTC text, PostgreSQL
    aware datetimes; JSON is text on both."""

    def __init__(self, conn: Connection) -> None:
        self.json: Callable[[Any], Any] = orjson.loads
        self.ts: Callable[[Any], datetime | None]
        self.ts = self._ts_text if conn.dialect.name == "sqlite" else self._ts_native

    _last: tuple[Any, datetime | None] = (None, None)

    def _ts_text(self, value: Any) -> datetime | None:
        # created_at and updated_at are often equal: reuse the last parse. Appending the
        # offset is several times cheaper than datetime.replace(tzinfo=UTC).
        last_text, last = self._last
        if value == last_text:
            return last
        parsed = None if value is None else datetime.fromisoformat(value + "+00:00")
        self._last = (value, parsed)
        return parsed

    @staticmethod
    def _ts_native(value: Any) -> datetime | None:
        if value is None or value.tzinfo is UTC:
            return value  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


class BulkWriter:
    """Rows straight to the driver inside the caller's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self._last: datetime | None = None
        self._last_text = ""

    def ts(self, value: datetime | None) -> Any:
        """The stored form of a timestamp (naive datetimes are taken as UTC)."""
        if value is None:
            return None
        if not self.sqlite:
            return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        if value is self._last:  # created_at and updated_at are often the same object
            return self._last_text
        utc = value.astimezone(UTC) if value.tzinfo not in (UTC, None) else value
        # SQLAlchemy's SQLite text form: "YYYY-MM-DD HH:MM:SS.ffffff", naive UTC.
        self._last, self._last_text = value, utc.isoformat(" ", "microseconds")[:26]
        return self._last_text

    @contextmanager
    def roomy_cache(self, kib: int = 256 * 1024) -> Iterator[None]:
        """A bigger SQLite page cache while bulk inserting (indexes stay in memory)."""
        if not self.sqlite:
            yield
            return
        before = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
        self.conn.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
        try:
            yield
        finally:
            self.conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")

    @staticmethod
    def json(value: Any) -> str:
        return orjson.dumps(value).decode()

    def next_ids(self, table: Table, count: int) -> list[int]:
        """Ids for `count` new rows, in increasing order, before inserting them."""
        if count == 0:
            return []
        if self.sqlite:  # writers hold the write lock (BEGIN IMMEDIATE): max+1.. is ours
            first = int(self.conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)
            return list(range(first + 1, first + 1 + count))
        sql = text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, :n)"
        )
        return sorted(self.conn.scalars(sql, {"n": count}))

    def insert(self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        quote = self.conn.dialect.identifier_preparer.quote
        names = ", ".join(quote(c) for c in columns)
        if self.sqlite:
            rows = rows if isinstance(rows, list) else list(rows)
            if rows:
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
                self.conn.exec_driver_sql(sql, rows)
            return
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor, cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
