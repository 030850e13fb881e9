"""vad-webrtc judging long audio in a child process: the same decisions as one detector in
this process, and a child that fails or is left behind says so and does not linger."""

from __future__ import annotations

import numpy as np
import pytest

from audino.models import AudioInput
from audino.models.vad import Rules
from audino.models.webrtc import WebrtcStream
from audino.models.webrtc_process import VadProcess, VadProcessFailed
from tests.models.speech import clips

NEVER = 1e9  # seconds: the whole file judged in this process


def decisions(audio: AudioInput, in_process_seconds: float, chunk_seconds: float = 2.0):
    stream = WebrtcStream(3, 30, Rules(), in_process_seconds=in_process_seconds)
    for chunk in audio.chunks(audio.sample_rate, chunk_seconds):
        stream.add(chunk, audio.sample_rate)
    return stream, stream.voiced()


def test_a_child_process_decides_every_frame_as_one_detector_in_this_process() -> None:
    # The detector adapts to what it heard: the child is handed the audio from the start,
    # so the switch after 1 s leaves no seam in the decisions.
    for clip in clips()[:3]:
        audio = AudioInput.from_file(clip.path)
        here_stream, here = decisions(audio, NEVER)
        child_stream, child = decisions(audio, 1.0)
        assert here_stream._child is None
        assert child.size == here.size == int(np.ceil(audio.duration / 0.03))
        assert here.any() and not here.all()
        np.testing.assert_array_equal(child, here)


def test_short_audio_starts_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[object] = []
    monkeypatch.setattr("audino.models.webrtc.VadProcess", lambda *a: started.append(a))
    audio = AudioInput.from_file(clips()[0].path)
    decisions(audio, 60.0)
    assert started == []


def test_a_child_that_dies_is_an_error_that_says_so() -> None:
    child = VadProcess(3, 240, 8_000)
    child._running().kill()
    with pytest.raises(VadProcessFailed, match="voice-activity detector's process stopped"):
        for _ in range(100):  # the pipe breaks at the latest when its buffer is full
            child.send(np.zeros(240 * 1000, np.int16))
        child.answers()


def test_closing_an_unfinished_stream_ends_its_child() -> None:
    stream = WebrtcStream(3, 30, Rules(), in_process_seconds=0.0)
    stream.add(np.zeros(8_000, np.float32), 8_000)
    child = stream._child
    assert child is not None
    proc = child._running()
    stream.close()
    assert proc.poll() is not None
    assert stream._child is None
