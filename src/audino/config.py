"""Settings read from the environment or a `.env` file, as one object."""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AUDINO_", env_file=".env", extra="ignore")

    data_dir: Path = Path("./audino-data")
    database_url: str | None = None
    storage_url: str | None = None
    secret_key: str | None = None
    # Largest accepted audio upload, in bytes (default 2 GiB).
    max_upload_bytes: int = 2 * 1024**3
    # Project imports (POST /api/projects/import and /{id}/import) are parsed in memory, so
    # these bound what one import can take: the body, and for a zip the most files, the
    # bytes one file and all files may unpack to, and the highest unpacked/packed ratio of
    # a file over 1 MiB (text deflates 5-20x, a zip bomb of zeros about 1000x).
    max_import_bytes: int = 256 * 1024**2
    max_import_files: int = 20_000
    max_import_file_bytes: int = 256 * 1024**2
    max_import_unpacked_bytes: int = 512 * 1024**2
    max_import_ratio: float = 100.0
    # Audio accepted at upload and bulk import. Below 1 kHz nothing audible or usable is
    # left (telephone speech is 8 kHz, infrasound studies resample) and every derived
    # artefact's size grows with samples per second of audio; 768 kHz is the fastest
    # common converter (bat and ultrasound work). 24 hours covers a day-long field
    # recording; longer recordings should be cut before upload.
    min_sample_rate: int = 1000
    max_sample_rate: int = 768_000
    max_duration_hours: float = 24.0
    session_lifetime_hours: float = 24 * 14
    cookie_secure: bool = False
    # Failed logins (services/auth.py LoginLimiter): an account from one address is locked
    # after this many, an address alone after ten times as many; counts are forgotten after
    # login_window_seconds without a failure or a lock.
    login_max_failures: int = 5
    login_window_seconds: int = 300
    # Reverse proxies (IPs or CIDRs, separated by commas) whose X-Forwarded-For is believed
    # when they are the direct peer: the client is the right-most address in it that is not
    # one of them. Empty: the direct peer is the client and the header is ignored.
    trusted_proxies: str = ""
    admin_username: str | None = None
    admin_password: str | None = None
    log_level: str = "info"
    sqlite_busy_timeout_ms: int = Field(default=30_000)
    # Audio in a bucket (storage_url = s3://bucket/prefix, with the 's3' extra): fsspec
    # options as JSON, and an S3-compatible endpoint (MinIO, Ceph...); AWS_* vars also work.
    storage_options: dict[str, Any] = Field(default_factory=dict)
    s3_endpoint_url: str | None = None
    # Above 0, audio in a bucket is answered with a redirect to a URL signed for this many
    # seconds (after the usual permission check) instead of passing through the server.
    storage_presign_seconds: int = 0
    # Folders (or bucket URLs) the import API may read from, separated by commas;
    # empty means imports by path are refused (uploads still work).
    import_roots: str = ""
    # Background jobs: unset = a SQLite queue in the data dir consumed by `audino serve`
    # itself; `redis://host:6379/0` = a Redis queue consumed by `audino worker` processes;
    # `immediate` = run each job right after the transaction that queued it (tests).
    queue_url: str | None = None
    # The queue's name, the prefix of its keys: instances that share one Redis need their own.
    queue_name: str = "audino"
    job_workers: int = 2
    # A running job whose worker has not beaten for this long is queued again.
    job_stale_seconds: float = 120.0
    # The asr-whisper auto-annotator's model: a local folder holding a Whisper model
    # converted for CTranslate2 (model.bin, config.json, vocabulary.json, tokenizer.json).
    # Unset: asr-whisper is listed as unavailable; nothing is ever downloaded.
    whisper_model: str | None = None
    # Hosts (host or host:port, comma-separated) that /ml/{model}/predict may download a
    # Label Studio task's audio from: Label Studio's own address, or its storage's. Empty:
    # /ml downloads nothing (a 400 names this setting), so no signed-in user can make the
    # server fetch an address of their choosing.
    ml_audio_hosts: str = ""
    # The hosts (`host` or `host:port`, comma-separated) the `http` auto-annotator may call
    # as ML backends; empty: any host a manager names except link-local addresses (cloud
    # metadata services), which must be listed here to be reached.
    ml_backend_hosts: str = ""

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir / 'audino.db'}"

    @property
    def resolved_storage_url(self) -> str:
        if self.storage_url:
            return self.storage_url
        return str(self.resolved_data_dir / "audio")

    @property
    def resolved_queue_url(self) -> str:
        return self.queue_url or f"sqlite:///{self.resolved_data_dir / 'queue.db'}"

    @property
    def resolved_ml_audio_hosts(self) -> set[str]:
        return {host.casefold() for host in _split(self.ml_audio_hosts)}

    @property
    def resolved_ml_backend_hosts(self) -> set[str]:
        return {host.casefold() for host in _split(self.ml_backend_hosts)}

    @property
    def resolved_import_roots(self) -> list[str]:
        return [root.strip() for root in self.import_roots.split(",") if root.strip()]

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: str) -> str:
        for entry in _split(value):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"AUDINO_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                    "(such as 10.0.0.5 or 10.0.0.0/8)."
                ) from None
        return value

    @property
    def resolved_trusted_proxies(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(entry, strict=False) for entry in _split(self.trusted_proxies)]

    @property
    def temp_dir(self) -> Path:
        return self.resolved_data_dir / "tmp"

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.resolved_data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()
