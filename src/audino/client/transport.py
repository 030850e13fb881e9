"""JSON over HTTP with the standard library: the API key on every request, errors raised."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any

from audino.client.errors import AudinoError

USER_AGENT = "audino-client"


class _SameHostAuth(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but never sends the API key to another host (a presigned
    bucket URL carries its own signature and refuses a second one)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urllib.parse.urlsplit(newurl).netloc != req.host:
            new.remove_header("Authorization")
        return new


class Transport:
    def __init__(self, base_url: str, api_key: str | None, *, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_SameHostAuth())

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        url = f"{self.base_url}{path}"
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        return f"{url}?{urllib.parse.urlencode(query)}" if query else url

    def open(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        """The raw answer (a file-like response) of a 2xx; AudinoError otherwise."""
        data = None
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        url = self.url(path, params)
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            return self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            with e:
                raise _error(e.code, e.read()) from None
        except urllib.error.URLError as e:
            raise AudinoError(f"Cannot reach {self.base_url}: {e.reason}") from None

    def json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        with self.open(method, path, params=params, body=body) as answer:
            raw = answer.read()
        return json.loads(raw) if raw else None

    def download(self, path: str, dest: Path, *, params: Mapping[str, Any] | None = None) -> str:
        """Streams the answer to `dest` (written whole or not at all); its content type."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".part")
        with self.open("GET", path, params=params) as answer, partial.open("wb") as out:
            shutil.copyfileobj(answer, out, 1 << 20)
            kind = str(answer.headers.get("Content-Type", ""))
        partial.replace(dest)
        return kind


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _error(status: int, raw: bytes) -> AudinoError:
    """The server answers errors as `{"detail": str, "code": str, ...}`."""
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return AudinoError(body["detail"], status=status, code=str(body.get("code", "")), body=body)
    text = raw.decode("utf-8", "replace").strip()[:500]
    return AudinoError(text or f"HTTP {status}", status=status)
