"""Change password: a page for everyone signed in, and the only thing a user who must change the
initial password sees (app.py shows it on whatever page the URL names until it is done)."""

import streamlit as st

from core.errors import DomainError
from org.accounts import MIN_PASSWORD, change_password
from org.sessions import start_session
from ui import state


def change_password_form(*, forced: bool) -> None:
    """Current password, the new one twice; on success every other browser is signed out and this one
    carries on with a new session."""
    st.title(state.t("page.change_password"))
    if forced:
        st.warning(state.t("pw.must_change"))
    state.show_flash()
    st.caption(state.t("pw.rules", min=MIN_PASSWORD))
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input(state.t("pw.current"), type="password", key="pw_current")
        new = st.text_input(state.t("pw.new"), type="password", key="pw_new")
        again = st.text_input(state.t("pw.confirm"), type="password", key="pw_again")
        submitted = st.form_submit_button(state.t("pw.submit"), type="primary")
    if not submitted:
        return
    who = state.actor()
    if not current or not new:
        st.error(state.t("pw.empty"))
    elif new != again:
        st.error(state.t("error.passwords_differ"))
    else:
        try:
            change_password(who.user_id, current, new, engine=state.engine(), now=state.utcnow())
        except DomainError as err:
            st.error(state.error_text(err))
        else:
            # Every session of the user has ended, this tab's too: it carries on with a new one.
            state.sign_in(start_session(who.user_id, engine=state.engine(), now=state.utcnow()))
            state.flash("success", state.t("pw.changed"))
            st.rerun()


if __name__ == "__main__":  # run as a page by st.navigation
    change_password_form(forced=False)
