"""Everything open for a user: the obligations of every unit they may tick, across the open seasons,
their templates and events — sorted overdue and critical first, then by due date — with filters and
a search over the item texts (a read model for the lead's working list)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from checklists.campaigns import list_campaigns
from checklists.queries import ChecklistRow, unit_checklist
from org.authz import scope_unit_ids
from org.models import Actor
from org.queries import UnitView, units_where
from store.schema import OrgUnit

CRITICALITY_ORDER = {"critical": 0, "major": 1, "normal": 2}


@dataclass(frozen=True)
class MyItem:
    campaign_id: int
    campaign_name: str
    unit: UnitView
    row: ChecklistRow


@dataclass(frozen=True)
class Filters:
    """What to keep; an empty field keeps everything."""

    campaign_ids: frozenset[int] = frozenset()
    templates: frozenset[str] = frozenset()
    sections: frozenset[str] = frozenset()  # "<template>/<section>" keys
    disciplines: frozenset[str] = frozenset()
    statuses: frozenset[str] = field(default_factory=lambda: frozenset({"open"}))
    event_ids: frozenset[int] = frozenset()
    search: str = ""
    overdue_on: date | None = None  # set: only the items overdue on this day


    def keep(self, item: MyItem) -> bool:
        r = item.row
        words = self.search.strip().lower().split()
        text = f"{r.key} {r.text_zh} {r.text_en} {r.event_name}".lower()
        return ((not self.campaign_ids or item.campaign_id in self.campaign_ids)
                and (not self.templates or bool(set(r.templates or (r.template_key,)) & self.templates))
                and (not self.sections or r.section_key in self.sections)
                and (not self.disciplines or r.discipline in self.disciplines)
                and (not self.statuses or r.status in self.statuses)
                and (not self.event_ids or r.event_id in self.event_ids)
                and (self.overdue_on is None or r.overdue(self.overdue_on))
                and all(w in text for w in words))


def my_items(actor: Actor, *, session: Session, today: date, filters: Filters = Filters()) -> list[MyItem]:
    """The obligations of the units the user may tick (item.done), in the open seasons, that are due now
    (a recurring check once its period has begun; an event's checks while it is on or they are open),
    filtered, overdue first, then critical before major before normal, then by due date."""
    return items_of_units(scope_unit_ids(actor, "item.done", session=session), session=session, today=today,
                          filters=filters)


def items_of_units(units: Iterable[int], *, session: Session, today: date, filters: Filters = Filters()
                   ) -> list[MyItem]:
    """`my_items` for a set of units already known to be the user's (the pages cache by it)."""
    found: list[MyItem] = []
    for campaign in list_campaigns(session=session):
        if filters.campaign_ids and campaign.id not in filters.campaign_ids:
            continue
        for unit in _units(units, session):
            for row in unit_checklist(campaign.id, unit.id, session=session):
                item = MyItem(campaign.id, campaign.name, unit, row)
                if row.current(today) and filters.keep(item):
                    found.append(item)
    return sorted(found, key=lambda i: _order(i, today))


def _units(ids: Iterable[int], session: Session) -> list[UnitView]:
    ids = set(ids)
    return units_where(OrgUnit.id.in_(ids), session=session) if ids else []


def _order(item: MyItem, today: date) -> tuple:
    r = item.row
    return (not r.overdue(today), CRITICALITY_ORDER.get(r.criticality, 3), r.due or date.max, item.unit.path,
            r.key, r.occurrence)
