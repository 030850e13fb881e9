"""Both VADs on real (synthetic, exactly timed) speech, on silence, tones and noise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from audino.models import AudioInput, Prediction, registry
from tests.audio.signals import write
from tests.models.speech import FIXTURES, clips, frame_f1

MODELS = ("vad-webrtc", "vad-silero")
RATE = 16_000


def within(got: list[Prediction], duration: float) -> bool:
    ordered = all(a.end <= b.start for a, b in zip(got, got[1:], strict=False))
    inside = all(0.0 <= p.start < p.end <= duration for p in got)
    confident = all(p.confidence is not None and 0.0 <= p.confidence <= 1.0 for p in got)
    return ordered and inside and confident


@pytest.mark.parametrize("name", MODELS)
def test_finds_the_speech_in_every_fixture(name: str) -> None:
    annotator = registry.get(name)
    scores = []
    for clip in clips():
        audio = AudioInput.from_file(clip.path)
        got = annotator.predict(audio, {})
        assert within(got, audio.duration), (clip.path.name, got)
        assert len(got) == len(clip.speech), (clip.path.name, got)  # one per sentence
        scores.append(frame_f1(clip.speech, got, clip.duration))
    assert min(scores) >= 0.93, scores
    assert float(np.mean(scores)) >= 0.95, scores


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("file", ["mp3_stereo_44k.mp3", "opus_mono_48k.opus", "ulaw_mono_8k.wav"])
def test_resampled_and_downmixed_input_scores_as_well(name: str, file: str) -> None:
    # The same sentence pair as en_us_1, stored at another rate, codec and channel count.
    reference = clips()[0]
    audio = AudioInput.from_file(FIXTURES / "formats" / file)
    got = registry.get(name).predict(audio, {})
    assert within(got, audio.duration)
    assert frame_f1(reference.speech, got, reference.duration) >= 0.95


def signal(tmp_path: Path, kind: str, seconds: float = 6.0) -> AudioInput:
    t = np.arange(round(seconds * RATE)) / RATE
    rng = np.random.default_rng(7)
    samples = {
        "silence": np.zeros(t.size),
        "tone": 0.5 * np.sin(2 * np.pi * 440 * t),
        "hum": 0.3 * np.sin(2 * np.pi * 50 * t),
        "faint noise": 0.01 * rng.standard_normal(t.size),
        "loud noise": 0.1 * rng.standard_normal(t.size),
    }[kind].astype(np.float32)
    path = write(
        tmp_path / "signal.wav", samples[None, :], RATE, container="wav", codec="pcm_s16le"
    )
    return AudioInput.from_file(path)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("kind", ["silence", "tone", "hum", "faint noise"])
def test_no_speech_in_silence_tones_or_faint_noise(tmp_path: Path, name: str, kind: str) -> None:
    assert registry.get(name).predict(signal(tmp_path, kind), {}) == []


def test_silero_finds_no_speech_in_loud_noise(tmp_path: Path) -> None:
    # WebRTC's detector marks loud broadband noise as speech (its description says so).
    audio = signal(tmp_path, "loud noise")
    assert registry.get("vad-silero").predict(audio, {}) == []
    assert within(registry.get("vad-webrtc").predict(audio, {}), audio.duration)


def test_silero_probabilities_equal_faster_whispers_whole_file_run(tmp_path: Path) -> None:
    # Our run streams uneven resampled chunks and carries the model's state across them;
    # faster-whisper's runs the same 16 kHz samples in one call. Nothing is lost at seams.
    from faster_whisper.vad import get_vad_model

    from audino.audio.resample import resample
    from audino.models.silero import WINDOW, speech_probabilities

    one = AudioInput.from_file(clips()[0].path).samples(RATE)
    stored = np.tile(resample(one, RATE, 44_100), 4)  # ~30 s: several decode chunks
    path = write(tmp_path / "long.flac", stored[None, :], 44_100, container="flac", codec="flac")
    audio = AudioInput.from_file(path)
    assert any(c.size % WINDOW for c in audio.chunks(RATE))  # seams inside windows
    ours = speech_probabilities(audio)
    whole = audio.samples(RATE)
    theirs = np.asarray(get_vad_model()(np.pad(whole, (0, WINDOW - whole.size % WINDOW))))
    assert ours.shape == theirs.reshape(-1).shape
    assert np.allclose(ours, theirs.reshape(-1), atol=1e-6)


def test_faster_whisper_and_silero_need_no_torch() -> None:
    code = (
        "import sys\n"
        "import faster_whisper, faster_whisper.vad\n"
        "from audino.models import AudioInput, registry\n"
        f"audio = AudioInput.from_file({str(clips()[0].path)!r})\n"
        "registry.get('vad-silero').predict(audio, {})\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_long_input_streams_in_chunks(tmp_path: Path) -> None:
    # Four fixtures back to back (~30 s: several decode chunks): the same speech is found
    # in each copy, at its place in the recording.
    clip = clips()[0]
    one = AudioInput.from_file(clip.path).samples(RATE)
    tiled = np.tile(one, 4)[None, :]
    path = write(tmp_path / "long.flac", tiled, RATE, container="flac", codec="flac")
    audio = AudioInput.from_file(path)
    for name in MODELS:
        got = registry.get(name).predict(audio, {})
        assert within(got, audio.duration)
        shift = one.size / RATE
        reference = [(s + k * shift, e + k * shift) for k in range(4) for s, e in clip.speech]
        assert frame_f1(reference, got, audio.duration) >= 0.95
