"""The in-season on-time rate: of the recurring and event-triggered checks due by a day, the share
(by weight) that was done by the time it fell due. Computed from the obligations and the log as of
any day, never from a stored figure.

    on_time(D) = Σ w(o) · [done at due_at(o)]  /  Σ w(o)
        over the occurrences o (occurrence ≠ "") with due_day(o) ≤ D and created_on(o) ≤ D
        whose state at the end of D is not N/A,

where due_day(o) is the local day due_at(o) falls in (an occurrence due at midnight: the day
before), "done at due_at" means the last event of o that happened at or before due_at(o) left it
done, and the state at the end of D is the one after o's last event of a local day ≤ D. An
occurrence ticked late counts as due and not on time; N/A takes it out until it is reopened.

Cost: one pass over the occurrences and their events (no replay per day): each occurrence adds its
weight on the day it falls due, and N/A moves add or take it away on the days they happen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from checklists.occurrences import before_peak_clause
from core.clock import as_utc, local_day
from store.schema import ChecklistEvent, Obligation, OrgUnit, TemplateItem

COLUMNS = ["day", "met", "due", "on_time"]


@dataclass
class Occurrence:
    """One recurring or triggered obligation and its events (occurred_at, status_after), oldest first."""

    weight: int
    due_at: datetime
    created_on: date
    events: list[tuple[datetime, str]] = field(default_factory=list)

    @property
    def due_day(self) -> date:
        return local_day(self.due_at - timedelta(microseconds=1))


def on_time_deltas(occurrences: Iterable[Occurrence]) -> dict[date, list[int]]:
    """Per day, the change of (met weight, due weight): the pure core of the figure."""
    deltas: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for o in occurrences:
        met = _last_status(after for at, after in o.events if at <= o.due_at) == "done"
        first = max(o.due_day, o.created_on)
        # the N/A state at the end of each day with events, from `first` on
        na_then = _last_status(after for at, after in o.events if local_day(at) <= first) == "na"
        if not na_then:
            deltas[first][0] += o.weight * met
            deltas[first][1] += o.weight
        by_day: dict[date, str] = {}
        for at, status in o.events:
            day = local_day(at)
            if day > first:
                by_day[day] = status  # the day's last event wins
        for day in sorted(by_day):
            na_now = by_day[day] == "na"
            if na_now != na_then:
                sign = -1 if na_now else 1
                deltas[day][0] += sign * o.weight * met
                deltas[day][1] += sign * o.weight
                na_then = na_now
    return deltas


def _last_status(statuses: Iterable[str]) -> str:
    """The status after the last of these events ("open" if there is none)."""
    status = "open"
    for status in statuses:  # noqa: B007 - the last one is the answer
        pass
    return status


def occurrences(campaign_id: int, *, session: Session, root_unit_id: int | None = None,
                unit_id: int | None = None) -> list[Occurrence]:
    """The campaign's recurring and triggered obligations with a due time (of a unit's sub-tree, or of
    one unit only), and their events."""
    q = (select(Obligation.unit_id, Obligation.item_id, Obligation.occurrence, Obligation.due_at,
                Obligation.created_on, TemplateItem.weight)
         .join(TemplateItem, TemplateItem.id == Obligation.item_id)
         .where(Obligation.campaign_id == campaign_id, ~before_peak_clause(Obligation.occurrence), Obligation.due_at.is_not(None)))
    e = (select(ChecklistEvent.unit_id, ChecklistEvent.item_id, ChecklistEvent.occurrence, ChecklistEvent.occurred_at,
                ChecklistEvent.status_after)
         .where(ChecklistEvent.campaign_id == campaign_id, ~before_peak_clause(ChecklistEvent.occurrence))
         .order_by(ChecklistEvent.id))
    if unit_id is not None:
        q = q.where(Obligation.unit_id == unit_id)
        e = e.where(ChecklistEvent.unit_id == unit_id)
    if root_unit_id is not None:
        root_path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == root_unit_id)) or "-"
        q = q.join(OrgUnit, OrgUnit.id == Obligation.unit_id).where(OrgUnit.path.startswith(root_path))
        e = e.join(OrgUnit, OrgUnit.id == ChecklistEvent.unit_id).where(OrgUnit.path.startswith(root_path))
    found = {(u, i, oc): Occurrence(w, as_utc(due), created) for u, i, oc, due, created, w in session.execute(q)}
    for u, i, oc, at, after in session.execute(e):
        o = found.get((u, i, oc))
        if o is not None:
            o.events.append((as_utc(at), after))
    return list(found.values())


def on_time_series(campaign_id: int, *, start: date, end: date, session: Session,
                   root_unit_id: int | None = None, unit_id: int | None = None) -> pd.DataFrame:
    """The on-time rate of a unit's sub-tree (or the whole season) for every day from start to end:
    columns day, met (weight), due (weight), on_time (met / due; NaN while nothing is due)."""
    found = occurrences(campaign_id, session=session, root_unit_id=root_unit_id, unit_id=unit_id)
    return cumulative(on_time_deltas(found), start=start, end=end)


def cumulative(deltas: dict[date, list[int]], *, start: date, end: date) -> pd.DataFrame:
    met = due = 0
    for day in [d for d in deltas if d < start]:
        met += deltas[day][0]
        due += deltas[day][1]
    rows = []
    day = start
    while day <= end:
        if day in deltas:
            met += deltas[day][0]
            due += deltas[day][1]
        rows.append((day, met, due, met / due if due > 0 else float("nan")))
        day += timedelta(days=1)
    return pd.DataFrame(rows, columns=COLUMNS)


@dataclass(frozen=True)
class OnTime:
    met: int
    due: int

    @property
    def rate(self) -> float | None:
        return self.met / self.due if self.due > 0 else None


def on_time_rate(campaign_id: int, as_of: date, *, session: Session, root_unit_id: int | None = None,
                 unit_id: int | None = None) -> OnTime:
    """The on-time figure as of the end of one day (a sub-tree's, one unit's, or the whole season's)."""
    row = on_time_series(campaign_id, start=as_of, end=as_of, session=session, root_unit_id=root_unit_id,
                         unit_id=unit_id).iloc[-1]
    return OnTime(int(row["met"]), int(row["due"]))
