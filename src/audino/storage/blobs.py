"""Audio blob store over fsspec, under unguessable content-derived keys."""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import fsspec
from fsspec.implementations.local import LocalFileSystem


class BlobStore:
    """Stores each distinct file once; the key is an HMAC of its SHA-256 with the secret."""

    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self._secret = secret.encode()
        fs, root = fsspec.core.url_to_fs(url)
        self.fs: fsspec.AbstractFileSystem = fs
        self.root = root.rstrip("/")
        self.is_local = isinstance(fs, LocalFileSystem)
        if self.is_local:
            Path(self.root).mkdir(parents=True, exist_ok=True)

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

    def open(self, key: str, mode: str = "rb") -> IO[Any]:
        return self.fs.open(self._path(key), mode)  # type: ignore[no-any-return]

    def size(self, key: str) -> int:
        return int(self.fs.size(self._path(key)))

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

    def keys(self) -> list[str]:
        """Every stored key (for tests and maintenance)."""
        if not self.fs.exists(self.root):
            return []
        found = self.fs.find(self.root)
        return sorted(
            str(p)[len(self.root) + 1 :] for p in found if not str(p).endswith(".partial")
        )
