"""The dashboard's year-over-year tab: this season's readiness against the season before's, both counted
in days to their own peak start, for the unit's sub-tree."""

from __future__ import annotations

from datetime import date

import streamlit as st

from admin import dashboard
from checklists.campaigns import CampaignView
from org.models import Actor
from org.queries import UnitView
from readiness.charts import year_over_year
from store.db import snapshot
from ui import dashboard_views, state


@st.cache_data(max_entries=32, show_spinner=False)
def _yoy(campaign_id: int, unit_id: int, as_of: date, key: int) -> dashboard.YearOverYear:
    with snapshot(state.engine()) as s:
        return dashboard.year_over_year(campaign_id, unit_id, as_of, session=s)


def show(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int, in_scope: set[int]) -> None:
    """Draw the tab for the unit's sub-tree on the day."""
    dashboard_views.may_read(unit.id, in_scope)
    found = _yoy(campaign.id, unit.id, as_of, key)
    if found.last is None:
        st.info(state.t("dash.yoy_none"))
        return
    labels = {"this": campaign.name, "last": found.last_name, "x": state.t("dash.yoy_x"), "y": state.t("db.y_label"),
              "peak": state.t("db.peak_start")}
    st.plotly_chart(year_over_year(found.this, found.last, labels=labels), width="stretch", key="dash_yoy")
    now = found.this["readiness"].iloc[-1]
    days = (campaign.peak_start - as_of).days
    if found.same_day_last is None or now != now:
        st.caption(state.t("dash.yoy_no_same_day", last=found.last_name))
    else:
        st.markdown(state.t("dash.yoy_same_day", days=days, last=found.last_name, then=f"{found.same_day_last:.1%}",
                            now=f"{now:.1%}", diff=f"{(now - found.same_day_last) * 100:+.1f}"))
