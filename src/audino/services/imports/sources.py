"""Where a bulk import reads audio: a folder, a glob, or a bucket URL, through fsspec.

Listing gives every audio file under a folder (or everything a glob matches) in path
order; fetching hands each one to the upload path as a `TempAudio`: a local file is
hashed where it lies, a remote one is streamed to the temp dir while it is hashed.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import fsspec
from fsspec.implementations.local import LocalFileSystem

from audino.config import Settings
from audino.services.errors import InvalidInput, NotFound, PermissionDenied
from audino.services.ingest.uploads import TempAudio, TempWriter, clean_filename, too_large
from audino.storage import remote

# What a folder walk picks up; a glob takes whatever it matches.
AUDIO_SUFFIXES = frozenset(
    (".wav", ".wave", ".w64", ".aif", ".aiff", ".aifc", ".flac", ".mp3", ".mp2", ".ogg",
     ".oga", ".opus", ".webm", ".mka", ".m4a", ".mp4", ".aac", ".caf", ".au", ".snd",
     ".amr", ".wma", ".sph", ".wv")
)  # fmt: skip
GLOB_CHARS = frozenset("*?[")
READ_BLOCK = 8 << 20


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # as the filesystem names it
    name: str  # relative to the source root, "/"-separated: shown in reports
    size: int | None = None

    @property
    def filename(self) -> str:
        return clean_filename(PurePosixPath(self.name).name)


@dataclass
class Source:
    """An opened source: its filesystem and the files found in it."""

    url: str
    fs: fsspec.AbstractFileSystem
    files: list[SourceFile]
    # Beside the audio: metadata tables and split lists (see imports.layout), by
    # their names relative to the root.
    extras: list[SourceFile] = field(default_factory=list)

    def read_extra(self, entry: SourceFile, limit: int) -> bytes:
        with self.fs.open(entry.path, "rb") as f:
            return bytes(f.read(limit + 1))

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, LocalFileSystem)

    @contextmanager
    def fetch(self, entry: SourceFile, settings: Settings) -> Iterator[TempAudio]:
        """The file as a TempAudio (hashed); a remote copy is removed afterwards."""
        if entry.size is not None and entry.size > settings.max_upload_bytes:
            raise too_large(settings, entry.name)
        if self.is_local:
            yield TempAudio.from_path(entry.path, entry.filename)  # never discarded: theirs
            return
        writer = TempWriter(settings, entry.filename)
        try:
            with self.fs.open(entry.path, "rb", block_size=READ_BLOCK) as f:
                while chunk := f.read(READ_BLOCK):
                    writer.write(chunk)
            temp = writer.finish()
        except BaseException:
            writer.abort()
            raise
        try:
            yield temp
        finally:
            temp.discard()


def _has_glob(path: str) -> bool:
    return any(c in GLOB_CHARS for c in path)


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/"))


def _relative(path: str, root: str) -> str:
    root = root.rstrip("/")
    if root and path.startswith(root + "/"):
        return path[len(root) + 1 :]
    return path.rsplit("/", 1)[-1]


def _glob_root(pattern: str) -> str:
    """The folder part of a glob before its first wildcard."""
    parts = pattern.split("/")
    for i, part in enumerate(parts):
        if _has_glob(part):
            return "/".join(parts[:i])
    return posixpath.dirname(pattern)


def open_source(
    url: str, options: dict[str, Any] | None = None, *, endpoint_url: str | None = None
) -> Source:
    """Lists SOURCE: a folder (recursively, audio files only, hidden ones skipped), a glob,
    a single file, or the same on a bucket (`s3://bucket/prefix`, at `endpoint_url` or
    AUDINO_S3_ENDPOINT_URL when given)."""
    url = url.strip()
    if not url:
        raise InvalidInput("Name a folder, a glob or a bucket URL to import.", code="no_source")
    try:
        remote.require_driver(url)
        fs_options = remote.fs_options(url, endpoint_url=endpoint_url, extra=options)
        fs, path = fsspec.core.url_to_fs(url, **fs_options)
    except (ValueError, ImportError, RuntimeError) as exc:
        raise InvalidInput(f"Cannot read {url}: {exc}", code="bad_source") from None
    path = path.rstrip("/") or path
    try:
        if _has_glob(path):
            root = _glob_root(path)
            found = fs.glob(path, detail=True)
            wanted = None
        elif fs.isdir(path):
            root = path
            found = fs.find(path, detail=True)
            wanted = AUDIO_SUFFIXES
        elif fs.isfile(path):
            root = posixpath.dirname(path)
            found = {path: fs.info(path)}
            wanted = None
        else:
            raise NotFound(f"{url} does not exist.", code="source_missing")
    except (PermissionError, FileNotFoundError) as exc:
        raise InvalidInput(f"Cannot read {url}: {exc}", code="bad_source") from None
    files, extras = [], []
    for name, info in found.items():
        name = str(name)
        # A symlink is listed as "other"; one to a file counts (dataset folders are often
        # links), and server-side imports check where it leads (`drop_escaping`).
        if info.get("type") != "file" and not (info.get("islink") and fs.isfile(name)):
            continue
        relative = _relative(name, root)
        if _hidden(relative):
            continue
        size = info.get("size")
        entry = SourceFile(name, relative, int(size) if size is not None else None)
        if wanted is not None and PurePosixPath(relative).suffix.lower() not in wanted:
            if _is_extra(relative):
                extras.append(entry)
            continue
        files.append(entry)
    files.sort(key=lambda f: f.name)
    extras.sort(key=lambda f: f.name)
    return Source(url, fs, files, extras)


def _is_extra(relative: str) -> bool:
    from audino.services.imports.layout import SPLIT_LISTS, TABLE_NAMES

    base = PurePosixPath(relative).name
    return base in TABLE_NAMES or (base in SPLIT_LISTS and "/" not in relative)


# --- server-side imports: only from configured roots -------------------------------------


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def check_allowed(url: str, roots: list[str]) -> None:
    """Refuses a source outside every import root (AUDINO_IMPORT_ROOTS), and paths that
    climb out with `..` or through a symlink; raises PermissionDenied or InvalidInput."""
    url = url.strip()
    if not roots:
        raise PermissionDenied(
            "Imports from server paths are off: set AUDINO_IMPORT_ROOTS to the folders or "
            "buckets they may read from.",
            code="imports_disabled",
        )
    if "\x00" in url or ".." in url.replace("\\", "/").split("/"):
        raise InvalidInput("The source may not contain '..'.", code="bad_source")
    if "::" in url:  # fsspec's chained URLs would reach past the roots
        raise InvalidInput("The source may not be a chained URL ('::').", code="bad_source")
    outside = PermissionDenied(
        "The source is outside the folders and buckets imports may read from.",
        code="outside_import_roots",
    )
    if remote.is_remote(url):
        if not any(remote.is_remote(r) and _inside(url, r.rstrip("/")) for r in roots):
            raise outside
        return
    local = url.removeprefix("file://")
    if not os.path.isabs(local):
        raise InvalidInput("Give the source as an absolute path.", code="bad_source")
    base = _glob_root(local) if _has_glob(local) else local
    real = os.path.realpath(base)
    local_roots = [os.path.realpath(r) for r in roots if not remote.is_remote(r)]
    if not any(_inside(real, r) for r in local_roots):
        raise outside


def drop_escaping(source: Source, roots: list[str]) -> list[SourceFile]:
    """The audio files of a local source that resolve outside every root (symlinks out);
    metadata tables and split lists that do are left out too, unread."""
    if not source.is_local:
        return []
    local_roots = [os.path.realpath(r) for r in roots if not remote.is_remote(r)]

    def outside(entry: SourceFile) -> bool:
        return not any(_inside(os.path.realpath(entry.path), r) for r in local_roots)

    source.extras = [f for f in source.extras if not outside(f)]
    escaping = [f for f in source.files if outside(f)]
    if escaping:
        gone = {f.path for f in escaping}
        source.files = [f for f in source.files if f.path not in gone]
    return escaping


def display(url: str) -> str:
    """The source as shown to people: a path made absolute, a URL as given."""
    return url if remote.is_remote(url) else str(Path(url).expanduser())
