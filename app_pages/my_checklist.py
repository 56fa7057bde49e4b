"""My checklist: choose campaign and unit, tick items done / not applicable / reopen: the one-off items
by section, and the season's recurring and event checks due now."""

import streamlit as st

from readiness.series import checklist_summary, section_progress
from ui import checklist_sections, finding_forms, loaders, state, widgets

st.title(state.t("page.checklist"))
state.show_flash()

key = state.change_key()
campaigns = loaders.campaigns(key)
if not campaigns:
    st.info(state.t("cl.no_campaign"))
    st.stop()

left, mid, right = st.columns([2, 3, 2])
with left:
    campaign = widgets.select_by_id(state.t("cl.campaign"), campaigns, key="cl_campaign", fmt=lambda c: c.name)
units = loaders.units_of(campaign.id, key)
if not units:
    st.info(state.t("cl.no_units"))
    st.stop()
who = state.actor()
in_scope = loaders.scope(who)  # read afresh on every run: a revoked grant shows at the next click
units = [u for u in units if u.id in in_scope]
if not units:
    st.info(state.t("access.no_units"))
    st.stop()
with mid:
    unit = widgets.select_by_id(state.t("cl.unit"), units, key="cl_unit", fmt=widgets.unit_label,
                                default_id=loaders.home_unit_id(who.user_id))
with right:
    show = st.segmented_control(state.t("cl.show"), ["all", "open", "overdue"], default="all", key=widgets.lang_key("cl_show"),
                                format_func=lambda k: state.t(f"cl.show_{k}")) or "all"

everything = loaders.checklist(who, campaign.id, unit.id, key)
loaders.remember_rows(campaign.id, unit.id, key, everything)  # a tick then patches them (ui.widgets)
today = state.today()
rows = [r for r in everything if r.counts_before_peak]  # pre-peak readiness counts these
in_season = [r for r in everything if not r.counts_before_peak and r.current(today)]  # recurring, event checks
may = loaders.actions_on(who, unit.id)
if not may & {"item.done", "item.na", "item.reopen", "item.note"}:
    st.caption(state.t("access.read_only"))
progress = section_progress(rows)
summary = checklist_summary(rows)
ready = summary["readiness"]

m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(state.t("cl.readiness"), "—" if ready is None else f"{ready:.0%}", help=state.t("cl.readiness_help"))
m2.metric(state.t("cl.done_count"), f"{summary['done']} / {summary['applicable']}")
m3.metric(state.t("cl.overdue_count"), sum(r.overdue(today) for r in everything))
m4.metric(state.t("cl.days_to_peak"), state.t("cl.days", n=(campaign.peak_start - today).days))
on_time = loaders.on_time(who, campaign.id, unit.id, today, key)
m5.metric(state.t("cl.on_time"), "—" if on_time.rate is None else f"{on_time.rate:.0%}",
          help=state.t("cl.on_time_help", met=on_time.met, due=on_time.due))
widgets.template_readiness(loaders.templates_of(campaign.id, key), rows)

with st.expander(state.t("cl.sections"), expanded=False):
    st.dataframe(
        progress.assign(section=progress[f"section_{state.lang()}"])[["section", "done", "applicable", "readiness"]],
        hide_index=True,
        width="stretch",
        column_config={
            "section": state.t("cl.col_section"),
            "done": state.t("cl.col_done"),
            "applicable": state.t("cl.col_applicable"),
            "readiness": st.column_config.ProgressColumn(state.t("cl.col_progress"), min_value=0, max_value=1,
                                                         format="percent"),
        },
    )

finding_forms.finding_form(campaign, unit, key)  # a hazard found in an inspection becomes a corrective item

visible = widgets.filtered(rows, show, today)
if not visible and not widgets.filtered(in_season, show, today):
    st.info(state.t("cl.nothing_to_show"))
# Each section is a fragment: a tick reruns only its section, and a closed section draws no items.
in_peak = today >= campaign.peak_start  # in the peak the season's checks come first, before it the run-up's
if in_peak:
    checklist_sections.season(campaign.id, unit.id, show, may, everything)
first_open = next((r.section_key for r in visible if r.status == "open"), None)
for section_key in progress["section_key"]:
    if any(r.section_key == section_key for r in visible):
        checklist_sections.section(campaign.id, unit.id, section_key, show,
                                   show != "all" or (section_key == first_open and not in_peak), may, everything)
if not in_peak:
    checklist_sections.season(campaign.id, unit.id, show, may, everything)
