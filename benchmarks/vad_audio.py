"""Audio with exactly known speech for the VAD benchmark: the repository's speech fixtures,
and two-speaker conversations spoken by espeak-ng, clean or under pink + brown noise.

Each sentence is synthesized alone and trimmed of espeak's own silence with sox, exactly as
tests/fixtures/make_fixtures.sh makes the fixtures, so its interval in the conversation is
known to the sample. Needs espeak-ng and sox (apt-get install -y espeak-ng sox).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SPEECH = REPO / "tests" / "fixtures" / "speech"
RATE = 22_050  # espeak-ng's own rate: the stored files are resampled to 16 kHz by the VADs
FRAME = 0.01  # the frame of frame-level F1 (issue 18)

# Harvard sentences (IEEE 1969), public domain.
SENTENCES = (
    """
the birch canoe slid on the smooth planks|glue the sheet to the dark blue background
it is easy to tell the depth of a well|these days a chicken leg is a rare dish
rice is often served in round bowls|the juice of lemons makes fine punch
the box was thrown beside the parked truck|the hogs were fed chopped corn and garbage
four hours of steady work faced us|a large size in stockings is hard to sell
the boy was there when the sun rose|a rod is used to catch pink salmon
the source of the huge river is the clear spring|kick the ball straight and follow through
help the woman get back to her feet|a pot of tea helps to pass the evening
smoky fires lack flame and heat|the soft cushion broke the man's fall
the salt breeze came across from the sea|the girl at the booth sold fifty bonds
the small pup gnawed a hole in the sock|the fish twisted and turned on the bent hook
press the pants and sew a button on the vest|the swan dive was far short of perfect
the beauty of the view stunned the young boy|two blue fish swam in the tank
her purse was full of useless trash|the colt reared and threw the tall rider
it snowed, rained, and hailed the same morning|read verse out loud for pleasure
hoist the load to your left shoulder|take the winding path to reach the lake
note closely the size of the gas tank|wipe the grease off his dirty face
mend the coat before you go out|the wrist was badly strained and hung limp
the stray cat gave birth to kittens|the young girl gave no clear response
the meal was cooked before the bell rang|what joy there is in living
""".replace("\n", "|")
    .strip("|")
    .split("|")
)
VOICES = (
    ("en-us", "en-gb+f3"),
    ("en-gb-scotland", "en-us+f2"),
    ("en-029+m3", "en-gb-x-rp+f4"),
)


@dataclass
class Clip:
    """A recording and where its speech is, in seconds."""

    name: str
    path: Path
    duration: float
    speech: list[tuple[float, float]]


def have_tools() -> str | None:
    """None when espeak-ng and sox are here; else what to install."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    return f"apt-get install -y {' '.join(missing)}" if missing else None


def speech_fixtures() -> list[Clip]:
    clips = []
    for line in (SPEECH / "manifest.jsonl").read_text().splitlines():
        row = json.loads(line)
        speech = [(s["start"], s["end"]) for s in row["segments"]]
        clips.append(Clip(row["file"], SPEECH / row["file"], row["duration"], speech))
    return clips


def sentence(text: str, voice: str, speed: int, folder: Path) -> np.ndarray:
    """One sentence as float32 at RATE, trimmed of leading and trailing silence."""
    raw = folder / "sentence.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", raw, text], check=True)
    trim = ["silence", "1", "0.01", "0.5%", "reverse", "silence", "1", "0.01", "0.5%", "reverse"]
    out = subprocess.run(
        ["sox", raw, "-r", str(RATE), "-c", "1", "-t", "raw", "-e", "floating-point", "-b", "32"]
        + ["-", *trim],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(out, np.float32)


def conversation(
    minutes: float, seed: int, folder: Path
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Two speakers taking turns of one to three sentences: pauses of 0.25-0.6 s inside a
    turn and 0.4-2.5 s between turns. Returns the samples and each sentence's interval."""
    rng = random.Random(seed)
    voices = VOICES[seed % len(VOICES)]
    speeds = (rng.randint(140, 175), rng.randint(140, 175))
    cache: dict[tuple[str, int], np.ndarray] = {}
    parts: list[np.ndarray] = [np.zeros(int(0.5 * RATE), np.float32)]
    at = parts[0].size
    speech: list[tuple[float, float]] = []
    turn = 0
    while at < minutes * 60 * RATE:
        who = turn % 2
        for n in range(rng.randint(1, 3)):
            if n:
                pause = np.zeros(int(rng.uniform(0.25, 0.6) * RATE), np.float32)
                parts.append(pause)
                at += pause.size
            text = rng.choice(SENTENCES)
            key = (text, who)
            if key not in cache:
                cache[key] = sentence(text, voices[who], speeds[who], folder)
            said = cache[key]
            speech.append((at / RATE, (at + said.size) / RATE))
            parts.append(said)
            at += said.size
        gap = np.zeros(int(rng.uniform(0.4, 2.5) * RATE), np.float32)
        parts.append(gap)
        at += gap.size
        turn += 1
    parts.append(np.zeros(int(0.3 * RATE), np.float32))
    return np.concatenate(parts), speech


def colored_noise(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent (1: pink, 2: brown), unit variance."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n)
    f[0] = f[1]
    noise = np.fft.irfft(spectrum / f ** (exponent / 2), n)
    return (noise / noise.std()).astype(np.float32)


def noisy(
    samples: np.ndarray, speech: list[tuple[float, float]], snr_db: float, seed: int
) -> np.ndarray:
    """Pink + brown noise (equal parts) added at `snr_db` against the speech's own power."""
    rng = np.random.default_rng(seed)
    noise = colored_noise(samples.size, 1.0, rng) + colored_noise(samples.size, 2.0, rng)
    voiced = np.concatenate([samples[int(s * RATE) : int(e * RATE)] for s, e in speech])
    power = float(np.mean(voiced.astype(np.float64) ** 2))
    noise *= np.sqrt(power / 10 ** (snr_db / 10) / float(np.mean(noise.astype(np.float64) ** 2)))
    mixed = samples + noise
    peak = float(np.abs(mixed).max())
    return (mixed / peak * 0.9 if peak > 0.9 else mixed).astype(np.float32)


def write_flac(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    import soundfile

    soundfile.write(path, samples, rate, subtype="PCM_16", format="FLAC")


def frame_mask(intervals: list[tuple[float, float]], duration: float) -> np.ndarray:
    """Which FRAME-long frames of the recording the intervals cover (by frame centre)."""
    count = int(round(duration / FRAME))
    centres = (np.arange(count) + 0.5) * FRAME
    mask = np.zeros(count, bool)
    for start, end in intervals:
        mask[(centres >= start) & (centres < end)] = True
    return mask


def frame_counts(
    reference: list[tuple[float, float]], predicted: list[tuple[float, float]], duration: float
) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) over 10 ms frames."""
    ref, hyp = frame_mask(reference, duration), frame_mask(predicted, duration)
    return int((ref & hyp).sum()), int((~ref & hyp).sum()), int((ref & ~hyp).sum())


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
