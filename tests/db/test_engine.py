"""SQLite writers: queued in arrival order, never lost, never deadlocked."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audino.config import Settings
from audino.db.engine import Database, WriterQueue
from audino.db.migrate import upgrade
from audino.db.models import Project


def test_writer_queue_is_first_come_first_served() -> None:
    queue = WriterQueue()
    assert queue.acquire(1)
    order: list[int] = []

    def wait(i: int) -> None:
        assert queue.acquire(60)
        order.append(i)
        queue.release()

    threads = []
    for i in range(5):
        t = threading.Thread(target=wait, args=(i,))
        t.start()
        threads.append(t)
        while len(queue._waiting) < i + 1:  # arrive in order: each waits before the next starts
            time.sleep(0.001)
    queue.release()
    for t in threads:
        t.join()
    assert order == [0, 1, 2, 3, 4]


def test_writer_queue_times_out() -> None:
    queue = WriterQueue()
    assert queue.acquire(1)
    assert queue.acquire(0.05) is False
    queue.release()
    assert queue.acquire(0.05) is True


def test_concurrent_sqlite_writes_all_land(tmp_path: Path) -> None:
    database = Database(Settings(data_dir=tmp_path))
    upgrade(database.engine)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            for j in range(10):
                with database.session() as db:
                    db.scalar(select(func.count()).select_from(Project))  # read, then write
                    db.add(Project(name=f"p{i}-{j}"))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with database.session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Project)) == 160
        # A read-only session takes no writer turn, and a second write still works.
    with database.session() as db:
        db.add(Project(name="after"))
    database.dispose()


def test_writer_turn_ends_after_commit_and_rollback(tmp_path: Path) -> None:
    """The next writer may start as soon as COMMIT has run, and a failed write frees
    its turn too."""
    database = Database(Settings(data_dir=tmp_path, sqlite_busy_timeout_ms=2000))
    upgrade(database.engine)
    for i in range(3):
        with database.session() as db:
            db.add(Project(name=f"p{i}"))
    try:
        with database.session() as db:
            db.add(Project(name="p0"))  # unique name: the flush at commit fails
    except Exception:  # noqa: BLE001 - any integrity error will do
        pass
    with database.session() as db:  # a turn never given back would time out here
        db.add(Project(name="after"))
    with database.session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Project)) == 4
    database.dispose()


def test_writers_checkpoint_the_wal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CHECKPOINT_EVERY write commits, the writer checkpoints after its turn."""
    from audino.db import engine as engine_module

    calls: list[object] = []
    real = engine_module._checkpoint

    def counting(dbapi_conn: object) -> None:
        calls.append(dbapi_conn)
        real(dbapi_conn)

    database = Database(Settings(data_dir=tmp_path))
    upgrade(database.engine)
    monkeypatch.setattr(engine_module, "CHECKPOINT_EVERY", 2)
    monkeypatch.setattr(engine_module, "_checkpoint", counting)
    before = len(calls)
    for i in range(4):
        with database.session() as db:
            db.add(Project(name=f"p{i}"))
        with database.session(write=False) as db:  # reads take no turn and count nothing
            db.scalar(select(func.count()).select_from(Project))
    assert len(calls) - before == 2
    database.dispose()
