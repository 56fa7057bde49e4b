"""Occurrences of recurring and event-triggered items: their keys and due times (pure functions).

- A one-off item has one occurrence, "".
- A recurring item has one per calendar period that overlaps its window: "2027-W27" (an ISO week,
  Monday to Sunday), "2027-07" (a month) or "2027-Q3" (a quarter). It is due at the end of the
  period's last day inside the window (local midnight after it).
- An event-triggered item has one per event declared for the unit, "E<event id>", due so many
  hours before the landfall (or the start), after the start, or after the end of the event.
- A corrective action from a drill is one occurrence "A<action id>" of a system item for its owner
  unit (drills.review), due on the action's due day. Like a one-off item it counts in pre-peak
  readiness (until it is closed), not in the on-time rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_

from core.clock import local_zone

ONE_OFF = ""
CORRECTIVE = "A"  # the prefix of a corrective action's occurrence


@dataclass(frozen=True)
class Period:
    key: str
    first: date  # the period's first day inside the window
    last: date  # its last day inside the window: the occurrence is due at the end of it


def periods(recurs: str, start: date, end: date) -> list[Period]:
    """The periods of a recurrence that overlap the window start..end (both days included)."""
    if end < start:
        return []
    out = []
    day = start
    while day <= end:
        key, period_end = _period_of(recurs, day)
        last = min(period_end, end)
        out.append(Period(key, day, last))
        day = last + timedelta(days=1)
    return out


def _period_of(recurs: str, day: date) -> tuple[str, date]:
    """The key of the period holding `day`, and the period's last day."""
    if recurs == "weekly":
        year, week, weekday = day.isocalendar()
        return f"{year}-W{week:02d}", day + timedelta(days=7 - weekday)
    if recurs == "monthly":
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return f"{day.year}-{day.month:02d}", following - timedelta(days=1)
    if recurs == "quarterly":
        quarter = (day.month - 1) // 3 + 1
        following = date(day.year + quarter // 4, quarter % 4 * 3 + 1, 1)
        return f"{day.year}-Q{quarter}", following - timedelta(days=1)
    raise ValueError(f"unknown recurrence {recurs!r}")


def recurrence_window(within: str | None, *, starts_on: date, peak_start: date, peak_end: date | None
                      ) -> tuple[date, date] | None:
    """The days a recurring item recurs on in a season: the peak (peak start → peak end) or the
    whole season (its start → peak end); None while the season has no peak end."""
    if peak_end is None:
        return None
    return (starts_on if within == "season" else peak_start), peak_end


def end_of_day(day: date) -> datetime:
    """The instant a day ends in the local zone (the next local midnight), in UTC (as stored)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=local_zone()).astimezone(UTC)


def event_occurrence(event_id: int) -> str:
    return f"E{event_id}"


def event_due(when: str, hours: int, *, starts_at: datetime, landfall_at: datetime | None,
              ends_at: datetime | None) -> datetime | None:
    """When a triggered occurrence falls due: `hours` before the landfall (or the start), after the
    start, or after the end; None for an `after` item while the event's end is not known."""
    span = timedelta(hours=hours)
    if when == "before":
        return (landfall_at or starts_at) - span
    if when == "during":
        return starts_at + span
    if when == "after":
        return ends_at + span if ends_at is not None else None
    raise ValueError(f"unknown trigger time {when!r}")


def corrective_occurrence(action_id: int) -> str:
    return f"{CORRECTIVE}{action_id}"


def kind_of(occurrence: str) -> str:
    """once, recurring, event or corrective, from an occurrence key."""
    if occurrence == ONE_OFF:
        return "once"
    if occurrence.startswith(CORRECTIVE):
        return "corrective"
    return "event" if occurrence.startswith("E") else "recurring"


def counts_before_peak(occurrence: str) -> bool:
    """Whether the occurrence weighs in pre-peak readiness (readiness_daily): one-off items and
    corrective actions; recurring and event checks count in the on-time rate instead."""
    return occurrence == ONE_OFF or occurrence.startswith(CORRECTIVE)


def before_peak_clause(column):
    """`counts_before_peak` as a SQL condition on an occurrence column."""
    return or_(column == ONE_OFF, column.like(f"{CORRECTIVE}%"))


def period_first_day(occurrence: str) -> date | None:
    """The first calendar day of a recurring occurrence's period ("2027-W27", "2027-07", "2027-Q3")."""
    try:
        year, rest = occurrence.split("-", 1)
        if rest.startswith("W"):
            return date.fromisocalendar(int(year), int(rest[1:]), 1)
        if rest.startswith("Q"):
            return date(int(year), (int(rest[1:]) - 1) * 3 + 1, 1)
        return date(int(year), int(rest), 1)
    except ValueError:
        return None
