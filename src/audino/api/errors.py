"""Every error leaves the API as JSON `{"detail": str, "code": str}` — never a bare 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from audino.api import web
from audino.services.errors import AudinoError

log = logging.getLogger("audino")

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    416: "range_not_satisfiable",
    422: "validation_error",
    429: "too_many_requests",
}


def error_response(status: int, detail: str, code: str, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"detail": detail, "code": code}
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _describe(err: dict[str, Any]) -> str:
    loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
    where = ".".join(loc)
    msg = str(err.get("msg", "invalid value"))
    return f"{where}: {msg}" if where else msg


def _out_of_range() -> JSONResponse:
    return error_response(
        400,
        "A number in the request is out of range (ids and counts must fit 32 bits).",
        "out_of_range",
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(AudinoError)
    async def _domain(_: Request, exc: AudinoError) -> JSONResponse:
        extra = exc.extra if isinstance(exc.extra, dict) else {}
        return error_response(exc.status, exc.detail, exc.code, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        detail = "; ".join(_describe(e) for e in errors[:5]) or "Invalid request."
        clean = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in errors
        ]
        return error_response(422, detail, "validation_error", errors=clean)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and (page := web.page_for(request)) is not None:
            return page
        code = _STATUS_CODES.get(exc.status_code, "error")
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response = error_response(exc.status_code, detail, code)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error turned into 409: %s", exc.orig)
        return error_response(
            409,
            "This conflicts with existing data (a duplicate or a missing reference).",
            "conflict",
        )

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        return _out_of_range()

    @app.exception_handler(OverflowError)
    async def _overflow(_: Request, exc: OverflowError) -> JSONResponse:
        return _out_of_range()

    @app.exception_handler(TimeoutError)
    async def _timeout(_: Request, exc: TimeoutError) -> JSONResponse:
        log.warning("timed out waiting: %s", exc)
        return error_response(503, "The database is busy; please retry.", "database_busy")

    @app.exception_handler(OperationalError)
    async def _operational(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database busy: %s", exc.orig)
        return error_response(503, "The database is busy; please retry.", "database_busy")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, StatementError) and isinstance(exc.orig, OverflowError):
            return _out_of_range()  # SQLite refuses integers past 64 bits this way
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "Internal server error.", "internal_error")
