"""The Label Studio ML backend protocol both ways: the `http` model against a real
label-studio-ml backend (and against audino's own /ml server), and /ml/{model} answering
Label Studio's calls with audino's models.

The real backend runs in `.venv-lsml` (label-studio-ml pins an old Flask; made by .ci/run:
`python3 -m venv .venv-lsml && .venv-lsml/bin/pip install label-studio-ml rq`); those
tests skip without it. Everything else runs on the standard library's HTTP servers.
"""

from __future__ import annotations

import base64
import http.server
import os
import select
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from audino.models import AudioInput, Prediction, registry
from audino.models.http_backend import (
    DEFAULT_LABEL_CONFIG,
    parse_label_config,
    predictions_from_results,
    results_from_predictions,
)
from audino.services.errors import InvalidInput, Unprocessable
from tests.conftest import FIXTURES, REPO, SPEECH, AppEnv, Factory

LSML_PYTHON = REPO / ".venv-lsml" / "bin" / "python"
BACKEND_APP = Path(__file__).with_name("ls_backend_app.py")
WAV = FIXTURES / "formats" / "pcm16_mono_16k.wav"
SPEECH_CLIP = SPEECH / "en_us_1.flac"
BASIC = "ls-user:s3cret"
# An audino label "kind" (speech / noise) and a per-region transcript.
CONFIG = (
    '<View><AudioPlus name="rec" value="$sound"/>'
    '<Labels name="kind" toName="rec"><Label value="speech"/><Label value="noise"/></Labels>'
    '<TextArea name="words" toName="rec" perRegion="true"/></View>'
)
needs_lsml = pytest.mark.skipif(
    not LSML_PYTHON.exists(),
    reason=".venv-lsml is missing (python3 -m venv .venv-lsml && "
    ".venv-lsml/bin/pip install label-studio-ml rq)",
)


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    registry.reload()
    yield
    registry.reload()


def wait_until_up(url: str, headers: dict[str, str], deadline: float = 30.0) -> None:
    """Polls `url` until it answers 200 (a started server may take a moment to listen)."""
    until = time.monotonic() + deadline
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5):
                return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > until:
                raise
            time.sleep(0.05)


# --- the protocol's shapes ----------------------------------------------------------------


def test_label_configs_name_the_audio_and_its_controls() -> None:
    default = parse_label_config(DEFAULT_LABEL_CONFIG)
    assert (default.audio, default.data_key) == ("audio", "audio")
    assert [(c.name, c.kind, c.values) for c in default.controls] == [
        ("label", "labels", ("Speech",)),
        ("transcription", "textarea", ()),
    ]
    custom = parse_label_config(CONFIG)
    assert (custom.audio, custom.data_key) == ("rec", "sound")
    for bad, words in [
        ('<View><Text name="t" value="$text"/></View>', "no <Audio"),
        ("<View><Audio", "not valid XML"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><View/>', "DOCTYPE"),
    ]:
        with pytest.raises(InvalidInput, match=words):
            parse_label_config(bad)


def test_predictions_survive_the_trip_through_label_studio_results() -> None:
    config = parse_label_config(CONFIG)
    sent = [
        Prediction(0.5, 1.25, 0.8, "hello there", {"kind": "speech"}),
        Prediction(2.0, 3.0, None, "", {}),  # a VAD's: the first label of the first <Labels>
        Prediction(3.5, 4.0, 0.3, "", {"kind": "noise", "other": "x"}),
    ]
    results = results_from_predictions(sent, config)
    assert {(r["from_name"], r["to_name"], r["type"]) for r in results} == {
        ("kind", "rec", "labels"),
        ("words", "rec", "textarea"),
    }
    back = predictions_from_results(results, duration=10.0)
    assert [(p.start, p.end, p.confidence, p.transcript, p.values) for p in back] == [
        (0.5, 1.25, 0.8, "hello there", {"kind": "speech"}),
        (2.0, 3.0, None, "", {"kind": "speech"}),
        (3.5, 4.0, 0.3, "", {"kind": "noise"}),
    ]
    # Clipped to the recording; the task's score stands in for a region's; no times: left out.
    odd = [
        {"type": "labels", "from_name": "kind", "value": {"start": 9, "end": 12, "labels": ["a"]}},
        {"type": "choices", "from_name": "mood", "value": {"choices": ["calm"]}},
        {"type": "labels", "value": {"start": 11, "end": 12, "labels": ["late"]}},
    ]
    assert predictions_from_results(odd, duration=10.0, score=0.5) == [
        Prediction(9.0, 10.0, 0.5, "", {"kind": "a"})
    ]


# --- the client: refusals and failures in words ---------------------------------------------


def run(settings: dict[str, Any], path: Path = WAV) -> list[Prediction]:
    backend = registry.get("http")
    return backend.predict(AudioInput.from_file(path), registry.check_settings(backend, settings))


def test_the_client_refuses_settings_it_cannot_use() -> None:
    for settings, words in [
        ({}, "say where the ML backend answers"),
        ({"url": "  "}, "say where the ML backend answers"),
        ({"url": "ftp://example.org"}, "must be an http:// or https:// URL"),
        ({"url": "http://x", "token": "a", "basic_auth": "b:c"}, "not both"),
        ({"url": "http://x", "label_config": "<View/>"}, "no <Audio"),
    ]:
        with pytest.raises(Unprocessable, match=words):
            run(settings)


class Misbehaving(http.server.BaseHTTPRequestHandler):
    """A backend that answers each path wrongly in its own way."""

    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802
        answers = {
            "/down/health": (500, b'{"status": 500, "detail": "ValueError: model broke"}'),
            "/html/health": (200, b"<html>hello</html>"),
            "/sick/health": (200, b'{"status": "DOWN"}'),
        }
        if self.path == "/slow/health":
            self.release.wait(10)
            return
        status, body = answers.get(self.path, (404, b"no such page"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


@pytest.fixture
def misbehaving() -> Iterator[str]:
    Misbehaving.release = threading.Event()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        Misbehaving.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def test_backend_failures_are_sentences(misbehaving: str) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{closed.getsockname()[1]}"
    cases = [
        (f"{misbehaving}/down", "answered /health with HTTP 500: ValueError: model broke"),
        (f"{misbehaving}/html", "answered /health with something that is not JSON"),
        (f"{misbehaving}/sick", "is not up: /health says 'DOWN'"),
        (f"{misbehaving}/gone", "answered /health with HTTP 404: no such page"),
        (nobody, "did not answer /health: Connection refused"),
        (f"{misbehaving}/slow", "did not answer /health within 1 s"),
    ]
    for url, words in cases:
        with pytest.raises(Unprocessable) as caught:
            run({"url": url, "timeout": 1})
        assert words in caught.value.detail and url in caught.value.detail
        assert "Traceback" not in caught.value.detail


# --- against a real label-studio-ml backend -----------------------------------------------


@pytest.fixture(scope="module")
def ls_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """label-studio-ml's Flask app with tests/models/ls_backend_app.py's model, behind
    basic auth: its URL."""
    if not LSML_PYTHON.exists():
        pytest.skip(".venv-lsml is missing")
    home = tmp_path_factory.mktemp("ls-backend")
    env = dict(os.environ, XDG_CACHE_HOME=str(home / "cache"), XDG_DATA_HOME=str(home / "data"))
    log = (home / "stderr.log").open("w")
    proc = subprocess.Popen(
        [str(LSML_PYTHON), str(BACKEND_APP), BASIC],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env=env,
        cwd=home,
    )
    assert proc.stdout is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        line = proc.stdout.readline() if ready else ""
        assert line.strip().isdigit(), (home / "stderr.log").read_text()[-3000:]
        url = f"http://127.0.0.1:{int(line)}"
        auth = "Basic " + base64.b64encode(BASIC.encode()).decode()
        wait_until_up(f"{url}/health", {"Authorization": auth})
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        log.close()


@needs_lsml
def test_a_real_backend_gets_the_audio_and_its_answer_comes_back(ls_backend: str) -> None:
    duration = AudioInput.from_file(WAV).duration
    half = round(duration / 2, 3)
    got = run({"url": ls_backend, "basic_auth": BASIC, "label_config": CONFIG})
    # The backend read the length from the audio it downloaded and the labels from the config.
    assert [(p.start, p.end, p.values, p.confidence, p.transcript) for p in got] == [
        (0.25, half, {"kind": "speech"}, 0.9, f"first half of {duration:.3f} s"),
        (half, duration, {"kind": "noise"}, 0.6, ""),
    ]
    version = registry.get("http").version
    assert version == f"http {ls_backend.removeprefix('http://')} INITIAL"
    with pytest.raises(Unprocessable, match="HTTP 401: Unauthorized: wrong basic auth"):
        run({"url": ls_backend, "basic_auth": "ls-user:wrong", "label_config": CONFIG})


@needs_lsml
def test_a_job_stores_a_real_backends_predictions(
    app_env: AppEnv, factory: Factory, admin: TestClient, ls_backend: str
) -> None:
    project = factory.project("LS")
    pid = project["id"]
    label = factory.label(pid, "kind", "single", values=[{"value": "speech"}, {"value": "noise"}])
    ids = {v["value"]: v["id"] for v in label["values"]}
    up = admin.post(f"/api/projects/{pid}/datapoints", files={"file": (WAV.name, WAV.read_bytes())})
    assert up.status_code == 201, up.text
    dp = up.json()["datapoint"]["id"]
    settings = {"url": ls_backend, "basic_auth": BASIC, "label_config": CONFIG}
    r = admin.post(
        f"/api/projects/{pid}/predictions/jobs", json={"model": "http", "settings": settings}
    )
    assert r.status_code == 202, r.text
    job = admin.get(f"/api/jobs/{r.json()['id']}").json()
    assert job["status"] == "done", job
    assert job["result"]["predictions"] == 2 and job["result"]["version"].endswith(" INITIAL")
    got = admin.get(f"/api/datapoints/{dp}/predictions").json()
    duration = admin.get(f"/api/datapoints/{dp}").json()["duration"]
    half = round(duration / 2, 3)
    assert [
        (p["start"], p["end"], p["values"], p["confidence"], p["transcript"], p["model"])
        for p in got
    ] == [
        (0.25, half, {str(label["id"]): ids["speech"]}, 0.9, "first half of 7.433 s", "http"),
        (half, round(duration, 3), {str(label["id"]): ids["noise"]}, 0.6, "", "http"),
    ]
    # A run without an address is refused when asked for, in words, and queues nothing.
    before = admin.get("/api/jobs", params={"project_id": pid}).json()
    r = admin.post(f"/api/projects/{pid}/predictions/jobs", json={"model": "http"})
    assert r.status_code == 400 and "say where the ML backend answers" in r.json()["detail"]
    r = admin.patch(
        f"/api/projects/{pid}",
        json={"settings": {"models": {"at_ingest": [{"model": "http", "settings": {}}]}}},
    )
    assert r.status_code == 400
    assert r.json()["detail"].startswith("settings.models.at_ingest[0]: http: say where")
    assert admin.get("/api/jobs", params={"project_id": pid}).json() == before


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """monkeypatch, with the settings cache forgotten before and after."""
    from audino import config

    config.get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    config.get_settings.cache_clear()


def test_settings_that_cannot_make_a_run_are_refused_before_any_call(
    settings_env: pytest.MonkeyPatch,
) -> None:
    http = registry.get("http")
    for settings, words in (
        ({}, "say where the ML backend answers"),
        ({"url": "ftp://models.example"}, "must be an http:// or https:// URL"),
        ({"url": "http://localhost:9090", "token": "t", "basic_auth": "a:b"}, "not both"),
        ({"url": "http://localhost:9090", "label_config": "<View>"}, "not valid XML"),
        ({"url": "http://169.254.169.254/latest"}, "link-local"),
        ({"url": "http://[fe80::1]:9090"}, "link-local"),
    ):
        with pytest.raises(InvalidInput) as caught:
            http.check_run(settings)
        assert words in caught.value.detail, (settings, caught.value.detail)
    http.check_run({"url": "http://localhost:9090"})  # fine: nothing is called


def test_only_the_backends_the_admin_lists_are_called(settings_env: pytest.MonkeyPatch) -> None:
    from audino import config

    settings_env.setenv("AUDINO_ML_BACKEND_HOSTS", "models.lab.example, 169.254.10.2:9090")
    config.get_settings.cache_clear()
    http = registry.get("http")
    http.check_run({"url": "https://MODELS.lab.example/whisper"})
    http.check_run({"url": "http://169.254.10.2:9090"})  # listed: a link-local one may be
    for url in ("http://127.0.0.1:9090", "http://169.254.10.2:80", "http://evil.example"):
        with pytest.raises(InvalidInput) as caught:
            http.check_run({"url": url})
        assert "AUDINO_ML_BACKEND_HOSTS" in caught.value.detail


class Redirecting(http.server.BaseHTTPRequestHandler):
    """A backend answering every call with a redirect to somewhere else."""

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_backends_redirect_is_not_followed() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        audio = AudioInput.from_file(SPEECH / "en_us_1.flac")
        with pytest.raises(Unprocessable) as caught:
            registry.get("http").predict(audio, {"url": url})
        assert caught.value.detail == f"The ML backend at {url} answered /health with HTTP 302."
    finally:
        server.shutdown()
        server.server_close()


# --- audino as the backend: /ml/{model} -------------------------------------------------------


@dataclass
class AudioSite:
    """A plain HTTP server with the fixtures, as Label Studio's storage would serve them."""

    url: str


class Site(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(FIXTURES), **kwargs)

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/to-passwd":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


@pytest.fixture
def site(app_env: AppEnv) -> Iterator[AudioSite]:
    """The storage, on the one host:port /ml is allowed to download from."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app_env.settings.ml_audio_hosts = f"example.org, 127.0.0.1:{server.server_address[1]}"
    try:
        yield AudioSite(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def personal_token(client: TestClient) -> str:
    r = client.post("/api/auth/tokens", json={"name": "label studio"})
    assert r.status_code == 201, r.text
    return r.json()["key"]  # type: ignore[no-any-return]


def ls_task(url: str) -> dict[str, Any]:
    return {"tasks": [{"id": 7, "data": {"sound": url}}], "label_config": CONFIG, "project": "3.1"}


def test_audino_answers_label_studio_with_its_models(
    app_env: AppEnv, admin: TestClient, site: AudioSite
) -> None:
    token = personal_token(admin)
    ls = app_env.client()
    # Label Studio's "Basic auth" with any user name and the token as the password.
    ls.headers["Authorization"] = "Basic " + base64.b64encode(f"ls:{token}".encode()).decode()
    health = ls.get("/ml/vad-webrtc/health")
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "UP" and health.json()["model_class"] == "WebrtcVad"
    version = registry.get("vad-webrtc").version
    r = ls.post("/ml/vad-webrtc/setup", json={"project": "3.1", "schema": CONFIG})
    assert r.status_code == 200 and r.json() == {"model_version": version}
    hook = ls.post("/ml/vad-webrtc/webhook", json={"action": "ANNOTATION_CREATED"})
    assert hook.status_code == 200

    r = ls.post("/ml/vad-webrtc/predict", json=ls_task(f"{site.url}/speech/{SPEECH_CLIP.name}"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model_version"] == version and len(body["results"]) == 1
    answer = body["results"][0]
    regions = answer["result"]
    assert regions and 0 < answer["score"] <= 1
    duration = AudioInput.from_file(SPEECH_CLIP).duration
    for region in regions:
        assert (region["from_name"], region["to_name"], region["type"]) == ("kind", "rec", "labels")
        assert region["value"]["labels"] == ["speech"]
        assert 0 <= region["value"]["start"] < region["value"]["end"] <= duration
    # The same regions the model finds on the file itself.
    direct = registry.get("vad-webrtc").predict(AudioInput.from_file(SPEECH_CLIP), {})
    assert [(r["value"]["start"], r["value"]["end"]) for r in regions] == [
        (round(p.start, 3), round(p.end, 3)) for p in direct
    ]
    # "Authorization: Token …" works as well; the default label config when none is sent.
    r = app_env.bearer(token).post(
        "/ml/vad-webrtc/predict",
        json={"tasks": [{"data": {"audio": f"{site.url}/formats/{WAV.name}"}}]},
    )
    assert r.status_code == 200, r.text
    first = r.json()["results"][0]["result"]
    assert all(x["from_name"] == "label" and x["to_name"] == "audio" for x in first)


def test_ml_refuses_what_it_must_not_do(
    app_env: AppEnv, factory: Factory, admin: TestClient, site: AudioSite
) -> None:
    ls = app_env.bearer(personal_token(admin))
    refused = {
        "file:///etc/passwd": 400,
        "/etc/passwd": 400,
        "/data/upload/1/a.wav": 400,
        "ftp://example.org/a.wav": 400,
        f"{site.url}/to-passwd": 400,  # a redirect to a file
        f"{site.url}/formats/missing.wav": 422,
        f"{site.url}/formats/bad_random.ogg": 422,
    }
    for url, status in refused.items():
        r = ls.post("/ml/vad-webrtc/predict", json=ls_task(url))
        assert r.status_code == status, (url, r.text)
        assert r.json()["detail"] and "root:" not in r.text
    assert (
        "audino reads no files"
        in ls.post("/ml/vad-webrtc/predict", json=ls_task("/etc/passwd")).json()["detail"]
    )
    r = ls.post("/ml/vad-webrtc/predict", json={"tasks": [{"data": {"other": site.url}}]})
    assert r.status_code == 400 and "data.audio" in r.json()["detail"]
    # Only the hosts AUDINO_ML_AUDIO_HOSTS names: another port of the same machine, or any
    # other address a caller picks, is not fetched.
    for elsewhere in ("http://127.0.0.1:9/a.wav", "http://169.254.169.254/latest/meta-data"):
        r = ls.post("/ml/vad-webrtc/predict", json=ls_task(elsewhere))
        assert r.status_code == 400 and r.json()["code"] == "audio_host_not_allowed", r.text
        assert "AUDINO_ML_AUDIO_HOSTS" in r.json()["detail"]
    r = ls.post("/ml/vad-webrtc/setup", json={"schema": "<View/>"})
    assert r.status_code == 400 and "<Audio" in r.json()["detail"]
    # Larger than the server takes: refused while downloading.
    app_env.settings.max_upload_bytes = 1000
    r = ls.post("/ml/vad-webrtc/predict", json=ls_task(f"{site.url}/formats/{WAV.name}"))
    assert r.status_code == 413, r.text
    assert list(app_env.settings.temp_dir.glob("ml-*")) == []  # no download left behind

    r = ls.get("/ml/vad-nope/health")
    assert r.status_code == 404 and "vad-webrtc" in r.json()["detail"]
    anonymous = app_env.client()
    for method, path in [("GET", "health"), ("POST", "setup"), ("POST", "predict")]:
        r = anonymous.request(method, f"/ml/vad-webrtc/{path}", json={"tasks": []})
        assert r.status_code == 401, r.text
    bad = app_env.client()
    bad.headers["Authorization"] = "Basic " + base64.b64encode(b"ls:wrong").decode()
    assert bad.get("/ml/vad-webrtc/health").status_code == 401
    # A project key is not a person: Label Studio acts as one, with a personal token.
    key = factory.api_key(factory.project("Keyed")["id"], "manage")
    assert app_env.bearer(key).get("/ml/vad-webrtc/health").status_code == 403


# --- the client against audino's own server, over real HTTP ------------------------------------


@pytest.fixture
def served(app_env: AppEnv) -> Iterator[str]:
    """The app on a real socket (uvicorn in a thread): its URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app_env.app, lifespan="off", log_level="warning", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        wait_until_up(f"{url}/api/health", {})
        yield url
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def test_the_client_runs_audinos_own_models_through_ml(
    app_env: AppEnv, admin: TestClient, served: str
) -> None:
    token = personal_token(admin)
    app_env.settings.ml_audio_hosts = "127.0.0.1"  # the client serves the audio, any port
    got = run({"url": f"{served}/ml/vad-webrtc", "token": token}, SPEECH_CLIP)
    direct = registry.get("vad-webrtc").predict(AudioInput.from_file(SPEECH_CLIP), {})
    assert got and [(p.start, p.end) for p in got] == [
        (round(p.start, 3), round(p.end, 3)) for p in direct
    ]
    assert all(p.values == {"label": "Speech"} and 0 < (p.confidence or 0) <= 1 for p in got)
    assert registry.get("http").version.endswith(registry.get("vad-webrtc").version)
    with pytest.raises(Unprocessable, match="HTTP 401: The API key or token is invalid"):
        run({"url": f"{served}/ml/vad-webrtc", "token": "wrong"}, SPEECH_CLIP)
    with pytest.raises(Unprocessable, match="HTTP 404: There is no auto-annotator"):
        run({"url": f"{served}/ml/vad-nope", "token": token}, SPEECH_CLIP)
