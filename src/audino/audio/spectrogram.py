"""Spectrogram tiles: an STFT of one time window, on a linear, mel or log frequency axis,
in dB below full scale, coloured and encoded as PNG.

Row 0 is the top (highest frequency). A row's frequency follows `frequency_at`, which is
also what the frequency axis is drawn from. 0 dB is a full-scale sine, so adjacent tiles
of the same file match.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from audino.audio.colormaps import lookup
from audino.audio.decode import Source, decode_window

SCALES = ("linear", "mel", "log")
LOG_MIN_HZ = 20.0
# Longer tiles are drawn from the overview ingest computes (see `overview`).
MAX_TILE_SECONDS = 600.0
MAX_WIDTH = 4096
MAX_HEIGHT = 2048
MIN_WINDOW, MAX_WINDOW = 32, 16384


@dataclass(frozen=True)
class TileSpec:
    start: float
    end: float
    width: int = 512
    height: int = 256
    scale: str = "linear"
    window: int = 1024
    hop: int | None = None
    db_range: float = 80.0
    colormap: str = "viridis"
    channel: int = 0

    def cache_name(self) -> str:
        return (
            f"spectrogram:v1:{self.start:.6f}:{self.end:.6f}:{self.width}:{self.height}:"
            f"{self.scale}:{self.window}:{self.hop or 0}:{self.db_range:g}:{self.colormap}:"
            f"{self.channel}"
        )


def _mel(hz: np.ndarray | float) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


def frequency_at(fraction: np.ndarray | float, scale: str, sample_rate: int) -> np.ndarray:
    """Frequency (Hz) at a height fraction: 0 is the bottom row's edge, 1 the top's."""
    y = np.asarray(fraction, dtype=np.float64)
    nyquist = sample_rate / 2.0
    if scale == "mel":
        return _mel_to_hz(y * _mel(nyquist))
    if scale == "log":
        low = min(LOG_MIN_HZ, nyquist / 2)
        return low * (nyquist / low) ** y
    return y * nyquist


def fraction_of(hz: np.ndarray | float, scale: str, sample_rate: int) -> np.ndarray:
    """The inverse of `frequency_at`."""
    f = np.asarray(hz, dtype=np.float64)
    nyquist = sample_rate / 2.0
    if scale == "mel":
        return _mel(f) / _mel(nyquist)
    if scale == "log":
        low = min(LOG_MIN_HZ, nyquist / 2)
        return np.log(np.maximum(f, 1e-9) / low) / np.log(nyquist / low)
    return f / nyquist


def axis_ticks(scale: str, height: int, sample_rate: int) -> list[dict[str, float]]:
    """Round frequencies with their row (y from the top, in pixels) for drawing an axis."""
    nyquist = sample_rate / 2.0
    if scale == "linear":
        step = _nice_step(nyquist / 8)
        values = np.arange(0.0, nyquist + 1e-9, step)
    else:
        decades = [10.0**e for e in range(1, 7)]
        values = np.array([d * m for d in decades for m in (1, 2, 5)])
        low = float(frequency_at(0.0, scale, sample_rate))
        values = values[(values >= max(low, 1.0)) & (values <= nyquist)]
    ys = (1.0 - fraction_of(values, scale, sample_rate)) * height
    return [{"hz": float(v), "y": round(float(y), 2)} for v, y in zip(values, ys, strict=True)]


def _nice_step(raw: float) -> float:
    power = 10.0 ** np.floor(np.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return float(m * power)
    return float(10 * power)


@lru_cache(maxsize=32)
def row_weights(sample_rate: int, window: int, height: int, scale: str) -> np.ndarray:
    """(height, bins) weights turning a power spectrum into rows, top row first.

    Each row averages the bins under a triangle spanning its neighbours' centres; a row
    narrower than a bin interpolates between the two nearest bins instead.
    """
    bins = np.fft.rfftfreq(window, 1.0 / sample_rate)
    edges = frequency_at(np.arange(height + 1) / height, scale, sample_rate)
    centres = (edges[:-1] + edges[1:]) / 2
    lo = np.concatenate([[edges[0]], centres[:-1]])
    hi = np.concatenate([centres[1:], [edges[-1]]])
    f = bins[None, :]
    c = centres[:, None]
    rising = (f - lo[:, None]) / np.maximum(c - lo[:, None], 1e-9)
    falling = (hi[:, None] - f) / np.maximum(hi[:, None] - c, 1e-9)
    tri = np.clip(np.minimum(rising, falling), 0.0, None)
    narrow = (tri > 0).sum(axis=1) < 2
    if narrow.any():
        step = bins[1] - bins[0]
        position = np.clip(centres[narrow] / step, 0, len(bins) - 1)
        left = np.floor(position).astype(np.int64)
        right = np.minimum(left + 1, len(bins) - 1)
        frac = position - left
        interp = np.zeros((int(narrow.sum()), len(bins)))
        rows = np.arange(len(left))
        interp[rows, left] += 1 - frac
        interp[rows, right] += frac
        tri[narrow] = interp
    tri /= np.maximum(tri.sum(axis=1, keepdims=True), 1e-12)
    return np.ascontiguousarray(tri[::-1]).astype(np.float32)


def power_columns(signal: np.ndarray, centres: np.ndarray, window: int) -> np.ndarray:
    """|STFT|² (bins, columns) of a Hann window centred on each sample index in `centres`,
    scaled so that a full-scale sine peaks at 1."""
    half = window // 2
    padded = np.pad(signal.astype(np.float32), (half, window))
    frames = np.lib.stride_tricks.sliding_window_view(padded, window)[centres]
    taper = np.hanning(window).astype(np.float32)
    spectrum = np.fft.rfft(frames * taper, axis=1)
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    power *= 4.0 / float(taper.sum()) ** 2
    return power.T


def image_from_power(
    power: np.ndarray, sample_rate: int, window: int, spec: TileSpec
) -> np.ndarray:
    """uint8 intensity image (height, columns) in [0, 255] from |STFT|² (bins, columns)."""
    rows = row_weights(sample_rate, window, spec.height, spec.scale) @ power
    db = 10.0 * np.log10(np.maximum(rows, 1e-20))
    level = np.clip((db + spec.db_range) / spec.db_range, 0.0, 1.0)
    return (level * 255.0 + 0.5).astype(np.uint8)


def render(signal: np.ndarray, sample_rate: int, centres: np.ndarray, spec: TileSpec) -> np.ndarray:
    """uint8 intensity image (height, columns) in [0, 255] from a mono signal."""
    power = power_columns(signal, centres, spec.window)
    return image_from_power(power, sample_rate, spec.window, spec)


def encode_png(image: np.ndarray, colormap: str) -> bytes:
    from PIL import Image

    colours = lookup(colormap)
    out = io.BytesIO()
    if colours is None:
        Image.fromarray(image, "L").save(out, format="PNG", compress_level=3)
    else:
        Image.fromarray(colours[image], "RGB").save(out, format="PNG", compress_level=3)
    return out.getvalue()


def column_times(spec: TileSpec) -> np.ndarray:
    """The time (s) each column of a tile shows: the middle of its slice of the window."""
    return spec.start + (np.arange(spec.width) + 0.5) * (spec.end - spec.start) / spec.width


def tile(path: Source, spec: TileSpec, sample_rate: int) -> bytes:
    """The PNG tile of `spec` for the audio at `path` (decoding only that window)."""
    pad = spec.window / 2 / sample_rate
    begin = max(0.0, spec.start - pad)
    decoded, rate = decode_window(path, begin, spec.end + pad, channel=spec.channel)
    signal = decoded[0]
    lead = round((spec.start - begin) * rate)
    total = round((spec.end - spec.start) * rate)
    if spec.hop:
        count = max(1, min(MAX_WIDTH, total // spec.hop))
        positions = np.arange(count) * spec.hop + spec.hop // 2
        picks = np.minimum((np.arange(spec.width) + 0.5) * count / spec.width, count - 1)
        positions = positions[picks.astype(np.int64)]
    else:
        positions = ((np.arange(spec.width) + 0.5) * total / spec.width).astype(np.int64)
    # `power_columns` pads by half a window on the left, so index i centres on sample i.
    centres = np.clip(positions + lead, 0, max(0, len(signal) - 1))
    return encode_png(render(signal, rate, centres, spec), spec.colormap)
