"""audino's models served as Label Studio ML backends: `/ml/{model}` speaks that protocol.

In a Label Studio project's Model settings, give https://AUDINO/ml/vad-webrtc as the URL
and Basic auth with any user name and an audino personal API token as the password (or
send "Authorization: Token …"). /predict downloads each task's audio itself, from the
http(s) URL in the task's data field that the label config's <Audio value="$…"> names, to
a size-capped temporary file, and only from the hosts AUDINO_ML_AUDIO_HOSTS names (Label
Studio's), redirects included; it never reads a path or any other scheme, so neither a file
of this server nor an address of a caller's choosing can be reached through it. Regions
come back shaped by the label config sent (http_backend.results_from_predictions). Not in
the OpenAPI document: it is Label Studio's protocol, not audino's API.
"""

from __future__ import annotations

import base64
import binascii
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Annotated, Any
from urllib.parse import urljoin, urlsplit

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from audino.api.deps import DbDep, SettingsDep, optional_principal
from audino.audio.probe import BadAudio
from audino.config import Settings
from audino.models import AudioInput, AutoAnnotator, check_settings, registry
from audino.models.http_backend import (
    DEFAULT_LABEL_CONFIG,
    LabelConfig,
    parse_label_config,
    results_from_predictions,
)
from audino.services.access import Principal
from audino.services.errors import (
    InvalidInput,
    NotAuthenticated,
    NotFound,
    TooLarge,
    Unprocessable,
)

router = APIRouter(prefix="/ml/{model_name}", tags=["ml-backend"], include_in_schema=False)

MAX_TASKS = 100  # per /predict call: each is a download and a model run
DOWNLOAD_TIMEOUT = 60.0  # seconds without a byte from the audio's server


def ml_principal(request: Request, db: DbDep) -> Principal:
    """The caller as /api resolves them; Label Studio's Basic auth carries the API token
    as its password, so that is handed on as the token."""
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, password = (
                base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
            )
            password = password or user  # the token in either field
        except (binascii.Error, UnicodeDecodeError):
            raise NotAuthenticated(
                "The Basic auth header is not valid.", code="bad_token"
            ) from None
        scope = dict(request.scope)
        scope["headers"] = [
            (k, v) for k, v in request.scope["headers"] if k.lower() != b"authorization"
        ] + [(b"authorization", b"Token " + password.encode("latin-1", "replace"))]
        request = Request(scope)
    principal = optional_principal(request, db)
    if principal is None:
        raise NotAuthenticated(
            "Send an audino API token: as the Basic auth password in Label Studio's model "
            'settings, or as "Authorization: Token …".'
        )
    principal.require_user()
    db.commit()  # a run takes minutes: hold no transaction (nor SQLite's write lock) meanwhile
    return principal


MlPrincipal = Annotated[Principal, Depends(ml_principal)]


def _annotator(model_name: str) -> AutoAnnotator:
    try:
        annotator = registry.get(model_name)
    except InvalidInput as error:
        raise NotFound(error.detail, code="unknown_model") from None
    reason = annotator.unavailable()
    if reason:
        raise Unprocessable(reason, code="model_unavailable")
    return annotator


def _config(text: str | None) -> LabelConfig:
    return parse_label_config(text.strip() if text and text.strip() else DEFAULT_LABEL_CONFIG)


@router.get("/health")
def health(model_name: str, _: MlPrincipal) -> dict[str, Any]:
    annotator = _annotator(model_name)
    return {
        "status": "UP",
        "model_class": type(annotator).__name__,
        "model_version": annotator.version,
    }


class SetupIn(BaseModel):
    model_config = ConfigDict(extra="allow", protected_namespaces=())

    schema_: str | None = Field(default=None, alias="schema", max_length=100_000)


@router.post("/setup")
def setup(model_name: str, _: MlPrincipal, body: SetupIn | None = None) -> dict[str, Any]:
    annotator = _annotator(model_name)
    if body is not None and body.schema_:
        _config(body.schema_)  # a config without audio is refused now, not at each task
    return {"model_version": annotator.version}


class PredictIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    tasks: list[dict[str, Any]] = Field(max_length=MAX_TASKS)
    label_config: str | None = Field(default=None, max_length=100_000)


@router.post("/predict")
def predict(
    model_name: str, body: PredictIn, _: MlPrincipal, settings: SettingsDep
) -> dict[str, Any]:
    annotator = _annotator(model_name)
    config = _config(body.label_config)
    model_settings = check_settings(annotator, {})
    version = annotator.version
    results = []
    for n, task in enumerate(body.tasks):
        data = task.get("data")
        url = data.get(config.data_key) if isinstance(data, Mapping) else None
        if not isinstance(url, str) or not url:
            raise InvalidInput(
                f"Task {n + 1} has no audio URL in data.{config.data_key} "
                f'(the field the label config\'s <Audio value="${config.data_key}"> names).',
                code="no_audio",
            )
        with _downloaded(url, settings) as path:
            try:
                found = annotator.predict(AudioInput.from_file(path), model_settings)
            except BadAudio as error:
                raise Unprocessable(
                    f"The audio of task {n + 1} cannot be read: {error}", code="bad_audio"
                ) from None
        scores = [p.confidence for p in found if p.confidence is not None]
        result: dict[str, Any] = {
            "result": results_from_predictions(found, config),
            "model_version": version,
        }
        if scores:
            result["score"] = sum(scores) / len(scores)
        results.append(result)
    return {"results": results, "model_version": version}


@router.post("/webhook")
def webhook(model_name: str, _: MlPrincipal) -> dict[str, Any]:
    """Label Studio's training events: audino's models do not train from them."""
    _annotator(model_name)
    return {}


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to http(s) on the allowed hosts only (urllib would follow one
    to ftp:// or anywhere)."""

    def __init__(self, hosts: set[str]) -> None:
        super().__init__()
        self.hosts = hosts

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
    ) -> Any:
        target = urljoin(req.full_url, headers.get("location") or headers.get("uri") or "")
        try:
            _check_url(target, self.hosts)
        except InvalidInput:
            fp.close()
            raise
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _check_url(url: str, hosts: set[str]) -> None:
    """An http(s) URL on one of the hosts AUDINO_ML_AUDIO_HOSTS allows, else a 400."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        shown = url if len(url) <= 120 else url[:117] + "…"
        raise InvalidInput(
            f"The task's audio must be an http:// or https:// URL for audino to download, "
            f"not {shown!r}: audino reads no files of its own through /ml. (Label Studio's "
            "/data/… paths need its address in front.)",
            code="bad_audio_url",
        )
    host = parts.hostname.casefold()
    where = f"{host}:{parts.port}" if parts.port else host
    if host not in hosts and where not in hosts:
        raise InvalidInput(
            f"audino does not download task audio from {where}: the hosts /ml may fetch "
            "from are set in AUDINO_ML_AUDIO_HOSTS (your Label Studio's address).",
            code="audio_host_not_allowed",
        )


@contextmanager
def _downloaded(url: str, settings: Settings) -> Iterator[Path]:
    """The audio at `url` in a temporary file (at most settings.max_upload_bytes), gone
    after the block."""
    hosts = settings.resolved_ml_audio_hosts
    _check_url(url, hosts)
    settings.temp_dir.mkdir(parents=True, exist_ok=True)
    suffix = Path(urlsplit(url).path).suffix[:10]
    handle, name = tempfile.mkstemp(prefix="ml-", suffix=suffix, dir=settings.temp_dir)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            _fetch(url, out, settings.max_upload_bytes, hosts)
        yield path
    finally:
        path.unlink(missing_ok=True)


def _fetch(url: str, out: IO[bytes], limit: int, hosts: set[str]) -> None:
    failed = f"Downloading the task's audio from {urlsplit(url).netloc} failed"
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "audino"})
        opener = urllib.request.build_opener(_HttpOnly(hosts))
        with opener.open(request, timeout=DOWNLOAD_TIMEOUT) as answer:
            stated = answer.headers.get("Content-Length")
            if stated and stated.isdigit() and int(stated) > limit:
                raise TooLarge(_too_large(limit))
            size = 0
            while chunk := answer.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(_too_large(limit))
                out.write(chunk)
    except urllib.error.HTTPError as error:
        error.close()
        raise Unprocessable(f"{failed}: HTTP {error.code}.", code="audio_download_failed") from None
    except urllib.error.URLError as error:
        raise Unprocessable(f"{failed}: {error.reason}.", code="audio_download_failed") from None
    except (OSError, ValueError) as error:  # a dropped connection, a broken HTTP answer
        raise Unprocessable(
            f"{failed}: {error or type(error).__name__}.", code="audio_download_failed"
        ) from None


def _too_large(limit: int) -> str:
    return f"The task's audio is larger than this server takes ({limit / 2**20:g} MB)."
