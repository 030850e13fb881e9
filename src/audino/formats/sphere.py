"""NIST SPHERE audio, as TED-LIUM ships it and sph2pipe (lhotse's reader) and libsndfile
read it: a 1024-byte ASCII header, then 16-bit little-endian PCM, channels interleaved.

Made from the 16-bit WAV a `ClipSource` cuts: the samples are copied as they are.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

from audino.formats.records import FormatError

HEADER_BYTES = 1024
WAV_CODEC = "wav"  # what to ask the ClipSource for: 16-bit PCM in RIFF


def header(samples: int, sample_rate: int, channels: int) -> bytes:
    """`samples` counts frames (one sample per channel), as SPHERE's sample_count does."""
    fields = (
        "NIST_1A\n   1024\n"
        f"sample_count -i {samples}\n"
        f"sample_rate -i {sample_rate}\n"
        f"channel_count -i {channels}\n"
        "sample_n_bytes -i 2\n"
        "sample_byte_format -s2 01\n"
        "sample_coding -s3 pcm\n"
        "end_head\n"
    )
    return fields.encode("ascii").ljust(HEADER_BYTES, b" ")


def from_wav(wav: bytes) -> bytes:
    """A 16-bit PCM WAV file as a SPHERE file with the same samples."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise FormatError("not a WAV file")
    at = 12
    fmt: tuple[int, int, int, int] | None = None
    while at + 8 <= len(wav):
        kind, size = wav[at : at + 4], struct.unpack("<I", wav[at + 4 : at + 8])[0]
        body = at + 8
        if kind == b"fmt ":
            code, channels, rate = struct.unpack("<HHI", wav[body : body + 8])
            bits = struct.unpack("<H", wav[body + 14 : body + 16])[0]
            fmt = (code, channels, rate, bits)
        elif kind == b"data":
            if fmt is None:
                raise FormatError("a WAV file without its format before the samples")
            code, channels, rate, bits = fmt
            if code not in (1, 0xFFFE) or bits != 16:
                raise FormatError(f"SPHERE is written from 16-bit PCM, not {bits}-bit")
            # A streamed WAV may leave the size unset: the samples run to the end.
            end = len(wav) if size in (0, 0xFFFFFFFF) else min(len(wav), body + size)
            frame = 2 * channels
            end -= (end - body) % frame
            return header((end - body) // frame, rate, channels) + wav[body:end]
        at = body + size + (size & 1)
    raise FormatError("a WAV file without samples")


def converted(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """A WAV file's chunks as one SPHERE file, converted when the file is written."""
    yield from_wav(b"".join(chunks))
