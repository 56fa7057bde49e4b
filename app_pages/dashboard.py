"""Readiness over time for a campaign, for a unit and its sub-units, against the peak-start date."""

import streamlit as st

from ui import (
    corrective_views,
    dashboard_declarations,
    dashboard_directives,
    dashboard_drills,
    dashboard_events,
    dashboard_hazards,
    dashboard_heatmap,
    dashboard_report,
    dashboard_views,
    dashboard_yoy,
    loaders,
    state,
    widgets,
)

st.title(state.t("page.dashboard"))
state.show_flash()

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

now, week_before = dashboard_views.headline(who, campaign.id, unit.id, as_of, key, in_scope)
dashboard_views.figures(now, week_before)
dashboard_report.buttons(who, campaign, unit, as_of, key, in_scope)
dashboard_views.outlook(campaign, unit.id, as_of, key, in_scope, state.t("db.chart_title", unit=state.name(unit)),
                        today)
subtree = table.loc[table["path"].str.startswith(unit.path), "unit_id"]
actions = corrective_views.open_actions(campaign.id, subtree, key)

if actions:
    with st.expander(state.t("db.actions", n=len(actions), late=sum(a.overdue(today) for a in actions))):
        corrective_views.table(actions)

st.subheader(state.t("db.children"))
children = table[table["parent_id"] == unit.id]
if children.empty:
    st.caption(state.t("db.no_children"))
else:
    st.caption(state.t("dash.ranking"))
    dashboard_views.ranked(campaign.id, unit.id, as_of, key, in_scope)
    by_id = {u.id: u for u in units}
    # Choosing a sub-unit opens it: the callback runs before the next run draws the unit picker.
    st.selectbox(state.t("db.drill_to"), [None, *children["unit_id"].tolist()], key="db_drill",
                 format_func=lambda i: "—" if i is None else state.name(by_id[i]),
                 on_change=widgets.drill_down, args=("db_drill", "db_unit"))

st.divider()
# One view at a time, drawn only when chosen (tabs would compute every view on every run).
views = {"heatmap": dashboard_heatmap, "drills": dashboard_drills, "events": dashboard_events,
         "directives": dashboard_directives, "yoy": dashboard_yoy, "declarations": dashboard_declarations,
         "hazards": dashboard_hazards}
view = widgets.choice(state.t("dash.view"), {k: state.t(f"dash.tab.{k}") for k in views}, key="dash_view",
                      collapsed=True)
views[view].show(who, campaign, unit, as_of, key, in_scope)
