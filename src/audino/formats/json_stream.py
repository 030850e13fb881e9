"""Streaming a JSON array one element per line, in chunks of about 64 KiB."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

CHUNK_BYTES = 1 << 16


def json_lines(elements: Iterable[Any], *, head: bytes, tail: bytes) -> Iterator[bytes]:
    """`head`, the elements as a JSON array body with one element per line, then `tail`.

    `head` must end just after the array's `[`; `tail` closes it (and whatever holds it).
    """
    yield head
    parts: list[bytes] = []
    size = 0
    sep = b"\n"
    for element in elements:
        line = orjson.dumps(element)
        parts.append(sep)
        parts.append(line)
        sep = b",\n"
        size += len(line)
        if size >= CHUNK_BYTES:
            yield b"".join(parts)
            parts.clear()
            size = 0
    parts.append(b"\n" + tail)
    yield b"".join(parts)
