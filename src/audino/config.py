"""Settings read from the environment or a `.env` file, as one object."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AUDINO_", env_file=".env", extra="ignore")

    data_dir: Path = Path("./audino-data")
    database_url: str | None = None
    storage_url: str | None = None
    secret_key: str | None = None
    # Largest accepted audio upload, in bytes (default 2 GiB).
    max_upload_bytes: int = 2 * 1024**3
    session_lifetime_hours: float = 24 * 14
    cookie_secure: bool = False
    login_max_failures: int = 5
    login_window_seconds: int = 300
    admin_username: str | None = None
    admin_password: str | None = None
    log_level: str = "info"
    sqlite_busy_timeout_ms: int = Field(default=30_000)

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


@lru_cache
def get_settings() -> Settings:
    return Settings()
