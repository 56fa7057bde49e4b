"""Shared Streamlit pieces: the engine, session-state keys, language, the signed-in actor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from core import clock
from core.config import get_settings
from core.errors import DomainError
from core.i18n import t as translate
from org.models import Actor
from store.db import change_counter, make_engine, schema_state, snapshot

LANG = "lang"
ACTOR = "actor"
FLASH = "flash"


@st.cache_resource
def engine():
    """One engine per app server (the only cache_resource)."""
    return make_engine()


def lang() -> str:
    if LANG not in st.session_state:
        st.session_state[LANG] = get_settings().default_language
    return st.session_state[LANG]


def t(key: str, **params: object) -> str:
    return translate(key, lang(), **params)


def actor() -> Actor | None:
    data = st.session_state.get(ACTOR)
    return Actor(**data) if data else None


def sign_in(a: Actor) -> None:
    st.session_state[ACTOR] = {"user_id": a.user_id, "username": a.username, "display_name": a.display_name}


def sign_out() -> None:
    keep = st.session_state.get(LANG)
    st.session_state.clear()
    if keep:
        st.session_state[LANG] = keep


def utcnow():
    """The app's clock (core.clock; settable with READINESS_NOW)."""
    return clock.utcnow()


def today() -> date:
    """Only the pages read the clock; domain code is handed this date."""
    return clock.today()


def database_ready() -> bool:
    return schema_state(engine()) == "ready"


def change_key() -> int:
    """The database's change counter, bumped by every write: the data caches' key, so every
    app server sees fresh data after any change, in whatever order transactions commit."""
    with snapshot(engine()) as s:
        return change_counter(s)


def flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    """Show the outcome of the last action: a toast (seen wherever the user has scrolled to),
    and an error also at the top of the page."""
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind == "success":
        st.toast(text, icon=":material/check_circle:")
    elif kind == "error":
        st.toast(text, icon=":material/error:")
        st.error(text)


def run_action(fn: Callable[[], str]) -> None:
    """Call a service; show its success text, or the domain error in the user's language."""
    try:
        flash("success", fn())
    except DomainError as err:
        flash("error", error_text(err))


def error_text(err: DomainError) -> str:
    """A domain error in the user's language, safe to show as Markdown: any user text in it is escaped."""
    return t(err.code, **{k: escape_markdown(v) if isinstance(v, str) else v for k, v in err.params.items()})


_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$&=")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally: no links, images, emphasis, icons or HTML."""
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in text)


def name(row: object, prefix: str = "name") -> str:
    """The zh or en field of a row, by the current language."""
    return getattr(row, f"{prefix}_{lang()}")
