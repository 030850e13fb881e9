"""What the client raises: the server's error answers, and jobs that failed or ran late."""

from __future__ import annotations

from typing import Any


class AudinoError(Exception):
    """An error answer from the server: its `status`, `detail` sentence and `code`.

    `status` is None when the server could not be reached at all."""

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str = "",
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {detail}" if status is not None else detail)
        self.detail = detail
        self.status = status
        self.code = code
        self.body = body or {}


class JobFailed(AudinoError):
    """A job ended in `failed`; `detail` is the job's error."""


class JobTimeout(AudinoError, TimeoutError):
    """A job was still queued or running when the wait ran out."""
