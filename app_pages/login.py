"""The sign-in form, shown by app.py on whatever page the URL names while nobody is signed in;
with single sign-on configured also the company-login button; in a demo database it lists the
demo accounts."""

import pandas as pd
import streamlit as st

from admin.demo import DEMO_PASSWORD
from core.errors import DomainError
from org.accounts import sign_in
from org.sessions import start_session
from ui import state
from ui.loaders import demo_accounts_table
from ui.sso import sso_configured, start_sso_login


def sign_in_form() -> None:
    """Sign in; on success the same URL reruns into its page."""
    st.title(f":material/bolt: {state.t('app.title')}")
    st.caption(state.t("app.tagline"))

    if not state.database_ready():
        st.error(state.t("login.no_database"))
        st.stop()

    ended = st.session_state.pop(state.ENDED, None)
    if ended:
        st.warning(state.t(f"session.ended.{ended}"))
    refusal = state.sso_refusal()  # back from the company login, which signed nobody in
    if refusal is not None:
        st.error(state.error_text(refusal))

    left, right = st.columns([1, 1], gap="large")
    with left:
        st.subheader(state.t("login.heading"))
        with st.form("login"):
            username = st.text_input(state.t("login.username"), key="login_username")
            password = st.text_input(state.t("login.password"), type="password", key="login_password")
            submitted = st.form_submit_button(state.t("login.submit"), type="primary")
        if submitted:
            if not username.strip() or not password:
                st.error(state.t("login.empty_fields"))
            else:
                # None when the connection comes from this machine (a browser here, or a reverse proxy
                # here); not even a string under AppTest. Without an address, throttle per account only.
                address = st.context.ip_address
                client = address if isinstance(address, str) else None
                try:
                    who = sign_in(state.engine(), username, password, client=client, now=state.utcnow())
                except DomainError as err:
                    st.error(state.error_text(err))
                else:
                    state.sign_in(start_session(who.user_id, engine=state.engine(), now=state.utcnow()))
                    st.rerun()
        if sso_configured():
            company_login()

    accounts = demo_accounts_table(state.lang())
    if accounts:
        with right:
            st.subheader(state.t("login.demo_heading"))
            st.info(state.t("login.demo_hint", password=DEMO_PASSWORD))
            st.dataframe(pd.DataFrame(accounts), hide_index=True, width="stretch")


def company_login() -> None:
    """Single sign-on under the local form: the button that goes to the company's identity provider,
    which sends the browser back logged in (a new tab session that signs in as the linked user)."""
    st.divider()
    st.subheader(state.t("sso.heading"))
    if st.button(state.t("sso.button"), key="sso_login", icon=":material/badge:"):
        try:
            start_sso_login()
        except DomainError as err:
            st.error(state.error_text(err))
    st.caption(state.t("sso.hint"))
