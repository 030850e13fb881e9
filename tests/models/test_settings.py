"""check_settings: a manager's settings dict against what an annotator declares."""

from __future__ import annotations

import pytest

from audino.models import Setting, check_settings, registry
from audino.services.errors import InvalidInput


def refusal(name: str, raw: object) -> str:
    with pytest.raises(InvalidInput) as caught:
        check_settings(registry.get(name), raw)  # type: ignore[arg-type]
    return caught.value.detail


def test_defaults_fill_what_is_left_out() -> None:
    webrtc = registry.get("vad-webrtc")
    defaults = {s.name: s.default for s in webrtc.settings}
    assert check_settings(webrtc, None) == defaults
    assert check_settings(webrtc, {"min_silence": 1}) == {**defaults, "min_silence": 1.0}
    assert set(defaults) == {"aggressiveness", "frame_ms", "min_speech", "min_silence", "padding"}
    silero = registry.get("vad-silero")
    assert set(check_settings(silero, {})) == {"threshold", "min_speech", "min_silence", "padding"}


def test_values_come_back_in_their_declared_type() -> None:
    got = check_settings(registry.get("vad-webrtc"), {"aggressiveness": 2.0, "padding": 0})
    assert got["aggressiveness"] == 2 and isinstance(got["aggressiveness"], int)
    assert got["padding"] == 0.0 and isinstance(got["padding"], float)


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    message = refusal("vad-silero", {"treshold": 0.4})
    assert "'treshold'" in message and "threshold" in message and "padding" in message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"threshold": "high"}, "must be a number"),
        ({"threshold": True}, "must be a number"),
        ({"threshold": float("nan")}, "finite"),
        ({"threshold": 1.5}, "between 0.05 and 0.95"),
        ({"min_silence": -1}, "between 0 and 10 s"),
        ({"padding": 5}, "between 0 and 2 s"),
    ],
)
def test_silero_refusals_say_what_is_wrong(raw: dict[str, object], words: str) -> None:
    message = refusal("vad-silero", raw)
    assert words in message
    assert next(iter(raw)) in message  # names the setting


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"aggressiveness": 4}, "between 0 and 3"),
        ({"aggressiveness": 1.5}, "whole number"),
        ({"frame_ms": 25}, "one of 10, 20, 30"),
        ({"frame_ms": True}, "one of 10, 20, 30"),
        ({"frame_ms": "30"}, "one of 10, 20, 30"),
    ],
)
def test_webrtc_refusals_say_what_is_wrong(raw: dict[str, object], words: str) -> None:
    assert words in refusal("vad-webrtc", raw)


def test_settings_must_be_an_object() -> None:
    assert "object" in refusal("vad-webrtc", [("padding", 0.1)])


class Form:
    """An annotator declaring one setting of each kind."""

    name = "form"
    settings = (
        Setting("loud", "boolean", False, "Loud"),
        Setting("language", "text", "", "Language"),
        Setting("size", "choice", "small", "Size", choices=("small", "large")),
        Setting("beams", "integer", 5, "Beams", minimum=1),
        Setting("temperature", "number", 0.0, "Temperature", maximum=1.0),
    )


def test_every_kind_is_checked() -> None:
    form = Form()
    assert check_settings(form, {"loud": True, "language": "de", "size": "large"}) == {  # type: ignore[arg-type]
        "loud": True, "language": "de", "size": "large", "beams": 5, "temperature": 0.0,
    }  # fmt: skip
    for raw, words in [
        ({"loud": 1}, "true or false"),
        ({"language": 3}, "must be text"),
        ({"size": "medium"}, "one of small, large"),
        ({"beams": 0}, "at least 1"),
        ({"temperature": 2}, "at most 1"),
    ]:
        with pytest.raises(InvalidInput, match=words):
            check_settings(form, raw)  # type: ignore[arg-type]
