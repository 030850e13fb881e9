"""Overlapping segments spread over lanes, for formats whose tiers may not overlap."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def lanes(spans: Iterable[tuple[float, float, T]]) -> list[list[tuple[float, float, T]]]:
    """Each span goes to the first lane where it overlaps nothing; spans in start order."""
    out: list[list[tuple[float, float, T]]] = []
    ends: list[float] = []
    for span in sorted(spans, key=lambda s: (s[0], s[1])):
        for i, end in enumerate(ends):
            if span[0] >= end:
                out[i].append(span)
                ends[i] = span[1]
                break
        else:
            out.append([span])
            ends.append(span[1])
    return out


def tier_names(base: str, count: int) -> list[str]:
    return [base if i == 0 else f"{base} ({i + 1})" for i in range(count)]


def tier_base(name: str) -> str:
    """`A (2)` -> `A`: a spill-over tier belongs to the speaker of the first."""
    head, sep, tail = name.rpartition(" (")
    return head if sep and tail.endswith(")") and tail[:-1].isdigit() else name
