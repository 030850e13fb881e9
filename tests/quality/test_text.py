from __future__ import annotations

import random

import jiwer
import pytest

from audino.quality.matching import match_segments
from audino.quality.text import (
    character_errors,
    error_rate,
    normalized,
    transcript_agreement,
    word_errors,
)
from tests.quality.segments import seg

VOCABULARY = [
    "the",
    "cat",
    "sat",
    "on",
    "a",
    "mat",
    "hello",
    "world",
    "duck",
    "python",
    "monty",
    "i",
    "like",
]


def test_jiwer_readme_examples() -> None:
    # jiwer's README: wer("hello world", "hello duck") == 0.5, and over a list of sentences
    # the WER pools edits and reference words.
    assert word_errors([("hello world", "hello duck")]).a_ref == 0.5
    refs = ["hello world", "i like monthy python"]
    hyps = ["hello duck", "i like python"]
    pooled = word_errors(list(zip(refs, hyps, strict=True)))
    assert pooled.a_ref == pytest.approx(jiwer.wer(refs, hyps)) == pytest.approx(2 / 6)
    assert character_errors([("hello world", "hello duck")]).a_ref == pytest.approx(
        jiwer.cer("hello world", "hello duck")
    )


def test_random_texts_agree_with_jiwer_both_ways() -> None:
    rng = random.Random(12)
    for _ in range(200):
        n = rng.randint(1, 6)
        refs = [" ".join(rng.choices(VOCABULARY, k=rng.randint(1, 9))) for _ in range(n)]
        hyps = [" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 9))) for _ in range(n)]
        pairs = list(zip(refs, hyps, strict=True))
        words = word_errors(pairs)
        out = jiwer.process_words(refs, hyps)
        assert words.errors == out.substitutions + out.deletions + out.insertions
        assert words.a_ref == pytest.approx(out.wer)
        if words.length_b:  # with no reference word jiwer's "WER" is the insertion count
            back = jiwer.process_words(hyps, refs)
            assert words.b_ref == pytest.approx(back.wer)
        chars = character_errors(pairs)
        assert chars.a_ref == pytest.approx(jiwer.process_characters(refs, hyps).cer)


def test_rates_from_counts_and_undefined_sides() -> None:
    rate = error_rate(3, 6, 5)
    assert (rate.a_ref, rate.b_ref, rate.mean) == (0.5, 0.6, pytest.approx(0.55))
    one_sided = error_rate(2, 2, 0)
    assert one_sided.a_ref == 1.0 and one_sided.b_ref is None and one_sided.mean is None
    assert one_sided.reason == "no transcript from B"
    assert error_rate(0, 0, 0).reason == "no transcript on either side"


def test_normalization_lowercases_and_drops_punctuation() -> None:
    assert normalized("Hello,  World! ¿Qué?  <laughs>") == "hello world qué <laughs>"
    a = [seg(0, 1, "Hello, world.")]
    b = [seg(0, 1, "hello world")]
    assert transcript_agreement(a, b, match_segments(a, b)).matched_wer.errors == 0
    raw = transcript_agreement(a, b, match_segments(a, b), normalize=False)
    assert raw.matched_wer.errors == 2 and raw.matched_cer.errors == 3


def test_matched_and_whole_item_figures() -> None:
    a = [seg(0, 2, "hello world"), seg(3, 5, "good morning"), seg(6, 7, "see you")]
    b = [seg(0.1, 2, "hello word"), seg(3, 4.9, "good morning"), seg(9, 10, "bye")]
    out = transcript_agreement(a, b, match_segments(a, b))
    assert out.pairs == 2
    # matched: one substitution (world -> word) over 4 words each side
    assert (out.matched_wer.errors, out.matched_wer.a_ref, out.matched_wer.b_ref) == (1, 0.25, 0.25)
    # whole item: "hello world good morning see you" vs "hello word good morning bye":
    # world -> word, see -> bye, you deleted: 3 edits over 6 and 5 words
    assert out.item_wer.errors == 3
    assert out.item_wer.a_ref == 0.5 and out.item_wer.b_ref == 0.6
    assert out.item_wer.mean == pytest.approx(0.55)


def test_segments_without_transcripts() -> None:
    a, b = [seg(0, 1)], [seg(0, 1)]
    out = transcript_agreement(a, b, match_segments(a, b))
    assert out.pairs == 0
    assert out.matched_wer.mean is None and out.item_cer.reason == "no transcript on either side"
