"""`vad-webrtc`: speech found by the WebRTC voice-activity detector (webrtcvad-wheels).

Tiny, and a core dependency: it runs everywhere, thousands of times faster than real time,
on 16 kHz mono int16 frames of 10, 20 or 30 ms. It answers yes/no per frame; our shared
rules (audino.models.vad) turn that into segments, with the share of voiced frames as
each segment's confidence. It mistakes steady noise for speech more readily than Silero.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Any

import numpy as np

from audino.models.annotator import AutoAnnotator, Prediction, installed_version
from audino.models.audio_input import AudioInput
from audino.models.settings import Setting, check_settings
from audino.models.vad import (
    POSTPROCESS_VERSION,
    RATE,
    Rules,
    frame_blocks,
    speech_segments,
    timing_settings,
)

DISTRIBUTION = "webrtcvad-wheels"


class WebrtcVad(AutoAnnotator):
    name = "vad-webrtc"
    title = "Speech regions (WebRTC VAD)"
    description = (
        "Marks where people speak, with the small, very fast detector from WebRTC. Good on "
        "clean recordings; in loud noise it marks more noise as speech than Silero does "
        "(raise the aggressiveness to make it stricter)."
    )
    fills = ("segments",)
    settings = (
        Setting(
            "aggressiveness",
            "integer",
            3,
            "Aggressiveness",
            "0 keeps the most speech (and more noise); 3 is the strictest about what counts "
            "as speech.",
            minimum=0,
            maximum=3,
        ),
        Setting(
            "frame_ms",
            "choice",
            30,
            "Frame length",
            "How long each piece of audio is that the detector judges at once.",
            choices=(10, 20, 30),
            unit="ms",
        ),
        # Defaults picked by measurement (benchmarks/vad.py): frame-level F1 against exact
        # speech intervals, clean and noisy.
        *timing_settings(min_speech=0.1, min_silence=0.1, padding=0.0),
    )

    @property
    def version(self) -> str:
        return (
            f"webrtcvad-wheels {installed_version(DISTRIBUTION)}; audino-vad {POSTPROCESS_VERSION}"
        )

    def unavailable(self) -> str | None:
        if importlib.util.find_spec("webrtcvad") is None:
            return f"{self.name} needs the webrtcvad-wheels package: pip install webrtcvad-wheels"
        return None

    def predict(self, audio: AudioInput, settings: Mapping[str, Any]) -> list[Prediction]:
        settings = check_settings(self, settings)
        frame_ms = int(settings["frame_ms"])
        voiced = frame_decisions(audio, int(settings["aggressiveness"]), frame_ms)
        rules = Rules(
            threshold=0.5,
            release=0.5,
            min_speech=float(settings["min_speech"]),
            min_silence=float(settings["min_silence"]),
            padding=float(settings["padding"]),
        )
        return speech_segments(voiced, frame_ms / 1000, audio.duration, rules)


def frame_decisions(audio: AudioInput, aggressiveness: int, frame_ms: int) -> np.ndarray:
    """One yes/no per frame, streamed: only a chunk of audio is held at a time."""
    import webrtcvad

    vad = webrtcvad.Vad(aggressiveness)
    size = RATE * frame_ms // 1000
    step = 2 * size  # bytes per int16 frame
    parts = []
    for block in frame_blocks(audio.chunks(RATE), size):
        pcm = memoryview(int16_bytes(block))
        parts.append(
            np.fromiter(
                (vad.is_speech(pcm[i : i + step], RATE) for i in range(0, len(pcm), step)),
                dtype=np.bool_,
                count=block.shape[0],
            )
        )
    return np.concatenate(parts) if parts else np.zeros(0, np.bool_)


def int16_bytes(samples: np.ndarray) -> bytes:
    """float32 in [-1, 1] as the 16-bit PCM webrtcvad reads (clipped, not wrapped)."""
    return np.clip(samples * 32768.0, -32768.0, 32767.0).astype(np.int16).tobytes()
