"""The built single-page app and the offline API docs, served beside the API.

Hashed assets are cached for a year; every other path that is not the API answers with
`index.html`, so the browser's router owns client-side URLs (reload on /projects/3 works).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
SWAGGER_DIR = "vendor/swagger"
# Paths the SPA must never shadow: a typo under /api is a JSON 404, not the app's HTML.
RESERVED = frozenset({"api", "docs", "openapi.json", "assets", "vendor"})

MISSING_BUILD = """<!doctype html><meta charset="utf-8"><title>audino</title>
<p>The web app is not built in this checkout. Run <code>npm ci && npm run build</code> in
<code>frontend/</code>, or use the API at <a href="/docs">/docs</a>.</p>"""


class CachedStatic(StaticFiles):
    """Vite names assets by content hash, so a fetched file never changes."""

    def file_response(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


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
