"""asr-whisper end to end through faster-whisper and CTranslate2, on a tiny hand-set model
(tests/models/tiny_whisper.py) that says "hello world" whatever it hears, and the
sentences an administrator reads when the model folder is missing or incomplete."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from audino import config
from audino.models import AudioInput, Prediction, registry, whisper
from audino.services.errors import InvalidInput, Unprocessable
from tests.audio.signals import write
from tests.conftest import AppEnv, Factory
from tests.models import tiny_whisper
from tests.models.speech import clips

EXACT = {"compute_type": "float32", "device": "cpu"}
RATE = 16_000


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_whisper.build(tmp_path_factory.mktemp("whisper") / "tiny-hello")


def use_model(monkeypatch: pytest.MonkeyPatch, folder: Path | str | None) -> None:
    if folder is None:
        monkeypatch.delenv("AUDINO_WHISPER_MODEL", raising=False)
    else:
        monkeypatch.setenv("AUDINO_WHISPER_MODEL", str(folder))
    config.get_settings.cache_clear()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """monkeypatch, with the settings cache forgotten after it undoes the environment."""
    yield monkeypatch
    monkeypatch.undo()
    config.get_settings.cache_clear()


@pytest.fixture
def asr(env: pytest.MonkeyPatch, tiny_model: Path) -> whisper.WhisperAsr:
    use_model(env, tiny_model)
    annotator = registry.get("asr-whisper")
    assert isinstance(annotator, whisper.WhisperAsr)
    return annotator


def well_formed(got: list[Prediction], duration: float) -> None:
    assert got == sorted(got, key=lambda p: p.start)
    for p in got:
        assert 0.0 <= p.start < p.end <= duration, p
        assert p.confidence is not None and 0.0 <= p.confidence <= 1.0
        assert p.words is not None and p.values == {}
        assert [w[0] for w in p.words] == sorted(w[0] for w in p.words)
        for start, end, word, probability in p.words:
            assert p.start <= start <= end <= p.end and word == word.strip()
            assert 0.0 <= probability <= 1.0


def test_transcribes_with_word_times(asr: whisper.WhisperAsr) -> None:
    clip = clips()[0]
    audio = AudioInput.from_file(clip.path)
    got = asr.predict(audio, EXACT | {"vad_filter": False, "beam_size": 1})
    well_formed(got, audio.duration)
    [one] = got
    assert one.transcript == tiny_whisper.PHRASE
    assert one.confidence is not None and one.confidence > 0.99  # every token at ~0.9999
    assert [w[2] for w in one.words or []] == ["hello", "world"]  # " wor" + "ld": one word
    (_, between, *_), (after, end, *_) = one.words or []
    # Word edges fall between the times the model's alignment heads look at.
    first, second, *_ = tiny_whisper.LOOKS
    assert first < between == after < second
    assert one.start == 0.0 and end == one.end < tiny_whisper.END + 0.05
    # Beam search finds the same.
    assert asr.predict(audio, EXACT | {"vad_filter": False}) == got


def test_the_vad_filter_moves_times_to_where_speech_starts(asr: whisper.WhisperAsr) -> None:
    # faster-whisper transcribes only the speech Silero finds and maps times back: the
    # phrase the model always says at 0 s now starts near the clip's first word (0.7 s,
    # less Silero's 0.4 s of padding).
    clip = clips()[0]
    audio = AudioInput.from_file(clip.path)
    plain = asr.predict(audio, EXACT | {"vad_filter": False})
    [one] = asr.predict(audio, EXACT)
    assert clip.speech[0][0] - 0.5 <= one.start < clip.speech[0][0]
    assert one.end - one.start == pytest.approx(plain[0].end - plain[0].start, abs=0.02)
    well_formed([one], audio.duration)


def test_silence_gives_nothing_with_the_vad_filter(tmp_path: Path, asr: whisper.WhisperAsr) -> None:
    path = write(
        tmp_path / "quiet.wav",
        np.zeros((1, 3 * RATE), np.float32),
        RATE,
        container="wav",
        codec="pcm_s16le",
    )
    assert asr.predict(AudioInput.from_file(path), EXACT) == []


def test_times_are_clipped_to_the_recording(tmp_path: Path, asr: whisper.WhisperAsr) -> None:
    # The model's end timestamp is 2 s; this recording lasts 1.2 s. (With word times the
    # alignment, which sees only the recording, ends the segment at its last word.)
    head = AudioInput.from_file(clips()[0].path).samples(RATE)[: round(1.2 * RATE)]
    path = write(tmp_path / "short.wav", head[None, :], RATE, container="wav", codec="pcm_s16le")
    audio = AudioInput.from_file(path)
    [one] = asr.predict(audio, EXACT | {"vad_filter": False, "word_timestamps": False})
    assert (one.start, one.end, one.words) == (0.0, audio.duration, None)
    [aligned] = asr.predict(audio, EXACT | {"vad_filter": False})
    well_formed([aligned], audio.duration)


def test_long_recordings_go_in_blocks_with_recording_times(
    env: pytest.MonkeyPatch, asr: whisper.WhisperAsr
) -> None:
    env.setattr(whisper, "BLOCK_SECONDS", 3.0)
    audio = AudioInput.from_file(clips()[0].path)  # 7.4 s: three blocks
    pieces = list(whisper.blocks(audio))
    assert len(pieces) == 3
    assert np.array_equal(np.concatenate([p for _, p in pieces]), audio.samples(RATE))
    offsets = [offset for offset, _ in pieces]
    assert offsets[0] == 0.0 and all(
        2.25 <= b - a <= 3.0 for a, b in zip(offsets, offsets[1:], strict=False)
    )
    got = asr.predict(audio, EXACT | {"vad_filter": False})
    assert [p.transcript for p in got] == [tiny_whisper.PHRASE] * 3
    assert [p.start for p in got] == pytest.approx(offsets, abs=1e-3)
    well_formed(got, audio.duration)


def test_blocks_are_cut_in_the_quietest_place() -> None:
    rng = np.random.default_rng(3)
    samples = (0.3 * rng.standard_normal(10 * RATE)).astype(np.float32)
    samples[round(7.1 * RATE) : round(7.4 * RATE)] = 0.0  # a pause inside the search window

    class Stream:
        def chunks(self, rate: int) -> Iterator[np.ndarray]:
            yield from np.array_split(samples, 7)

    pieces = list(whisper.blocks(Stream(), seconds=8.0))  # type: ignore[arg-type]
    assert len(pieces) == 2 and pieces[0][0] == 0.0
    cut = pieces[1][0]
    assert 7.1 <= cut <= 7.4
    assert np.array_equal(np.concatenate([p for _, p in pieces]), samples)


def test_int8_on_cpu_says_the_same(asr: whisper.WhisperAsr) -> None:
    audio = AudioInput.from_file(clips()[1].path)
    got = asr.predict(audio, {"vad_filter": False, "device": "cpu", "compute_type": "int8"})
    assert [p.transcript for p in got] == [tiny_whisper.PHRASE]
    well_formed(got, audio.duration)


def test_a_language_whisper_does_not_know_is_refused(asr: whisper.WhisperAsr) -> None:
    audio = AudioInput.from_file(clips()[0].path)
    with pytest.raises(InvalidInput, match="'klingon'"):
        asr.predict(audio, EXACT | {"language": "klingon"})
    # An English-only model writes English whatever language is asked for.
    got = asr.predict(audio, EXACT | {"language": "de", "vad_filter": False})
    assert [p.transcript for p in got] == [tiny_whisper.PHRASE]
    assert [p.language for p in got] == ["en"]  # and says so: faster-whisper's info


def test_unavailable_until_a_complete_model_folder_is_set(
    env: pytest.MonkeyPatch, tmp_path: Path, tiny_model: Path
) -> None:
    asr = registry.get("asr-whisper")
    audio = AudioInput.from_file(clips()[0].path)
    use_model(env, None)
    unset = asr.unavailable()
    assert unset and "AUDINO_WHISPER_MODEL" in unset
    assert "model.bin" in unset and "tokenizer.json" in unset
    assert asr.describe()["available"] is False and asr.describe()["unavailable"] == unset
    assert asr.version.startswith("no model (faster-whisper ")

    use_model(env, tmp_path / "nowhere")
    gone = asr.unavailable()
    assert gone and str(tmp_path / "nowhere") in gone and "not a folder" in gone
    with pytest.raises(Unprocessable) as caught:
        asr.predict(audio, {})
    assert caught.value.detail == gone and caught.value.code == "model_unavailable"

    partial = tmp_path / "partial"
    shutil.copytree(tiny_model, partial)
    (partial / "tokenizer.json").unlink()
    use_model(env, partial)
    lacking = asr.unavailable()
    assert lacking and str(partial) in lacking and "has no tokenizer.json" in lacking
    assert "AUDINO_WHISPER_MODEL" in lacking
    with pytest.raises(Unprocessable) as caught:
        asr.predict(audio, {})
    assert caught.value.detail == lacking

    use_model(env, tiny_model)
    assert asr.unavailable() is None and asr.describe()["available"] is True


def test_the_version_tells_models_apart_not_copies(
    env: pytest.MonkeyPatch, tmp_path: Path, tiny_model: Path
) -> None:
    asr = registry.get("asr-whisper")
    use_model(env, tiny_model)
    version = asr.version
    assert version.startswith("tiny-hello ") and "ctranslate2 " in version
    assert version.endswith("; audino-asr 1")
    copy = tmp_path / "copy" / "tiny-hello"
    shutil.copytree(tiny_model, copy)
    use_model(env, copy)
    assert asr.version == version  # the same model elsewhere
    env.setattr(tiny_whisper, "SURE", 12.0)
    other = tiny_whisper.build(tmp_path / "other" / "tiny-hello")
    use_model(env, other)
    assert asr.version != version  # same name, other weights


def test_a_job_writes_the_transcript_as_a_prediction(
    env: pytest.MonkeyPatch, tiny_model: Path, app_env: AppEnv, factory: Factory
) -> None:
    admin = factory.admin
    pid = factory.project("ASR")["id"]
    clip = clips()[0].path
    r = admin.post(
        f"/api/projects/{pid}/datapoints", files={"file": (clip.name, clip.read_bytes())}
    )
    assert r.status_code == 201, r.text
    dp = r.json()["datapoint"]["id"]
    run = {"model": "asr-whisper", "settings": EXACT, "datapoint_ids": [dp]}

    use_model(env, None)
    refused = admin.post(f"/api/projects/{pid}/predictions/jobs", json=run)
    assert refused.status_code == 422 and "AUDINO_WHISPER_MODEL" in refused.json()["detail"]
    models = {m["name"]: m for m in admin.get("/api/models").json()}
    assert models["asr-whisper"]["fills"] == ["transcript"]
    assert "AUDINO_WHISPER_MODEL" in models["asr-whisper"]["unavailable"]

    use_model(env, tiny_model)
    r = admin.post(f"/api/projects/{pid}/predictions/jobs", json=run)
    assert r.status_code == 202, r.text
    job = admin.get(f"/api/jobs/{r.json()['id']}").json()
    assert job["status"] == "done", job
    assert job["result"]["predictions"] == 1
    assert job["result"]["version"] == registry.get("asr-whisper").version
    [got] = admin.get(f"/api/datapoints/{dp}/predictions").json()
    assert got["model"] == "asr-whisper" and got["transcript"] == tiny_whisper.PHRASE
    duration = admin.get(f"/api/datapoints/{dp}").json()["duration"]
    assert 0.0 <= got["start"] < got["end"] <= duration
    assert [w["word"] for w in got["attributes"]["words"]] == ["hello", "world"]
    assert got["attributes"]["language"] == "en"  # the language Whisper heard is kept
