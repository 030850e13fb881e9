"""Files a multi-file export writes and an import reads: streamed into a zip or a folder.

An export yields `OutputFile`s one after another; each file's bytes are produced lazily,
so a zip streams out while the project is still being read and clips are still being cut.
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

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


def read_upload(name: str, data: bytes, *, limit_files: int = 100_000) -> list[InputFile]:
    """An uploaded file as input files: a zip archive's files (folders kept in the names,
    hidden and macOS resource files skipped), anything else as itself."""
    if not (data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data))):
        return [InputFile(name, data)]
    out: list[InputFile] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            inner = info.filename
            if info.is_dir() or any(
                part.startswith(".") or part == "__MACOSX" for part in inner.split("/")
            ):
                continue
            if len(out) >= limit_files:
                raise FormatError(f"the archive holds more than {limit_files} files", path=name)
            out.append(InputFile(inner, zf.read(info)))
    return out


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
