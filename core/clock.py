"""Time helpers: stored in UTC, days counted and shown in the configured zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from core.config import get_settings


def local_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def utcnow() -> datetime:
    """The current instant in UTC (only the UI and CLI call this)."""
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The calendar day of an instant in the local zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone()).date()


def to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())


def as_utc(moment: datetime) -> datetime:
    """Normalise a datetime read back from the database (SQLite drops the zone)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
