"""Files a multi-file export writes and an import reads: streamed into a zip or a folder.

An export yields `OutputFile`s one after another; each file's bytes are produced lazily,
so a zip streams out while the project is still being read and clips are still being cut.
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from audino.formats.records import FormatError

CHUNK_BYTES = 1 << 16
ZIP_LEVEL = 1
LINES_PER_CHUNK = 1024  # lines are short: chunks of some 10-100 KiB
# Audio is already compressed; deflating it again only costs time.
STORED_SUFFIXES = frozenset({".flac", ".mp3", ".ogg", ".opus", ".m4a", ".sph"})


@dataclass(slots=True)
class OutputFile:
    path: str  # relative, "/"-separated
    chunks: Iterable[bytes]


@dataclass(frozen=True, slots=True)
class InputFile:
    name: str  # relative path as uploaded ("/"-separated)
    data: bytes

    @property
    def stem(self) -> str:
        return stem(self.name)

    def text(self) -> str:
        """UTF-8 (a BOM is dropped), else UTF-16 with a BOM; a clear error otherwise."""
        data = self.data
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        if b"\x00" in data:  # UTF-8 text never holds NUL: this is binary, or damaged
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise FormatError("binary data (NUL bytes), not text", line=line, path=self.name)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise FormatError("not UTF-8 text", line=line, path=self.name) from None


def stem(name: str) -> str:
    """A file name without folders and its last suffix: `a/b/call 1.wav` -> `call 1`."""
    base = PurePosixPath(name.replace("\\", "/")).name
    return base.rsplit(".", 1)[0] if "." in base[1:] else base


def lines_file(path: str, lines: Iterable[str]) -> OutputFile:
    """A text file from lines (each without its newline), in chunks of about 64 KiB."""
    return OutputFile(path, _chunked(lines))


def _chunked(lines: Iterable[str]) -> Iterator[bytes]:
    parts: list[str] = []
    append = parts.append
    for line in lines:
        append(line)
        if len(parts) >= LINES_PER_CHUNK:
            append("")
            yield "\n".join(parts).encode()
            parts.clear()
    if parts:
        append("")
        yield "\n".join(parts).encode()


class _Sink(io.RawIOBase):
    """A write-only stream zipfile writes into; what it wrote is taken out as it goes."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0
        self.pending = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.parts.append(bytes(data))
        self.position += len(data)
        self.pending += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        self.pending = 0
        return out


def zip_stream(files: Iterable[OutputFile]) -> Iterator[bytes]:
    """The files as a zip archive, streamed (no seeking: sizes follow each entry)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for file in files:
            info = zipfile.ZipInfo(_safe(file.path), date_time=(2000, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            stored = PurePosixPath(file.path).suffix.lower() in STORED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            # Fast deflate: text still shrinks 4-8x, at a third of the default's time.
            for attribute in ("compress_level", "_compresslevel"):  # 3.13+, 3.11-3.12
                with contextlib.suppress(AttributeError):
                    setattr(info, attribute, ZIP_LEVEL)
            with zf.open(info, "w") as entry:
                for chunk in file.chunks:
                    entry.write(chunk)
                    if sink.pending >= CHUNK_BYTES:
                        yield sink.take()
            out = sink.take()
            if out:
                yield out
    tail = sink.take()
    if tail:
        yield tail


def write_tree(files: Iterable[OutputFile], root: Path) -> int:
    """Writes the files under `root` (made if needed); returns how many were written."""
    count = 0
    for file in files:
        target = root / _safe(file.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            for chunk in file.chunks:
                out.write(chunk)
        count += 1
    return count


def _safe(path: str) -> str:
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or ".." in parts:
        raise ValueError(f"unsafe path in an export: {path!r}")
    return path


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How much an uploaded zip may unpack to; checked against the sizes the archive
    declares before anything is inflated, and against the bytes inflated while reading
    (declared sizes can lie)."""

    files: int = 20_000
    file_bytes: int = 256 * 1024**2  # one file, unpacked
    total_bytes: int = 512 * 1024**2  # all files together, unpacked
    ratio: float = 100.0  # unpacked / packed size of one file
    # Smaller files are not held to the ratio: a page of repeated lines packs very well.
    ratio_floor: int = 1024**2


# Bytes of the central directory allowed per file: ZipFile holds ~0.5 KiB per entry it
# lists, so this bounds its memory however many empty entries an archive packs in.
DIRECTORY_BYTES_PER_FILE = 256


class ArchiveTooLarge(FormatError):
    """A zip that would unpack past ArchiveLimits (a zip bomb, or simply too much)."""


def read_upload(
    name: str, source: bytes | Path, *, limits: ArchiveLimits | None = None
) -> list[InputFile]:
    """An uploaded file (bytes, or a path to it) as input files: a zip archive's files
    (folders kept in the names, hidden and macOS resource files skipped), anything else as
    itself. A zip is unpacked within `limits`, else ArchiveTooLarge says which one."""
    limits = limits or ArchiveLimits()
    with _open_source(source) as stream:
        if stream.read(4) != b"PK\x03\x04" or not zipfile.is_zipfile(stream):
            if PurePosixPath(name).suffix.lower() == ".zip":
                raise FormatError("the file is not a zip archive", path=name)
            stream.seek(0)
            return [InputFile(name, stream.read())]
        _check_directory(stream, name, limits)
        try:
            with zipfile.ZipFile(stream) as zf:
                infos = [info for info in zf.infolist() if _wanted(info)]
                _check_declared(infos, name, limits)
                out: list[InputFile] = []
                total = 0
                for info in infos:
                    data = _inflate(zf, info, name, limits, total)
                    total += len(data)
                    out.append(InputFile(info.filename, data))
                return out
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise FormatError(f"the zip archive is damaged ({exc})", path=name) from None
        except RuntimeError as exc:  # an encrypted entry
            raise FormatError(f"the zip archive cannot be read ({exc})", path=name) from None


@contextlib.contextmanager
def _open_source(source: bytes | Path) -> Iterator[BinaryIO]:
    if isinstance(source, bytes | bytearray):
        yield io.BytesIO(source)
    else:
        with Path(source).open("rb") as f:
            yield f


def _wanted(info: zipfile.ZipInfo) -> bool:
    return not info.is_dir() and not any(
        part.startswith(".") or part == "__MACOSX" for part in info.filename.split("/")
    )


def _mib(size: float) -> str:
    return f"{size / 1024**2:,.0f} MiB" if size >= 1024**2 else f"{size:,.0f} bytes"


def _check_directory(stream: BinaryIO, name: str, limits: ArchiveLimits) -> None:
    """The file count and directory size from the end record, before ZipFile lists them."""
    end = zipfile._EndRecData(stream)  # type: ignore[attr-defined]
    if end is None:
        raise FormatError("the zip archive is damaged (no end of central directory)", path=name)
    count, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if count > limits.files or size > limits.files * DIRECTORY_BYTES_PER_FILE:
        raise ArchiveTooLarge(
            f"the archive holds more than {limits.files:,} files, the most one import takes",
            path=name,
        )


def _check_declared(infos: list[zipfile.ZipInfo], name: str, limits: ArchiveLimits) -> None:
    if len(infos) > limits.files:
        raise ArchiveTooLarge(
            f"the archive holds {len(infos):,} files, more than the {limits.files:,} one "
            "import takes",
            path=name,
        )
    total = 0
    for info in infos:
        _check_size(info, info.file_size, name, limits)
        total += info.file_size
        if total > limits.total_bytes:
            raise ArchiveTooLarge(
                f"the archive unpacks to more than {_mib(limits.total_bytes)}, the most one "
                "import takes",
                path=name,
            )


def _check_size(info: zipfile.ZipInfo, size: int, name: str, limits: ArchiveLimits) -> None:
    if size > limits.file_bytes:
        raise ArchiveTooLarge(
            f"{info.filename!r} unpacks to more than {_mib(limits.file_bytes)}, the most one "
            "file of an import may hold",
            path=name,
        )
    if size > limits.ratio_floor and size > limits.ratio * max(info.compress_size, 1):
        raise ArchiveTooLarge(
            f"{info.filename!r} unpacks to {_mib(size)} from {_mib(info.compress_size)}, "
            f"more than {limits.ratio:g} times its packed size: this looks like a zip bomb",
            path=name,
        )


def _inflate(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: ArchiveLimits, before: int
) -> bytes:
    """One entry's bytes, counted as they inflate so a lying header stops at the limits."""
    parts: list[bytes] = []
    size = 0
    with zf.open(info) as entry:
        while chunk := entry.read(CHUNK_BYTES * 16):
            size += len(chunk)
            _check_size(info, size, name, limits)
            if before + size > limits.total_bytes:
                raise ArchiveTooLarge(
                    f"the archive unpacks to more than {_mib(limits.total_bytes)}, the most "
                    "one import takes",
                    path=name,
                )
            parts.append(chunk)
    return b"".join(parts)


def files_under(root: Path) -> list[InputFile]:
    """Every file below a folder (for the CLI), names relative to it."""
    out = []
    for folder, _, names in os.walk(root):
        for filename in sorted(names):
            if filename.startswith("."):
                continue
            path = Path(folder) / filename
            out.append(InputFile(path.relative_to(root).as_posix(), path.read_bytes()))
    return out
