"""Shared Streamlit pieces: the engine, session-state keys, language, the signed-in actor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st
from sqlalchemy import func, inspect, select

from core.clock import local_zone, utcnow
from core.config import get_settings
from core.errors import DomainError
from org.models import Actor
from store.db import make_engine, snapshot
from store.schema import CampaignUnit, ChecklistEvent
from ui.strings import t as translate

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


def today() -> date:
    """Only the UI reads the clock; domain code is handed this date."""
    return utcnow().astimezone(local_zone()).date()


def database_ready() -> bool:
    return inspect(engine()).has_table("checklist_events")


def high_water_mark() -> tuple[int, int]:
    """The newest event id and the number of campaign memberships: cache keys include it,
    so every app server sees fresh data after any tick or any unit joining a campaign."""
    with snapshot(engine()) as s:
        return (
            int(s.scalar(select(func.coalesce(func.max(ChecklistEvent.id), 0)))),
            int(s.scalar(select(func.count()).select_from(CampaignUnit))),
        )


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
        flash("error", t(err.code, **err.params))


def name(row: object, prefix: str = "name") -> str:
    """The zh or en field of a row, by the current language."""
    return getattr(row, f"{prefix}_{lang()}")
