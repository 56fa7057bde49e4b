"""Readiness over time for a campaign, for a unit and its sub-units, against the peak-start date."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from readiness.charts import readiness_over_time, units_bar
from ui import corrective_views, loaders, state, widgets

st.title(state.t("page.dashboard"))

key = state.change_key()
campaigns = loaders.campaigns(key)
if not campaigns:
    st.info(state.t("cl.no_campaign"))
    st.stop()
today = state.today()
c1, c2, c3 = st.columns([2, 3, 2])
with c1:
    campaign = widgets.select_by_id(state.t("cl.campaign"), campaigns, key="db_campaign", fmt=lambda c: c.name)
with c3:
    as_of = st.date_input(state.t("db.as_of"), value=today, min_value=campaign.starts_on,
                          max_value=max(today, campaign.starts_on), key="db_as_of")
table = loaders.readiness_by_unit(campaign.id, as_of, key)
if table.empty:
    st.info(state.t("cl.no_units"))
    st.stop()
who = state.actor()
in_scope = loaders.scope(who) & set(table["unit_id"])  # read afresh on every run
if not in_scope:
    st.info(state.t("access.no_units"))
    st.stop()
table = table[table["unit_id"].isin(in_scope)]
units = [u for u in loaders.all_units(key) if u.id in in_scope]
with c2:
    unit = widgets.select_by_id(state.t("db.unit"), units, key="db_unit", fmt=widgets.unit_label,
                                default_id=loaders.home_unit_id(who.user_id))

series = loaders.series(who, campaign.id, unit.id, campaign.starts_on, as_of, key)
now_value = series["readiness"].iloc[-1]
week_ago = series["readiness"].iloc[max(0, len(series) - 8)]
m1, m2, m3, m4 = st.columns(4)
change = f"{(now_value - week_ago) * 100:+.1f} pp" if pd.notna(now_value) and pd.notna(week_ago) else None
m1.metric(state.t("db.readiness_now"), f"{now_value:.1%}" if pd.notna(now_value) else "—", delta=change)
m2.metric(state.t("db.peak_start"), campaign.peak_start.isoformat())
m3.metric(state.t("cl.days_to_peak"), state.t("cl.days", n=(campaign.peak_start - as_of).days))
subtree = table.loc[table["path"].str.startswith(unit.path), "unit_id"]
actions = corrective_views.open_actions(campaign.id, subtree, key)
m4.metric(state.t("db.actions_open"), len(actions), help=state.t("db.actions_help"))

fig = readiness_over_time(
    series, peak_start=campaign.peak_start, title=state.t("db.chart_title", unit=state.name(unit)),
    y_label=state.t("db.y_label"), peak_label=state.t("db.peak_start"), today=as_of, today_label=state.t("db.today"),
)
fig.update_xaxes(range=[campaign.starts_on, campaign.peak_start + timedelta(days=7)])
st.plotly_chart(fig, width="stretch", key="readiness_chart")

if actions:
    with st.expander(state.t("db.actions", n=len(actions), late=sum(a.overdue(today) for a in actions))):
        corrective_views.table(actions)

st.subheader(state.t("db.children"))
children = table[table["parent_id"] == unit.id]
if children.empty:
    st.caption(state.t("db.no_children"))
else:
    name_col = f"name_{state.lang()}"
    st.plotly_chart(units_bar(children, name_col=name_col, title="", x_label=state.t("db.col_readiness")),
                    width="stretch", key="children_chart")
    st.dataframe(
        children.assign(kind=children["kind"].map(lambda k: state.t(f"kind.{k}")),
                        applicable=children["sub_total"] - children["sub_na"])[
            [name_col, "kind", "sub_readiness", "sub_done", "applicable"]],
        hide_index=True, width="stretch",
        column_config={
            name_col: state.t("db.col_unit"), "kind": state.t("db.col_kind"),
            "sub_readiness": st.column_config.ProgressColumn(state.t("db.col_readiness"), min_value=0, max_value=1,
                                                             format="percent"),
            "sub_done": state.t("db.col_done"), "applicable": state.t("db.col_applicable"),
        },
    )
    by_id = {u.id: u for u in units}
    # Choosing a sub-unit opens it: the callback runs before the next run draws the unit picker.
    st.selectbox(state.t("db.drill_to"), [None, *children["unit_id"].tolist()], key="db_drill",
                 format_func=lambda i: "—" if i is None else state.name(by_id[i]),
                 on_change=widgets.drill_down, args=("db_drill", "db_unit"))
