"""Administration: users and grants, units, campaigns, and the admin audit log (for administrators)."""

import streamlit as st

from ui import admin_forms, loaders, state

st.title(state.t("page.admin"))
state.show_flash()
who = state.actor()
rights = loaders.admin_rights(who)  # read afresh: a revoked admin grant shows at the next click
if not rights:
    st.info(state.t("admin.no_rights"))
    st.stop()

sections = [
    ("admin.users", "admin.tab_users", admin_forms.users_section),
    ("admin.units", "admin.tab_units", admin_forms.units_section),
    ("admin.campaigns", "admin.tab_campaigns", admin_forms.campaigns_section),
    ("admin.users", "admin.tab_audit", admin_forms.audit_section),
]
shown = [(title, draw) for right, title, draw in sections if right in rights]
key = state.change_key()  # one read of the change counter for every section of this run
for tab, (_, draw) in zip(st.tabs([state.t(title) for title, _ in shown]), shown, strict=True):
    with tab:
        draw(who, key)
