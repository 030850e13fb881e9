"""Audio blob store over fsspec, under unguessable content-derived keys."""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import fsspec
from fsspec.implementations.local import LocalFileSystem

from audino.storage import remote

if TYPE_CHECKING:
    from audino.config import Settings


@dataclass(frozen=True)
class StoredBlob:
    key: str
    size: int
    modified: float | None  # POSIX seconds; None when the store does not say


class BlobStore:
    """Stores each distinct file once; the key is an HMAC of its SHA-256 with the secret.

    The URL is a local folder or any fsspec URL (`s3://bucket/prefix` with the 's3' extra);
    `options` go to fsspec (default: AUDINO_STORAGE_OPTIONS and AUDINO_S3_ENDPOINT_URL).
    With `presign_seconds` > 0, readers are sent to signed bucket URLs (`presigned_url`).
    """

    def __init__(
        self,
        url: str,
        secret: str,
        options: dict[str, Any] | None = None,
        *,
        presign_seconds: int = 0,
    ) -> None:
        self.url = url
        self.presign_seconds = presign_seconds
        self._secret = secret.encode()
        remote.require_driver(url)
        if options is None:
            options = remote.fs_options(url)
        if remote.is_remote(url):
            # Other processes (workers, `audino import`) write here too: a cached listing
            # would answer "missing" for their blobs.
            options = {"use_listings_cache": False, **options}
        fs, root = fsspec.core.url_to_fs(url, **options)
        self.fs: fsspec.AbstractFileSystem = fs
        self.root = root.rstrip("/")
        self.is_local = isinstance(fs, LocalFileSystem)
        if self.is_local:
            Path(self.root).mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_settings(cls, settings: Settings) -> BlobStore:
        url = settings.resolved_storage_url
        options = remote.fs_options(
            url, endpoint_url=settings.s3_endpoint_url, extra=settings.storage_options
        )
        return cls(
            url,
            settings.resolved_secret_key(),
            options,
            presign_seconds=settings.storage_presign_seconds,
        )

    def key_for(self, sha256: str, suffix: str = "") -> str:
        digest = hmac.new(self._secret, sha256.encode(), hashlib.sha256).hexdigest()
        suffix = suffix.lower() if suffix and suffix[1:].isalnum() and len(suffix) <= 6 else ""
        return f"{digest[:2]}/{digest[2:40]}{suffix}"

    def _path(self, key: str) -> str:
        if ".." in key.split("/") or key.startswith("/"):
            raise ValueError(f"invalid storage key {key!r}")
        return f"{self.root}/{key}"

    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self._path(key)))

    def put_file(self, local_path: str | os.PathLike[str], key: str) -> bool:
        """Copy a local file in under `key`; returns False when it was already stored."""
        target = self._path(key)
        if self.fs.exists(target):
            return False
        parent = target.rsplit("/", 1)[0]
        self.fs.makedirs(parent, exist_ok=True)
        if self.is_local:
            partial = f"{target}.{uuid.uuid4().hex}.partial"
            self.fs.put_file(os.fspath(local_path), partial)
            os.replace(partial, target)
        else:
            self.fs.put_file(os.fspath(local_path), target)
        return True

    def open(self, key: str, mode: str = "rb", *, size: int | None = None) -> IO[Any]:
        """The blob as a file; a known `size` spares a remote store one request."""
        if self.is_local or mode != "rb":
            return self.fs.open(self._path(key), mode)  # type: ignore[no-any-return]
        # Read-ahead in bounded blocks: a remote file's default block can be 50 MiB.
        extra = {"size": size} if size is not None else {}
        return self.fs.open(  # type: ignore[no-any-return]
            self._path(key), mode, block_size=remote.STREAM_BLOCK, cache_type="readahead", **extra
        )

    def stream(
        self,
        key: str,
        start: int,
        length: int,
        chunk: int = 256 * 1024,
        *,
        size: int | None = None,
    ) -> Iterator[bytes]:
        """`length` bytes from `start`, in chunks (one ranged read per block remotely)."""
        with self.open(key, size=size) as f:
            f.seek(start)
            while length > 0:
                data = f.read(min(chunk, length))
                if not data:
                    break
                length -= len(data)
                yield data

    def presigned_url(
        self, key: str, seconds: int | None = None, *, content_type: str | None = None
    ) -> str | None:
        """A short-lived URL that reads the blob without our credentials, where the store
        can sign one (S3 and compatible buckets) and presigning is on (`presign_seconds`,
        unless `seconds` is given); else None: serve the bytes yourself."""
        seconds = self.presign_seconds if seconds is None else seconds
        if seconds <= 0 or self.is_local or not hasattr(self.fs, "sign"):
            return None
        params: dict[str, Any] = {}
        if content_type and remote.protocol_of(self.url) in ("s3", "s3a"):
            params["ResponseContentType"] = content_type
        try:
            return str(self.fs.sign(self._path(key), expiration=seconds, **params))
        except NotImplementedError:
            return None

    def size(self, key: str) -> int:
        return int(self.fs.size(self._path(key)))

    def stored_size(self, key: str) -> int | None:
        """The blob's size, or None when it is not stored (one request on a bucket)."""
        try:
            return int(self.fs.size(self._path(key)))
        except FileNotFoundError:
            return None

    def local_path(self, key: str) -> Path | None:
        """A filesystem path when the store is a local folder (lets responses use sendfile)."""
        return Path(self._path(key)) if self.is_local else None

    def missing(self, keys: Iterable[str]) -> list[int]:
        """The positions in `keys` of those not stored (one stat each on a local folder);
        raises ValueError for an invalid key, its position as the second argument."""
        out = []
        exists = os.path.exists if self.is_local else self.fs.exists
        for i, key in enumerate(keys):
            try:
                path = self._path(key)
            except ValueError as exc:
                raise ValueError(str(exc), i) from None
            if not exists(path):
                out.append(i)
        return out

    def delete(self, key: str) -> None:
        path = self._path(key)
        if self.fs.exists(path):
            self.fs.rm(path)

    def delete_folder(self, prefix: str) -> None:
        """Deletes every blob under `prefix/` (a folder of keys such as cached tiles)."""
        path = self._path(prefix.rstrip("/"))
        if self.fs.exists(path):
            self.fs.rm(path, recursive=True)

    def blobs(self) -> Iterator[StoredBlob]:
        """Every stored blob with its size and modification time, half-written ones
        included (for maintenance: finding what nothing refers to)."""
        if not self.fs.exists(self.root):
            return
        found = self.fs.find(self.root, detail=True)
        for path, info in sorted(found.items()):
            if info.get("type", "file") != "file":
                continue
            key = str(path)[len(self.root) + 1 :]
            yield StoredBlob(key, int(info.get("size") or 0), _modified(info))

    def keys(self) -> list[str]:
        """Every stored key (for tests and maintenance)."""
        if not self.fs.exists(self.root):
            return []
        found = self.fs.find(self.root)
        return sorted(
            str(p)[len(self.root) + 1 :] for p in found if not str(p).endswith(".partial")
        )


def _modified(info: dict[str, Any]) -> float | None:
    """The modification time in an fsspec listing entry: `mtime` on a local folder,
    `LastModified` on S3, `last_modified` or `updated` on other object stores."""
    for name in ("mtime", "LastModified", "last_modified", "updated"):
        value = info.get(name)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, datetime):
            return value.timestamp()
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
            except ValueError:
                continue
    return None
