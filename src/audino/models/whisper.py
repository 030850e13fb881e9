"""`asr-whisper`: transcripts with word times from a Whisper model, run with faster-whisper.

The model is a folder an administrator converted for CTranslate2 and named in
AUDINO_WHISPER_MODEL; nothing is ever downloaded at run time (faster-whisper would fetch a
missing tokenizer.json from the Hugging Face hub, so a folder without one is unavailable).
Long recordings are transcribed in blocks of about BLOCK_SECONDS, each cut at its quietest
moment near the end, so memory stays bounded (faster-whisper computes features for the
whole array at once: about 1 GB per hour). Neither faster-whisper nor CTranslate2 is
imported until a prediction runs, and torch never is.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from audino.models.annotator import AutoAnnotator, Prediction, Word, installed_version
from audino.models.audio_input import AudioInput
from audino.models.settings import Setting, check_settings
from audino.services.errors import InvalidInput, Unprocessable

POSTPROCESS_VERSION = "1"  # bumped when what we make of faster-whisper's segments changes
RATE = 16_000
BLOCK_SECONDS = 600.0  # audio handed to faster-whisper at once
CUT_SEARCH = 20.0  # s at a block's end searched for the quietest place to cut
CUT_FRAME = 0.1  # s per loudness measurement there
INSTALL = "pip install 'audino[models]'"
ENV = "AUDINO_WHISPER_MODEL"
FOLDER = (
    "a Whisper model converted for CTranslate2 (model.bin, config.json, vocabulary.json "
    "and tokenizer.json, as `ct2-transformers-converter --copy_files tokenizer.json` "
    "writes them, or a faster-whisper model downloaded from the Hugging Face hub)"
)
REQUIRED = ("model.bin", "tokenizer.json")
VOCABULARIES = ("vocabulary.json", "vocabulary.txt")


class WhisperAsr(AutoAnnotator):
    name = "asr-whisper"
    title = "Transcript (Whisper)"
    description = (
        "Transcribes speech with OpenAI's Whisper, one segment per sentence or phrase, with "
        "the time of every word. Quality and speed depend on the model the administrator "
        "installs (tiny runs faster than real time on a CPU; large-v3 wants a GPU). Needs "
        "the models extra and a model folder set in AUDINO_WHISPER_MODEL."
    )
    fills = ("transcript",)
    settings = (
        Setting(
            "language",
            "text",
            "",
            "Language",
            "The language spoken, as a code such as en, de or fr; empty: detected from the "
            "first 30 seconds. English-only models (.en) always write English.",
        ),
        Setting(
            "task",
            "choice",
            "transcribe",
            "Task",
            "transcribe writes what is said in its own language; translate writes it in English.",
            choices=("transcribe", "translate"),
        ),
        Setting(
            "beam_size",
            "integer",
            5,
            "Beam size",
            "How many candidate transcripts are weighed at each step: 1 is fastest, 5 makes "
            "fewer mistakes.",
            minimum=1,
            maximum=10,
        ),
        Setting(
            "vad_filter",
            "boolean",
            True,
            "Skip silence first",
            "Runs the Silero voice-activity detector first and transcribes only speech, "
            "which keeps Whisper from inventing text in silence and music.",
        ),
        Setting(
            "word_timestamps",
            "boolean",
            True,
            "Word times",
            "Finds when each word is said (from the model's attention); a little slower.",
        ),
        Setting(
            "device",
            "choice",
            "auto",
            "Device",
            "Where the model runs: auto uses a GPU when CTranslate2 finds one.",
            choices=("auto", "cpu", "cuda"),
        ),
        Setting(
            "compute_type",
            "choice",
            "auto",
            "Number format",
            "auto picks the fastest the device supports (int8 on most CPUs); float32 is "
            "the slowest and most exact.",
            choices=("auto", "int8", "float16", "float32"),
        ),
    )

    @property
    def version(self) -> str:
        """Names the model folder and a fingerprint of its files (two folders of the same
        name differ), the libraries, and our post-processing."""
        libraries = (
            f"faster-whisper {installed_version('faster-whisper')}, "
            f"ctranslate2 {installed_version('ctranslate2')}"
        )
        folder = configured_folder()
        if folder is None or _problem(folder):
            model = "no model"
        else:
            model = f"{folder.name} {fingerprint(folder)}"
        return f"{model} ({libraries}); audino-asr {POSTPROCESS_VERSION}"

    def unavailable(self) -> str | None:
        if importlib.util.find_spec("faster_whisper") is None:
            return f"{self.name} needs the models extra: {INSTALL}"
        folder = configured_folder()
        if folder is None:
            return f"{self.name} needs {FOLDER}: set {ENV} to its folder."
        return _problem(folder)

    def predict(self, audio: AudioInput, settings: Mapping[str, Any]) -> list[Prediction]:
        settings = check_settings(self, settings)
        problem = self.unavailable()
        folder = configured_folder()
        if problem or folder is None:
            raise Unprocessable(problem or "", code="model_unavailable")
        options = _transcribe_options(settings)
        model = _model(folder, str(settings["device"]), str(settings["compute_type"]))
        out: list[Prediction] = []
        for offset, samples in blocks(audio):
            segments, info = model.transcribe(samples, **options)
            language = str(getattr(info, "language", "") or "") or None
            out.extend(_predictions(segments, offset, audio.duration, language))
        return sorted(out, key=lambda p: (p.start, p.end))


def configured_folder() -> Path | None:
    """The model folder AUDINO_WHISPER_MODEL names (through audino.config), or None."""
    from audino.config import get_settings

    value = get_settings().whisper_model
    return Path(value).expanduser() if value else None


def _problem(folder: Path) -> str | None:
    """Why `folder` is not a usable model, naming what it must hold; None when it is."""
    if not folder.is_dir():
        return f"asr-whisper: {ENV} names {folder}, which is not a folder; it must hold {FOLDER}."
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in VOCABULARIES):
        missing.append("vocabulary.json")
    if missing:
        return (
            f"asr-whisper: the folder {folder} ({ENV}) has no {' or '.join(missing)}; "
            f"it must hold {FOLDER}."
        )
    return None


_fingerprints: dict[tuple[str, int, int], str] = {}


def fingerprint(folder: Path) -> str:
    """8 hex digits from config.json and samples of model.bin (its size, and 64 KiB from
    its start, middle and end): the same on any copy of the folder, different for another
    model of the same architecture, and cheap (the model list asks for it). Remembered
    per file size and modification time."""
    weights = folder / "model.bin"
    stat = weights.stat()
    key = (str(weights.resolve()), stat.st_size, stat.st_mtime_ns)
    found = _fingerprints.get(key)
    if found is None:
        digest = hashlib.sha256(str(stat.st_size).encode())
        config = folder / "config.json"
        if config.is_file():
            digest.update(config.read_bytes())
        sample = 65_536
        with weights.open("rb") as file:
            for at in (0, max(0, stat.st_size // 2 - sample // 2), max(0, stat.st_size - sample)):
                file.seek(at)
                digest.update(file.read(sample))
        found = _fingerprints[key] = digest.hexdigest()[:8]
    return found


KEEP_LOADED = 2  # models held at once (a large one takes gigabytes)
_models: dict[tuple[str, str, str, str], Any] = {}
_loading = threading.Lock()


def _model(folder: Path, device: str, compute_type: str) -> Any:
    """The loaded model for this folder, fingerprint, device and number format: kept for
    the process (loading takes seconds; jobs share it), the least recently used of more
    than KEEP_LOADED let go."""
    key = (str(folder.resolve()), fingerprint(folder), device, compute_type)
    with _loading:
        model = _models.pop(key, None)
        if model is None:
            model = _load(folder, device, compute_type)
        _models[key] = model  # last = most recently used
        while len(_models) > KEEP_LOADED:
            del _models[next(iter(_models))]
    return model


def _load(folder: Path, device: str, compute_type: str) -> Any:
    from faster_whisper import WhisperModel
    from faster_whisper.feature_extractor import FeatureExtractor

    try:
        model = WhisperModel(
            str(folder),
            device=device,
            compute_type=compute_type,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as error:
        raise Unprocessable(
            f"asr-whisper could not load the model in {folder} ({device}, {compute_type}): {error}",
            code="model_unavailable",
        ) from error
    mels = int(model.model.n_mels)
    if model.feature_extractor.mel_filters.shape[0] != mels:
        # large-v3 wants 128 mel bands; a folder without preprocessor_config.json would
        # otherwise be fed 80.
        model.feature_extractor = FeatureExtractor(**{**model.feat_kwargs, "feature_size": mels})
    return model


def _transcribe_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    language = str(settings["language"]).strip().lower() or None
    if language is not None and language not in _LANGUAGE_CODES:
        raise InvalidInput(
            f"asr-whisper: Language (language) must be a language code Whisper knows, such "
            f"as en, de, fr or zh, or empty to detect it; not {settings['language']!r}.",
            code="bad_settings",
        )
    return {
        "language": language,
        "task": settings["task"],
        "beam_size": int(settings["beam_size"]),
        "vad_filter": bool(settings["vad_filter"]),
        "word_timestamps": bool(settings["word_timestamps"]),
    }


def blocks(audio: AudioInput, seconds: float | None = None) -> Iterator[tuple[float, np.ndarray]]:
    """(offset s, 16 kHz mono samples) pieces of about `seconds` (BLOCK_SECONDS), each
    cut at the quietest CUT_FRAME of its last CUT_SEARCH seconds so that a cut rarely
    splits a word; the whole recording in one piece when it is short enough."""
    size = round((seconds or BLOCK_SECONDS) * RATE)
    search, frame = min(round(CUT_SEARCH * RATE), size // 4), round(CUT_FRAME * RATE)
    held = np.empty(0, np.float32)
    offset = 0
    for chunk in audio.chunks(RATE):
        held = np.concatenate([held, chunk]) if held.size else chunk
        while held.size > size:
            cut = _quietest(held[size - search : size], frame) + size - search
            yield offset / RATE, held[:cut]
            offset, held = offset + cut, held[cut:]
    if held.size:
        yield offset / RATE, held


def _quietest(samples: np.ndarray, frame: int) -> int:
    """The middle of the quietest whole frame of `samples` (an index into it)."""
    count = samples.size // frame
    if count == 0:
        return samples.size
    energy = np.square(samples[: count * frame].reshape(count, frame), dtype=np.float64)
    return int(np.argmin(energy.sum(axis=1))) * frame + frame // 2


def _predictions(
    segments: Any, offset: float, duration: float, language: str | None = None
) -> Iterator[Prediction]:
    """Our predictions from faster-whisper's segments of a block starting at `offset`:
    times moved to the recording and clipped to it, words clipped to their segment, and
    empty segments left out; `language` is the one Whisper detected (or was told). The
    confidence is exp(avg_logprob), the geometric mean of the probabilities of the
    segment's tokens, clipped to 0..1."""
    for segment in segments:
        text = segment.text.strip()
        start = round(_clip(offset + float(segment.start), 0.0, duration), 3)
        end = round(_clip(offset + float(segment.end), 0.0, duration), 3)
        if not text or end <= start:
            continue
        words: list[Word] | None = None
        if segment.words is not None:
            words = [
                (
                    round(_clip(offset + float(w.start), start, end), 3),
                    round(_clip(offset + float(w.end), start, end), 3),
                    w.word.strip(),
                    round(_clip(float(w.probability), 0.0, 1.0), 4),
                )
                for w in segment.words
                if w.word.strip()
            ]
        logprob = float(segment.avg_logprob)
        confidence = round(_clip(math.exp(logprob), 0.0, 1.0), 4) if logprob < math.inf else None
        yield Prediction(start, end, confidence, transcript=text, words=words, language=language)


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)
