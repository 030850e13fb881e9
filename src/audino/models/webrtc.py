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
from audino.models.vad import POSTPROCESS_VERSION, Rules, speech_segments, timing_settings

DISTRIBUTION = "webrtcvad-wheels"
VAD_RATE = 8_000
# soxr's "LQ": as accurate as "HQ" for the detector, clean and in noise (benchmarks/vad.py,
# within 0.002 F1 everywhere), at ~60 % of its cost; "QQ" loses up to 0.03 F1 at 5 dB SNR.
RESAMPLE_QUALITY = "LQ"


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
            f"webrtcvad-wheels {installed_version(DISTRIBUTION)}; "
            f"soxr {installed_version('soxr')} 8 kHz {RESAMPLE_QUALITY}; "
            f"audino-vad {POSTPROCESS_VERSION}"
        )

    def unavailable(self) -> str | None:
        if importlib.util.find_spec("webrtcvad") is None:
            return f"{self.name} needs the webrtcvad-wheels package: pip install webrtcvad-wheels"
        return None

    def predict(self, audio: AudioInput, settings: Mapping[str, Any]) -> list[Prediction]:
        stream = self.stream(settings)
        rate = audio.sample_rate or VAD_RATE
        for chunk in audio.chunks(rate):  # the file's own rate: the stream resamples
            stream.add(chunk, rate)
        return stream.finish(audio.duration)

    def stream(self, settings: Mapping[str, Any]) -> WebrtcStream:
        """Cheap enough (~0.3 s an hour of audio) to run inside ingest's decoding pass."""
        settings = check_settings(self, settings)
        rules = Rules(
            threshold=0.5,
            release=0.5,
            min_speech=float(settings["min_speech"]),
            min_silence=float(settings["min_silence"]),
            padding=float(settings["padding"]),
        )
        return WebrtcStream(int(settings["aggressiveness"]), int(settings["frame_ms"]), rules)


class WebrtcStream:
    """One yes/no per frame as the audio streams in (only a chunk is held at a time),
    then segments by the shared rules.

    The detector is fed 8 kHz: WebRTC judges every rate on 8 kHz (it halves 16 kHz input
    with its own filter first), so resampling straight to 8 kHz, with soxr, costs least.
    """

    def __init__(self, aggressiveness: int, frame_ms: int, rules: Rules) -> None:
        import webrtcvad

        self._vad = webrtcvad.Vad(aggressiveness)
        self._frame_ms = frame_ms
        self._size = VAD_RATE * frame_ms // 1000
        self._rules = rules
        self._rate = 0
        self._resampler: Any = None
        self._held = np.empty(0, np.int16)
        self._decisions: list[np.ndarray] = []

    def add(self, samples: np.ndarray, rate: int) -> None:
        if not self._rate:
            self._rate = rate
            if rate != VAD_RATE:
                import soxr

                self._resampler = soxr.ResampleStream(
                    rate, VAD_RATE, 1, dtype="float32", quality=RESAMPLE_QUALITY
                )
        elif rate != self._rate:
            raise ValueError(f"the audio changed rate midway ({self._rate} → {rate} Hz)")
        if self._resampler is not None:
            samples = self._resampler.resample_chunk(np.ascontiguousarray(samples, np.float32))
        self._judge(int16(samples))

    def finish(self, duration: float) -> list[Prediction]:
        return speech_segments(self.voiced(), self._frame_ms / 1000, duration, self._rules)

    def voiced(self) -> np.ndarray:
        """The decision per frame, once the last samples are in."""
        if self._resampler is not None:
            self._judge(int16(self._resampler.resample_chunk(np.empty(0, np.float32), last=True)))
            self._resampler = None
        if self._held.size:  # the last partial frame, completed with silence
            self._judge(np.zeros(self._size - self._held.size, np.int16))
        return np.concatenate(self._decisions) if self._decisions else np.zeros(0, np.bool_)

    def _judge(self, pcm: np.ndarray) -> None:
        if self._held.size:
            pcm = np.concatenate([self._held, pcm])
        whole = pcm.size - pcm.size % self._size
        self._held = pcm[whole:]
        if not whole:
            return
        data = memoryview(pcm[:whole].tobytes())
        step = 2 * self._size  # bytes per int16 frame
        is_speech = self._vad.is_speech
        self._decisions.append(
            np.fromiter(
                (is_speech(data[i : i + step], VAD_RATE) for i in range(0, len(data), step)),
                dtype=np.bool_,
                count=whole // self._size,
            )
        )


def frame_decisions(audio: AudioInput, aggressiveness: int, frame_ms: int) -> np.ndarray:
    """One yes/no per `frame_ms` of `audio`, as predict computes them."""
    stream = WebrtcStream(aggressiveness, frame_ms, Rules())
    rate = audio.sample_rate or VAD_RATE
    for chunk in audio.chunks(rate):
        stream.add(chunk, rate)
    return stream.voiced()


def int16(samples: np.ndarray) -> np.ndarray:
    """float32 in [-1, 1] as the 16-bit PCM webrtcvad reads (clipped, not wrapped)."""
    return np.clip(samples * 32768.0, -32768.0, 32767.0).astype(np.int16)
