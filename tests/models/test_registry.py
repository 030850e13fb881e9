"""The registry: built-ins found through entry points as a plugin would be, lazily."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Mapping
from importlib import metadata
from typing import Any

import pytest

from audino.models import AudioInput, AutoAnnotator, Prediction, Setting, registry
from audino.services.errors import InvalidInput

BUILTINS = {"vad-webrtc", "vad-silero", "asr-whisper"}
FILLS = {
    "vad-webrtc": ("segments",),
    "vad-silero": ("segments",),
    "asr-whisper": ("transcript",),
}


class Echo(AutoAnnotator):
    """A third-party annotator, as a plugin package would define it."""

    name = "echo"
    title = "Echo"
    description = "One segment over the whole recording."
    settings = (Setting("score", "number", 0.5, "Score", minimum=0, maximum=1),)

    @property
    def version(self) -> str:
        return "1"

    def predict(self, audio: AudioInput, settings: Mapping[str, Any]) -> list[Prediction]:
        return [Prediction(0.0, audio.duration, settings["score"])]


def point(name: str, value: str) -> metadata.EntryPoint:
    return metadata.EntryPoint(name=name, value=value, group=registry.GROUP)


@pytest.fixture(autouse=True)
def fresh_registry() -> Any:
    registry.reload()
    yield
    registry.reload()


def test_builtins_are_declared_as_entry_points() -> None:
    declared = {p.name: p.value for p in metadata.entry_points(group=registry.GROUP)}
    assert declared.items() >= registry.BUILTINS.items()


def test_lists_the_builtins_by_name() -> None:
    listed = [a.name for a in registry.all()]
    assert set(listed) >= BUILTINS
    assert listed == sorted(listed)
    for annotator in registry.all():
        assert annotator.title and annotator.description and annotator.version
        if annotator.name in FILLS:
            assert annotator.fills == FILLS[annotator.name]
        described = annotator.describe()
        assert described["name"] == annotator.name
        if annotator.name == "asr-whisper":  # needs a model folder the admin names
            assert "AUDINO_WHISPER_MODEL" in (annotator.unavailable() or "")
            assert described["available"] is False
        else:  # the dev environment has the models extra
            assert annotator.unavailable() is None and described["available"] is True


def test_get_unknown_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        registry.get("vad-nope")
    message = caught.value.detail
    assert "'vad-nope'" in message and "vad-silero" in message and "vad-webrtc" in message
    assert caught.value.code == "unknown_model"


def test_a_third_party_entry_point_registers_like_a_builtin() -> None:
    found = registry.load([point("echo", f"{__name__}:Echo")])
    echo = found["echo"]
    assert isinstance(echo, Echo)
    assert echo.describe()["settings"][0]["name"] == "score"


def test_a_broken_plugin_is_left_out_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="audino.models.registry"):
        found = registry.load(
            [
                point("missing", "no_such_package.module:Thing"),
                point("not-one", "builtins:dict"),
                point("echo", f"{__name__}:Echo"),
                point("echo-again", f"{__name__}:Echo"),
            ]
        )
    assert list(found) == ["echo"]
    assert "no_such_package" in caplog.text and "builtins:dict" in caplog.text
    assert "name is taken" in caplog.text


def test_builtins_load_without_distribution_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "entry_points", lambda **_: [])
    assert {a.name for a in registry.all()} >= BUILTINS


def test_listing_imports_no_model_library() -> None:
    code = (
        "import sys\n"
        "from audino.models import registry\n"
        "for a in registry.all():\n"
        "    a.describe()\n"
        "heavy = {'webrtcvad', 'onnxruntime', 'faster_whisper', 'ctranslate2', 'torch'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
