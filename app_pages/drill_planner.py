"""Drill planner: a season's drills on a timeline and a month grid, a filterable list with each drill in
full (its log, and moving, readying, recording or cancelling it for those allowed), the required drills
of the user's units, planning a drill with its clash checks (and a suggested schedule for the gaps), running
a drill (its injects released, the responses logged, its timeline from Excel), the units' emergency plans
with the annual drill plan, and the drills as .ics calendar files."""

import streamlit as st

from ui import (
    drill_conduct,
    drill_forms,
    drill_import,
    drill_inventory,
    drill_loaders,
    drill_review,
    drill_suggest,
    drill_views,
    loaders,
    state,
    widgets,
)

st.title(state.t("page.drill_planner"))
state.show_flash()
key = state.change_key()
campaigns = loaders.campaigns(key, closed_too=True)  # past seasons' drills stay readable
if not campaigns:
    st.info(state.t("cl.no_campaign"))
    st.stop()
campaign = widgets.select_by_id(state.t("cl.campaign"), campaigns, key="dp_campaign", fmt=lambda c: c.name)
who = state.actor()
readable = loaders.scope(who)  # rights are read afresh on every run
plan_scope = loaders.scope(who, "drill.plan")
units = {u.id: u for u in loaders.all_units(key)}
season_units = loaders.units_of(campaign.id, key)
drills = drill_loaders.drills_of(campaign.id, readable, key)

may_change = loaders.scope(who, "drill.change")
mine = [u.id for u in season_units if u.id in readable]
requirements = drill_loaders.required(campaign.id, mine, state.today(), key)

# The tabs by name, in order: another tab is one more entry here and one more `with tabs[...]` below.
labels = {"calendar": state.t("dp.tab_calendar"), "list": state.t("dp.tab_list"),
          "required": state.t("dp.tab_required")}
if plan_scope:
    labels["plan"] = state.t("dp.tab_plan")
labels["conduct"] = state.t("dpt.tab_conduct")
labels["plans"] = state.t("dpt.tab_plans")
labels["review"] = state.t("rv.tab")
tabs = dict(zip(labels, st.tabs(list(labels.values())), strict=True))
with tabs["calendar"]:
    if drills:
        drill_views.calendar_tab(drills, units, first=campaign.starts_on, last=campaign.peak_end or campaign.peak_start,
                                 today=state.today())
        drill_forms.downloads(campaign.name, drills, units)
    else:
        st.info(state.t("dp.no_drills"))
with tabs["list"]:
    if drills:
        drill_forms.list_tab(drills, units, key, may_change=may_change, may_cancel=loaders.scope(who, "drill.cancel"))
    else:
        st.info(state.t("dp.no_drills"))
with tabs["required"]:
    drill_views.required_tab(requirements, units, {d.id: d for d in drills})
if "plan" in tabs:
    with tabs["plan"]:
        plannable = [u for u in season_units if u.id in plan_scope and u.is_active]
        if campaign.status != "open":
            st.info(state.t("dp.plan_closed"))
        elif not plannable:
            st.info(state.t("dp.plan_no_units"))
        else:
            drill_forms.plan_form(campaign.id, loaders.drill_types(key), plannable, drill_loaders.people(key),
                                  drill_loaders.shifts((u.id for u in plannable), key))
            drill_suggest.section(campaign.id, units, loaders.drill_types(key))
            drill_import.section(campaign.id, campaign.name)
with tabs["conduct"]:
    drill_conduct.tab(drills, key, may_change=may_change)
with tabs["plans"]:
    drill_inventory.tab(readable, plan_scope, units, requirements, loaders.drill_types(key), key)
with tabs["review"]:
    drill_review.review_tab(drills, units, season_units, key)
