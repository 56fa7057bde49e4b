"""The dashboard's declarations tab: the sub-tree's seasonal readiness declarations as they stood on the day,
each with what changed since it was signed, and the sign-off of the unit looked at (today only)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from admin import declarations
from checklists.campaigns import CampaignView
from core.clock import format_local
from org.models import Actor
from org.queries import UnitView
from store.db import snapshot, transaction
from ui import dashboard_views, loaders, state


@st.cache_data(max_entries=32, show_spinner=False)
def _signed(campaign_id: int, unit_id: int, as_of: date, key: int) -> list[tuple[declarations.DeclarationView,
                                                                                  declarations.Drift]]:
    with snapshot(state.engine()) as s:
        found = declarations.latest(campaign_id, declarations.subtree(unit_id, session=s), session=s, as_of=as_of)
        return [(d, declarations.drift(d, as_of, session=s)) for d in found.values()]


@st.cache_data(max_entries=32, show_spinner=False)
def _waiting(campaign_id: int, unit_id: int, key: int) -> tuple[list[int], int | None]:
    with snapshot(state.engine()) as s:
        return (declarations.missing_below(campaign_id, unit_id, session=s),
                declarations.top_unit(campaign_id, session=s))


def show(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int, in_scope: set[int]) -> None:
    """Draw the tab for the unit's sub-tree on the day, for the units the user may read."""
    dashboard_views.may_read(unit.id, in_scope)
    units = {u.id: u for u in loaders.all_units(key)}
    signed = [(d, drift) for d, drift in _signed(campaign.id, unit.id, as_of, key) if d.unit_id in in_scope]
    if signed:
        st.dataframe(pd.DataFrame([{
            "unit": state.name(units[d.unit_id]), "signer": d.signer, "at": format_local(d.signed_at),
            "then": d.readiness, "now": drift.readiness_now, "open": len(d.open_items), "critical": d.critical_open,
            "since": state.t("decl.since", undone=drift.undone, added=drift.added, closed=drift.closed)
            if drift.flagged or drift.closed else "—",
        } for d, drift in sorted(signed, key=lambda x: units[x[0].unit_id].path)]), hide_index=True, width="stretch",
            column_config={
                "unit": state.t("db.col_unit"), "signer": state.t("decl.col_signer"), "at": state.t("decl.col_at"),
                "then": st.column_config.NumberColumn(state.t("decl.col_then"), format="percent"),
                "now": st.column_config.NumberColumn(state.t("decl.col_now"), format="percent"),
                "open": state.t("decl.col_open"), "critical": state.t("dash.critical_open"),
                "since": state.t("decl.col_since")})
    else:
        st.caption(state.t("decl.none"))
    if as_of == state.today() and campaign.status == "open":
        _sign_form(who, campaign, unit, units, key)


def _sign_form(who: Actor, campaign: CampaignView, unit: UnitView, units: dict, key: int) -> None:
    waiting, company = _waiting(campaign.id, unit.id, key)
    action = "declaration.sign_company" if unit.id == company else "declaration.sign"
    if action not in loaders.actions_on(who, unit.id):
        return
    st.markdown(f"**{state.t('decl.sign_title', unit=state.name(unit))}**")
    if waiting:
        sep = "、" if state.lang() == "zh" else ", "
        st.info(state.t("decl.waiting", units=sep.join(state.name(units[u]) for u in waiting)))
        return
    statement = st.text_area(state.t("decl.statement"), key=f"decl_statement_{unit.id}", max_chars=2000)
    sure = st.checkbox(state.t("decl.confirm"), key=f"decl_confirm_{unit.id}")
    if st.button(state.t("decl.sign"), key=f"decl_sign_{unit.id}", type="primary", disabled=not sure):
        def run() -> str:
            with transaction(state.engine()) as s:
                declarations.sign(campaign.id, unit.id, session=s, actor=who, now=state.utcnow(), statement=statement)
            return state.t("decl.signed", unit=state.name(unit))

        state.run_action(run)
        st.rerun()
