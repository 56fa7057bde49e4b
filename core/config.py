"""One validated settings object; nothing else in the project reads os.environ."""

from __future__ import annotations

from datetime import date, datetime, time
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
    sqlite_synchronous: str = Field(
        default="FULL",
        description="SQLite durability: FULL (a committed tick survives a power loss) or NORMAL (faster; the "
        "last commits can be lost on power loss).",
    )
    session_idle_hours: float = Field(
        default=8, gt=0, description="A signed-in browser is signed out after this many hours without a click."
    )
    session_absolute_days: float = Field(
        default=7, gt=0, description="A sign-in lasts at most this many days, however active the browser is."
    )
    cookie_secure: bool = Field(
        default=False,
        description="Send the session cookie over HTTPS only (Secure; named __Host-peakready_session). "
        "Set true whenever the app is served over HTTPS.",
    )
    sso_claim: str = Field(
        default="email",
        description="Single sign-on: the claim of the provider's ID token that names the person and is linked "
        "to a local user: email (compared ignoring case; an address the provider marks unverified is refused) "
        "or sub (the provider's stable subject id), or another claim name the provider sends.",
    )
    sso_provider: str | None = Field(
        default=None,
        description="Single sign-on: the provider name passed to st.login when .streamlit/secrets.toml defines "
        "several ([auth.NAME]); empty: st.login() with the provider defined in [auth] itself.",
    )
    evidence_dir: Path | None = Field(
        default=None,
        description="Where evidence files (photos, PDFs, spreadsheets, Word files) are kept. Empty: in the "
        "database, which every app server sees. Set: a directory every app server shares (e.g. a network "
        "mount); files are named by their SHA-256 (ab/abcdef…) and written atomically.",
    )
    evidence_max_mb: float = Field(default=10, gt=0, le=200,
                                   description="The largest evidence file accepted, in megabytes.")
    calendar_domain: str = Field(
        default="peakready.local", pattern=r"^[A-Za-z0-9.-]+$",
        description="The domain in each drill's iCalendar UID (drill-<id>@<domain>): keep it once calendars hold it.")
    peak_window_is_error: bool = Field(
        default=False, description="A drill during a declared high-load window or heat/typhoon event is refused "
                                   "(instead of warned about).")
    aar_due_days: int = Field(
        default=14, ge=1, le=180,
        description="A drill's after-action report, with its improvement plan, is due this many days after the drill.")
    now: datetime | None = Field(
        default=None,
        description="Start the app's clock at this moment (ISO date or date-time, local zone if none given) "
        "and let it run on; empty: the real time. For demos and tests.",
    )

    @field_validator("now", mode="before")
    @classmethod
    def _date_or_datetime(cls, v: object) -> object:
        if v in ("", None):
            return None
        if isinstance(v, str) and len(v) == 10:
            return datetime.combine(date.fromisoformat(v), time(9, 0))
        return v

    @field_validator("evidence_dir", mode="before")
    @classmethod
    def _no_dir(cls, v: object) -> object:
        return None if v is None or (isinstance(v, str) and not v.strip()) else v

    @field_validator("sso_claim")
    @classmethod
    def _claim_name(cls, v: str) -> str:
        v = v.strip()
        if not v or any(c.isspace() for c in v) or len(v) > 200:
            raise ValueError("sso_claim must be a claim name such as email or sub")
        if v in ("is_logged_in", "tokens"):  # Streamlit's own entries of st.user, not claims
            raise ValueError(f"sso_claim may not be {v}: Streamlit sets it, the provider does not")
        return v

    @field_validator("sso_provider", mode="before")
    @classmethod
    def _provider_name(cls, v: object) -> object:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, str):
            v = v.strip()
            # st.login refuses provider names with an underscore.
            if "_" in v or any(c.isspace() for c in v):
                raise ValueError("sso_provider must be a name without underscores or spaces, as in [auth.NAME]")
        return v

    @field_validator("sqlite_synchronous")
    @classmethod
    def _known_sync(cls, v: str) -> str:
        v = v.upper()
        if v not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError("sqlite_synchronous must be FULL, EXTRA or NORMAL")
        return v

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, v: str) -> str:
        if v not in ("zh", "en"):
            raise ValueError("default_language must be zh or en")
        return v

    @property
    def session_cookie_name(self) -> str:
        """The session cookie's name; with the __Host- prefix browsers accept it only over HTTPS, for Path=/."""
        return "__Host-peakready_session" if self.cookie_secure else "peakready_session"

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{ROOT / 'data' / 'peakready.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
