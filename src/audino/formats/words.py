"""Word timings of a segment: `attributes["words"]`, a list of {word, start, end, confidence?}
in seconds from the recording's start, in order, each inside its segment, none overlapping.

`check` is the one rule set (the server refuses what breaks it, in words); `tidy` makes a
model's words fit it; `read` is lenient for exporters (older rows kept Whisper's words as
[start, end, word, probability] lists).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

# Times are kept to the millisecond; a word edge may sit this far outside its segment.
TOLERANCE = 0.0005
MAX_WORDS = 10_000
MAX_WORD = 200  # characters


class WordsError(ValueError):
    """What is wrong with a segment's words, in a sentence for the user."""


def _entry(raw: object) -> dict[str, Any] | None:
    """One word as a dict, from a dict or a [start, end, word, confidence?] list."""
    if isinstance(raw, dict):
        return dict(raw)
    if isinstance(raw, list | tuple) and len(raw) in (3, 4):
        out = {"start": raw[0], "end": raw[1], "word": raw[2]}
        if len(raw) == 4:
            out["confidence"] = raw[3]
        return out
    return None


def _time(value: object, what: str, k: int) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise WordsError(f"word {k + 1}: {what} must be a number of seconds, not {value!r}.")
    return round(float(value), 3)


def check(raw: object, start: float, end: float) -> list[dict[str, Any]]:
    """The words, each {word, start, end[, confidence]}, or WordsError saying what is wrong."""
    if not isinstance(raw, list):
        raise WordsError("words must be a list of {word, start, end}.")
    if len(raw) > MAX_WORDS:
        raise WordsError(f"A segment holds at most {MAX_WORDS} words; this one has {len(raw)}.")
    out: list[dict[str, Any]] = []
    for k, item in enumerate(raw):
        entry = _entry(item)
        if entry is None:
            raise WordsError(f"word {k + 1} must be an object {{word, start, end}}.")
        text = entry.get("word")
        if not isinstance(text, str) or not text.strip():
            raise WordsError(f"word {k + 1} has no text.")
        if len(text) > MAX_WORD:
            raise WordsError(f"word {k + 1} is longer than {MAX_WORD} characters.")
        if any(c.isspace() for c in text.strip()):
            raise WordsError(f"word {k + 1} ({text.strip()!r}) holds a space: one word each.")
        w_start = _time(entry.get("start"), "start", k)
        w_end = _time(entry.get("end"), "end", k)
        name = f"word {k + 1} ({text.strip()!r}, {w_start:g}–{w_end:g} s)"
        if w_start >= w_end:
            raise WordsError(f"{name}: its start must be before its end.")
        if w_start < start - TOLERANCE or w_end > end + TOLERANCE:
            raise WordsError(f"{name} is outside its segment ({start:g}–{end:g} s).")
        if out and w_start < out[-1]["end"] - TOLERANCE:
            before = out[-1]
            raise WordsError(
                f"{name} starts before word {k} ({before['word']!r}) ends at "
                f"{before['end']:g} s: words are in time order and do not overlap."
            )
        word: dict[str, Any] = {"word": text.strip(), "start": w_start, "end": w_end}
        conf = entry.get("confidence")
        if conf is not None:
            if isinstance(conf, bool) or not isinstance(conf, int | float) or not 0 <= conf <= 1:
                raise WordsError(f"{name}: confidence must be between 0 and 1.")
            word["confidence"] = float(conf)
        unknown = set(entry) - {"word", "start", "end", "confidence"}
        if unknown:
            raise WordsError(f"{name}: unknown fields {', '.join(sorted(unknown))}.")
        out.append(word)
    return out


def tidy(raw: Iterable[object], start: float, end: float) -> list[dict[str, Any]]:
    """A model's words made to pass `check`: clipped to the segment, overlaps cut at the
    earlier word's end, and words left without a length (or text) dropped."""
    out: list[dict[str, Any]] = []
    for item in raw:
        entry = _entry(item)
        if entry is None or not str(entry.get("word") or "").strip():
            continue
        try:
            w_start = max(start, float(entry["start"]))
            w_end = min(end, float(entry["end"]))
        except (KeyError, TypeError, ValueError):
            continue
        if out:
            w_start = max(w_start, out[-1]["end"])
        w_start, w_end = round(w_start, 3), round(w_end, 3)
        if w_end <= w_start:
            continue
        word: dict[str, Any] = {"word": "".join(str(entry["word"]).split()), "start": w_start}
        word["end"] = w_end
        conf = entry.get("confidence")
        if isinstance(conf, int | float) and not isinstance(conf, bool):
            word["confidence"] = min(1.0, max(0.0, float(conf)))
        out.append(word)
    return out


def read(attributes: object) -> list[tuple[float, float, str, float | None]]:
    """The words of a segment's attributes as (start, end, word, confidence), skipping any
    entry that is not a word; none when it has no words."""
    raw = attributes.get("words") if isinstance(attributes, Mapping) else None
    if not isinstance(raw, list):
        return []
    out: list[tuple[float, float, str, float | None]] = []
    for item in raw:
        entry = _entry(item)
        if entry is None or "word" not in entry or "start" not in entry or "end" not in entry:
            continue
        conf = entry.get("confidence")
        start, end = float(entry["start"]), float(entry["end"])
        out.append((start, end, str(entry["word"]), None if conf is None else float(conf)))
    return out
