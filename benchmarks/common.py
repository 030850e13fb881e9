"""What every benchmark shares: a figure next to its baseline and target, temp databases."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Figure:
    """One measured number, the baseline measured in the same run, and the target."""

    name: str
    value: float
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    target: float | None = None  # the value must stay below this (same unit)
    note: str = ""
    at_least: bool = False  # the target is a floor instead of a ceiling

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.at_least:
            return "ok" if self.value >= self.target else "UNDER"
        return "ok" if self.value < self.target else "OVER"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    return f"{value:,.0f} {unit}"


def print_table(figures: list[Figure]) -> None:
    rows = [("figure", "measured", "baseline (same run)", "target", "")]
    for f in figures:
        base = f"{f.baseline}: {fmt(f.baseline_value, f.unit)}" if f.baseline else ""
        sign = ">=" if f.at_least else "<"
        target = f"{sign} {fmt(f.target, f.unit)}" if f.target is not None else ""
        rows.append((f.name, fmt(f.value, f.unit), base, target, f.verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    notes = [f for f in figures if f.note]
    if notes:
        print()
        for f in notes:
            print(f"* {f.name}: {f.note}")


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def load_average() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


@contextmanager
def database(folder: Path, postgres_url: str | None = None) -> Iterator[Any]:
    """A migrated database in `folder` (SQLite) or in a throwaway PostgreSQL schema."""
    from sqlalchemy import create_engine, text

    from audino.config import Settings
    from audino.db.engine import Database
    from audino.db.migrate import upgrade

    settings = Settings(data_dir=folder, secret_key="benchmark-secret")
    if not postgres_url:
        db = Database(settings)
        upgrade(db.engine)
        try:
            yield settings, db
        finally:
            db.dispose()
        return
    url = postgres_url.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"audino_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    db = Database(settings, f"{url}{sep}options=-csearch_path%3D{schema}")
    try:
        upgrade(db.engine)
        yield settings, db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
