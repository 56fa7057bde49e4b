"""The one clock of the app and CLI, and time helpers: stored in UTC, days counted and shown in the configured zone.

Domain functions never read the clock; they are handed `now` / `today`. The pages
and the CLI read it here. `READINESS_NOW` (an ISO date or date-time) starts the
clock at that moment instead of the real time and lets it run on from there, so a
demo can be shown "in the middle of the peak" and tests do not depend on the day
they run.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.config import get_settings

TIME_FORMAT = "%Y-%m-%d %H:%M"


def local_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


_anchors: dict[int, tuple[object, float]] = {}


def _anchor(settings: object) -> float:
    """When (monotonic seconds) the clock was first read under these settings: reloading the
    settings (a new READINESS_NOW, or a test setting the clock) starts the clock afresh."""
    key = id(settings)
    if key not in _anchors or _anchors[key][0] is not settings:
        _anchors[key] = (settings, time.monotonic())  # keeps the object, so its id is not reused
    return _anchors[key][1]


def utcnow() -> datetime:
    """The current instant in UTC: the real time, or the set clock (READINESS_NOW) running on."""
    settings = get_settings()
    start = settings.now
    if start is None:
        return datetime.now(UTC)
    if start.tzinfo is None:
        start = start.replace(tzinfo=local_zone())
    anchor = _anchor(settings)  # first, so the first reading is the set moment itself
    return start.astimezone(UTC) + timedelta(seconds=time.monotonic() - anchor)


def today() -> date:
    """Today's calendar day in the local zone, by the app's clock."""
    return local_day(utcnow())


def local_day(moment: datetime) -> date:
    """The calendar day of an instant in the local zone."""
    return to_local(moment).date()


def to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())


def format_local(moment: datetime | None) -> str:
    """An instant as local 'YYYY-MM-DD HH:MM' (stored times are UTC; SQLite drops the zone)."""
    if moment is None:
        return "-"
    return to_local(as_utc(moment)).strftime(TIME_FORMAT)


def as_utc(moment: datetime) -> datetime:
    """Normalise a datetime read back from the database (SQLite drops the zone)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_local(text: str) -> datetime:
    """A date and time typed by a user ('2027-07-12 08:00', ISO 8601, with or without an offset); without
    an offset it is read in the local zone. InvalidInput if it is not one."""
    from core.errors import InvalidInput

    value = (text or "").strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("error.bad_datetime", value=value or "-", zone=get_settings().timezone) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment.astimezone(UTC)
