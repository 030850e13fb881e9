"""Every error leaves the API as JSON `{"detail": str, "code": str}` — never a bare 500.

Request validation errors are sentences a person understands ("Give a name.", "The limit
must be at most 500."), with the machine-readable list beside them in `errors`. `ErrorOut` is
that body as the OpenAPI schema shows it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema
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


class FieldError(BaseModel):
    """One problem with one part of the request."""

    loc: list[str] = Field(description='Where it is, e.g. ["body", "name"].')
    field: str = Field(description="Where it is, in words.")
    type: str = Field(description="What is wrong, for programs (pydantic's error type).")
    msg: str = Field(description="What is wrong, as a sentence.")


def _optional_fields(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)  # left out when they do not apply, never null


class ErrorOut(BaseModel):
    """The body of every error answer; some errors add fields of their own (a conflict's
    `usage`, an upload's `limit`, a failed batch's `results`)."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_optional_fields)

    detail: str = Field(description="What went wrong and what to do, as a sentence.")
    code: str = Field(description="What went wrong, for programs: not_found, conflict, ….")
    errors: list[FieldError] | SkipJsonSchema[None] = Field(
        default=None, description="validation_error: each problem with the request."
    )
    current: dict[str, Any] | SkipJsonSchema[None] = Field(
        default=None, description="A stale version (409): the record as it is now."
    )
    retry_after: int | SkipJsonSchema[None] = Field(
        default=None, description="too_many_requests: seconds to wait before trying again."
    )


def error_response(status: int, detail: str, code: str, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"detail": detail, "code": code}
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


_SOURCES = ("body", "query", "path", "header", "cookie", "form")


def _words(part: object) -> str:
    return f"item {part + 1}" if isinstance(part, int) else str(part).replace("_", " ")


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """A field's location in plain words: ("body", "name") → "name", ("body", "values", 0,
    "hotkey") → "hotkey in values › item 1", ("query", "in_use") → "in_use parameter"."""
    source = loc[0] if loc and loc[0] in _SOURCES else None
    parts = list(loc[1:] if source else loc)
    if not parts:
        return "request body" if source == "body" else "request"
    if source == "query":
        return f"{parts[0]} parameter"  # as typed in the URL
    if source == "header":
        return f"{parts[0]} header"
    if source == "path":
        return f"{_words(parts[-1])} in the address"
    name = _words(parts[-1])
    if len(parts) == 1:
        return name
    return f"{name} in {' › '.join(_words(p) for p in parts[:-1])}"


# What is wrong, by pydantic error type, after "The <field> ".
_SIMPLE = {
    "string_type": "must be text",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a JSON object",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "uuid_parsing": "must be a UUID",
    "uuid_type": "must be a UUID",
    "datetime_parsing": "must be a date and time such as 2024-03-01T09:30:00Z",
    "datetime_type": "must be a date and time such as 2024-03-01T09:30:00Z",
    "datetime_from_date_parsing": "must be a date and time such as 2024-03-01T09:30:00Z",
    "date_parsing": "must be a date such as 2024-03-01",
    "date_type": "must be a date such as 2024-03-01",
    "url_parsing": "must be a web address",
    "string_pattern_mismatch": "is not in the expected form",
}
_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("more than", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("less than", "lt"),
}


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def _items(n: object) -> str:
    return "1 item" if n == 1 else f"{n} items"


def describe(err: dict[str, Any]) -> str:
    """One sentence a person understands for one pydantic error: the field, what is wrong."""
    loc = tuple(err.get("loc", ()))
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    field = field_name(loc)
    the = f"the {field}"
    if kind == "missing":
        return _sentence(
            "The request needs a JSON body" if field == "request body" else f"{the} is missing"
        )
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if kind == "string_too_short":
        n = ctx.get("min_length", 1)
        if n == 1:
            return _sentence(f"give a {field}")
        return _sentence(f"{the} must be at least {n} characters long")
    if kind == "string_too_long":
        return _sentence(f"{the} is too long; the limit is {ctx.get('max_length')} characters")
    if kind == "too_short":
        return _sentence(f"{the} needs at least {_items(ctx.get('min_length'))}")
    if kind == "too_long":
        return _sentence(f"{the} takes at most {_items(ctx.get('max_length'))}")
    if kind in _SIMPLE:
        return _sentence(f"{the} {_SIMPLE[kind]}")
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return _sentence(f"{the} must be {words} {ctx.get(key)}")
    if kind in ("enum", "literal_error"):
        return _sentence(f"{the} must be {ctx.get('expected', 'one of the allowed values')}")
    if kind == "extra_forbidden":
        return _sentence(f"“{field}” is not something this request takes")
    msg = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
    if kind in ("value_error", "assertion_error"):
        return _sentence(f"{the} is not valid: {msg}" if loc else msg)
    return _sentence(f"{the} is not valid ({msg[:1].lower() + msg[1:]})")


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
        detail = " ".join(dict.fromkeys(describe(e) for e in errors[:3])) or "Invalid request."
        if len(errors) > 3:
            detail += f" ({len(errors) - 3} more problems.)"
        # The sentences are for people; code, field and loc are for programs.
        clean = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "field": field_name(tuple(e.get("loc", ()))),
                "type": str(e.get("type", "")),
                "msg": describe(e),
            }
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
