"""Exports of the drill plan: iCalendar (RFC 5545) for one drill, a unit's drills or a campaign's.

The UID of each drill is stable (drill-<id>@<domain>, the domain a setting), and SEQUENCE is the
drill's version, so a calendar that imports the file again updates the drills instead of adding them
twice; a cancelled drill goes out as STATUS:CANCELLED so calendars drop it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from drills.calendar import CalendarDrill, to_ics
from drills.planning import DrillView


def calendar_drill(view: DrillView, lang: str) -> CalendarDrill:
    type_name = view.type_name_zh if lang == "zh" else view.type_name_en
    description = "\n".join(part for part in (type_name, view.scenario) if part)
    return CalendarDrill(
        drill_id=view.id, title=view.title, start=view.starts_at, end=view.ends_at, status=view.status,
        description=description, location=view.location, units=view.unit_codes, organizer_name=view.coordinator_name,
        last_modified=view.updated_at, sequence=view.version - 1)


def drills_ics(views: Iterable[DrillView], *, now: datetime, lang: str, domain: str, name: str | None = None) -> bytes:
    """The drills as one iCalendar file."""
    return to_ics([calendar_drill(v, lang) for v in views], now=now, domain=domain, name=name, lang=lang)
