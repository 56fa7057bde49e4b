"""The dashboard's drill coverage tab: per rule, the required drills met, planned and missing; per drill type,
the drills conducted and planned against the gaps; per unit and type, drills conducted / required. All as of
the day asked (drills.coverage says how a past day is judged)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from admin.dashboard import subtree
from checklists.campaigns import CampaignView
from drills.coverage import coverage_chart, rule_coverage, type_totals, type_unit_coverage
from org.models import Actor
from org.queries import UnitView
from store.db import snapshot
from ui import dashboard_views, loaders, state

RULE_COUNTS = ("required", "met", "share", "planned", "missing", "overdue", "no_record")


@st.cache_data(max_entries=32, show_spinner=False)
def _coverage(campaign_id: int, unit_id: int, as_of: date, key: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    with snapshot(state.engine()) as s:
        units = subtree(unit_id, session=s)
        return (rule_coverage(campaign_id, as_of, session=s, unit_ids=units),
                type_unit_coverage(campaign_id, as_of, session=s, unit_ids=units))


def show(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int, in_scope: set[int]) -> None:
    """Draw the tab for the unit's sub-tree on the day, for the units the user may read."""
    dashboard_views.may_read(unit.id, in_scope)
    rules, cells = _coverage(campaign.id, unit.id, as_of, key)
    if rules.empty and cells.empty:
        st.info(state.t("dashdr.empty"))
        return
    lang = state.lang()
    st.caption(state.t("dashdr.as_of", day=as_of.isoformat(), peak=campaign.peak_start.isoformat()))
    if not rules.empty:
        st.markdown(f"**{state.t('dashdr.by_rule')}**")
        _rule_table(rules, lang)
    if not cells.empty:
        st.markdown(f"**{state.t('dashdr.by_type')}**")
        st.caption(state.t("dashdr.by_type_help"))
        labels = {k: state.t(f"dashdr.series_{k}") for k in ("conducted", "planned", "missing")}
        st.plotly_chart(coverage_chart(type_totals(cells), lang, labels | {"y": state.t("dashdr.count")}),
                        width="stretch", key="dash_drill_coverage")
    mine = cells[cells["unit_id"].isin(in_scope)]
    if not mine.empty:
        st.markdown(f"**{state.t('dashdr.by_unit')}**")
        _unit_table(mine, lang, key)


def _rule_table(rules: pd.DataFrame, lang: str) -> None:
    headers = {f"rule_{lang}": state.t("dashdr.col_rule")} | {c: state.t(f"dashdr.col_{c}") for c in RULE_COUNTS}
    table = rules.assign(share=rules["met"] / rules["required"])[list(headers)].rename(columns=headers)
    share = headers["share"]
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        share: st.column_config.ProgressColumn(share, min_value=0, max_value=1, format="percent")})


def _unit_table(cells: pd.DataFrame, lang: str, key: int) -> None:
    """Units (tree order) × drill types (catalogue order): "conducted/required"; "—" where the unit neither
    owes nor has a drill of the type."""
    present = set(cells["unit_id"])
    units = [u for u in loaders.all_units(key) if u.id in present]
    types = dict(zip(cells["type_key"], cells[f"type_{lang}"], strict=True))
    shown = cells.assign(cell=cells["conducted"].astype(str) + "/" + cells["required"].astype(str))
    grid = (shown.pivot(index="unit_id", columns="type_key", values="cell")
            .reindex(index=[u.id for u in units], columns=list(types)).fillna("—"))
    grid.index = [state.name(u) for u in units]
    st.dataframe(grid.rename(columns=types).rename_axis(state.t("dashdr.col_unit")).reset_index(),
                 hide_index=True, width="stretch")
