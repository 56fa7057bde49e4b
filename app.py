"""PeakReady (迎峰备战): entry point — page config, language, sign-in gate, navigation."""

import streamlit as st

from core.i18n import LANGUAGES
from ui import state

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

actor = state.actor()
if actor is None:
    pages = [st.Page("app_pages/login.py", title=state.t("page.login"), icon=":material/login:", url_path="login")]
else:
    with st.sidebar:
        st.caption(state.t("app.signed_in_as", name=state.escape_markdown(actor.display_name)))
        if st.button(state.t("app.sign_out"), key="sign_out"):
            state.sign_out()
            st.rerun()
    pages = [
        st.Page("app_pages/my_checklist.py", title=state.t("page.checklist"), icon=":material/checklist:", url_path="checklist",
                default=True),
        st.Page("app_pages/dashboard.py", title=state.t("page.dashboard"), icon=":material/monitoring:", url_path="dashboard"),
        st.Page("app_pages/drill_types.py", title=state.t("page.drill_types"), icon=":material/local_fire_department:", url_path="drill-types"),
    ]

st.navigation(pages).run()
