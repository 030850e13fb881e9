"""Task functions by kind, and the context a task runs with."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audino.config import Settings
    from audino.db.engine import Database
    from audino.storage.blobs import BlobStore

TaskFunction = Callable[["JobContext"], "dict[str, Any] | None"]

# Modules whose import registers built-in tasks (a task module adds itself here).
TASK_MODULES: list[str] = [
    "audino.services.imports.bulk_job",
    "audino.services.exports.jobs",
    "audino.services.ingest.job",
    "audino.services.prediction_jobs",
    "audino.services.features",
    "audino.services.dataset_map",
]

_tasks: dict[str, TaskFunction] = {}
_loaded = False


class JobCancelled(Exception):
    """Raised by `progress` when the job was taken away from this worker."""


@dataclass
class JobContext:
    job_id: int
    kind: str
    payload: dict[str, Any]
    database: Database
    storage: BlobStore
    settings: Settings
    report: Callable[[float, str], None] = field(repr=False, default=lambda _f, _m: None)

    def progress(self, fraction: float, message: str = "") -> None:
        """Tells watchers how far along the job is (0..1); cheap to call often."""
        self.report(min(1.0, max(0.0, fraction)), message)


def task(kind: str) -> Callable[[TaskFunction], TaskFunction]:
    """Registers the decorated function as the task run for jobs of this kind."""

    def register(fn: TaskFunction) -> TaskFunction:
        if kind in _tasks and _tasks[kind] is not fn:
            raise ValueError(f"A task for jobs of kind {kind!r} is already registered.")
        _tasks[kind] = fn
        return fn

    return register


def get(kind: str) -> TaskFunction | None:
    load_builtin_tasks()
    return _tasks.get(kind)


def kinds() -> list[str]:
    load_builtin_tasks()
    return sorted(_tasks)


def load_builtin_tasks() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in TASK_MODULES:
            importlib.import_module(module)
