"""My open items: everything on the units I may tick, across the open seasons, their templates and
events — overdue and critical first — with a search, filters, and ticking several at once."""

import streamlit as st

from ui import loaders, state, work_forms

st.title(state.t("page.my_items"))
state.show_flash()
who = state.actor()
today = state.today()
key = state.change_key()
everything = loaders.my_items(who, today, key)  # every status: the filters choose
names = {t.key: state.name(t) for c in {i.campaign_id for i in everything} for t in loaders.templates_of(c, key)}
chosen = work_forms.filters(everything, names, today)
shown = [i for i in everything if chosen.keep(i)]
st.caption(state.t("my.count", n=len(shown), overdue=sum(i.row.overdue(today) for i in shown)))
work_forms.item_list(shown, today)
