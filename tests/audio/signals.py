"""Audio made in code for the audio tests: tones, noise, and a sweep whose pitch tells
the time, encoded to any format with PyAV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

SWEEP_START_HZ = 300.0
SWEEP_HZ_PER_SECOND = 150.0


def sweep(seconds: float, rate: int, channels: int = 1) -> np.ndarray:
    """float32 (channels, n): a sine whose frequency is 300 Hz + 150 Hz per second."""
    t = np.arange(round(seconds * rate)) / rate
    phase = 2 * np.pi * (SWEEP_START_HZ * t + SWEEP_HZ_PER_SECOND * t * t / 2)
    mono = (0.5 * np.sin(phase)).astype(np.float32)
    return np.repeat(mono[None, :], channels, axis=0)


def time_from_pitch(snippet: np.ndarray, rate: int) -> float:
    """The sweep time at the middle of a mono snippet, from its strongest frequency."""
    x = snippet.astype(np.float64) * np.hanning(len(snippet))
    size = 1 << 20  # zero padding: sub-hertz bins
    spectrum = np.abs(np.fft.rfft(x, size))
    k = int(np.argmax(spectrum))
    a, b, c = np.log(spectrum[k - 1 : k + 2] + 1e-30)
    k_exact = k + 0.5 * (a - c) / (a - 2 * b + c)
    hz = k_exact * rate / size
    return (hz - SWEEP_START_HZ) / SWEEP_HZ_PER_SECOND


def write(
    path: Path,
    samples: np.ndarray,
    rate: int,
    *,
    container: str,
    codec: str,
    sample_format: str = "s16",
    options: dict[str, str] | None = None,
    bit_rate: int | None = None,
    out_rate: int | None = None,
) -> Path:
    """Encodes float32 (channels, n) with PyAV (resampling for codecs that need it)."""
    channels = samples.shape[0]
    layout = {1: "mono", 2: "stereo"}.get(channels, f"{channels}c")
    with av.open(str(path), "w", format=container) as out:
        stream: Any = out.add_stream(codec, rate=out_rate or rate, layout=layout)
        if options:
            stream.codec_context.options = options
        if bit_rate:
            stream.bit_rate = bit_rate
        data = np.ascontiguousarray(np.round(samples.T * 32767).astype(np.int16)).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(data, format="s16", layout=layout)
        frame.sample_rate = rate
        frame.pts = 0
        resampler = av.AudioResampler(format=sample_format, layout=layout, rate=out_rate or rate)
        size = stream.codec_context.frame_size or 0
        fifo = av.AudioFifo()
        for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
            fifo.write(chunk)
        while fifo.samples:
            piece = fifo.read(min(size, fifo.samples) if size else fifo.samples, partial=True)
            if piece is None:
                break
            out.mux(stream.encode(piece))
        out.mux(stream.encode(None))
    return path
