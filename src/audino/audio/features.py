"""Audio features for the feature explorer, computed with librosa from mono float32 samples:
a named (rows × frames) array per feature on one frame grid, and a fixed-length summary
vector per recording for the dataset map.

Everything is analysed at SAMPLE_RATE (resampled with soxr) with N_FFT-sample frames every
HOP samples (23.2 ms), block by block, so memory stays flat however long the recording.
A recording longer than MAX_FRAMES such frames (about 1 min 56 s) is summarised: each
output frame is the mean of `pool` consecutive analysis frames, chosen so that there are
at most MAX_FRAMES of them (an hour: 4,845 frames of 0.74 s, about 5 MB stored). Frame
times are the centre of the audio each output frame describes, in seconds from the start.

librosa (the `features` extra, which pulls numba) is imported only when features are
computed or their row labels asked for, so importing audino never pays for it.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from audino.audio.feature_catalogue import (
    DESCRIPTIONS,
    PITCH_CLASSES,
    SUMMARY_PARTS,
    TONNETZ_AXES,
    Description,
)

VERSION = "1"  # bump when a computation changes: stored features of another version are redone
SAMPLE_RATE = 22050
N_FFT = 2048
HOP = 512
N_MELS = 128
N_MFCC = 20
TEMPOGRAM_WINDOW = 192  # onset frames (4.5 s): lags up to 4.4 s, i.e. tempi down to 14 BPM
FOURIER_TEMPOGRAM_WINDOW = 384  # onset frames (8.9 s): a resolution of 6.7 BPM
MAX_FRAMES = 5_000
BLOCK_FRAMES = 4_096  # analysis frames computed at a time (~95 s of audio, ~100 MB peak)
# Stored as float16: bounded values (dB, normalised tempograms) where 3 digits are plenty.
HALF = frozenset({"mel", "tempogram", "fourier_tempogram"})
SUMMARY_LENGTH = sum(length for _, length in SUMMARY_PARTS)
EXTRA = "features"  # the optional dependency group that brings librosa

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Feature:
    """One entry of the catalogue: its stable name, its words, and how many rows it has
    (`labels` names them where that needs no librosa; see `row_labels`)."""

    name: str
    rows: int
    about: Description
    labels: tuple[str, ...] = ()


def _numbered(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix} {i}" for i in range(n))


_CONTRAST_BANDS = (
    "below 200 Hz",
    *(f"{200 * 2**i}-{400 * 2**i} Hz" for i in range(5)),
    "above 6400 Hz",
)
CATALOGUE: tuple[Feature, ...] = (
    Feature("mel", N_MELS, DESCRIPTIONS["mel"]),
    Feature("mfcc", N_MFCC, DESCRIPTIONS["mfcc"], _numbered("mfcc", N_MFCC)),
    Feature("mfcc_delta", N_MFCC, DESCRIPTIONS["mfcc_delta"], _numbered("delta", N_MFCC)),
    Feature("mfcc_delta2", N_MFCC, DESCRIPTIONS["mfcc_delta2"], _numbered("delta2", N_MFCC)),
    Feature("chroma", 12, DESCRIPTIONS["chroma"], PITCH_CLASSES),
    Feature("tonnetz", 6, DESCRIPTIONS["tonnetz"], TONNETZ_AXES),
    Feature("spectral_contrast", 7, DESCRIPTIONS["spectral_contrast"], _CONTRAST_BANDS),
    *(
        Feature(name, 1, DESCRIPTIONS[name], (name,))
        for name in (
            "spectral_centroid",
            "spectral_bandwidth",
            "spectral_rolloff",
            "zero_crossing_rate",
            "rms",
            "onset_strength",
        )
    ),
    Feature("tempogram", TEMPOGRAM_WINDOW, DESCRIPTIONS["tempogram"]),
    Feature(
        "fourier_tempogram", FOURIER_TEMPOGRAM_WINDOW // 2 + 1, DESCRIPTIONS["fourier_tempogram"]
    ),
)
FEATURE_NAMES = tuple(f.name for f in CATALOGUE)
BY_NAME = {f.name: f for f in CATALOGUE}


def unavailable() -> str | None:
    """Why features cannot be computed here (librosa missing), or None when they can."""
    try:
        import librosa  # noqa: F401
    except ImportError:
        return (
            f"Computing audio features needs the optional `{EXTRA}` extra (librosa): "
            f"install audino[{EXTRA}], or run with `uv run --extra {EXTRA} …`."
        )
    return None


def analysis_frames(samples: int) -> int:
    """Frames of the analysis grid for `samples` at SAMPLE_RATE (one centred every HOP)."""
    return 1 + samples // HOP


def pool_factor(frames: int) -> int:
    """Analysis frames averaged into each output frame so that at most MAX_FRAMES remain."""
    return max(1, math.ceil(frames / MAX_FRAMES))


@dataclass
class Features:
    """One recording's features: `values[name]` is (rows, frames) float32 on the frame grid
    `times` (s); `summary` is the SUMMARY_LENGTH vector (see feature_catalogue)."""

    times: np.ndarray
    values: dict[str, np.ndarray]
    summary: np.ndarray
    pool: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def frame_seconds(self) -> float:
        return self.pool * HOP / SAMPLE_RATE

    def to_npz(self) -> bytes:
        """One .npz: `times`, `summary`, `meta` (JSON) and one array per feature."""
        arrays: dict[str, Any] = {
            "times": self.times.astype(np.float64),
            "summary": self.summary.astype(np.float32),
            "meta": np.array(json.dumps({**self.meta, "pool": self.pool})),
        }
        half = float(np.finfo(np.float16).max)
        for name, array in self.values.items():
            if name in HALF:
                arrays[name] = np.clip(array, -half, half).astype(np.float16)
            else:
                arrays[name] = array.astype(np.float32)
        out = io.BytesIO()
        np.savez_compressed(out, **arrays)  # each array its own member: one is read alone
        return out.getvalue()


def read_npz(f: Any, names: Iterable[str] | None = None) -> Features:
    """Features from a stored .npz (a seekable file): only the `names` asked for are read."""
    with np.load(f, allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
        wanted = FEATURE_NAMES if names is None else tuple(names)
        values = {name: npz[name].astype(np.float32) for name in wanted if name in npz.files}
        return Features(
            times=npz["times"],
            values=values,
            summary=npz["summary"],
            pool=int(meta.get("pool", 1)),
            meta=meta,
        )


class _Pooler:
    """Averages consecutive analysis frames in groups of `pool`, as blocks arrive."""

    def __init__(self, pool: int) -> None:
        self.pool = pool
        self._held: np.ndarray | None = None
        self._out: list[np.ndarray] = []

    def add(self, frames: np.ndarray) -> None:
        if self._held is not None:
            frames = np.concatenate([self._held, frames], axis=-1)
        whole = frames.shape[-1] - frames.shape[-1] % self.pool
        if whole:
            rows = frames.shape[0]
            grouped = frames[:, :whole].reshape(rows, whole // self.pool, self.pool)
            self._out.append(grouped.mean(axis=-1, dtype=np.float64).astype(np.float32))
        self._held = frames[:, whole:]

    def finish(self) -> np.ndarray:
        if self._held is not None and self._held.shape[-1]:
            self._out.append(self._held.mean(axis=-1, keepdims=True).astype(np.float32))
            self._held = None
        return np.concatenate(self._out, axis=-1) if self._out else np.zeros((0, 0), np.float32)


class Extractor:
    """Features of one recording fed in chunks: `add` mono float32 samples at `rate`,
    then `finish`. `duration` (s, as probed) sets the pooling; a recording that turns out
    longer is pooled further at the end, so MAX_FRAMES always holds."""

    def __init__(self, rate: int, duration: float, progress: Progress | None = None) -> None:
        if rate <= 0:
            raise ValueError("the sample rate must be positive")
        self.rate = rate
        self._expected = analysis_frames(round(max(0.0, duration) * SAMPLE_RATE))
        self.pool = pool_factor(self._expected)
        self._progress = progress
        self._resampler: Any = None
        if rate != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32")
        # The analysis signal, padded with N_FFT // 2 zeros in front as a centred STFT is.
        self._buffer = np.zeros(N_FFT // 2, np.float32)
        self._samples = 0  # at SAMPLE_RATE, taken in so far
        self._frames = 0  # analysis frames computed so far
        self._poolers = {name: _Pooler(self.pool) for name in _FRAME_FEATURES}
        self._last_mel: np.ndarray | None = None  # the previous frame, for onset strength
        self._onsets: list[np.ndarray] = []
        self._sums = np.zeros(N_MFCC + N_MELS, np.float64)
        self._squares = np.zeros(N_MFCC + N_MELS, np.float64)

    def add(self, samples: np.ndarray) -> None:
        samples = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
        if self._resampler is not None:
            samples = self._resampler.resample_chunk(samples)
        self._take(samples)

    def _take(self, samples: np.ndarray) -> None:
        if samples.size:
            self._samples += samples.size
            self._buffer = np.concatenate([self._buffer, samples])
        span = (BLOCK_FRAMES - 1) * HOP + N_FFT
        while self._buffer.size >= span:
            self._block(self._buffer[:span])
            self._buffer = self._buffer[BLOCK_FRAMES * HOP :]
            if self._progress is not None:
                self._progress(min(0.95, self._frames / max(1, self._expected)))

    def finish(self) -> Features:
        if self._resampler is not None:
            self._take(self._resampler.resample_chunk(np.empty(0, np.float32), last=True))
            self._resampler = None
        left = analysis_frames(self._samples) - self._frames
        if left > 0:  # the last frames, centred up to the end: padded with zeros after
            tail = np.zeros(max(0, (left - 1) * HOP + N_FFT - self._buffer.size), np.float32)
            self._block(np.concatenate([self._buffer, tail])[: (left - 1) * HOP + N_FFT])
        frames = self._frames
        values = {name: pooler.finish() for name, pooler in self._poolers.items()}
        onsets = np.concatenate(self._onsets) if self._onsets else np.zeros(1, np.float32)
        values |= _tempograms(onsets, self.pool)
        times = _frame_times(frames, self.pool)
        pool = self.pool
        if times.size > MAX_FRAMES:  # the file was longer than its header said
            more = pool_factor(times.size)
            values = {name: _pooled(v, more) for name, v in values.items()}
            times, pool = _pooled(times[None, :], more)[0].astype(np.float64), pool * more
        _deltas(values)
        mean = self._sums / max(1, frames)
        std = np.sqrt(np.maximum(0.0, self._squares / max(1, frames) - mean * mean))
        summary = np.concatenate([mean[:N_MFCC], std[:N_MFCC], mean[N_MFCC:], std[N_MFCC:]]).astype(
            np.float32
        )
        if self._progress is not None:
            self._progress(1.0)
        return Features(
            times=times,
            values={name: np.nan_to_num(values[name]) for name in FEATURE_NAMES},
            summary=np.nan_to_num(summary),
            pool=pool,
            meta=_meta(self._samples / SAMPLE_RATE, frames),
        )

    def _block(self, y: np.ndarray) -> None:
        """Analysis frames of one stretch of the padded signal (frame i starts at i × HOP)."""
        import librosa

        sr = SAMPLE_RATE
        spectrum = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP, center=False))
        power = spectrum * spectrum
        mel_power = librosa.feature.melspectrogram(S=power, sr=sr, n_mels=N_MELS)
        # A fixed reference and floor (not the loudest frame), so blocks agree with each other.
        mel = librosa.power_to_db(mel_power, ref=1.0, amin=1e-10, top_db=None)
        mfcc = librosa.feature.mfcc(S=mel, n_mfcc=N_MFCC)
        chroma = librosa.feature.chroma_stft(S=power, sr=sr, tuning=0.0)
        centroid = librosa.feature.spectral_centroid(S=spectrum, sr=sr)
        framed: dict[str, Any] = {"frame_length": N_FFT, "hop_length": HOP, "center": False}
        found = {
            "mel": mel,
            "mfcc": mfcc,
            "chroma": chroma,
            "tonnetz": librosa.feature.tonnetz(chroma=chroma, sr=sr),
            "spectral_contrast": librosa.feature.spectral_contrast(S=spectrum, sr=sr),
            "spectral_centroid": centroid,
            "spectral_bandwidth": librosa.feature.spectral_bandwidth(
                S=spectrum, sr=sr, centroid=centroid
            ),
            "spectral_rolloff": librosa.feature.spectral_rolloff(S=spectrum, sr=sr),
            "zero_crossing_rate": librosa.feature.zero_crossing_rate(y, **framed),
            "rms": librosa.feature.rms(y=y, **framed),
        }
        previous = mel[:, :1] if self._last_mel is None else self._last_mel
        onset = librosa.onset.onset_strength(S=np.hstack([previous, mel]), sr=sr, center=False)
        self._last_mel = mel[:, -1:]
        found["onset_strength"] = onset[None, 1:]
        self._onsets.append(onset[1:].astype(np.float32))
        for name, frames in found.items():
            self._poolers[name].add(np.asarray(frames, np.float32))
        both = np.vstack([mfcc, mel]).astype(np.float64)
        self._sums += both.sum(axis=1)
        self._squares += (both * both).sum(axis=1)
        self._frames += spectrum.shape[-1]


_FRAME_FEATURES = (
    "mel",
    "mfcc",
    "chroma",
    "tonnetz",
    "spectral_contrast",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "zero_crossing_rate",
    "rms",
    "onset_strength",
)


def _tempograms(onsets: np.ndarray, pool: int) -> dict[str, np.ndarray]:
    """Both tempograms of the whole onset envelope, computed a stretch at a time (each
    frame sees its window of the envelope, as librosa's centred tempograms do)."""
    import librosa

    n = onsets.size
    half, fhalf = TEMPOGRAM_WINDOW // 2, FOURIER_TEMPOGRAM_WINDOW // 2
    # The same padding as librosa's centred versions: a ramp to 0, and zeros.
    ramped = np.pad(onsets, half, mode="linear_ramp", end_values=(0, 0))
    zeros = np.pad(onsets, fhalf)
    tempo, fourier = _Pooler(pool), _Pooler(pool)
    step = pool * max(1, BLOCK_FRAMES // pool)
    for first in range(0, n, step):
        last = min(n, first + step)
        tempo.add(
            librosa.feature.tempogram(
                onset_envelope=ramped[first : last + TEMPOGRAM_WINDOW - 1],
                sr=SAMPLE_RATE,
                hop_length=HOP,
                win_length=TEMPOGRAM_WINDOW,
                center=False,
            ).astype(np.float32)
        )
        fourier.add(
            np.abs(
                librosa.feature.fourier_tempogram(
                    onset_envelope=zeros[first : last + FOURIER_TEMPOGRAM_WINDOW - 1],
                    sr=SAMPLE_RATE,
                    hop_length=HOP,
                    win_length=FOURIER_TEMPOGRAM_WINDOW,
                    center=False,
                )
            ).astype(np.float32)
        )
    return {"tempogram": tempo.finish(), "fourier_tempogram": fourier.finish()}


def _deltas(values: dict[str, np.ndarray]) -> None:
    """Deltas of the MFCC on the output grid: the change per output frame."""
    import librosa

    mfcc = values["mfcc"]
    if mfcc.shape[-1] >= 9:
        options: dict[str, Any] = {}
    else:  # too short for librosa's default 9-frame window
        options = {"width": 3, "mode": "nearest"}
    values["mfcc_delta"] = librosa.feature.delta(mfcc, order=1, **options).astype(np.float32)
    values["mfcc_delta2"] = librosa.feature.delta(mfcc, order=2, **options).astype(np.float32)


def _frame_times(frames: int, pool: int) -> np.ndarray:
    """The centre of each output frame: the mean centre of the analysis frames it pools."""
    starts = np.arange(0, frames, pool)
    ends = np.minimum(starts + pool, frames)
    return (starts + ends - 1) / 2 * (HOP / SAMPLE_RATE)


def _pooled(values: np.ndarray, pool: int) -> np.ndarray:
    pooler = _Pooler(pool)
    pooler.add(values.astype(np.float32))
    return pooler.finish()


def _meta(seconds: float, frames: int) -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "version": VERSION,
        "librosa": version("librosa"),
        "sample_rate": SAMPLE_RATE,
        "n_fft": N_FFT,
        "hop": HOP,
        "analysis_frames": frames,
        "seconds": seconds,
    }


def compute(samples: np.ndarray, rate: int, progress: Progress | None = None) -> Features:
    """Every feature of a whole mono float32 signal at `rate`."""
    samples = np.asarray(samples, np.float32).reshape(-1)
    extractor = Extractor(rate, samples.size / rate, progress)
    for first in range(0, samples.size, 1 << 20):
        extractor.add(samples[first : first + (1 << 20)])
    return extractor.finish()


def row_labels(feature: Feature) -> tuple[list[str], list[float | None] | None]:
    """What each row of a feature is (CSV column names), and its position on the row axis
    (Hz, BPM) where rows have one; needs librosa for the Mel and tempo axes."""
    import librosa

    if feature.name == "mel":
        hz = librosa.mel_frequencies(n_mels=N_MELS, fmax=SAMPLE_RATE / 2)
        return [f"{f:.0f} Hz" for f in hz], [round(float(f), 2) for f in hz]
    if feature.name == "tempogram":
        bpm = librosa.tempo_frequencies(TEMPOGRAM_WINDOW, sr=SAMPLE_RATE, hop_length=HOP)
        labels = ["lag 0"] + [f"{b:.2f} BPM" for b in bpm[1:]]
        return labels, [None] + [round(float(b), 3) for b in bpm[1:]]
    if feature.name == "fourier_tempogram":
        bpm = librosa.fourier_tempo_frequencies(
            sr=SAMPLE_RATE, win_length=FOURIER_TEMPOGRAM_WINDOW, hop_length=HOP
        )
        return [f"{b:.1f} BPM" for b in bpm], [round(float(b), 3) for b in bpm]
    return list(feature.labels), None
