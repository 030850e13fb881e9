"""Segment records for the quality tests, made in code."""

from __future__ import annotations

from typing import Any

from audino.formats.records import SegmentRecord


def seg(
    start: float,
    end: float,
    text: str = "",
    *,
    author: str | None = None,
    channel: int | None = None,
    **values: Any,
) -> SegmentRecord:
    return SegmentRecord(
        None, 1, author, start, end, channel=channel, transcript=text, values=values
    )
