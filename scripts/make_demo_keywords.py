"""Makes the keyword-spotting demo's clips (`audino serve --demo`), Speech Commands style:
`src/audino/demo/keywords/<word>/<voice>.flac`, one second of 16 kHz mono speech each, spoken
by espeak-ng in a few English voices. Run again only to change them:

    uv run python scripts/make_demo_keywords.py   # needs espeak-ng (apt-get install espeak-ng)
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile
import soxr

OUT = Path(__file__).resolve().parents[1] / "src" / "audino" / "demo" / "keywords"
WORDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
# (file name, espeak-ng voice, words per minute, pitch 0-99)
VOICES = [
    ("us_low", "en-us", 150, 35),
    ("gb_mid", "en-gb", 165, 50),
    ("us_high", "en-us+f3", 140, 70),
]
RATE = 16_000


def speak(word: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", word],
        check=True,
        capture_output=True,
    ).stdout
    samples, rate = soundfile.read(io.BytesIO(wav), dtype="float32")
    samples = soxr.resample(samples, rate, RATE)
    clip = np.zeros(RATE, dtype=np.float32)  # one second, the word centred, as in Speech Commands
    samples = samples[:RATE]
    start = (RATE - samples.size) // 2
    clip[start : start + samples.size] = samples
    return clip


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    rows = []
    for word in WORDS:
        (OUT / word).mkdir(parents=True)
        for name, voice, speed, pitch in VOICES:
            path = OUT / word / f"{name}.flac"
            soundfile.write(path, speak(word, voice, speed, pitch), RATE, subtype="PCM_16")
            rows.append({"file": f"{word}/{name}.flac", "word": word, "voice": name})
    (OUT / "keywords.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in OUT.rglob("*.flac"))
    print(f"{len(rows)} clips, {size / 1024:.0f} KiB in {OUT}")


if __name__ == "__main__":
    main()
