"""fsspec options for object stores (S3 and the like): endpoint, credentials, presigning."""

from __future__ import annotations

import json
import os
from typing import Any

# Blocks read per request when streaming from a bucket: large enough to keep requests
# few, small enough that a seek does not pull megabytes nobody listens to.
STREAM_BLOCK = 1 << 20


def protocol_of(url: str) -> str:
    """The fsspec protocol of a URL or path ("file" for local paths)."""
    head, sep, _ = url.partition("://")
    return head.lower() if sep and head.isalnum() else "file"


def is_remote(url: str) -> bool:
    return protocol_of(url) not in ("file", "local")


def fs_options(
    url: str, *, endpoint_url: str | None = None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Options for fsspec.url_to_fs: AUDINO_STORAGE_OPTIONS (JSON) merged with `extra`,
    plus the S3 endpoint (AUDINO_S3_ENDPOINT_URL; AWS_ENDPOINT_URL works as well, read by
    botocore itself). Credentials come from the usual AWS variables or profiles."""
    if not is_remote(url):
        return dict(extra or {})
    options: dict[str, Any] = {}
    raw = os.environ.get("AUDINO_STORAGE_OPTIONS", "").strip()
    if raw:
        try:
            loaded = json.loads(raw)
        except ValueError:
            raise ValueError("AUDINO_STORAGE_OPTIONS is not valid JSON.") from None
        if not isinstance(loaded, dict):
            raise ValueError("AUDINO_STORAGE_OPTIONS must be a JSON object.")
        options.update(loaded)
    options.update(extra or {})
    endpoint = endpoint_url or os.environ.get("AUDINO_S3_ENDPOINT_URL") or None
    if endpoint and protocol_of(url) in ("s3", "s3a"):
        client_kwargs = dict(options.get("client_kwargs") or {})
        client_kwargs.setdefault("endpoint_url", endpoint)
        options["client_kwargs"] = client_kwargs
    return options


def require_driver(url: str) -> None:
    """A clear message when the bucket's fsspec driver is not installed."""
    if protocol_of(url) in ("s3", "s3a"):
        try:
            import s3fs  # noqa: F401
        except ImportError:
            raise RuntimeError(
                f"{url} is an S3 bucket, but s3fs is not installed: install audino with "
                "the 's3' extra (pip install 'audino[s3]')."
            ) from None
