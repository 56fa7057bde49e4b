"""Cached reads of the drill planner: a campaign's drills, the required drills of units, the people a
drill can name, a drill's log, and the drills as iCalendar files. No SQL here: domain queries only.

Data caches are keyed on the database's change counter (state.change_key()); what a user may see is
read afresh on every run (ui.loaders.scope) and applied to the cached rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import streamlit as st

from admin.annual_plan_workbook import export_annual_plan
from admin.drill_timeline import export_timeline
from core.config import get_settings
from drills import conduct, inventory
from drills.conduct import TimelineEntry
from drills.exports import drills_ics
from drills.inventory import AnnualEntry, PlanView
from drills.planning import DrillView, get_drill, list_drills
from drills.required import Requirement, required_drills
from drills.views import DrillLogLine, drill_log_lines
from org import queries as org_queries
from org.queries import PersonView
from org.shifts import Shift, shifts_of
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


@st.cache_data(max_entries=32, show_spinner=False)
def _shifts(unit_ids: frozenset[int], key: int) -> dict[int, list[Shift]]:
    with snapshot(state.engine()) as s:
        return shifts_of(unit_ids, session=s)


def shifts(unit_ids: Iterable[int], key: int) -> dict[int, list[Shift]]:
    """The active shifts of these units (dispatch centres), per unit, in their order."""
    return _shifts(frozenset(unit_ids), key)


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


# ── Conducting a drill, the plan inventory and the annual plan (ui.drill_conduct, ui.drill_inventory) ──


@st.cache_data(max_entries=64, show_spinner=False)
def timeline(drill_id: int, key: int) -> list[TimelineEntry]:
    """A drill's injects in order, each with when it was released and the responses logged to it."""
    with snapshot(state.engine()) as s:
        return conduct.timeline(drill_id, session=s)


@st.cache_data(max_entries=32, show_spinner=False)
def timeline_workbook(drill_id: int, lang: str, key: int) -> bytes:
    """A drill's timeline as the .xlsx workbook to edit and import again."""
    with snapshot(state.engine()) as s:
        view = get_drill(drill_id, session=s)
    return export_timeline(view.injects, lang=lang, now=state.utcnow(), drill_title=view.title)


@st.cache_data(max_entries=32, show_spinner=False)
def _plans(unit_ids: frozenset[int], include_withdrawn: bool, key: int) -> list[PlanView]:
    with snapshot(state.engine()) as s:
        return inventory.list_plans(unit_ids, session=s, include_withdrawn=include_withdrawn)


def plans(unit_ids: Iterable[int], key: int, *, include_withdrawn: bool = False) -> list[PlanView]:
    """The emergency plans of these units, by unit and code (withdrawn ones on request)."""
    return _plans(frozenset(unit_ids), include_withdrawn, key)


@st.cache_data(max_entries=32, show_spinner=False)
def _annual(year: int, unit_ids: frozenset[int], key: int) -> list[AnnualEntry]:
    with snapshot(state.engine()) as s:
        return inventory.annual_plan(year, unit_ids, session=s)


def annual(year: int, unit_ids: Iterable[int], key: int) -> list[AnnualEntry]:
    """The year's drills of these units (not cancelled), by unit and day."""
    return _annual(year, frozenset(unit_ids), key)


@st.cache_data(max_entries=16, show_spinner=False)
def annual_workbook(year: int, unit_ids: frozenset[int], lang: str, key: int) -> bytes:
    """The year's drill plan of these units as an .xlsx workbook in `lang`."""
    with snapshot(state.engine()) as s:
        return export_annual_plan(year, unit_ids, session=s, lang=lang, now=state.utcnow())


@st.cache_data(max_entries=16, show_spinner=False)
def _exercised(unit_ids: frozenset[int], years: tuple[int, ...], key: int) -> dict[int, dict[int, int]]:
    with snapshot(state.engine()) as s:
        return inventory.exercised_by_year(unit_ids, years, session=s)


def exercised(unit_ids: Iterable[int], years: Iterable[int], key: int) -> dict[int, dict[int, int]]:
    """Per active plan of these units, per year: how many drills held exercised it."""
    return _exercised(frozenset(unit_ids), tuple(sorted(set(years))), key)
