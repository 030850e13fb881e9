"""Project imports refuse zip bombs and oversized bodies with flat server memory.

The server is a real `audino serve` subprocess, so its peak resident memory (VmHWM in
/proc) measures exactly what a request made it hold.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.conftest import FORMATS, AppEnv, Factory
from tests.web.conftest import Server

MiB = 1024**2
# What a refused request may add to the server's peak memory: buffers and the like, far
# below the hundreds of MiB the bombs below inflate to.
ALLOWED_GROWTH = 48 * MiB
WAV = FORMATS / "pcm16_mono_16k.wav"
RTTM = "SPEAKER call 1 0.50 1.25 <NA> <NA> A <NA> <NA>\n"


def peak_rss(server: Server) -> int:
    assert server.process is not None
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


def zeros_zip(name: str, size: int) -> bytes:
    """One file of `size` zero bytes, deflated (about 1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w") as entry:
        block = bytes(MiB)
        for _ in range(size // MiB):
            entry.write(block)
    return out.getvalue()


def lying_zip(name: str, size: int, claimed: int) -> bytes:
    """A zeros zip whose headers claim `claimed` bytes unpacked instead of `size`."""
    data = bytearray(zeros_zip(name, size))
    struct.pack_into("<I", data, 22, claimed)  # the local header's uncompressed size
    (directory,) = struct.unpack_from("<I", data, len(data) - 22 + 16)
    struct.pack_into("<I", data, directory + 24, claimed)  # the central directory's
    return bytes(data)


def many_files_zip(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for i in range(count):
            zf.writestr(f"{i}.rttm", b"")
    return out.getvalue()


def plain_body(size: int) -> Iterator[bytes]:
    """Sent chunked (no Content-Length), so the server has to count as it reads."""
    block = b"x" * MiB
    for _ in range(size // MiB):
        yield block


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path / "data")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def project_with_audio(client: httpx.Client) -> int:
    r = client.post("/api/projects", json={"name": "Calls"})
    r.raise_for_status()
    pid = int(r.json()["id"])
    r = client.post(
        f"/api/projects/{pid}/datapoints",
        files={"file": ("call.wav", WAV.read_bytes(), "audio/wav")},
    )
    assert r.status_code in (200, 201), r.text
    return pid


def segments(client: httpx.Client, pid: int) -> list[Any]:
    r = client.get(f"/api/projects/{pid}/export", params={"format": "rttm"})
    assert r.status_code == 200, r.text
    return [line for line in r.text.splitlines() if line.strip()]


def test_zip_bombs_and_big_bodies_are_refused_with_flat_memory(live: Server) -> None:
    with live.api() as client:
        pid = project_with_audio(client)
        into = f"/api/projects/{pid}/import"
        # A legal import first: it loads the import code, so the baseline includes it.
        ok = client.post(into, params={"format": "rttm", "filename": "turns.rttm"}, content=RTTM)
        assert ok.status_code == 200, ok.text
        before = segments(client, pid)
        baseline = peak_rss(live)

        bomb = zeros_zip("call.rttm", 192 * MiB)
        assert len(bomb) < MiB
        r = client.post(into, params={"format": "rttm", "filename": "bomb.zip"}, content=bomb)
        assert r.status_code == 413, r.text
        assert "zip bomb" in r.json()["detail"] and "nothing was imported" in r.json()["detail"]

        r = client.post(
            into,
            params={"format": "rttm"},
            files={"file": ("bomb.zip", bomb, "application/zip")},
        )
        assert r.status_code == 413, r.text

        # Headers that understate the size: the bytes inflated are what counts.
        liar = lying_zip("call.rttm", 192 * MiB, claimed=len(RTTM))
        r = client.post(into, params={"format": "rttm", "filename": "liar.zip"}, content=liar)
        assert r.status_code in (413, 422), r.text
        assert "damaged" in r.json()["detail"] or "zip bomb" in r.json()["detail"]

        many = many_files_zip(200_000)
        r = client.post(into, params={"format": "rttm", "filename": "many.zip"}, content=many)
        assert r.status_code == 413, r.text
        assert "more than 20,000 files" in r.json()["detail"]

        # A plain body past AUDINO_MAX_IMPORT_BYTES (256 MiB), without a Content-Length,
        # into a project and as a new one.
        for url in (into, "/api/projects/import"):
            try:
                r = client.post(url, content=plain_body(300 * MiB), timeout=120)
            except httpx.TransportError:
                continue  # the server answered and closed before the client finished
            assert r.status_code == 413, r.text
            assert "AUDINO_MAX_IMPORT_BYTES" in r.json()["detail"]

        growth = peak_rss(live) - baseline
        print(  # the audit's figure, for the record
            f"zip bombs and big bodies: peak RSS {baseline / MiB:.0f} MiB, "
            f"grew {growth / MiB:.1f} MiB"
        )
        assert growth < ALLOWED_GROWTH, f"peak memory grew by {growth / MiB:.0f} MiB"
        assert segments(client, pid) == before
        assert [p["name"] for p in client.get("/api/projects").json()] == ["Calls"]
        leftovers = list((live.data_dir / "tmp").glob("*"))
        assert leftovers == [], leftovers


def test_a_long_file_name_is_cut_not_refused_as_malformed(
    app_env: AppEnv, factory: Factory
) -> None:
    project = factory.project()
    name = "n" * 5000 + ".wav"
    r = factory.admin.post(
        f"/api/projects/{project['id']}/datapoints",
        files={"file": (name, WAV.read_bytes(), "audio/wav")},
    )
    assert r.status_code == 201, r.text
    stored = r.json()["datapoint"]["original_name"]
    assert len(stored) == 255 and stored.endswith(".wav")
    r = factory.admin.post(
        f"/api/projects/{project['id']}/import",
        params={"format": "rttm"},
        files={"file": ("t" * 5000 + ".rttm", RTTM.replace("call", stored[:-4]).encode())},
    )
    assert r.status_code == 200 and r.json()["segments"] == 1, r.text


def test_a_header_too_long_even_so_is_explained(app_env: AppEnv, factory: Factory) -> None:
    project = factory.project()
    r = factory.admin.post(
        f"/api/projects/{project['id']}/datapoints",
        files={"file": ("n" * 70_000 + ".wav", WAV.read_bytes(), "audio/wav")},
    )
    assert r.status_code == 400, r.text
    assert "shorten the file name" in r.json()["detail"]
    assert app_env.storage.keys() == []


@pytest.mark.parametrize(
    ("filename", "body", "says"),
    [
        ("nuls.zip", bytes(4096), "not a zip archive"),
        ("nuls.rttm", bytes(4096), "binary data (NUL bytes), not text"),
        ("inner.zip", None, "binary data (NUL bytes), not text"),
        ("empty.rttm", b"\n\n", "holds no rttm annotations"),
    ],
)
def test_files_of_nuls_say_what_is_wrong(
    app_env: AppEnv, factory: Factory, filename: str, body: bytes | None, says: str
) -> None:
    project = factory.project()
    if body is None:  # a real zip holding a file of NULs
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("call.rttm", bytes(4096))
        body = out.getvalue()
    r = factory.admin.post(
        f"/api/projects/{project['id']}/import",
        params={"format": "rttm", "filename": filename},
        content=body,
    )
    assert r.status_code == 422, r.text
    assert says in r.json()["detail"]
