"""The auto-annotators this server knows, by name, found through Python entry points.

Built-ins register exactly as a third-party package does: an entry point in the
`audino.models` group naming an AutoAnnotator subclass or instance, e.g. in pyproject.toml

    [project.entry-points."audino.models"]
    vad-webrtc = "audino.models.webrtc:WebrtcVad"

Loading an entry point imports only the module that defines the annotator; those modules
import their libraries (webrtcvad, onnxruntime) inside predict, so listing stays cheap.
When audino runs from a source tree whose metadata is missing or stale, the built-ins
still load from BUILTINS. A plugin that fails to load is logged and left out.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from typing import Any

from audino.models.annotator import AutoAnnotator
from audino.models.settings import check_settings
from audino.services.errors import InvalidInput

__all__ = ["BUILTINS", "GROUP", "all", "check_settings", "get", "load", "reload"]

GROUP = "audino.models"
BUILTINS: dict[str, str] = {
    "vad-webrtc": "audino.models.webrtc:WebrtcVad",
    "vad-silero": "audino.models.silero:SileroVad",
    "http": "audino.models.http_backend:HttpBackend",
    "asr-whisper": "audino.models.whisper:WhisperAsr",
}

log = logging.getLogger(__name__)


def all() -> list[AutoAnnotator]:  # noqa: A001 - read as registry.all()
    """Every registered auto-annotator, by name (available here or not)."""
    return list(_loaded().values())


def get(name: str) -> AutoAnnotator:
    """The auto-annotator called `name`; InvalidInput naming the known ones otherwise."""
    found = _loaded().get(name)
    if found is None:
        known = ", ".join(_loaded()) or "none"
        raise InvalidInput(
            f"There is no auto-annotator called {name!r}; the known ones are: {known}.",
            code="unknown_model",
        )
    return found


def reload() -> None:
    """Forget what was loaded (after installing a plugin, and in tests)."""
    _loaded.cache_clear()


@cache
def _loaded() -> dict[str, AutoAnnotator]:
    found = load(metadata.entry_points(group=GROUP))
    for name, target in BUILTINS.items():  # a source tree without installed metadata
        if name not in found:
            found[name] = _annotator(_target(target), target)
    return dict(sorted(found.items()))


def load(entry_points: Iterable[metadata.EntryPoint]) -> dict[str, AutoAnnotator]:
    """The annotators that entry points name, keyed by each annotator's own name. The
    first of a name wins, so a plugin cannot quietly replace another."""
    found: dict[str, AutoAnnotator] = {}
    for point in entry_points:
        try:
            annotator = _annotator(point.load(), point.value)
        except Exception as error:  # a broken plugin must not take the server down
            log.warning("auto-annotator %s (%s) not loaded: %s", point.name, point.value, error)
            continue
        if annotator.name in found:
            log.warning(
                "auto-annotator %s (%s) not loaded: the name is taken by %r",
                annotator.name,
                point.value,
                found[annotator.name],
            )
            continue
        found[annotator.name] = annotator
    return found


def _target(value: str) -> Any:
    module, _, attribute = value.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _annotator(target: Any, where: str) -> AutoAnnotator:
    """An instance from what an entry point names (a class is instantiated)."""
    annotator = target() if isinstance(target, type) else target
    missing = [a for a in ("name", "version", "settings", "predict") if not hasattr(annotator, a)]
    if missing or not isinstance(annotator.name, str) or not annotator.name:
        raise TypeError(f"{where} is not an auto-annotator (missing {', '.join(missing)})")
    return annotator  # type: ignore[no-any-return]
