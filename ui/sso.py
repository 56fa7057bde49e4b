"""Single sign-on through Streamlit's OIDC login (st.login / st.user), when secrets configure it.

Streamlit does the OIDC work (redirects, the callback at /oauth2callback, a signed identity
cookie) from the `[auth]` section of `.streamlit/secrets.toml`; this module only asks whether it
is set up, who the provider says is logged in, and starts or ends that login. Mapping the
identity to a local user is org.sso's job; ui.state turns it into a local session.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.errors import StreamlitAuthError

from core.config import get_settings
from core.errors import AuthError

_log = logging.getLogger(__name__)


def sso_configured() -> bool:
    """Whether the deployment set up single sign-on: an `[auth]` section in Streamlit's secrets.
    No secrets file (or one that cannot be read) means no."""
    try:
        # st.secrets read at call time: AppTest swaps the module attribute for its own secrets.
        return "auth" in st.secrets
    except Exception:  # no secrets file, or one that does not parse: local accounts only
        return False


def sso_claims() -> dict | None:
    """The claims of the provider's ID token for the person logged in through st.login, or None
    (single sign-on not configured, or nobody logged in through it). Tokens are left out."""
    if not sso_configured():
        return None
    try:
        info = st.user.to_dict()
    except Exception:  # no script run context
        return None
    if info.get("is_logged_in") is not True:
        return None
    return {key: value for key, value in info.items() if key not in ("is_logged_in", "tokens")}


def start_sso_login() -> None:
    """Send the browser to the company's identity provider (the configured provider, if several).

    A deployment whose `[auth]` section is incomplete is refused with AuthError (the details go to
    the server log, not to the user)."""
    provider = get_settings().sso_provider
    try:
        if provider:
            st.login(provider)
        else:
            st.login()
    except StreamlitAuthError:
        _log.exception("single sign-on is not set up correctly in .streamlit/secrets.toml")
        raise AuthError("error.sso_misconfigured") from None


def end_sso_login() -> None:
    """Log the browser out of the company login too (Streamlit drops its identity cookie), if it is logged in."""
    if sso_claims() is not None:
        st.logout()
