"""Season events: the heat waves, typhoon and rainstorm warnings and orderly-power-use orders of a season,
each with its checks' progress per unit; dispatch leads and coordinators declare and close them."""

import streamlit as st

from ui import event_forms, loaders, state, widgets

st.title(state.t("page.events"))
state.show_flash()
key = state.change_key()
campaigns = loaders.campaigns(key, closed_too=True)  # past seasons' events stay readable
if not campaigns:
    st.info(state.t("cl.no_campaign"))
    st.stop()
campaign = widgets.select_by_id(state.t("cl.campaign"), campaigns, key="ev_campaign", fmt=lambda c: c.name)
who = state.actor()
readable = loaders.scope(who)  # read afresh on every run
may_declare = loaders.scope(who, "event.declare")
units = loaders.units_of(campaign.id, key)
declarable = [u for u in units if u.id in may_declare and u.is_active] if campaign.status == "open" else []
if declarable:
    with st.expander(state.t("ev.declare_title"), expanded=False):
        event_forms.declare_form(campaign.id, declarable)

events = [e for e in loaders.events_of(campaign.id, key) if set(e.unit_ids) & readable]
if not events:
    st.info(state.t("ev.none"))
for event in events:
    status = state.t(f"event.status.{event.status}")
    title = f"{state.t(f'event.kind.{event.kind}')} · {event.name} · {status}"
    with st.expander(title, expanded=event.status == "open"):
        event_forms.event_panel(event, campaign.status == "open" and set(event.unit_ids) <= may_declare, key)
