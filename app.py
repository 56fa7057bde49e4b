"""PeakReady (迎峰备战): entry point — page config, language, sign-in gate, navigation.

Served with `streamlit run serve.py` (an st.App adding the session-cookie route around this
script); `streamlit run app.py` works too, but then a sign-in does not outlast the tab.
"""

import streamlit as st

from app_pages.change_password import change_password_form
from app_pages.login import sign_in_form
from core.i18n import LANGUAGES
from ui import loaders, state

st.set_page_config(page_title="PeakReady 迎峰备战", page_icon=":material/bolt:", layout="wide")

state.lang()  # sets the default before the switch is drawn
with st.sidebar:
    st.radio(
        state.t("app.language"),
        LANGUAGES,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key=state.LANG,
        horizontal=True,
    )

# A database that cannot be reached or is locked is said so plainly, keeping what the user typed (ui.state).
with state.database_guard():
    actor = state.resolve_actor() if state.database_ready() else None
    reads_units = actor is not None and bool(loaders.scope(actor))
    # Every page is registered whether or not anyone is signed in, so the URL a user opens (a bookmark,
    # a deep link) always names a page: signed out, that page shows the sign-in form, and signing in
    # reruns straight into it.
    pages = [
        st.Page("app_pages/my_checklist.py", title=state.t("page.checklist"), icon=":material/checklist:", url_path="checklist",
                default=True),
        st.Page("app_pages/my_items.py", title=state.t("page.my_items"), icon=":material/task_alt:", url_path="my-items"),
        # Listed for anyone who may read some unit (the pickers offer only those units).
        st.Page("app_pages/workbook.py", title=state.t("page.workbook"), icon=":material/table_view:", url_path="workbook",
                visibility="visible" if reads_units else "hidden"),
        st.Page("app_pages/events.py", title=state.t("page.events"), icon=":material/thunderstorm:", url_path="events"),
        st.Page("app_pages/dashboard.py", title=state.t("page.dashboard"), icon=":material/monitoring:", url_path="dashboard"),
        # Listed for anyone who may read some unit: they see the drills of their units; the actions show only
        # for those who may take them.
        st.Page("app_pages/drill_planner.py", title=state.t("page.drill_planner"), icon=":material/event_note:",
                url_path="drill-planner", visibility="visible" if reads_units else "hidden"),
        st.Page("app_pages/drill_types.py", title=state.t("page.drill_types"), icon=":material/local_fire_department:", url_path="drill-types"),
        st.Page("app_pages/change_password.py", title=state.t("page.change_password"), icon=":material/password:",
                url_path="change-password"),
        # Listed only for administrators; anyone else following a link to it is told they have no rights there.
        st.Page("app_pages/admin.py", title=state.t("page.admin"), icon=":material/admin_panel_settings:", url_path="admin",
                visibility="visible" if actor is not None and loaders.admin_rights(actor) else "hidden"),
    ]

    if actor is not None:
        with st.sidebar:
            st.caption(state.t("app.signed_in_as", name=state.escape_markdown(actor.display_name)))
            if st.button(state.t("app.sign_out"), key="sign_out"):
                state.sign_out()
                st.rerun()
    with st.sidebar:
        state.sync_cookie()

    if actor is None or state.must_change_password():
        st.navigation(pages, position="hidden")  # the URL's page is chosen but not shown
        if actor is None:
            sign_in_form()
        else:
            change_password_form(forced=True)
    else:
        st.navigation(pages).run()
