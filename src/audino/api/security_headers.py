"""Security headers on every response: a Content-Security-Policy, no framing, no sniffing,
a same-origin referrer, and HSTS when the cookies are marked Secure.

The app's pages run no inline script (the built index.html loads one module from /assets),
so their policy allows scripts from this origin only. Styles may be inline: wavesurfer draws
inside a shadow root with its own <style> element. Audio and peaks may come from `blob:`
URLs and, with presigned bucket URLs, from the bucket's origin.

The Swagger page at /docs starts itself with one inline script; its policy allows exactly
that script by its SHA-256 hash, computed from the page as it is sent.
"""

from __future__ import annotations

import base64
import hashlib
import os
from html.parser import HTMLParser
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from audino.config import Settings

DOCS_PATH = "/docs"
HSTS = "max-age=31536000; includeSubDomains"
AWS_ORIGINS = "https://*.amazonaws.com"


def _policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def bucket_origins(settings: Settings) -> list[str]:
    """Where presigned audio URLs point (none when audio passes through the server)."""
    if settings.storage_presign_seconds <= 0:
        return []
    endpoint = (
        settings.s3_endpoint_url
        or os.environ.get("AUDINO_S3_ENDPOINT_URL")
        or os.environ.get("AWS_ENDPOINT_URL")
    )
    if not endpoint:
        return [AWS_ORIGINS]
    parts = urlsplit(endpoint)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


def app_policy(settings: Settings) -> str:
    buckets = bucket_origins(settings)
    return _policy(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'", "'unsafe-inline'"],
            "img-src": ["'self'", "data:", "blob:"],
            "media-src": ["'self'", "blob:", *buckets],
            "connect-src": ["'self'", *buckets],
            "worker-src": ["'self'", "blob:"],
            "font-src": ["'self'", "data:"],
            "object-src": ["'none'"],
            "base-uri": ["'none'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
        }
    )


def docs_policy(inline_script_hashes: list[str]) -> str:
    return _policy(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'", *(f"'sha256-{h}'" for h in inline_script_hashes)],
            "style-src": ["'self'", "'unsafe-inline'"],
            "img-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'none'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
        }
    )


class _InlineScripts(HTMLParser):
    """Collects the text of each <script> without a src (what CSP hashes cover)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def inline_script_hashes(html: str) -> list[str]:
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return [
        base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        for script in parser.scripts
    ]


class SecurityHeaders:
    """Pure ASGI middleware (streamed audio and exports pass through unbuffered)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.common = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if settings.cookie_secure:
            self.common["Strict-Transport-Security"] = HSTS
        self.policy = app_policy(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == DOCS_PATH:
            await self._docs(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._add(message, self.policy)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _add(self, message: Message, policy: str) -> None:
        headers = MutableHeaders(scope=message)
        for name, value in self.common.items():
            headers.setdefault(name, value)
        headers.setdefault("Content-Security-Policy", policy)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A small generated page: held until complete so its inline script can be hashed.
        start: Message | None = None
        body: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            content = b"".join(body)
            self._add(start, docs_policy(inline_script_hashes(content.decode("utf-8", "replace"))))
            await send(start)
            await send({"type": "http.response.body", "body": content})

        await self.app(scope, receive, hold)
