"""CTM word timings (NIST sclite, Kaldi alignments): one word per line.

    words.ctm: <recording> <channel> <start> <duration> <word> [<confidence>]

Word timings come from a segment's `attributes["words"]` ([{word, start, end,
confidence?}], times in seconds from the recording's start), each word with its own
confidence when it has one. A one-word segment without them is that word, with the
segment's confidence. Channels are 1-based; a segment on all channels is written on
channel 1, and channel 1 alone reads back as all channels.

Words typed into the transcript after it was timed (so without times of their own) are
written in the pauses their timed neighbours leave, estimated as below.

Every other transcribed segment is still written word by word, with estimated times: the
segment's span is shared out among its words in proportion to their length in letters
(marks and punctuation do not count), and in scripts written without spaces between words
(Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) each character, with its marks, is a
word. An estimated line has the confidence `0.0000` (ESTIMATED), so tools that weigh or
filter words by confidence do not trust its times, and the export report counts these
lines. A segment without a transcript has no words: it is left out, and counted.

Import groups the words back into segments: the words of one recording and channel, in
time order, join one segment while the pause between two is under PAUSE seconds; the
segment spans its words, its transcript is their text, and it keeps them in
`attributes["words"]` (so they can be corrected word by word and exported again).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Any

from audino.formats.annotations import Annotations, number
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import Dataset, FormatError, SegmentRecord
from audino.formats.registry import Format, register
from audino.formats.report import NO_TRANSCRIPT, ExportReport
from audino.formats.words import read as read_words
from audino.formats.words import tidy as tidy_words

NAME = "ctm"
ESTIMATED = 0.0  # the confidence written on a line whose times were estimated
ESTIMATED_LINES = "CTM words with estimated times (confidence 0.0000)"
NO_WORDS = "a transcript of punctuation only: no words"
WHERE = "CTM (words only)"
PAUSE = 1.0  # seconds of silence between two words that start a new segment on import
# Scripts that do not put spaces between words: (first, last) code points.
UNSPACED = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)

Word = tuple[float, float, str, Any]  # start, end, word, confidence (None: none)


_ASCII_PUNCTUATION = frozenset(
    c for c in map(chr, range(128)) if unicodedata.category(c).startswith("P")
)


def _unspaced(char: str) -> bool:
    point = ord(char)
    return point >= 0x0E00 and any(first <= point <= last for first, last in UNSPACED)


def tokens(text: str) -> list[str]:
    """The words of a transcript: split on spaces, and in scripts without spaces into
    characters. Marks stay on their character, punctuation on the word it touches (an
    opening one on the next), and punctuation standing alone is no word."""
    out: list[str] = []
    for chunk in text.split():
        if chunk.isascii():  # the common case, without a look-up per character
            if not _ASCII_PUNCTUATION.issuperset(chunk):
                out.append(chunk)
            continue
        piece = ""
        alone = False  # whether `piece` holds one character of an unspaced script
        for char in chunk:
            kind = unicodedata.category(char)
            if kind[0] not in "MP":
                unspaced = _unspaced(char)
                if (unspaced or alone) and _letters(piece):
                    out.append(piece)
                    piece = ""
                alone = unspaced
            elif kind in ("Ps", "Pi") and alone and _letters(piece):
                out.append(piece)  # an opening bracket or quote goes with the next word
                piece = ""
            piece += char
        if _letters(piece):
            out.append(piece)
    return out


def _letters(word: str) -> int:
    """Characters that are neither marks nor punctuation."""
    if word.isalnum():
        return len(word)
    if word.isascii():
        return sum(1 for c in word if c not in _ASCII_PUNCTUATION)
    return sum(1 for c in word if unicodedata.category(c)[0] not in "MP")


def estimated(seg: SegmentRecord) -> list[Word]:
    """The transcript's words over the segment's span, in proportion to their lengths;
    times on the millisecond grid the file is written on, so words tile the segment."""
    found = tokens(seg.transcript)
    sizes = [_letters(w) for w in found]
    total = sum(sizes)
    start_ms, span_ms = round(seg.start * 1000), round((seg.end - seg.start) * 1000)
    out: list[Word] = []
    done = 0
    at = start_ms
    for word, size in zip(found, sizes, strict=True):
        done += size
        end = start_ms + round(span_ms * done / total)
        out.append((at / 1000, end / 1000, word, ESTIMATED))
        at = end
    return out


def _key(word: str) -> str:
    return "".join(c for c in word.casefold() if c.isalnum())


def _with_untimed(seg: SegmentRecord, timed: list[Word]) -> tuple[list[Word], int]:
    """Timed words with the transcript's words typed since (which have no time) put in the
    pauses around them, estimated like a segment without timings; how many were estimated.
    Only where every timed word is still in the transcript, in order: else the timed words
    alone are written, as they are the better record."""
    found = tokens(seg.transcript)
    keys = [_key(t) for t in found], [_key(w[2]) for w in timed]
    match = SequenceMatcher(a=keys[0], b=keys[1], autojunk=False)
    pairs = {a + k: b + k for a, b, n in match.get_matching_blocks() for k in range(n)}
    if len(pairs) != len(timed) or len(found) == len(timed):
        return timed, 0
    out: list[Word] = []
    k = 0
    while k < len(found):
        if k in pairs:
            out.append(timed[pairs[k]])
            k += 1
            continue
        last = k
        while last < len(found) and last not in pairs:
            last += 1
        after = timed[pairs[last]][0] if last < len(found) else seg.end
        gap = SegmentRecord(
            id=None,
            recording_id=seg.recording_id,
            author=None,
            start=out[-1][1] if out else seg.start,
            end=max(after, out[-1][1] if out else seg.start),
            transcript=" ".join(found[k:last]),
        )
        out.extend(
            estimated(gap)
            if gap.end > gap.start
            else [(gap.start, gap.start, w, ESTIMATED) for w in found[k:last]]
        )
        k = last
    return out, len(found) - len(timed)


def words(seg: SegmentRecord) -> tuple[list[Word], int]:
    """The segment's words, and how many of them have estimated times."""
    timed = read_words(seg.attributes)
    if timed:
        return _with_untimed(seg, timed)
    found = tokens(seg.transcript)
    if len(found) == 1:
        return [(seg.start, seg.end, found[0], seg.confidence)], 0
    guessed = estimated(seg)
    return guessed, len(guessed)


def _lines(dataset: Dataset, view: Projection, report: ExportReport) -> Iterator[str]:
    for item in dataset.items:
        reco = view.recording_id(item.recording)
        view.count_recording_values(item.recording, WHERE)
        for seg in item.segments:
            view.count_left_out(seg, (), WHERE)
            channel = 1 if seg.channel is None else seg.channel + 1
            found, guessed = words(seg)
            if not found:
                report.skip(NO_TRANSCRIPT if not seg.transcript.strip() else NO_WORDS)
            elif guessed:
                report.estimate(ESTIMATED_LINES, guessed)
            head = f"{reco} {channel}"
            for start, end, word, conf in found:
                if conf is None:
                    yield f"{head} {start:.3f} {end - start:.3f} {word}"
                else:
                    yield f"{head} {start:.3f} {end - start:.3f} {word} {float(conf):.4f}"


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    yield lines_file("words.ctm", _lines(dataset, view, options.counts))


def _line(file: InputFile, k: int, fields: list[str]) -> tuple[tuple[str, int], dict[str, Any]]:
    """(recording, channel index from 1) and the word of one CTM line."""
    if len(fields) < 5:
        raise FormatError(
            f"a CTM line has 5 or 6 fields, this one {len(fields)}", line=k, path=file.name
        )
    start = number(fields[2], "start", line=k, path=file.name)
    duration = number(fields[3], "duration", line=k, path=file.name)
    channel = fields[1]
    if not channel.isdigit() and channel not in ("A", "B"):
        raise FormatError(f"channel {channel!r} is not a number", line=k, path=file.name)
    index = {"A": 1, "B": 2}.get(channel) or int(channel)
    if not (math.isfinite(start) and math.isfinite(duration)) or start < 0 or duration < 0:
        raise FormatError(
            f"a word needs start >= 0 and duration >= 0, got {start} and {duration}",
            line=k,
            path=file.name,
        )
    word: dict[str, Any] = {"word": fields[4], "start": start, "end": start + duration}
    if len(fields) > 5:
        word["confidence"] = number(fields[5], "confidence", line=k, path=file.name)
    word["line"], word["path"] = k, file.name
    return (fields[0], index), word


def _segments(found: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Words in time order, in runs without a pause of PAUSE seconds or more."""
    run: list[dict[str, Any]] = []
    for word in sorted(found, key=lambda w: (w["start"], w["end"])):
        if run and word["start"] - max(w["end"] for w in run) >= PAUSE:
            yield run
            run = []
        run.append(word)
    if run:
        yield run


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    found: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for file in files:
        for k, line in enumerate(file.text().splitlines(), 1):
            fields = line.split()
            if not fields or fields[0].startswith(";;"):
                continue
            where, word = _line(file, k, fields)
            found.setdefault(where, []).append(word)
    for (reco, index), recorded in found.items():
        for run in _segments(recorded):
            start, end = run[0]["start"], max(w["end"] for w in run)
            timed = tidy_words(run, start, end)
            out.add(
                reco,
                start,
                end,
                text=" ".join(w["word"] for w in run),
                # One word alone is also a keyword hit: its score is the segment's.
                confidence=run[0].get("confidence") if len(run) == 1 else None,
                channel=None if index < 1 else index - 1,
                attributes={"words": timed} if timed else None,
                line=run[0]["line"],
                path=run[0]["path"],
            )
    out.first_channel_alone_is_all()
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="CTM word timings (sclite, Kaldi): recording, channel, start, "
        "duration, word, confidence.",
        export=export,
        import_=import_,
        media_type="text/plain",
        extension=".ctm",
        matches_files=True,
        files=True,
        single_file=True,
    )
)
