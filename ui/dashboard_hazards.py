"""The dashboard's hazards tab (隐患台账): the open findings of inspections and drills in the unit's sub-tree on
the day, as the unit's children (each with its sub-tree) × hazard categories, counted and coloured by their
age, then the register itself, oldest first."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from admin import hazards
from checklists.campaigns import CampaignView
from drills.findings import CATEGORIES
from org.models import Actor
from org.queries import UnitView
from readiness.charts import hazard_heatmap
from readiness.standing import rolled_to_children
from store.db import snapshot
from ui import dashboard_views, loaders, state


@st.cache_data(max_entries=32, show_spinner=False)
def _register(campaign_id: int, unit_id: int, as_of: date, key: int) -> pd.DataFrame:
    with snapshot(state.engine()) as s:
        return hazards.subtree_register(campaign_id, unit_id, as_of, session=s)


def register(actor: Actor, campaign_id: int, unit_id: int, as_of: date, key: int, within: set[int]) -> pd.DataFrame:
    """The open findings of the unit's sub-tree on the day (admin.hazards), of the units the user may read."""
    dashboard_views.may_read(unit_id, within)
    table = _register(campaign_id, unit_id, as_of, key)
    return table[table["unit_id"].isin(within)]


def show(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int, in_scope: set[int]) -> None:
    """Draw the tab for the unit's sub-tree on the day, for the units the user may read."""
    table = register(who, campaign.id, unit.id, as_of, key, in_scope)
    if table.empty:
        st.info(state.t("hz.empty"))
        return
    units = {u.id: u for u in loaders.all_units(key)}
    st.caption(state.t("hz.summary", day=as_of.isoformat(), n=len(table), late=int(table["overdue"].sum())))
    rows = rolled_to_children(table, unit.id, {i: u.path for i, u in units.items()})
    children = [i for i, u in units.items() if u.parent_id == unit.id and i in in_scope]
    shown = sorted(set(children) | set(rows["row_unit"]), key=lambda i: units[i].path)
    categories = {c: state.t(f"hazard.cat.{c}") for c in CATEGORIES}
    grid = {"index": "row_unit", "columns": "category"}
    counts = rows.pivot_table(values="action_id", aggfunc="count", **grid).reindex(index=shown,
                                                                                   columns=list(categories))
    ages = rows.pivot_table(values="age_days", aggfunc="mean", **grid).reindex(index=shown, columns=list(categories))
    labels = {i: state.name(units[i]) for i in shown}
    figure = hazard_heatmap(counts.rename(index=labels, columns=categories), ages.rename(index=labels,
                                                                                          columns=categories),
                            labels={"count": state.t("hz.heat_count"), "age": state.t("hz.heat_age"),
                                    "days": state.t("hz.heat_days")})
    st.plotly_chart(figure, width="stretch", key="dash_hazards")
    st.caption(state.t("hz.heat_help"))

    st.markdown(f"**{state.t('hz.register')}**")
    st.dataframe(_rows(table, units), hide_index=True, width="stretch", column_config={
        "unit": state.t("hz.col_unit"), "source": state.t("hz.col_source"), "category": state.t("hz.col_category"),
        "criticality": state.t("hz.col_criticality"), "description": state.t("hz.col_description"),
        "found": state.t("hz.col_found"), "due": state.t("hz.col_due"), "age": state.t("hz.col_age"),
        "overdue": st.column_config.CheckboxColumn(state.t("hz.col_overdue"))})


def _rows(table: pd.DataFrame, units: dict[int, UnitView]) -> pd.DataFrame:
    """The register as the table shows it, in its order (the oldest first)."""
    def source(r) -> str:
        label = state.t(f"hazard.source.{r.source}")
        return f"{label} · {r.drill_title}" if r.drill_title else label

    return pd.DataFrame([{
        "unit": f"{state.name(units[r.unit_id])} ({units[r.unit_id].code})",
        "source": source(r),
        "category": state.t(f"hazard.cat.{r.category}"),
        "criticality": state.t(f"crit.{r.criticality}"),
        "description": r.description,
        "found": r.found_on,
        "due": r.due_on,
        "age": int(r.age_days),
        "overdue": bool(r.overdue),
    } for r in table.itertuples(index=False)], columns=["unit", "source", "category", "criticality", "description",
                                                         "found", "due", "age", "overdue"])
