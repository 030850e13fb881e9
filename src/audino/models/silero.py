"""`vad-silero`: speech found by the Silero VAD neural network, run with onnxruntime.

The model file is the one the faster-whisper package ships (faster_whisper/assets/
silero_vad_v6.onnx), so the `models` extra that brings Whisper brings this too, and no
torch is ever needed. We run the ONNX model ourselves, chunk by chunk with its recurrent
state carried over (the probabilities equal faster-whisper's whole-file run exactly), so
memory stays bounded on long recordings; faster-whisper itself is not imported.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from functools import cache
from pathlib import Path
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

MODEL_FILE = "silero_vad_v6.onnx"
WINDOW = 512  # samples per probability at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous window the model sees before each one
INSTALL = "pip install 'audino[models]'"


class SileroVad(AutoAnnotator):
    name = "vad-silero"
    title = "Speech regions (Silero VAD)"
    description = (
        "Marks where people speak with the Silero neural network. Holds up far better than "
        "WebRTC in noise and music, at a few hundred times real time. Needs the models extra."
    )
    fills = ("segments",)
    settings = (
        Setting(
            "threshold",
            "number",
            0.5,
            "Speech threshold",
            "How sure the model must be (0 to 1) that a moment is speech; lower it to keep "
            "quiet speech, raise it to leave out more noise.",
            minimum=0.05,
            maximum=0.95,
        ),
        # Defaults picked by measurement (benchmarks/vad.py): frame-level F1 against exact
        # speech intervals, clean and noisy.
        *timing_settings(min_speech=0.1, min_silence=0.3, padding=0.0),
    )

    @property
    def version(self) -> str:
        libraries = (
            f"faster-whisper {installed_version('faster-whisper')}, "
            f"onnxruntime {installed_version('onnxruntime')}"
        )
        return f"{MODEL_FILE.removesuffix('.onnx')} ({libraries}); audino-vad {POSTPROCESS_VERSION}"

    def unavailable(self) -> str | None:
        if importlib.util.find_spec("onnxruntime") is None or model_path() is None:
            return f"{self.name} needs the models extra: {INSTALL}"
        return None

    def predict(self, audio: AudioInput, settings: Mapping[str, Any]) -> list[Prediction]:
        settings = check_settings(self, settings)
        probabilities = speech_probabilities(audio)
        rules = Rules(
            threshold=float(settings["threshold"]),
            min_speech=float(settings["min_speech"]),
            min_silence=float(settings["min_silence"]),
            padding=float(settings["padding"]),
        )
        return speech_segments(probabilities, WINDOW / RATE, audio.duration, rules)


def model_path() -> Path | None:
    """faster-whisper's copy of the model, found without importing faster-whisper (which
    would load CTranslate2)."""
    spec = importlib.util.find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "assets" / MODEL_FILE
        if path.is_file():
            return path
    return None


@cache
def _session() -> Any:
    """One inference session per process (thread-safe to run). One thread each, as
    faster-whisper sets it: the network is recurrent, more threads only contend."""
    path = model_path()
    if path is None:
        raise RuntimeError(f"vad-silero needs the models extra: {INSTALL}")
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 4
    return onnxruntime.InferenceSession(
        str(path), providers=["CPUExecutionProvider"], sess_options=options
    )


def speech_probabilities(audio: AudioInput) -> np.ndarray:
    """One speech probability per 32 ms window, streamed chunk by chunk: each window is
    given the last 64 samples of the one before, and the LSTM state runs on across
    chunks, exactly as in one call on the whole file."""
    session = _session()
    h = np.zeros((1, 1, 128), np.float32)
    c = np.zeros((1, 1, 128), np.float32)
    context = np.zeros((1, CONTEXT), np.float32)
    parts = []
    for block in frame_blocks(audio.chunks(RATE), WINDOW):
        before = np.concatenate([context, block[:-1, -CONTEXT:]])
        batch = np.concatenate([before, block], axis=1)
        out, h, c = session.run(None, {"input": batch, "h": h, "c": c})
        parts.append(np.asarray(out, np.float32).reshape(-1))
        context = block[-1:, -CONTEXT:].copy()
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)
