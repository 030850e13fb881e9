"""The built single-page app and the offline API docs, served beside the API.

Hashed assets are cached for a year and sent brotli- or gzip-compressed when the browser
accepts it (the build writes NAME.br and NAME.gz beside each text asset); every other path
that is not the API answers with `index.html`, so the browser's router owns client-side URLs
(reload on /projects/3 works).
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.staticfiles import NotModifiedResponse
from starlette.types import Scope

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
SWAGGER_DIR = "vendor/swagger"
# Paths the SPA must never shadow: a typo under /api is a JSON 404, not the app's HTML.
RESERVED = frozenset({"api", "docs", "redoc", "openapi.json", "assets", "vendor", "ml"})
# Precompressed variants the build writes, best first: (Content-Encoding, file suffix).
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))

MISSING_BUILD = """<!doctype html><meta charset="utf-8"><title>audino</title>
<p>The web app is not built in this checkout. Run <code>npm ci && npm run build</code> in
<code>frontend/</code>, or use the API at <a href="/docs">/docs</a>.</p>"""


def accepted_encodings(header: str) -> set[str]:
    """The content codings an Accept-Encoding header allows (a weight of q=0 refuses one)."""
    accepted: set[str] = set()
    for item in header.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        weights = [p[2:] for p in params if p.lower().startswith("q=")]
        try:
            refused = bool(weights) and float(weights[0]) == 0
        except ValueError:
            refused = True
        if coding and not refused:
            accepted.add(coding.lower())
    return accepted


class CachedStatic(StaticFiles):
    """Vite names assets by content hash, so a fetched file never changes."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        plain = os.fspath(full_path)
        variants = [(coding, plain + suffix) for coding, suffix in ENCODINGS]
        compressible = any(os.path.isfile(path) for _, path in variants)
        headers = Headers(scope=scope)
        chosen = _choose(variants, headers) if compressible else None
        if chosen is None:
            response = super().file_response(full_path, stat_result, scope, status_code)
        else:
            coding, path = chosen
            response = FileResponse(
                path,
                status_code=status_code,
                stat_result=os.stat(path),
                media_type=mimetypes.guess_type(plain)[0] or "application/octet-stream",
            )
            response.headers["Content-Encoding"] = coding
            if self.is_not_modified(response.headers, headers):
                response = NotModifiedResponse(response.headers)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        if compressible:
            response.headers["Vary"] = "Accept-Encoding"
        return response


def _choose(variants: list[tuple[str, str]], headers: Headers) -> tuple[str, str] | None:
    # A Range request gets the plain file, so its offsets count the bytes the app uses.
    if "range" in headers:
        return None
    accepted = accepted_encodings(headers.get("accept-encoding", ""))
    for coding, path in variants:
        if (coding in accepted or "*" in accepted) and os.path.isfile(path):
            return coding, path
    return None


def install(app: FastAPI, web_dir: Path = WEB_DIR) -> None:
    if (web_dir / "assets").is_dir():
        app.mount("/assets", CachedStatic(directory=web_dir / "assets"), name="assets")
    if (web_dir / "vendor").is_dir():
        app.mount("/vendor", CachedStatic(directory=web_dir / "vendor"), name="vendor")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="audino API",
            swagger_js_url=f"/{SWAGGER_DIR}/swagger-ui-bundle.js",
            swagger_css_url=f"/{SWAGGER_DIR}/swagger-ui.css",
            swagger_favicon_url="/favicon.svg",
        )

    app.state.web_dir = web_dir


def page_for(request: Request) -> Response | None:
    """The app's page for a browser GET that matched no route, or None to answer 404 JSON.

    Done in the 404 handler rather than as a catch-all route, so unknown API paths and other
    methods keep their usual 404/405 answers.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    path = request.url.path.lstrip("/")
    if path.split("/", 1)[0] in RESERVED:
        return None
    web_dir: Path | None = getattr(request.app.state, "web_dir", None)
    if web_dir is None:
        return None
    candidate = (web_dir / path).resolve()
    if path and candidate.parent == web_dir.resolve() and candidate.is_file():
        return FileResponse(candidate)  # favicon.svg, robots.txt: top-level files only
    index = web_dir / "index.html"
    if not index.is_file():
        return HTMLResponse(MISSING_BUILD, 503)
    # index.html names the current hashed bundles: always revalidate it.
    return FileResponse(index, headers={"Cache-Control": "no-cache"})
