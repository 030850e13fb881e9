"""A coarse spectrogram of the whole file, computed during ingest's decoding pass, from
which tiles too long to decode on demand are drawn.

One Hann-windowed frame of OVERVIEW_WINDOW samples centred every HOP_SECONDS (but at most
one per MIN_HOP_SAMPLES samples), per channel, stored as uint8 dB in half-dB steps from
-127.5 dB (0) to 0 dB (255), frame-major: for each frame, for each channel, the bins.
About 3.6 MB per hour of stereo audio, whatever the sample rate.
"""

from __future__ import annotations

import math

import numpy as np

from audino.audio.spectrogram import TileSpec, column_times, encode_png, image_from_power

OVERVIEW_WINDOW = 1024
HOP_SECONDS = 0.5
FLOOR_DB = -127.5
STEPS_PER_DB = 2.0


# At least this many samples between frames. At a very low sample rate half a second is a
# sample or two, and one frame of `bins` bytes per sample would dwarf the audio; with it
# the overview holds at most 1 / HOP_SECONDS frames per second of audio and one frame per
# MIN_HOP_SAMPLES samples, whatever the rate.
MIN_HOP_SAMPLES = OVERVIEW_WINDOW // 4


def hop_samples(sample_rate: int) -> int:
    return max(MIN_HOP_SAMPLES, round(sample_rate * HOP_SECONDS))


class OverviewBuilder:
    """Fed (channels, n) chunks in order (any sample type, see `add`); `finish` returns
    the frames as bytes."""

    def __init__(self, sample_rate: int, channels: int, window: int = OVERVIEW_WINDOW) -> None:
        self.sample_rate = sample_rate
        self.channels = channels
        self.window = window
        self.half = window // 2
        self.hop = hop_samples(sample_rate)
        self.taper = np.hanning(window).astype(np.float32)
        self.scale = 4.0 / float(self.taper.sum()) ** 2
        # Sample `carry_start` is carry[:, 0]; the signal is silent before sample 0.
        self.carry = np.zeros((channels, self.half), np.float32)
        self.carry_start = -self.half
        self.sample_scale, self.sample_offset = 1.0, 0.0
        self.next_frame = 0
        self.samples = 0
        self.parts: list[np.ndarray] = []

    @property
    def bins(self) -> int:
        return self.window // 2 + 1

    def add(self, chunk: np.ndarray, scale: float = 1.0, offset: float = 0.0) -> None:
        """Frames whose window is complete; only a short tail is kept (no chunk copies).
        A sample s means `(s - offset) * scale` of full scale."""
        if self.samples == 0:  # silence before the start, in the chunks' own terms
            self.sample_scale, self.sample_offset = scale, offset
            self.carry = np.full((self.channels, self.half), offset, chunk.dtype)
        self.samples += chunk.shape[1]
        chunk_start = self.carry_start + self.carry.shape[1]
        end = chunk_start + chunk.shape[1]
        last = math.floor((end - self.half) / self.hop)
        frames = np.arange(self.next_frame, last + 1)
        if frames.size:
            straddling = frames * self.hop - self.half < chunk_start
            if straddling.any():
                head = np.concatenate([self.carry, chunk[:, : self.window]], axis=1)
                self._compute(head, self.carry_start, frames[straddling])
            if not straddling.all():
                self._compute(chunk, chunk_start, frames[~straddling])
            self.next_frame = last + 1
        keep = self.next_frame * self.hop - self.half
        if keep >= chunk_start:
            self.carry = chunk[:, min(keep, end) - chunk_start :].copy()
            self.carry_start = min(keep, end)
        else:
            self.carry = np.concatenate([self.carry[:, keep - self.carry_start :], chunk], axis=1)
            self.carry_start = keep

    def _compute(self, data: np.ndarray, start: int, frames: np.ndarray) -> None:
        first_sample = frames * self.hop - self.half - start
        views = np.lib.stride_tricks.sliding_window_view(data, self.window, axis=1)
        picked = views[:, first_sample]  # (channels, frames, window)
        if self.sample_offset:
            picked = picked.astype(np.float32) - np.float32(self.sample_offset)
        taper = self.taper * np.float32(self.sample_scale)
        spectrum = np.fft.rfft(picked * taper, axis=2)
        power = (spectrum.real**2 + spectrum.imag**2) * self.scale
        db = 10.0 * np.log10(np.maximum(power, 1e-20))
        steps = np.clip(np.round((db - FLOOR_DB) * STEPS_PER_DB), 0, 255).astype(np.uint8)
        self.parts.append(np.ascontiguousarray(steps.transpose(1, 0, 2)))

    def finish(self) -> tuple[bytes, dict[str, int]]:
        # The frames whose centre is inside the audio, padded with silence past its end.
        last = math.ceil(self.samples / self.hop) - 1
        if last >= self.next_frame:
            silence = np.full((self.channels, self.window), self.sample_offset, self.carry.dtype)
            data = np.concatenate([self.carry, silence], axis=1)
            self._compute(data, self.carry_start, np.arange(self.next_frame, last + 1))
            self.next_frame = last + 1
        frames = np.concatenate(self.parts) if self.parts else np.zeros((0,), np.uint8)
        info = {
            "window": self.window,
            "hop": self.hop,
            "frames": int(self.next_frame),
            "bins": self.bins,
            "channels": self.channels,
            "sample_rate": self.sample_rate,
        }
        return frames.tobytes(), info


def frame_range(info: dict[str, int], spec: TileSpec) -> tuple[int, int]:
    """Frames [first, last] a tile needs (clipped to those stored)."""
    times = column_times(spec)
    picks = np.round(times * info["sample_rate"] / info["hop"]).astype(np.int64)
    last = max(0, info["frames"] - 1)
    return int(np.clip(picks.min(), 0, last)), int(np.clip(picks.max(), 0, last))


def tile(frames: bytes, first: int, info: dict[str, int], spec: TileSpec) -> bytes:
    """The PNG tile of `spec` from overview frames starting at frame `first`."""
    block = np.frombuffer(frames, np.uint8).reshape(-1, info["channels"], info["bins"])
    times = column_times(spec)
    picks = np.round(times * info["sample_rate"] / info["hop"]).astype(np.int64)
    inside = (picks >= 0) & (picks < info["frames"]) & (picks - first < len(block))
    steps = np.zeros((spec.width, info["bins"]), np.float32)
    channel = min(spec.channel, info["channels"] - 1)
    steps[inside] = block[picks[inside] - first, channel]
    db = steps / STEPS_PER_DB + FLOOR_DB
    power = np.where(inside[:, None], 10.0 ** (db / 10.0), 0.0).T.astype(np.float32)
    image = image_from_power(power, info["sample_rate"], info["window"], spec)
    return encode_png(image, spec.colormap)
