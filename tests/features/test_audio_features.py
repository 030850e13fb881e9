"""audino.audio.features on signals made in code: known answers (a 440 Hz sine's centroid,
chroma and RMS), frame times on the waveform's time axis, the frame bound for long input,
and block-by-block computing that matches librosa run on the whole signal."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

librosa = pytest.importorskip("librosa")

from audino.audio import features  # noqa: E402

A4 = 440.0


def sine(seconds: float, rate: int, hz: float = A4, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def interior(track: np.ndarray, times: np.ndarray, seconds: float) -> np.ndarray:
    """The frames whose window lies wholly inside the signal (no edge padding)."""
    margin = features.N_FFT / 2 / features.SAMPLE_RATE
    return track[..., (times > margin) & (times < seconds - margin)]


@pytest.mark.parametrize("rate", [22050, 44100, 16000])
def test_a_440_hz_sine(rate: int) -> None:
    found = features.compute(sine(3.0, rate), rate)
    centroid = interior(found.values["spectral_centroid"][0], found.times, 3.0)
    assert np.all(np.abs(centroid - A4) < 5.0)
    rolloff = interior(found.values["spectral_rolloff"][0], found.times, 3.0)
    assert np.all(np.abs(rolloff - A4) < 30.0)  # within a few FFT bins of the tone
    chroma = interior(found.values["chroma"], found.times, 3.0)
    assert set(np.argmax(chroma, axis=0)) == {9}  # A, counting from C
    rms = interior(found.values["rms"][0], found.times, 3.0)
    np.testing.assert_allclose(rms, 0.5 / np.sqrt(2), rtol=2e-3)
    # One crossing up and one down per period: 880 of the 22050 samples a second.
    zcr = interior(found.values["zero_crossing_rate"][0], found.times, 3.0)
    np.testing.assert_allclose(zcr, 2 * A4 / features.SAMPLE_RATE, atol=1.5 / features.N_FFT)


def test_rms_follows_the_amplitude() -> None:
    rate = 22050
    quiet, loud = sine(1.0, rate, amplitude=0.1), sine(1.0, rate, amplitude=0.8)
    found = features.compute(np.concatenate([quiet, loud]), rate)
    rms, times = found.values["rms"][0], found.times
    np.testing.assert_allclose(rms[(times > 0.1) & (times < 0.9)], 0.1 / np.sqrt(2), rtol=3e-3)
    np.testing.assert_allclose(rms[(times > 1.1) & (times < 1.9)], 0.8 / np.sqrt(2), rtol=3e-3)


@pytest.mark.parametrize("rate", [22050, 48000])
def test_frame_times_are_on_the_waveforms_time_axis(rate: int) -> None:
    """A tone that starts at 1.000 s: the frame centred there holds half of its energy,
    so the energy crosses half its level at 1.0 s (and the onset is found there)."""
    start = 1.0
    signal = np.concatenate([np.zeros(round(start * rate), np.float32), sine(1.0, rate)])
    found = features.compute(signal, rate)
    energy, times = found.values["rms"][0] ** 2, found.times
    half = energy[times > 1.5].mean() / 2
    after = int(np.argmax(energy > half))
    crossing = np.interp(half, energy[after - 1 : after + 1], times[after - 1 : after + 1])
    assert abs(crossing - start) < 0.2 * features.HOP / features.SAMPLE_RATE
    np.testing.assert_allclose(np.diff(times), features.HOP / features.SAMPLE_RATE)
    onset = times[int(np.argmax(found.values["onset_strength"][0]))]
    assert abs(onset - start) <= features.N_FFT / 2 / features.SAMPLE_RATE


def test_long_input_stays_within_the_frame_bound() -> None:
    """Four minutes make 10,336 analysis frames: pooled in threes, under MAX_FRAMES, and
    the pooled frame times still sit where the audio is (a tone starting at 2:00)."""
    rate, seconds, start = 8000, 240.0, 120.0
    rng = np.random.default_rng(0)
    signal = (0.01 * rng.standard_normal(round(seconds * rate))).astype(np.float32)
    signal[round(start * rate) :] += sine(seconds - start, rate, amplitude=0.5)
    found = features.compute(signal, rate)
    frames = features.analysis_frames(round(seconds * features.SAMPLE_RATE))
    assert frames > features.MAX_FRAMES
    assert found.pool == features.pool_factor(frames) == 3
    assert found.times.size == -(-frames // 3) <= features.MAX_FRAMES
    for name, array in found.values.items():
        assert array.shape == (features.BY_NAME[name].rows, found.times.size), name
        assert np.all(np.isfinite(array)), name
    assert np.all(np.diff(found.times) > 0) and found.times[-1] <= seconds
    assert found.frame_seconds == pytest.approx(3 * features.HOP / features.SAMPLE_RATE)
    rms = found.values["rms"][0]
    first_loud = found.times[int(np.argmax(rms > 0.2))]
    assert abs(first_loud - start) < found.frame_seconds


def test_a_recording_longer_than_its_header_said_is_pooled_further(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(features, "MAX_FRAMES", 40)
    extractor = features.Extractor(22050, duration=0.5)
    assert extractor.pool == 1
    extractor.add(sine(5.0, 22050))
    found = extractor.finish()
    assert 20 <= found.times.size <= 40
    assert all(a.shape[-1] == found.times.size for a in found.values.values())


def test_blocks_give_what_librosa_gives_on_the_whole_signal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seven blocks of 64 frames against one librosa call each on the whole signal."""
    monkeypatch.setattr(features, "BLOCK_FRAMES", 64)
    sr = features.SAMPLE_RATE
    rng = np.random.default_rng(1)
    y = (0.1 * rng.standard_normal(10 * sr)).astype(np.float32)
    y[3 * sr : 4 * sr] *= 5
    found = features.compute(y, sr)
    spectrum = np.abs(librosa.stft(y, n_fft=features.N_FFT, hop_length=features.HOP))
    mel_power = librosa.feature.melspectrogram(S=spectrum**2, sr=sr, n_mels=features.N_MELS)
    mel = librosa.power_to_db(mel_power, ref=1.0, top_db=None)
    onsets = librosa.onset.onset_strength(S=mel, sr=sr, center=False)
    fourier = librosa.feature.fourier_tempogram(
        onset_envelope=onsets, sr=sr, win_length=features.FOURIER_TEMPOGRAM_WINDOW
    )
    expected = {
        "mel": mel,
        "mfcc": librosa.feature.mfcc(S=mel, n_mfcc=features.N_MFCC),
        "chroma": librosa.feature.chroma_stft(S=spectrum**2, sr=sr, tuning=0.0),
        "spectral_contrast": librosa.feature.spectral_contrast(S=spectrum, sr=sr),
        "spectral_centroid": librosa.feature.spectral_centroid(S=spectrum, sr=sr),
        "spectral_bandwidth": librosa.feature.spectral_bandwidth(S=spectrum, sr=sr),
        "spectral_rolloff": librosa.feature.spectral_rolloff(S=spectrum, sr=sr),
        "rms": librosa.feature.rms(y=y),
        "zero_crossing_rate": librosa.feature.zero_crossing_rate(y),
        "onset_strength": onsets[None, :],
        "tempogram": librosa.feature.tempogram(
            onset_envelope=onsets, sr=sr, win_length=features.TEMPOGRAM_WINDOW
        ),
        "fourier_tempogram": np.abs(fourier)[:, : onsets.size],
    }
    for name, want in expected.items():
        got = found.values[name]
        assert got.shape == want.shape, name
        scale = max(1.0, float(np.abs(want).max()))
        tolerance = 1.5 / features.N_FFT if name == "zero_crossing_rate" else 1e-4 * scale
        assert float(np.abs(got - want).max()) <= tolerance, name


def test_chunks_of_any_size_give_the_same_features() -> None:
    rate = 44100
    rng = np.random.default_rng(2)
    y = (0.2 * rng.standard_normal(4 * rate)).astype(np.float32)
    whole = features.compute(y, rate)
    extractor = features.Extractor(rate, 4.0)
    cuts = np.sort(rng.integers(0, y.size, 25))
    for part in np.split(y, cuts):
        extractor.add(part)
    pieces = extractor.finish()
    np.testing.assert_array_equal(pieces.times, whole.times)
    for name in features.FEATURE_NAMES:
        np.testing.assert_allclose(pieces.values[name], whole.values[name], atol=1e-3, err_msg=name)


def test_the_summary_vector() -> None:
    found = features.compute(sine(2.0, 22050, hz=220.0), 22050)
    n = features.N_MFCC
    assert found.summary.shape == (features.SUMMARY_LENGTH,) == (2 * n + 2 * features.N_MELS,)
    mfcc, mel = found.values["mfcc"], found.values["mel"]
    np.testing.assert_allclose(found.summary[:n], mfcc.mean(axis=1), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(found.summary[n : 2 * n], mfcc.std(axis=1), rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(
        found.summary[2 * n :][: features.N_MELS], mel.mean(axis=1), atol=1e-3
    )


def test_silence_and_empty_input_give_finite_features() -> None:
    for samples in (np.zeros(0, np.float32), np.zeros(10, np.float32), np.zeros(50_000)):
        found = features.compute(np.asarray(samples, np.float32), 16000)
        assert found.times.size >= 1
        for name, array in found.values.items():
            assert np.all(np.isfinite(array)), name
        assert np.all(np.isfinite(found.summary))


def test_stored_and_read_back() -> None:
    found = features.compute(sine(1.5, 16000), 16000)
    back = features.read_npz(io.BytesIO(found.to_npz()))
    np.testing.assert_array_equal(back.times, found.times)
    np.testing.assert_array_equal(back.summary, found.summary)
    assert back.pool == found.pool and back.meta["version"] == features.VERSION
    for name in features.FEATURE_NAMES:
        tolerance = 2e-3 * max(1.0, float(np.abs(found.values[name]).max()))
        np.testing.assert_allclose(back.values[name], found.values[name], atol=tolerance)
    only = features.read_npz(io.BytesIO(found.to_npz()), ["rms"])
    assert set(only.values) == {"rms"}


def test_every_feature_is_explained_and_labelled() -> None:
    found = features.compute(sine(0.5, 16000), 16000)
    assert set(features.FEATURE_NAMES) == set(found.values)
    for feature in features.CATALOGUE:
        about = feature.about
        assert re.fullmatch(r"[a-z0-9_]+", feature.name)
        assert about.title and about.unit and about.axis
        sentences = len(re.findall(r"[.!?](\s|$)", about.explanation))
        assert 2 <= sentences <= 3, feature.name
        assert about.link.startswith("https://")
        labels, positions = features.row_labels(feature)
        assert len(labels) == feature.rows == found.values[feature.name].shape[0]
        assert len(set(labels)) == len(labels), feature.name
        assert positions is None or len(positions) == feature.rows
    mel, hz = features.row_labels(features.BY_NAME["mel"])
    assert hz is not None and hz[0] == 0 and hz[-1] == pytest.approx(features.SAMPLE_RATE / 2)
