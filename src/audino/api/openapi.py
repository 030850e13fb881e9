"""The OpenAPI document lists every answer an operation gives, errors included.

FastAPI documents the success answer and its own 422 shape. The error statuses below follow
from what a route depends on (who the caller is, which record the path names, the database),
all in the one body the handlers send (`ErrorOut`); a route's own `responses=` (413 on an
upload, 429 on login, …) adds to them and wins where both name a status.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from audino.api import deps
from audino.api.errors import ErrorOut
from audino.services.access import Principal

REF = "#/components/schemas/"
# FastAPI's default 422 body, which our handler never sends.
FASTAPI_422 = ("HTTPValidationError", "ValidationError")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


ANSWERS = {
    400: "The request is malformed, or a value in it is out of range or not allowed.",
    401: "Not logged in, or the API key or token is invalid, revoked or its user deactivated.",
    403: "Not allowed: the caller's role, or a cookie-authenticated write without the "
    "X-CSRF-Token header.",
    404: "It does not exist, or the caller may not see it.",
    409: "It conflicts with the current data: a stale version, a duplicate, work in progress.",
    413: "The request is too large.",
    416: "The range starts past the end of the file.",
    422: "The request does not match the schema (`errors` says where), or cannot be done.",
    429: "Too many attempts; `retry_after` says how many seconds to wait.",
    503: "The database is busy; retry.",
}
UNAUTHORIZED_HEADERS = {
    "WWW-Authenticate": {
        "description": "Bearer: send a token in the Authorization header, or log in.",
        "required": True,
        "schema": {"type": "string"},
    }
}
RETRY_AFTER_HEADERS = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer"},
    }
}
BINARY = {"type": "string", "format": "binary"}
# Request headers the routes below read themselves, documented as parameters.
RANGE = {
    "name": "Range",
    "in": "header",
    "required": False,
    "description": "One byte range, e.g. bytes=0-1023 (others are answered whole).",
    "schema": {"type": "string"},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of a copy the client holds: 304 when it is still current.",
    "schema": {"type": "string"},
}
NOT_MODIFIED = {304: {"description": "The client's copy (If-None-Match) is current."}}


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route decorator: these error statuses, with the error body."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {"model": ErrorOut, "description": ANSWERS[status]}
        if status == 401:
            out[status]["headers"] = UNAUTHORIZED_HEADERS
        if status == 429:
            out[status]["headers"] = RETRY_AFTER_HEADERS
    return out


def binary(*media_types: str, description: str = "") -> dict[str, Any]:
    """A response whose body is a file in one of these media types; a JSON file's shape
    depends on the format (and a part of one is no JSON at all), so it has no schema."""
    answer: dict[str, Any] = {
        "content": {t: {} if t.endswith("json") else {"schema": BINARY} for t in media_types}
    }
    if description:
        answer["description"] = description
    return answer


def _subs(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _subs(sub)


def _returns(call: Callable[..., Any]) -> object:
    try:
        return typing.get_type_hints(call).get("return")
    except Exception:  # a hint this module cannot resolve tells us nothing
        return None


def _is_access(kind: object) -> bool:
    """ProjectAccess, DatapointAccess, JobAccess, SegmentAccess: a record checked against
    the caller's role (401 without a caller, 403 without the role, 404 when not there)."""
    return isinstance(kind, type) and kind.__name__.endswith("Access")


def error_statuses(route: Any, method: str) -> set[int]:
    """The error statuses a route can answer, from its dependencies and parameters."""
    dependant = route.dependant
    calls = [sub.call for sub in _subs(dependant) if sub.call is not None]
    kinds = [_returns(call) for call in calls]
    found: set[int] = set()
    resolves_caller = any(
        kind in (Principal, Principal | None) or _is_access(kind) for kind in kinds
    )
    writes = method.upper() not in deps.SAFE_METHODS
    if resolves_caller:
        found.add(401)  # even an optional caller: a bad or revoked token is refused
        if writes:
            found.add(403)  # a cookie session without the CSRF header
    if any(call in (deps.admin_principal, deps.current_user_principal) for call in calls):
        found.add(403)
    if any(_is_access(kind) for kind in kinds):
        found.update((403, 404))
    every = [dependant, *_subs(dependant)]
    if any(d.path_params for d in every):
        found.add(404)
    if any(d.path_params or d.query_params or d.header_params or d.body_params for d in every):
        found.update((400, 422))  # out-of-range numbers; FastAPI's validation
    if deps.get_db in calls:
        found.add(503)
        if writes:
            found.add(409)  # a duplicate or a missing reference (IntegrityError)
    return found


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """The documented API routes, each with its full path and its router's dependencies."""
    # FastAPI 0.16x keeps included routers as such; each route is seen through a context.
    contexts = getattr(routing, "iter_route_contexts", None)
    for item in contexts(app.routes) if contexts is not None else app.routes:
        original = getattr(item, "original_route", item)
        if isinstance(original, APIRoute) and original.include_in_schema:
            yield item


def _error_answer(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": ANSWERS[status],
        "content": {"application/json": {"schema": {"$ref": f"{REF}ErrorOut"}}},
    }
    if status == 401:
        answer["headers"] = UNAUTHORIZED_HEADERS
    if status == 429:
        answer["headers"] = RETRY_AFTER_HEADERS
    return answer


def _replace_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value == old:
                node[key] = new
            else:
                _replace_refs(value, old, new)
    elif isinstance(node, list):
        for item in node:
            _replace_refs(item, old, new)


def document_errors(app: FastAPI, schema: dict[str, Any]) -> dict[str, Any]:
    """Adds the error answers to `schema` (FastAPI's document of `app`) in place."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template=REF + "{model}")
    components.update(error_schema.pop("$defs", {}))
    components["ErrorOut"] = error_schema
    _replace_refs(schema["paths"], f"{REF}HTTPValidationError", f"{REF}ErrorOut")
    for name in FASTAPI_422:
        components.pop(name, None)
    routes = {
        (route.path_format, method.lower()): route
        for route in _api_routes(app)
        for method in route.methods
    }
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            route = routes.get((path, method))
            if method not in METHODS or route is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(route, method)):
                responses.setdefault(str(status), _error_answer(status))
            if responses.get("422", {}).get("description") == "Validation Error":
                responses["422"]["description"] = ANSWERS[422]  # FastAPI's default text
            operation["responses"] = dict(sorted(responses.items()))
    return schema


def install(app: FastAPI) -> None:
    """Makes `app.openapi()` (and /openapi.json) return the document with its errors."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(app, plain())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
