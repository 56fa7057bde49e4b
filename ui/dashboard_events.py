"""The dashboard's events tab: the season events under way on the day (heat waves, typhoon and rainstorm
warnings, orderly power use) that touch the unit's sub-tree, each with its checks per unit as they stood at
the end of that day (rows of the standing table with the event's id)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from checklists.campaigns import CampaignView
from checklists.events import EventView, events_active_on
from core.clock import format_local
from org.models import Actor
from org.queries import UnitView
from readiness.formula import readiness
from store.db import snapshot
from ui import dashboard_views, loaders, state


@st.cache_data(max_entries=64, show_spinner=False)
def _active(campaign_id: int, day: date, key: int) -> list[EventView]:
    with snapshot(state.engine()) as s:
        return events_active_on(campaign_id, day, session=s)


def per_unit(rows: pd.DataFrame, order: list[int]) -> pd.DataFrame:
    """An event's checks per unit (in `order`, the tree's) and in all (unit_id None, last): done,
    applicable (not N/A) and open counts, and progress = done / applicable."""
    counts = pd.DataFrame({"unit_id": rows["unit_id"], "done": rows["status"] == "done",
                           "applicable": rows["status"] != "na", "open": rows["status"] == "open"})
    out = counts.groupby("unit_id").sum().reindex([u for u in order if u in set(rows["unit_id"])])
    out = pd.concat([out, out.sum().to_frame().T.set_axis([None])]).astype(int).rename_axis("unit_id").reset_index()
    out["progress"] = readiness(out["done"], 0, out["applicable"])
    return out


def show(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int, in_scope: set[int]) -> None:
    """Draw the tab for the unit's sub-tree on the day, for the units the user may read."""
    units = loaders.all_units(key)
    shown = {u.id for u in units if u.path.startswith(unit.path)} & in_scope
    events = [e for e in _active(campaign.id, as_of, key) if shown & set(e.unit_ids)]
    if not events:
        st.info(state.t("dashev.none", day=as_of.isoformat()))
        return
    table = dashboard_views.standing(who, campaign.id, unit.id, as_of, key, in_scope)
    names = {u.id: state.name(u) for u in units}
    st.caption(state.t("dashev.how"))
    for event in events:
        level = state.t(f"event.level.{event.level or 'none'}")
        st.markdown("**" + state.t("dashev.title", kind=state.t(f"event.kind.{event.kind}"),
                                   name=state.escape_markdown(event.name), level=level) + "**")
        moments = {"dashev.began": event.starts_at, "dashev.landfall": event.landfall_at, "dashev.ends": event.ends_at}
        st.caption(" · ".join(state.t(k, at=format_local(at)) for k, at in moments.items() if at is not None))
        rows = table[table["event_id"] == event.id]
        if rows.empty:
            st.caption(state.t("dashev.no_checks"))
            continue
        progress = per_unit(rows, [u.id for u in units])
        progress.insert(0, "unit", progress["unit_id"].map(lambda i: state.t("dashev.all_units") if pd.isna(i)
                                                           else names.get(int(i), str(i))))
        st.dataframe(progress.drop(columns="unit_id"), hide_index=True, width="stretch",
                     column_config={
                         "unit": state.t("dashev.col_unit"), "done": state.t("dashev.col_done"),
                         "applicable": state.t("dashev.col_applicable"), "open": state.t("dashev.col_open"),
                         "progress": st.column_config.ProgressColumn(state.t("dashev.col_progress"), min_value=0,
                                                                     max_value=1, format="percent")})
