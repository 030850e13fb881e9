"""A real S3 API for tests: moto's server on a free loopback port, one bucket per test."""

from __future__ import annotations

import io
import logging
import socket
import uuid
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The endpoint URL of a moto S3 server running for the whole test session."""
    pytest.importorskip("s3fs")
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@dataclass
class Bucket:
    endpoint: str
    name: str
    fs: Any  # s3fs.S3FileSystem

    def url(self, prefix: str = "") -> str:
        return f"s3://{self.name}/{prefix}".rstrip("/")

    def put(self, key: str, data: bytes) -> None:
        self.fs.pipe_file(f"{self.name}/{key}", data)


@pytest.fixture
def bucket(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """An empty bucket; AUDINO_S3_ENDPOINT_URL and AWS credentials point at moto."""
    import boto3
    import s3fs

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AUDINO_S3_ENDPOINT_URL", moto_endpoint)
    name = f"audino-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name=REGION)
    client.create_bucket(Bucket=name)
    client.close()
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": moto_endpoint})
    return Bucket(moto_endpoint, name, fs)


def tone_wav(index: int, seconds: float = 0.05, rate: int = 8000) -> bytes:
    """A tiny mono 16-bit WAV whose pitch depends on `index` (so each is distinct)."""
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * (200 + index) * t) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return buffer.getvalue()
