"""Domain errors raised by services; the API turns each into a JSON `{detail, code}` reply."""

from __future__ import annotations

from typing import Any


class AudinoError(Exception):
    """Base class: `status` is the HTTP status the API answers with."""

    status = 400
    code = "bad_request"

    def __init__(self, detail: str, *, code: str | None = None, extra: Any = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.extra = extra


class InvalidInput(AudinoError):
    status = 400
    code = "invalid"


class Unprocessable(AudinoError):
    status = 422
    code = "unprocessable"


class NotAuthenticated(AudinoError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(AudinoError):
    status = 403
    code = "forbidden"


class NotFound(AudinoError):
    status = 404
    code = "not_found"


class Conflict(AudinoError):
    status = 409
    code = "conflict"


class TooLarge(AudinoError):
    status = 413
    code = "too_large"


class TooManyRequests(AudinoError):
    status = 429
    code = "too_many_requests"
