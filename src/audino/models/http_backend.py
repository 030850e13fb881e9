"""`http`: a Label Studio ML backend as an auto-annotator, and the protocol in both directions.

Any server that speaks the Label Studio ML backend protocol (label-studio-ml's
LabelStudioMLBase under Flask, or audino's own /ml/{model} routes) can pre-annotate audino
recordings. A run asks `GET /health`, `POST /setup` ({"project", "schema": the label
config}) for the model version, then `POST /predict` with one task per recording:

    {"tasks": [{"id": 1, "data": {"audio": "http://HOST:PORT/TOKEN/audio.wav"}}],
     "label_config": "<View>…</View>", "project": "0.0", "model_version": …,
     "params": {"login": null, "password": null, "context": null}}

What the backend receives as audio is that URL, nothing else: Label Studio backends fetch
a task's audio with label_studio_tools' `get_local_path`, which downloads http(s) URLs and
nothing we could give instead (a plain path, file:// or data: is handed to `requests`,
which refuses it). So for the length of the /predict call the recording is served by a
one-file HTTP server on `audio_host`:`audio_port` (any free port by default), under a
random path that stops answering when the call returns. With the defaults that is
127.0.0.1: a backend on the same machine; one elsewhere needs `audio_host` set to an
address of this server that it can reach (the server then listens on every interface).

Its answer comes back as audino predictions: every result with `value.start`/`end` is
part of a region (results sharing an `id` are one region); a `labels` or `choices`
result's values go to the audino label named like its control (`from_name`), a
`textarea`'s text becomes the transcript, the result's `score` (else the prediction's)
the confidence. Results without times (a whole-task choice) are left out. So name each
<Labels> of the label config after an audino label, and its <Label>s after its values.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
import shutil
import socket
import socketserver
import threading
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from base64 import b64encode
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from audino.models.annotator import AutoAnnotator, Prediction
from audino.models.audio_input import AudioInput
from audino.models.settings import Setting, check_settings
from audino.services.errors import InvalidInput, Unprocessable

DEFAULT_LABEL_CONFIG = (
    '<View><Audio name="audio" value="$audio"/>'
    '<Labels name="label" toName="audio"><Label value="Speech"/></Labels>'
    '<TextArea name="transcription" toName="audio" perRegion="true"/></View>'
)
# Label Studio names a project "{id}.{created}"; no Label Studio project has id 0.
PROJECT = "0.0"
MAX_CONFIG = 100_000  # characters of label config
MAX_ANSWER = 64 * 1024 * 1024  # bytes of JSON from a backend
OBJECT_TAGS = ("audio", "audioplus")
CONTROL_TAGS = ("labels", "choices", "textarea")
SUFFIXES = {"flac": ".flac", "mp3": ".mp3", "vorbis": ".ogg", "opus": ".opus", "aac": ".m4a"}


# --- the label config ------------------------------------------------------------------


@dataclass(frozen=True)
class Control:
    """A <Labels>, <Choices> or <TextArea> of a label config that points at the audio."""

    name: str
    kind: str  # its tag in lower case, which is also the type of its results
    values: tuple[str, ...]  # the <Label>/<Choice> values, in order


@dataclass(frozen=True)
class LabelConfig:
    audio: str  # the <Audio> object's name: every result's `to_name`
    data_key: str  # the task data field that holds the audio URL ("$audio" -> "audio")
    controls: tuple[Control, ...]


def parse_label_config(text: str) -> LabelConfig:
    """The audio object and its controls; InvalidInput in words when there is none."""
    if len(text) > MAX_CONFIG:
        raise InvalidInput(f"The label config is longer than {MAX_CONFIG} characters.")
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise InvalidInput("The label config may not declare a DOCTYPE or entities.")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise InvalidInput(f"The label config is not valid XML: {error}.") from None
    audio = next((t for t in root.iter() if str(t.tag).lower() in OBJECT_TAGS), None)
    if audio is None or not audio.get("name") or not audio.get("value", "").startswith("$"):
        raise InvalidInput(
            'The label config has no <Audio name="…" value="$field"/> to annotate.',
            code="bad_label_config",
        )
    name = audio.get("name", "")
    controls = tuple(
        Control(
            tag.get("name", ""),
            str(tag.tag).lower(),
            tuple(c.get("value", "") for c in tag if str(c.tag).lower() in ("label", "choice")),
        )
        for tag in root.iter()
        if str(tag.tag).lower() in CONTROL_TAGS
        and tag.get("name")
        and name in [n.strip() for n in tag.get("toName", "").split(",")]
    )
    return LabelConfig(name, audio.get("value", "")[1:], controls)


# --- Label Studio results -> predictions ---------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def predictions_from_results(
    results: Sequence[Any], duration: float, score: float | None = None
) -> list[Prediction]:
    """One task's `result` list as predictions within [0, duration], sorted by start."""
    regions: dict[Any, dict[str, Any]] = {}
    for item in results:
        if not isinstance(item, Mapping) or not isinstance(item.get("value"), Mapping):
            continue
        value = item["value"]
        start, end = _number(value.get("start")), _number(value.get("end"))
        if start is None or end is None:
            continue  # not a region of the audio
        key = item.get("id") or (round(start, 6), round(end, 6))
        region = regions.setdefault(
            str(key), {"start": start, "end": end, "values": {}, "transcript": ""}
        )
        kind = str(item.get("type", "")).lower()
        found = value.get("text" if kind == "textarea" else kind)
        if kind in ("labels", "choices") and isinstance(found, list) and found:
            texts = [str(v) for v in found]
            region["values"][str(item.get("from_name", kind))] = (
                texts[0] if len(texts) == 1 else texts
            )
        elif kind == "textarea" and found:
            region["transcript"] = " ".join(map(str, found if isinstance(found, list) else [found]))
        confidence = _number(item.get("score"))
        if confidence is not None and region.get("confidence") is None:
            region["confidence"] = confidence
        channel = value.get("channel")
        if isinstance(channel, int) and not isinstance(channel, bool) and channel >= 0:
            region["channel"] = channel
    out = []
    for r in regions.values():
        start, end = max(0.0, r["start"]), min(duration, r["end"])
        if end > start:
            confidence = r.get("confidence", score)
            out.append(
                Prediction(
                    start,
                    end,
                    None if confidence is None else min(1.0, max(0.0, confidence)),
                    r["transcript"],
                    r["values"],
                    r.get("channel"),
                )
            )
    return sorted(out, key=lambda p: (p.start, p.end))


# --- predictions -> Label Studio results ----------------------------------------------------


def results_from_predictions(
    predictions: Sequence[Prediction], config: LabelConfig
) -> list[dict[str, Any]]:
    """Predictions as one task's Label Studio `result` list, shaped by the label config:
    values of a label named like a control go to it; a region with none (a VAD's) takes
    the first value of the first <Labels>; a transcript goes to the first <TextArea>."""
    labels = [c for c in config.controls if c.kind in ("labels", "choices")]
    first = next((c for c in labels if c.kind == "labels" and c.values), None)
    text = next((c for c in config.controls if c.kind == "textarea"), None)
    out: list[dict[str, Any]] = []
    for p in predictions:
        region = uuid.uuid4().hex[:10]
        times: dict[str, Any] = {"start": round(p.start, 3), "end": round(p.end, 3)}
        if p.channel is not None:
            times["channel"] = p.channel
        given: list[tuple[Control, list[str]]] = []
        for control in labels:
            if control.name in p.values:
                value = p.values[control.name]
                given.append(
                    (control, [str(v) for v in value] if isinstance(value, list) else [str(value)])
                )
        if not given and first is not None:
            given.append((first, [first.values[0]]))
        made = [(c.name, c.kind, {c.kind: v}) for c, v in given]
        if text is not None and p.transcript:
            made.append((text.name, "textarea", {"text": [p.transcript]}))
        for from_name, kind, value in made:
            result: dict[str, Any] = {
                "id": region,
                "from_name": from_name,
                "to_name": config.audio,
                "type": kind,
                "origin": "prediction",
                "value": times | value,
            }
            if p.confidence is not None:
                result["score"] = p.confidence
            out.append(result)
    return out


# --- the client -----------------------------------------------------------------------------


class HttpBackend(AutoAnnotator):
    name = "http"
    title = "Label Studio ML backend"
    description = (
        "Sends each recording to a server that speaks the Label Studio ML backend protocol "
        "(one built with label-studio-ml, or another audino's /ml/… address) and takes its "
        "regions, labels and transcripts as predictions. The server downloads the audio from "
        "this one while it works, so it must be able to reach the audio address."
    )
    # Also labels and transcripts, when the backend gives them; which ones is up to it.
    fills = ("segments",)
    settings = (
        Setting(
            "url",
            "text",
            "",
            "Backend address",
            "Where the ML backend answers, e.g. http://localhost:9090.",
        ),
        Setting(
            "label_config",
            "text",
            "",
            "Label config",
            "The Label Studio labeling config sent to the backend. Name each <Labels> after "
            'an audino label; empty: one <Labels name="label"> with Speech, and a per-region '
            '<TextArea name="transcription">.',
        ),
        Setting(
            "timeout",
            "number",
            300.0,
            "Timeout",
            "How long to wait for the backend's answer about one recording.",
            minimum=1,
            maximum=3600,
            unit="s",
        ),
        Setting(
            "token",
            "text",
            "",
            "Token",
            'Sent as "Authorization: Token …" (an audino /ml address takes an API token).',
        ),
        Setting(
            "basic_auth",
            "text",
            "",
            "Basic auth",
            "user:password, for a backend started with BASIC_AUTH_USER and BASIC_AUTH_PASS.",
        ),
        Setting(
            "audio_host",
            "text",
            "127.0.0.1",
            "Audio address",
            "The host name or IP address of this server as the backend reaches it, to "
            "download the recording from.",
        ),
        Setting(
            "audio_port",
            "integer",
            0,
            "Audio port",
            "The port the recording is served on while the backend works (0: any free one).",
            minimum=0,
            maximum=65535,
        ),
    )

    def __init__(self) -> None:
        self._last = threading.local()  # the version of this thread's last run

    @property
    def version(self) -> str:
        """The backend's address and model version as of the last predict in this thread
        (a job writes its predictions in the thread that predicted them)."""
        return getattr(self._last, "version", "http")

    def check_run(self, settings: Mapping[str, Any]) -> None:
        settings = check_settings(self, settings)
        try:
            Backend.from_settings(settings, resolve=False)
        except Unprocessable as error:
            raise InvalidInput(error.detail, code="bad_settings") from None
        config_text = str(settings["label_config"]).strip()
        if config_text:
            parse_label_config(config_text)

    def predict(self, audio: AudioInput, settings: Mapping[str, Any]) -> list[Prediction]:
        settings = check_settings(self, settings)
        backend = Backend.from_settings(settings)
        config_text = str(settings["label_config"]).strip() or DEFAULT_LABEL_CONFIG
        try:
            config = parse_label_config(config_text)
        except InvalidInput as error:
            raise Unprocessable(f"{self.name}: {error.detail}", code="bad_label_config") from None
        backend.health()
        model_version = backend.setup(config_text)
        where = urlsplit(backend.url)
        self._last.version = " ".join(
            part for part in ("http", where.netloc + where.path.rstrip("/"), model_version) if part
        )
        host, port = str(settings["audio_host"]).strip(), int(settings["audio_port"])
        with serve_file(audio.path, _suffix(audio), host or "127.0.0.1", port) as url:
            task = {"id": 1, "data": {config.data_key: url}}
            answer = backend.predict(task, config_text, model_version)
        return predictions_from_results(
            answer.get("result") or [], audio.duration, _number(answer.get("score"))
        )


def _suffix(audio: AudioInput) -> str:
    """The file name's ending the backend sees: some pick a decoder by it."""
    if audio.path.suffix:
        return audio.path.suffix.lower()
    codec = (audio.codec or "").lower()
    return ".wav" if codec.startswith("pcm") else SUFFIXES.get(codec, ".audio")


@dataclass(frozen=True)
class Backend:
    """One ML backend's address, credentials and patience; each call's failure is a
    sentence naming the backend and the call."""

    url: str
    headers: Mapping[str, str]
    timeout: float

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], *, resolve: bool = True) -> Backend:
        """Checked settings as a backend; Unprocessable naming what is wrong. `resolve`:
        also look the host up (refusing link-local addresses that are not listed)."""
        url = str(settings["url"]).strip().rstrip("/")
        if not url:
            raise Unprocessable(
                "http: say where the ML backend answers (the url setting), "
                "e.g. http://localhost:9090.",
                code="bad_settings",
            )
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Unprocessable(
                f"http: the backend address must be an http:// or https:// URL, not {url!r}.",
                code="bad_settings",
            )
        _check_backend_host(parts.hostname, parts.port, resolve=resolve)
        token, basic = str(settings["token"]).strip(), str(settings["basic_auth"]).strip()
        if token and basic:
            raise Unprocessable(
                "http: give either a token or basic auth for the backend, not both.",
                code="bad_settings",
            )
        headers = {"Accept": "application/json", "User-Agent": "audino"}
        if token:
            headers["Authorization"] = f"Token {token}"
        elif basic:
            headers["Authorization"] = "Basic " + b64encode(basic.encode()).decode("ascii")
        return cls(url, headers, float(settings["timeout"]))

    def health(self) -> None:
        answer = self._call("/health", None, min(self.timeout, 30.0))
        if isinstance(answer, Mapping) and answer.get("status") not in (None, "UP"):
            raise Unprocessable(
                f"The ML backend at {self.url} is not up: /health says {answer.get('status')!r}.",
                code="backend_failed",
            )

    def setup(self, label_config: str) -> str:
        """The backend's model version ("" when it names none)."""
        answer = self._call("/setup", {"project": PROJECT, "schema": label_config})
        version = answer.get("model_version") if isinstance(answer, Mapping) else None
        return str(version) if version not in (None, "") else ""

    def predict(self, task: dict[str, Any], label_config: str, version: str) -> Mapping[str, Any]:
        """The backend's prediction for one task: {"result": [...], "score": ...}."""
        body: dict[str, Any] = {
            "tasks": [task],
            "label_config": label_config,
            "project": PROJECT,
            "params": {"login": None, "password": None, "context": None},
        }
        if version:
            body["model_version"] = version
        answer = self._call("/predict", body)
        results = answer.get("results") if isinstance(answer, Mapping) else None
        if not isinstance(results, list):
            raise Unprocessable(
                f"The ML backend at {self.url} answered /predict without a list of results.",
                code="backend_failed",
            )
        first: Any = results[0] if results else {}
        if isinstance(first, list):  # several predictions for the task: the first
            first = first[0] if first else {}
        if not isinstance(first, Mapping):
            raise Unprocessable(
                f"The ML backend at {self.url} answered /predict with a result that is not "
                "an object.",
                code="backend_failed",
            )
        return first

    def _call(self, path: str, body: Any, timeout: float | None = None) -> Any:
        timeout = self.timeout if timeout is None else timeout
        data = None if body is None else orjson.dumps(body)
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.url + path, data=data, headers=headers, method="GET" if data is None else "POST"
        )
        where = f"The ML backend at {self.url}"
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                raw = response.read(MAX_ANSWER + 1)
        except urllib.error.HTTPError as error:
            detail = _detail(error)
            raise Unprocessable(
                f"{where} answered {path} with HTTP {error.code}"
                + (f": {detail}" if detail else "."),
                code="backend_failed",
            ) from None
        except TimeoutError:
            raise Unprocessable(
                f"{where} did not answer {path} within {timeout:g} s.", code="backend_failed"
            ) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                why = f"no answer within {timeout:g} s"
            else:
                why = str(getattr(reason, "strerror", None) or reason)
            raise Unprocessable(
                f"{where} did not answer {path}: {why}.", code="backend_failed"
            ) from None
        except (OSError, ValueError) as error:  # a dropped connection, a broken HTTP answer
            raise Unprocessable(
                f"{where} did not answer {path}: {error or type(error).__name__}.",
                code="backend_failed",
            ) from None
        if len(raw) > MAX_ANSWER:
            raise Unprocessable(
                f"{where} answered {path} with more than {MAX_ANSWER // 2**20} MB.",
                code="backend_failed",
            )
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            shown = raw[:80].decode("utf-8", "replace")
            raise Unprocessable(
                f"{where} answered {path} with something that is not JSON: {shown!r}.",
                code="backend_failed",
            ) from None


def _check_backend_host(hostname: str, port: int | None, *, resolve: bool) -> None:
    """The host must be one AUDINO_ML_BACKEND_HOSTS lists; with the setting empty, any
    host but a link-local address (where clouds serve instance metadata and credentials)."""
    from audino.config import get_settings

    host = hostname.casefold()
    where = f"{host}:{port}" if port else host
    allowed = get_settings().resolved_ml_backend_hosts
    if allowed:
        if host not in allowed and where not in allowed:
            raise Unprocessable(
                f"http: audino may not call an ML backend at {where}: the backends it may "
                "call are listed in AUDINO_ML_BACKEND_HOSTS (ask an admin to add it).",
                code="backend_not_allowed",
            )
        return
    addresses: set[str] = set()
    try:
        addresses.add(str(ipaddress.ip_address(host.strip("[]"))))
    except ValueError:
        if resolve:
            try:
                found = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
            except OSError:
                found = []  # the call itself will say the host is not found
            addresses |= {str(info[4][0]) for info in found}
    for address in addresses:
        if ipaddress.ip_address(address.split("%")[0]).is_link_local:
            raise Unprocessable(
                f"http: audino does not call link-local addresses ({where} is {address}) as "
                "ML backends unless AUDINO_ML_BACKEND_HOSTS lists them.",
                code="backend_not_allowed",
            )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """An ML backend answers where it was asked: a redirect is an error, never followed
    (it could point anywhere, past the host check)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _detail(error: urllib.error.HTTPError) -> str:
    """What an error answer says, in a line: its JSON `detail`/`message`/`error`, or text."""
    try:
        raw = error.read(4096)
    except OSError:
        return ""
    finally:
        error.close()
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        text = raw.decode("utf-8", "replace").strip()
        return text.splitlines()[0][:300] if text and not text.startswith("<") else ""
    if isinstance(body, Mapping):
        for key in ("detail", "message", "error"):
            if isinstance(body.get(key), str) and body[key].strip():
                return body[key].strip().splitlines()[0][:300]
    return ""


# --- the recording, served while the backend works ------------------------------------------


@contextmanager
def serve_file(path: Path, suffix: str, host: str, port: int = 0) -> Iterator[str]:
    """A URL that answers with the file at `path` until the block ends; the path part is
    random, so nothing else on this server can be read through it."""
    secret = secrets.token_urlsafe(24)
    route = f"/{secret}/audio{suffix}"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            if self.path.split("?", 1)[0] != route:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            size = path.stat().st_size
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            with path.open("rb") as source:
                shutil.copyfileobj(source, self.wfile, 1 << 20)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return  # not to stderr; the backend's own failure says what went wrong

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if host == "::1" else socket.AF_INET
        daemon_threads = True

        def server_bind(self) -> None:  # HTTPServer's looks up the host name: slow, unused
            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = host, int(self.server_address[1])

    local = host in ("127.0.0.1", "localhost", "::1")
    try:
        server = Server((host if local else "", port), Handler)
    except OSError as error:
        raise Unprocessable(
            f"http: cannot serve the recording on port {port}: {error.strerror or error}.",
            code="bad_settings",
        ) from None
    thread = threading.Thread(target=server.serve_forever, name="http-backend-audio", daemon=True)
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    try:
        yield f"http://{shown}:{server.server_address[1]}{route}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
