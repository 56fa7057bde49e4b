"""One validated settings object; nothing else in the project reads os.environ."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """PeakReady settings, read from READINESS_* environment variables or a .env file."""

    model_config = SettingsConfigDict(env_prefix="READINESS_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL. Empty: an SQLite file at data/peakready.db. "
        "PostgreSQL: postgresql+psycopg://user:pass@host/db",
    )
    seeds_dir: Path = Field(default=ROOT / "seeds", description="Folder with the YAML content.")
    default_language: str = Field(default="zh", description="Language of the UI before the user picks one: zh or en.")
    timezone: str = Field(default="Asia/Shanghai", description="Zone in which dates are shown and days are counted.")
    sqlite_busy_timeout_ms: int = Field(default=5000, description="How long SQLite waits for a lock.")

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, v: str) -> str:
        if v not in ("zh", "en"):
            raise ValueError("default_language must be zh or en")
        return v

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{ROOT / 'data' / 'peakready.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
