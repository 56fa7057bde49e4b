"""The hazard register as of a day: the findings of drills.findings still open then, judged from the
checklist log as readiness.standing reads it (the two sibling layers meet here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from admin.dashboard import subtree
from drills import findings
from readiness.standing import standing


def hazard_register(campaign_id: int, as_of: date, *, session: Session, unit_ids: Iterable[int] | None = None
                    ) -> pd.DataFrame:
    """The open findings of the units (all of the season's, when None) on the day, oldest first: a finding
    found by then whose occurrence "A<id>" was neither done nor marked not applicable at the day's end.
    Columns: drills.findings.COLUMNS."""
    units = None if unit_ids is None else sorted(set(unit_ids))
    table = standing(campaign_id, as_of, session=session, unit_ids=units)
    shut = table[(table["kind"] == "corrective") & (table["status"] != "open")]
    return findings.hazard_register(campaign_id, as_of, session=session, unit_ids=units,
                                    closed=set(shut["occurrence"]))


def subtree_register(campaign_id: int, unit_id: int, as_of: date, *, session: Session) -> pd.DataFrame:
    """hazard_register for a unit and every unit below it."""
    return hazard_register(campaign_id, as_of, session=session, unit_ids=subtree(unit_id, session=session))
