"""The hazard register (隐患台账): findings from safety inspections and from drills, with their corrective actions.

A finding is a corrective action (store.schema.CorrectiveAction) with a source, a hazard category and the
day it was found. A drill's come from its after-action review (drills.review.raise_action, the category by
default its drill type's); an inspection's are recorded here by a unit lead or a drill coordinator for a
unit in their scope (`finding.raise`). Either way it is an obligation of its owner unit, occurrence
"A<action id>" of the system item of its criticality, ticked like any item; it is open until that
occurrence is done (with evidence) or marked not applicable.

The register lists the findings still open on a day. Whether an occurrence was closed by then is read
from the checklist log by readiness.standing, which this package may not import (drills and readiness are
siblings): the caller passes the closed occurrences in (admin.hazards does).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from checklists.occurrences import corrective_occurrence
from core.clock import local_day
from core.errors import InvalidInput, NotFound
from drills.review import _add_action, _checked, _item_in_season, _season
from org.authz import authorize
from org.models import Actor
from store.schema import HAZARD_CATEGORIES, CorrectiveAction, Drill, OrgUnit, TemplateItem

# The category of a drill's findings by its type (seeds/drill_types.yaml); any other type: "other".
CATEGORY_OF_TYPE = {
    "anti-accident": "dispatch",
    "black-start": "dispatch",
    "flood-typhoon": "flood_typhoon",
    "cable-fire": "cable",
    "orderly-power-use": "supply",
    "summer-peak-joint": "supply",  # a heat wave's peak load
    "large-area-blackout": "supply",
    "onsite-response": "personal_safety",  # electric shock, falls, heat stroke on a post
    "confined-space-rescue": "personal_safety",
    "cyber-incident": "cyber",
    "crowded-premises-fire": "fire",
}

CATEGORIES = HAZARD_CATEGORIES  # for the pages, which do not read store.schema
COLUMNS = ["action_id", "unit_id", "source", "category", "criticality", "description", "drill_title", "found_on",
           "due_on", "age_days", "overdue"]


def category_of(type_key: str) -> str:
    """The hazard category a drill of this type finds by default."""
    return CATEGORY_OF_TYPE.get(type_key, "other")


def raise_finding(campaign_id: int, unit_id: int, *, description: str, category: str, criticality: str,
                  due_on: date, found_on: date, directive_id: str | None = None, concerns_item: str | None = None,
                  session: Session, actor: Actor | None, now: datetime) -> int:
    """Record a hazard found in a safety inspection of `unit_id` on `found_on` as a corrective action of the
    unit, due on `due_on`, on its checklist in the season. Needs `finding.raise` on the unit (the command
    line, actor None, is trusted). Returns the action's id."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("error.unit_not_found", code=unit_id)
    if actor is not None:
        authorize(actor, "finding.raise", unit_id, session=session)
    description = _checked(description, criticality, category, directive_id, session)
    if found_on > local_day(now):
        raise InvalidInput("error.finding_in_future", found=found_on.isoformat())
    if due_on < found_on:
        raise InvalidInput("error.finding_due_before_found", due=due_on.isoformat(), found=found_on.isoformat())
    season = _season(campaign_id, unit, session)
    if concerns_item is not None and not _item_in_season(concerns_item, season.id, session):
        raise NotFound("rev.unknown_item", item=concerns_item)
    action_id, _ = _add_action(season, unit, source="inspection", description=description, criticality=criticality,
                               category=category, found_on=found_on, due_on=due_on, directive_id=directive_id,
                               concerns_item=concerns_item, session=session, actor=actor, now=now)
    return action_id


def hazard_register(campaign_id: int, as_of: date, *, session: Session, unit_ids: Iterable[int] | None = None,
                    closed: Collection[str] = ()) -> pd.DataFrame:
    """The season's findings of both sources (of `unit_ids`, when given) found on or before `as_of` and not
    closed by its end, oldest first. `closed`: the occurrences ("A<id>") done or not applicable at the end of
    `as_of`, as the checklist log has them (admin.hazards reads them). Columns: COLUMNS (`age_days`: days
    from found_on to as_of; `overdue`: due before as_of)."""
    a = CorrectiveAction
    q = (select(a.id, a.unit_id, a.source, a.category, TemplateItem.criticality, a.description, Drill.title,
                a.found_on, a.due_on)
         .join(TemplateItem, TemplateItem.id == a.item_id)
         .outerjoin(Drill, Drill.id == a.drill_id)
         .where(a.campaign_id == campaign_id, a.found_on <= as_of)
         .order_by(a.found_on, a.id))
    if unit_ids is not None:
        q = q.where(a.unit_id.in_(sorted(set(unit_ids))))
    shut = set(closed)
    rows = [(action_id, unit_id, source, category, criticality, description, title or "", found_on, due_on,
             (as_of - found_on).days, due_on < as_of)
            for action_id, unit_id, source, category, criticality, description, title, found_on, due_on
            in session.execute(q) if corrective_occurrence(action_id) not in shut]
    return pd.DataFrame(rows, columns=COLUMNS)

