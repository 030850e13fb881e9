"""Transcript agreement: WER and CER on matched segments and on the whole item.

WER and CER are jiwer's: edits (substitutions + deletions + insertions) over reference
words or characters, pooled over sentences. The edit distance comes straight from
rapidfuzz's Levenshtein, the engine jiwer runs on: jiwer's alignment objects cost ~2 ms an
item, more than the whole agreement budget, and the tests check the figures against jiwer.

The edit distance is the same whichever text is the reference; only the length it is
divided by changes. So each figure is computed once and reported both ways (`a_ref`: A as
the reference, `b_ref`: B as the reference) and as their mean.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from audino.formats.records import SegmentRecord
from audino.quality.matching import Matching


class _Punctuation(dict[int, int | None]):
    """str.translate table deleting every Unicode punctuation character (category P*, as
    jiwer.RemovePunctuation does), filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        found = None if unicodedata.category(chr(code)).startswith("P") else code
        self[code] = found
        return found


_PUNCTUATION = _Punctuation()


def normalized(text: str) -> str:
    """Lower case, no punctuation, single spaces."""
    return " ".join(text.lower().translate(_PUNCTUATION).split())


def as_typed(text: str) -> str:
    """Stripped, as jiwer's default transforms leave a text for CER (WER splits it)."""
    return text.strip()


@dataclass(frozen=True, slots=True)
class ErrorRate:
    """Edits between A's and B's text, and the rate against each side's length in words
    (WER) or characters (CER)."""

    errors: int
    length_a: int
    length_b: int
    a_ref: float | None  # errors / length_a
    b_ref: float | None  # errors / length_b
    mean: float | None  # (a_ref + b_ref) / 2
    reason: str | None = None


def error_rate(errors: int, length_a: int, length_b: int) -> ErrorRate:
    """The rates from the counts; pooled figures add counts up and call this again."""
    a_ref = errors / length_a if length_a else None
    b_ref = errors / length_b if length_b else None
    mean = (a_ref + b_ref) / 2 if a_ref is not None and b_ref is not None else None
    reason = None
    if not length_a and not length_b:
        reason = "no transcript on either side"
    elif mean is None:
        reason = f"no transcript from {'A' if not length_a else 'B'}"
    return ErrorRate(errors, length_a, length_b, a_ref, b_ref, mean, reason)


@dataclass(frozen=True, slots=True)
class TranscriptAgreement:
    matched_wer: ErrorRate  # over matched segment pairs, pooled (jiwer's corpus WER)
    matched_cer: ErrorRate
    item_wer: ErrorRate  # each annotator's transcripts joined in time order
    item_cer: ErrorRate
    pairs: int  # matched pairs with a transcript on at least one side


def word_errors(pairs: Sequence[tuple[str, str]]) -> ErrorRate:
    """WER of B against A over (A's text, B's text) pairs, as jiwer.process_words."""
    errors = length_a = length_b = 0
    for ref, hyp in pairs:
        wa, wb = ref.split(), hyp.split()
        errors += Levenshtein.distance(wa, wb)
        length_a += len(wa)
        length_b += len(wb)
    return error_rate(errors, length_a, length_b)


def character_errors(pairs: Sequence[tuple[str, str]]) -> ErrorRate:
    """CER of B against A over (A's text, B's text) pairs, as jiwer.process_characters."""
    errors = length_a = length_b = 0
    for ref, hyp in pairs:
        errors += Levenshtein.distance(ref, hyp)
        length_a += len(ref)
        length_b += len(hyp)
    return error_rate(errors, length_a, length_b)


def transcript_agreement(
    a: Sequence[SegmentRecord],
    b: Sequence[SegmentRecord],
    matching: Matching,
    *,
    normalize: bool = True,
) -> TranscriptAgreement:
    clean = normalized if normalize else as_typed
    text_a = [clean(s.transcript) for s in a]
    text_b = [clean(s.transcript) for s in b]
    pairs = [(text_a[i], text_b[j]) for i, j, _ in matching.pairs if text_a[i] or text_b[j]]
    whole = [(_joined(a, text_a), _joined(b, text_b))]
    return TranscriptAgreement(
        word_errors(pairs),
        character_errors(pairs),
        word_errors(whole),
        character_errors(whole),
        len(pairs),
    )


def _joined(segments: Sequence[SegmentRecord], texts: list[str]) -> str:
    """The annotator's transcripts in time order, one space apart."""
    order = sorted(range(len(segments)), key=lambda k: (segments[k].start, segments[k].end))
    return " ".join(texts[k] for k in order if texts[k])
