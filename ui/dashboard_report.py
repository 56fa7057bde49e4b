"""The dashboard's weekly report downloads (being written)."""

from __future__ import annotations

from datetime import date

from checklists.campaigns import CampaignView
from org.models import Actor
from org.queries import UnitView


def buttons(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int) -> None:
    """The report of the unit's sub-tree on the day, as a workbook and as a printable page."""
