"""Cached reads of the drill planner: a campaign's drills, the required drills of units, the people a
drill can name, a drill's log, and the drills as iCalendar files. No SQL here: domain queries only.

Data caches are keyed on the database's change counter (state.change_key()); what a user may see is
read afresh on every run (ui.loaders.scope) and applied to the cached rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import streamlit as st

from core.config import get_settings
from drills.exports import drills_ics
from drills.planning import DrillView, list_drills
from drills.required import Requirement, required_drills
from drills.views import DrillLogLine, drill_log_lines
from org import queries as org_queries
from org.queries import PersonView
from store.db import snapshot
from ui import state


@st.cache_data(max_entries=32, show_spinner=False)
def _campaign_drills(campaign_id: int, key: int) -> list[DrillView]:
    with snapshot(state.engine()) as s:
        return list_drills(session=s, actor=None, campaign_id=campaign_id)


def drills_of(campaign_id: int, readable: set[int], key: int) -> list[DrillView]:
    """The campaign's drills in time order that one of the user's readable units takes part in (the
    service's own rule for who sees a drill, applied to the cached list)."""
    return [d for d in _campaign_drills(campaign_id, key) if not readable.isdisjoint(d.unit_ids)]


@st.cache_data(max_entries=64, show_spinner=False)
def _required(campaign_id: int, unit_ids: frozenset[int], as_of: date, key: int) -> list[Requirement]:
    with snapshot(state.engine()) as s:
        return required_drills(campaign_id, session=s, as_of=as_of, unit_ids=set(unit_ids))


def required(campaign_id: int, unit_ids: Iterable[int], as_of: date, key: int) -> list[Requirement]:
    """The required-drill rows of these units of the campaign, worst first."""
    return _required(campaign_id, frozenset(unit_ids), as_of, key)


@st.cache_data(max_entries=8, show_spinner=False)
def people(key: int) -> list[PersonView]:
    """Every active account (the evaluator picker)."""
    with snapshot(state.engine()) as s:
        return org_queries.active_people(session=s)


@st.cache_data(max_entries=64, show_spinner=False)
def drill_log(drill_id: int, key: int) -> list[DrillLogLine]:
    """A drill's log; the page shows it only for a drill the user sees."""
    with snapshot(state.engine()) as s:
        return drill_log_lines(drill_id, session=s)


def ics(views: Iterable[DrillView], name: str | None = None) -> bytes:
    """The drills as one iCalendar file in the user's language."""
    return drills_ics(list(views), now=state.utcnow(), lang=state.lang(), domain=get_settings().calendar_domain,
                      name=name)
