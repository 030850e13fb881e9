"""Train/dev/test splits that hit the ratios exactly and depend on the audio, not on where
it was annotated.

A split key is the recording's audio (its sha256; its file name when the hash is not
known) or, with `split_by="speaker"`, the speaker's name (a segment with nobody named
counts as its recording's own speaker). The keys in the export are ordered by the
sha256 of the key, and the split sizes are the ratios' largest-remainder shares of the
key count (ties to the split named first); the first keys in that order go to the first
split, and so on. So `train=0.6,dev=0.2,test=0.2` over 8 recordings is 5/2/1 (shares
4.8/1.6/1.6: 4/1/1, then one more each for the largest remainders, .8 then the first .6),
and the same audio lands in the same split in every project and on every instance that
exports the same recordings. An export with more or fewer recordings moves only the
keys next to a boundary, as the order itself never changes.

Finding the boundaries takes a pass over the keys before the export streams:
`SplitPlan.from_keys` over the caller's keys (the export service reads them from the
database; `Format.output_files` reads them from a list of records, with `item_keys`).
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from audino.formats.records import AnnotatedRecording, Recording, SegmentRecord

PREFIX_BYTES = 16  # of a key's sha256: distinct keys never tie in practice


def recording_key(sha256: str | None, name: str) -> str:
    """A recording's split key: its audio, wherever it was uploaded."""
    return f"audio:{sha256}" if sha256 else f"name:{name}"


def key_of_recording(rec: Recording) -> str:
    return recording_key(rec.sha256, rec.name)


def speaker_key(speaker: str | None, rec: Recording) -> str:
    """A speaker's split key; a segment with nobody named is its recording's own."""
    return f"speaker:{speaker}" if speaker is not None else key_of_recording(rec)


def _point(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:PREFIX_BYTES], "big")


def shares(total: int, ratios: Iterable[float]) -> list[int]:
    """`total` shared out by `ratios`, exactly (largest remainder, ties to the first)."""
    exact = [Fraction(str(r)) for r in ratios]
    whole = sum(exact)
    quotas = [total * r / whole for r in exact]
    counts = [int(q) for q in quotas]  # floor: quotas are not negative
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass(frozen=True, slots=True)
class SplitPlan:
    names: tuple[str, ...]
    # The last point of each split but the last, in key order; equal points are one key.
    bounds: tuple[int, ...]
    sizes: tuple[int, ...]  # keys per split, as planned

    @classmethod
    def from_keys(cls, keys: Iterable[str], splits: tuple[tuple[str, float], ...]) -> SplitPlan:
        points = sorted({_point(k) for k in keys})
        sizes = shares(len(points), (ratio for _, ratio in splits))
        bounds, at = [], 0
        for size in sizes[:-1]:
            at += size
            # An empty split at the start has no last key: its bound is below every point.
            bounds.append(points[at - 1] if at else -1)
        return cls(tuple(n for n, _ in splits), tuple(bounds), tuple(sizes))

    def split(self, key: str) -> str:
        return self.names[bisect.bisect_left(self.bounds, _point(key))]


def item_keys(
    items: Iterable[AnnotatedRecording],
    by_speaker: bool,
    speaker: Callable[[SegmentRecord, Recording], str | None],
) -> Iterable[str]:
    """Every split key in these records: recordings, or the speakers of their segments."""
    for item in items:
        if not by_speaker:
            yield key_of_recording(item.recording)
            continue
        for seg in item.segments:
            yield speaker_key(speaker(seg, item.recording), item.recording)
