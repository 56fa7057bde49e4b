"""The dashboard's directives tab (being written)."""

from __future__ import annotations

from datetime import date

from checklists.campaigns import CampaignView
from org.models import Actor
from org.queries import UnitView


def show(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int, in_scope: set[int]) -> None:
    """Draw the tab for the unit's sub-tree on the day, for the units the user may read."""
