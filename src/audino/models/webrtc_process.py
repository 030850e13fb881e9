"""WebRTC VAD decisions made in a child process, so that ingest's decoding keeps its core.

webrtcvad answers one frame per call and holds the GIL while it does: 120,000 calls an
hour of audio (30 ms frames), ~0.25 s in all, which the decoding thread of the same
process has to wait out (measured: +30 % on the ingest of a 1 h FLAC). A child process
has a GIL of its own: it is fed 8 kHz 16-bit PCM over a pipe (58 MB an hour, written
without the GIL) and answers one byte per frame when its input ends. It is started only
for long audio (see webrtc.IN_PROCESS_SECONDS): starting it costs ~20-50 ms of CPU (on the
other core: the decoding goes on meanwhile), more than a short clip's VAD.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import IO

import numpy as np

# The child: whole frames in on stdin, one byte per frame (1 speech, 0 not) out at EOF.
# It imports nothing of ours, so it starts in the time Python and webrtcvad take.
_CHILD = """
import sys
sys.path.insert(0, sys.argv[4])
import webrtcvad
mode, size, rate = (int(a) for a in sys.argv[1:4])
judge = webrtcvad.Vad(mode).is_speech
step = 2 * size
read = sys.stdin.buffer.read
out = bytearray()
while block := read(step * 2048):
    view = memoryview(block)
    out.extend(judge(view[i : i + step], rate) for i in range(0, len(view) - step + 1, step))
sys.stdout.buffer.write(out)
"""


def _module_folder() -> str:
    spec = importlib.util.find_spec("webrtcvad")
    if spec is None or spec.origin is None:
        raise VadProcessFailed("the webrtcvad-wheels package is not installed")
    return str(Path(spec.origin).parent)


class VadProcessFailed(RuntimeError):
    """The child process ended without its answer."""


class VadProcess:
    """A running child judging `size`-sample frames at `rate` with `aggressiveness`."""

    def __init__(self, aggressiveness: int, size: int, rate: int) -> None:
        self._size = size
        self._sent = 0
        # -S: no site-packages scan (most of Python's start-up); webrtcvad's folder is given.
        command = [sys.executable, "-S", "-c", _CHILD, str(aggressiveness), str(size), str(rate)]
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [*command, _module_folder()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def send(self, pcm: np.ndarray) -> None:
        """Whole frames of int16 PCM."""
        assert pcm.size % self._size == 0, "whole frames only"
        try:
            self._pipe().write(np.ascontiguousarray(pcm, np.int16).data.cast("B"))
        except BrokenPipeError:  # it ended early: say why
            self.answers()
        self._sent += pcm.size // self._size

    def answers(self) -> np.ndarray:
        """The decisions for every frame sent, in order (waits for the child to finish)."""
        proc = self._running()
        out, err = proc.communicate()
        self._proc = None
        if proc.returncode != 0 or len(out) != self._sent:
            message = err.decode(errors="replace").strip().splitlines()
            raise VadProcessFailed(
                f"the voice-activity detector's process stopped (exit code {proc.returncode})"
                + (f": {message[-1]}" if message else "")
            )
        return np.frombuffer(out, np.uint8).astype(np.bool_)

    def stop(self) -> None:
        """Ends the child without waiting for its answer (the decoding failed)."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.communicate()
            self._proc = None

    def _running(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            raise VadProcessFailed("the voice-activity detector's process was stopped")
        return self._proc

    def _pipe(self) -> IO[bytes]:
        stdin = self._running().stdin
        assert stdin is not None
        return stdin

    def __del__(self) -> None:  # a stream dropped unfinished must not leave its child running
        self.stop()
