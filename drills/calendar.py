"""iCalendar (RFC 5545) export of drills, written by the `icalendar` library (it folds lines and escapes text).

Every drill keeps one UID (`drill-<id>@<domain>`) for life, so a calendar that imports the file again
updates the event instead of adding a copy; SEQUENCE (bumped by the caller on each move) and
LAST-MODIFIED tell it which version is newer. Times are written in the drill's local zone with its
VTIMEZONE (Asia/Shanghai by default), so clients anywhere show the right hour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress

from core.i18n import t

PRODID = "-//PeakReady//Drill plan//ZH"
DEFAULT_DOMAIN = "peakready.local"
DEFAULT_ZONE = "Asia/Shanghai"
# A drill's status as a VEVENT STATUS: a planned drill can still move, a cancelled one stays in the file
# as CANCELLED so calendars that imported it before remove it.
STATUS = {"planned": "TENTATIVE", "ready": "CONFIRMED", "conducted": "CONFIRMED", "reviewed": "CONFIRMED",
          "cancelled": "CANCELLED"}


@dataclass(frozen=True)
class CalendarDrill:
    """One drill as a calendar event (a read model; times are aware datetimes)."""

    drill_id: int
    title: str
    start: datetime
    end: datetime
    status: str = "planned"
    description: str = ""
    location: str = ""
    units: tuple[str, ...] = ()
    organizer_name: str | None = None
    organizer_email: str | None = None  # ORGANIZER is written only with an address (RFC 5545 wants a URI)
    last_modified: datetime | None = None
    sequence: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", tuple(self.units))
        for name in ("start", "end", "last_modified"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise ValueError(f"{name} must be an aware datetime")


def uid_for(drill_id: int, domain: str = DEFAULT_DOMAIN) -> str:
    """The drill's event UID, the same in every export."""
    domain = domain.strip()
    if not domain or "@" in domain or any(c.isspace() for c in domain):
        raise ValueError(f"not a domain name: {domain!r}")
    return f"drill-{drill_id}@{domain}"


def _description(drill: CalendarDrill, lang: str) -> str:
    parts = [drill.description.strip()] if drill.description.strip() else []
    if drill.units:
        parts.append(t("drl.ics.units", lang, units=("、" if lang == "zh" else ", ").join(drill.units)))
    if drill.organizer_name:
        parts.append(t("drl.ics.organizer", lang, name=drill.organizer_name))
    parts.append(t("drl.ics.status", lang, state=t(f"drl.status.{drill.status}", lang)))
    return "\n".join(parts)


def _event(drill: CalendarDrill, *, now: datetime, domain: str, zone: ZoneInfo, lang: str) -> Event:
    event = Event()
    event.add("uid", uid_for(drill.drill_id, domain))
    event.add("dtstamp", (drill.last_modified or now).astimezone(UTC))
    event.add("dtstart", drill.start.astimezone(zone))
    event.add("dtend", drill.end.astimezone(zone))
    event.add("sequence", max(0, int(drill.sequence)))
    event.add("status", STATUS.get(drill.status, "CONFIRMED"))
    event.add("summary", drill.title)
    event.add("description", _description(drill, lang))
    if drill.location.strip():
        event.add("location", drill.location)
    if drill.last_modified is not None:
        event.add("last-modified", drill.last_modified.astimezone(UTC))
    if drill.organizer_email:
        organizer = vCalAddress(f"mailto:{drill.organizer_email}")
        if drill.organizer_name:
            organizer.params["cn"] = drill.organizer_name
        event.add("organizer", organizer)
    return event


def to_ics(
    drills: Iterable[CalendarDrill],
    *,
    now: datetime,
    domain: str = DEFAULT_DOMAIN,
    name: str | None = None,
    zone: str = DEFAULT_ZONE,
    lang: str = "zh",
) -> bytes:
    """An iCalendar file with one VEVENT per drill (cancelled ones as STATUS:CANCELLED), ordered by start."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    tz = ZoneInfo(zone)
    drills = sorted(drills, key=lambda d: (d.start, d.drill_id))
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-timezone", zone)
    if name:
        cal.add("x-wr-calname", name)
    years = [d.start.astimezone(tz).year for d in drills] + [d.end.astimezone(tz).year for d in drills]
    first, last = (min(years), max(years)) if years else (now.year, now.year)
    # Only the span the events need: a long zone history is noise to every client.
    cal.add_component(Timezone.from_tzid(zone, first_date=date(first, 1, 1), last_date=date(last + 1, 1, 1)))
    for drill in drills:
        cal.add_component(_event(drill, now=now, domain=domain, zone=tz, lang=lang))
    return cal.to_ical()
