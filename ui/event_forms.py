"""The season-events page's parts: declaring a heat wave, typhoon/rainstorm warning or orderly-power-use
order for units, and each event with its checks' progress per unit and a way to close it.

Declaring and closing are one use-case each (checklists.events), in one transaction; the use-case checks
the user's rights on every unit itself and writes the audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from checklists.events import LEVELS, EventView, close_event, declare_event
from content.models import EVENT_KINDS
from core.clock import format_local, local_zone
from store.db import transaction
from ui import loaders, state, widgets


def _moment(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=local_zone())


def _run(change, success: str, **params: object) -> None:
    def call() -> str:
        with transaction(state.engine()) as s:
            result = change(s)
        return state.t(success, **params, **(result if isinstance(result, dict) else {}))

    state.run_action(call)


def declare_form(campaign_id: int, units: Sequence) -> None:
    """The declaration form over the season's units the user may declare events for."""
    today = state.today()
    kinds = {k: state.t(f"event.kind.{k}") for k in EVENT_KINDS}
    levels = {lv: state.t(f"event.level.{lv}") for lv in ("none", *LEVELS)}
    labels = {u.id: f"{widgets.unit_label(u).strip()} ({u.code})" for u in units}
    with st.form("declare_event", clear_on_submit=False):
        a, b = st.columns(2)
        kind = a.selectbox(state.t("ev.kind"), list(kinds), format_func=kinds.__getitem__,
                           key=widgets.lang_key("ev_kind"))
        level = b.selectbox(state.t("ev.level"), list(levels), format_func=levels.__getitem__,
                            key=widgets.lang_key("ev_level"))
        name = st.text_input(state.t("ev.name"), key="ev_name", max_chars=128, placeholder=state.t("ev.name_hint"))
        c, d = st.columns(2)
        start_day = c.date_input(state.t("ev.start_day"), value=today, key="ev_start_day")
        start_time = d.time_input(state.t("ev.start_time"), value=time(8, 0), key="ev_start_time")
        e, f, g = st.columns([1, 1, 1])
        has_landfall = e.checkbox(state.t("ev.has_landfall"), key="ev_has_landfall")
        landfall_day = f.date_input(state.t("ev.landfall_day"), value=today, key="ev_landfall_day")
        landfall_time = g.time_input(state.t("ev.landfall_time"), value=time(20, 0), key="ev_landfall_time")
        chosen = st.multiselect(state.t("ev.units"), list(labels), format_func=labels.__getitem__,
                                key=widgets.lang_key("ev_units"))
        submitted = st.form_submit_button(state.t("ev.declare"), type="primary")
    if not submitted:
        return
    codes = [u.code for u in units if u.id in chosen]
    landfall = _moment(landfall_day, landfall_time) if has_landfall else None
    who = state.actor()

    def change(s) -> dict:
        result = declare_event(campaign_id, kind, starts_at=_moment(start_day, start_time), unit_codes=codes,
                               level=None if level == "none" else level, name=name, landfall_at=landfall,
                               session=s, actor=who, now=state.utcnow())
        return {"count": len(result.created), "name": result.event.name}

    _run(change, "ev.declared")
    st.rerun()


def event_panel(event: EventView, may_close: bool, key: int) -> None:
    """One event: when, which units, its checks' progress per unit, and (while open) closing it."""
    level = state.t(f"event.level.{event.level}") if event.level else state.t("event.level.none")
    st.caption(state.t("ev.facts", start=format_local(event.starts_at), level=level,
                       landfall=format_local(event.landfall_at), end=format_local(event.ends_at)))
    progress = loaders.event_progress(event.id, key)
    names = {u.code: state.name(u) for u in loaders.all_units(key)}
    table = pd.DataFrame([{"unit": names.get(p.unit_code, p.unit_code) if p.unit_code else state.t("ev.all_units"),
                           "done": p.done, "na": p.na, "total": p.total, "share": p.share} for p in progress])
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "unit": state.t("ev.col_unit"), "done": state.t("cl.col_done"), "na": state.t("ev.col_na"),
        "total": state.t("ev.col_total"),
        "share": st.column_config.ProgressColumn(state.t("cl.col_progress"), min_value=0, max_value=1,
                                                 format="percent")})
    if event.status != "open" or not may_close:
        return
    with st.form(f"close_event_{event.id}"):
        a, b = st.columns(2)
        end_day = a.date_input(state.t("ev.end_day"), value=state.today(), key=f"ev_end_day_{event.id}")
        end_time = b.time_input(state.t("ev.end_time"), value=time(18, 0), key=f"ev_end_time_{event.id}")
        closing = st.form_submit_button(state.t("ev.close"))
    if closing:
        who = state.actor()

        def change(s) -> None:
            close_event(event.id, ends_at=_moment(end_day, end_time), session=s, actor=who, now=state.utcnow())

        _run(change, "ev.closed", name=event.name)
        st.rerun()
