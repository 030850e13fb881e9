"""Background jobs: tasks registered by kind, a Huey queue, and the runner between them.

A module defines a task with `@task("kind")`; services queue one with
`audino.services.jobs.enqueue(db, "kind", payload)`. See `registry` and `runner`.
"""

from audino.jobs.registry import JobCancelled, JobContext, task

__all__ = ["JobCancelled", "JobContext", "task"]
