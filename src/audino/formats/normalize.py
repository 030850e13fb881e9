"""Normalised transcripts (VoxPopuli's `normalized_text`, LibriVox's `.normalized.txt`):
lower case, no punctuation, single spaces, in every script.

The rules are Unicode's, not ASCII's: NFKC first (full-width letters, ligatures and
presentation forms become plain letters), then lower case, then NFKC again (lowering can
leave decomposed letters), then every punctuation character (category P*) becomes a space,
except an apostrophe inside a word (`don't`, `l'homme`), which is kept as `'`.
Combining marks (category M*: Devanagari vowel signs, Arabic harakat, accents) stay on
their letters, symbols (S*) and joiners stay too, and runs of whitespace become one space.

Lower case rather than `casefold`: casefold is for comparing text, not writing it — it turns
`ß` into `ss` and every Greek `ς` into `σ`. Turkish dotted capital I follows Unicode's
default lowering, so `İstanbul` becomes `i̇stanbul`: an `i` and a combining dot above (U+0307),
kept attached to its letter, no space. A locale-aware `istanbul` would need the text's
language, which a transcript does not reliably carry.
"""

from __future__ import annotations

import unicodedata

APOSTROPHES = frozenset("'\u2019")  # ASCII apostrophe, right single quotation mark


def normalized_text(text: str) -> str:
    """`"Hello, World!"` -> `"hello world"`; `"मेरा नाम राम है।"` -> `"मेरा नाम राम है"`."""
    lowered = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())
    out: list[str] = []
    last = len(lowered) - 1
    for i, char in enumerate(lowered):
        if not unicodedata.category(char).startswith("P"):
            out.append(char)
        elif char in APOSTROPHES and 0 < i < last and _inside_word(lowered, i):
            out.append("'")
        else:
            out.append(" ")
    return " ".join("".join(out).split())


def _inside_word(text: str, i: int) -> bool:
    """Whether letters, marks or digits stand on both sides of position `i`."""
    return all(unicodedata.category(text[k])[0] in "LMN" for k in (i - 1, i + 1))
