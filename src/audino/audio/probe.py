"""Probe an audio file with PyAV: its format, and proof that it decodes to the end."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import av


@cache
def _pyav() -> ModuleType:
    """PyAV, imported on first use: it is heavy, and a server start needs none of it."""
    import av
    import av.logging

    # FFmpeg logs every damaged frame to stderr; a refused file is reported once, by us.
    av.logging.set_level(None)
    if hasattr(av.logging, "set_libav_level"):  # PyAV >= 13
        av.logging.set_libav_level(av.logging.PANIC)
    return av


# A decoder may emit up to this much encoder padding past the length the container
# states (AAC in MP4 keeps its trailing padding); within it, the container wins.
PADDING_SECONDS = 0.2
# Decoded audio this much shorter than the header claims means the file was cut off.
TRUNCATION_MIN_SECONDS = 0.25
TRUNCATION_FRACTION = 0.01


class BadAudio(ValueError):
    """The file is not audio we can use; the message says why, for a person."""


@dataclass(frozen=True)
class AudioLimits:
    """The sample rates and length audino takes. Everything derived from a file (peaks,
    overview, tiles) grows with its duration, and a tiny rate packs hours into a few
    samples, so both are bounded."""

    min_sample_rate: int = 1000
    max_sample_rate: int = 768_000
    max_seconds: float = 24 * 3600.0

    def rate_problem(self, sample_rate: int) -> str | None:
        if self.min_sample_rate <= sample_rate <= self.max_sample_rate:
            return None
        return (
            f"the sample rate is {sample_rate:,} Hz, outside the {self.min_sample_rate:,} to "
            f"{self.max_sample_rate:,} Hz this server takes (AUDINO_MIN_SAMPLE_RATE, "
            "AUDINO_MAX_SAMPLE_RATE); resample the file first."
        )

    def duration_problem(self, seconds: float) -> str | None:
        if seconds <= self.max_seconds:
            return None
        return (
            f"the audio lasts {_hours(seconds)}, longer than the {_hours(self.max_seconds)} "
            "this server takes (AUDINO_MAX_DURATION_HOURS); cut it into parts first."
        )


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:,.1f} hours".replace(".0 hours", " hours")


@dataclass(frozen=True)
class AudioKind:
    container: str
    content_type: str
    suffix: str


@dataclass(frozen=True)
class AudioInfo:
    duration: float
    sample_rate: int
    channels: int
    codec: str
    container: str
    content_type: str
    suffix: str
    samples: int


_BY_FORMAT: dict[str, AudioKind] = {
    "wav": AudioKind("wav", "audio/wav", ".wav"),
    "w64": AudioKind("w64", "audio/x-w64", ".w64"),
    "aiff": AudioKind("aiff", "audio/aiff", ".aiff"),
    "flac": AudioKind("flac", "audio/flac", ".flac"),
    "mp3": AudioKind("mp3", "audio/mpeg", ".mp3"),
    "ogg": AudioKind("ogg", "audio/ogg", ".ogg"),
    "matroska,webm": AudioKind("webm", "audio/webm", ".webm"),
    "mov,mp4,m4a,3gp,3g2,mj2": AudioKind("mp4", "audio/mp4", ".m4a"),
    "aac": AudioKind("aac", "audio/aac", ".aac"),
    "caf": AudioKind("caf", "audio/x-caf", ".caf"),
    "au": AudioKind("au", "audio/basic", ".au"),
    "amr": AudioKind("amr", "audio/amr", ".amr"),
    "asf": AudioKind("asf", "audio/x-ms-asf", ".wma"),
}
_BY_CONTAINER = {kind.container: kind for kind in _BY_FORMAT.values()}
_UNKNOWN = AudioKind("", "application/octet-stream", "")


def kind_of(format_name: str, codec: str = "") -> AudioKind:
    """The short container name, MIME type and file suffix for an FFmpeg format name."""
    kind = _BY_FORMAT.get(format_name)
    if kind is None:
        short = format_name.split(",")[0][:32]
        return AudioKind(short, _UNKNOWN.content_type, "")
    if kind.container == "ogg" and codec == "opus":
        return AudioKind("ogg", "audio/ogg", ".opus")
    if kind.container == "webm" and codec not in ("opus", "vorbis"):
        return AudioKind("webm", "audio/x-matroska", ".mka")
    return kind


def content_type(container: str) -> str:
    """The MIME type to serve a stored file of this container with."""
    return _BY_CONTAINER.get(container, _UNKNOWN).content_type


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


@contextmanager
def _open_audio(path: str | os.PathLike[str], label: str) -> Iterator[tuple[Any, Any]]:
    """The container and its first audio stream; BadAudio when there is none to read."""
    if os.path.getsize(path) == 0:
        raise BadAudio(f"{label}the file is empty.")
    av = _pyav()
    try:
        container = av.open(os.fspath(path), mode="r")
    except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError):
        raise BadAudio(
            f"{label}this is not an audio file we can read (unknown or damaged format)."
        ) from None
    with container:
        if not container.streams.audio:
            raise BadAudio(f"{label}the file contains no audio stream.")
        yield container, container.streams.audio[0]


def probe(path: str | os.PathLike[str], name: str = "") -> AudioInfo:
    """Decode the whole first audio stream; raise BadAudio when it is not usable audio."""
    label = f"{name}: " if name else ""
    with _open_audio(path, label) as (container, stream):
        return _decode_all(container, stream, label)


def _decode_all(container: Any, stream: Any, label: str) -> AudioInfo:
    av = _pyav()
    codec = stream.codec_context.name or "unknown"
    kind = kind_of(container.format.name, codec)
    claimed = _claimed_duration(container, stream)
    samples = 0
    sample_rate = int(stream.codec_context.sample_rate or stream.rate or 0)
    channels = int(stream.codec_context.channels or 0)
    try:
        for frame in container.decode(stream):
            samples += frame.samples
            sample_rate = sample_rate or int(frame.sample_rate)
            channels = channels or len(frame.layout.channels)
    except (av.FFmpegError, ValueError, OSError, MemoryError):
        decoded = samples / sample_rate if sample_rate else 0.0
        raise BadAudio(
            f"{label}the audio is damaged and stops decoding after {_seconds(decoded)}."
        ) from None
    if samples == 0 or sample_rate <= 0:
        raise BadAudio(f"{label}the file contains no audio samples (it is empty or cut off).")
    if channels <= 0:
        raise BadAudio(f"{label}the audio stream has no channels.")
    duration = samples / sample_rate
    if claimed is not None:
        shortfall = claimed - duration
        if shortfall > max(TRUNCATION_MIN_SECONDS, TRUNCATION_FRACTION * claimed):
            raise BadAudio(
                f"{label}the audio ends after {_seconds(duration)} although its header says "
                f"{_seconds(claimed)}; the file is probably truncated."
            )
        if 0 < -shortfall <= PADDING_SECONDS:
            duration = claimed
    return AudioInfo(
        duration=duration,
        sample_rate=sample_rate,
        channels=channels,
        codec=codec,
        container=kind.container,
        content_type=kind.content_type,
        suffix=kind.suffix,
        samples=samples,
    )


def _claimed_duration(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream
) -> float | None:
    """The length the file's header states: the stream's own, else the container's."""
    if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
        return float(stream.duration * stream.time_base)
    if container.duration is not None and container.duration > 0:
        return container.duration / _pyav().time_base
    return None


# Above this claimed length, an upload is probed from its header and first seconds only;
# the ingest job decodes it fully and marks the datapoint failed if it is cut off.
FULL_PROBE_MAX_SECONDS = 20 * 60.0
HEADER_PROBE_DECODE_SECONDS = 2.0


def probe_quick(path: str | os.PathLike[str], name: str = "") -> AudioInfo:
    """Like `probe`, but a long file is only read from its header and first seconds."""
    label = f"{name}: " if name else ""
    av = _pyav()
    with _open_audio(path, label) as (container, stream):
        claimed = _claimed_duration(container, stream)
        if claimed is None or claimed <= FULL_PROBE_MAX_SECONDS:
            return _decode_all(container, stream, label)
        codec = stream.codec_context.name or "unknown"
        kind = kind_of(container.format.name, codec)
        sample_rate = int(stream.codec_context.sample_rate or stream.rate or 0)
        channels = int(stream.codec_context.channels or 0)
        decoded = 0
        try:
            for frame in container.decode(stream):
                decoded += frame.samples
                sample_rate = sample_rate or int(frame.sample_rate)
                channels = channels or len(frame.layout.channels)
                if decoded >= HEADER_PROBE_DECODE_SECONDS * sample_rate:
                    break
        except (av.FFmpegError, ValueError, OSError, MemoryError):
            raise BadAudio(f"{label}the audio is damaged at its start.") from None
    if decoded == 0 or sample_rate <= 0 or channels <= 0:
        raise BadAudio(f"{label}the file contains no audio samples (it is empty or cut off).")
    return AudioInfo(
        duration=claimed,
        sample_rate=sample_rate,
        channels=channels,
        codec=codec,
        container=kind.container,
        content_type=kind.content_type,
        suffix=kind.suffix,
        samples=round(claimed * sample_rate),
    )
