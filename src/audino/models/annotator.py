"""What an auto-annotator is: a named, versioned `predict` with declared settings.

Built-ins and third-party packages subclass `AutoAnnotator` (or provide an object with the
same attributes) and register it under the `audino.models` entry-point group; see
audino.models.registry. `predict` works on plain values only (an AudioInput in, a list of
Prediction out), so the service decides where the audio comes from and where segments go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Protocol

import numpy as np

from audino.models.audio_input import AudioInput
from audino.models.settings import Setting

Word = tuple[float, float, str, float]  # start, end (s), word, probability


@dataclass(frozen=True)
class Prediction:
    """One predicted segment, in recording time (s). `values` maps label names to value
    text (empty for VAD); `confidence` is 0..1, or None when the model gives none."""

    start: float
    end: float
    confidence: float | None = None
    transcript: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    channel: int | None = None
    words: list[Word] | None = None
    language: str | None = None  # what an ASR model heard (a code such as "en")


class PredictionStream(Protocol):
    """A model run fed the audio as ingest decodes it, so a recording is decoded once for
    its peaks and its predictions (see AutoAnnotator.stream)."""

    def add(self, samples: np.ndarray, rate: int) -> None:
        """The next mono float32 samples at the file's own rate (the same on every call)."""

    def finish(self, duration: float) -> list[Prediction]:
        """The predictions, once the last samples are in; `duration` as ingest measured it."""
        ...


class AutoAnnotator:
    """Base class of auto-annotators. Subclasses set the class attributes and `predict`.

    `version` changes whenever the output for the same audio and settings would (library
    version + our post-processing version), so re-running replaces exactly one version's
    predictions. `unavailable` must stay cheap and import nothing heavy: the model list
    calls it for every annotator.
    """

    name: str = ""  # unique, lower-case, e.g. "vad-webrtc"
    title: str = ""  # short, for a menu
    description: str = ""  # plain words for a manager: what it finds, how fast, trade-offs
    fills: tuple[str, ...] = ("segments",)  # "segments", "transcript", or label names
    settings: tuple[Setting, ...] = ()

    @property
    def version(self) -> str:
        raise NotImplementedError

    def unavailable(self) -> str | None:
        """None when it can run here; else a sentence naming what to install."""
        return None

    def predict(self, audio: AudioInput, settings: Mapping[str, Any]) -> list[Prediction]:
        """Predictions for `audio`, sorted by start, within [0, audio.duration]. `settings`
        as check_settings returns them; built-ins check them again (cheap), so a dict
        stored before a setting was added still runs with that setting's default."""
        raise NotImplementedError

    def check_run(self, settings: Mapping[str, Any]) -> None:
        """Raises InvalidInput for settings that are each valid but cannot make a run (an
        http backend without an address): called when a run is asked for or saved, so the
        manager hears of it at once rather than from a failed job. Must not do I/O."""

    def stream(self, settings: Mapping[str, Any]) -> PredictionStream | None:
        """A run that takes the audio while ingest decodes it, for models cheap enough to
        ride along that pass; None (the default) runs the model as a job of its own after
        ingest, through `predict`."""
        return None

    def describe(self) -> dict[str, Any]:
        """JSON-ready, for the API's model list (version and availability included)."""
        problem = self.unavailable()
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "version": self.version,
            "fills": list(self.fills),
            "settings": [s.as_dict() for s in self.settings],
            "available": problem is None,
            "unavailable": problem,
        }

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def installed_version(distribution: str) -> str:
    """A package's installed version, read from its metadata without importing it."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"
