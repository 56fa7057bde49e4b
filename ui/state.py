"""Shared Streamlit pieces: the engine, session-state keys, language, the signed-in actor."""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from core import clock
from core.config import get_settings
from core.errors import AuthError, DomainError
from core.i18n import t as translate
from org import sessions
from org import sso as org_sso
from org.models import Actor
from store.db import change_counter, make_engine, schema_state, snapshot, unavailable
from ui import sso

_LOG = logging.getLogger(__name__)

LANG = "lang"
ACTOR = "actor"  # the actor of a valid session, refreshed on every run (read it with actor())
SESSION = "session_id"  # the tab's session (server-side memory; the browser holds the token in its cookie)
MUST_CHANGE = "must_change_password"
ENDED = "session_ended"  # why the tab's session ended, shown once on the sign-in form
COOKIE_SET = "cookie_set"  # a new session's token, to hand to the browser once
COOKIE_CLEAR = "cookie_clear"
SPENT_COOKIE = "spent_cookie"  # the cookie this tab came with, once signed out or found invalid
FLASH = "flash"
DB_READY = "database_ready"
SSO_HELD = "sso_held"  # this tab's session ended: the company login it may still hold does not sign it in again
SSO_REFUSED = "sso_refused"  # (claims seen, error code, params) of a refused single sign-on, not retried
OWN_WRITE = "own_write"  # (widget key, change counter) of this tab's last change, for that widget's own rerun
SESSION_ROUTE = "/api/session"  # served by serve.py (st.App): sets and clears the HttpOnly cookie


@st.cache_resource
def engine():
    """One engine per app server (the only cache_resource)."""
    return make_engine()


_pinned = threading.local()  # the language pinned for a loop (pinned_lang), per script thread


@contextmanager
def pinned_lang() -> Iterator[str]:
    """Within the block, lang() answers without reading session state: for loops that name a thousand
    units (each session-state read costs tens of microseconds). Nothing may change the language inside."""
    _pinned.lang = current = lang()
    try:
        yield current
    finally:
        _pinned.lang = None


def lang() -> str:
    pinned = getattr(_pinned, "lang", None)
    if pinned is not None:
        return pinned
    if LANG not in st.session_state:
        st.session_state[LANG] = get_settings().default_language
    return st.session_state[LANG]


def t(key: str, **params: object) -> str:
    return translate(key, lang(), **params)


def actor() -> Actor | None:
    """The signed-in user of this run (app.py checks the session first, fresh from the database)."""
    data = st.session_state.get(ACTOR)
    return Actor(**data) if data else None


def must_change_password() -> bool:
    return bool(st.session_state.get(MUST_CHANGE))


def resolve_actor() -> Actor | None:
    """Who this tab is signed in as, checked fresh on every run: the tab's own session, else the
    browser's session cookie (a reload, a new tab, a bookmarked link), else the company login
    (single sign-on, when configured) of a linked, active user, which starts a session like a
    password sign-in. A session that has ended signs the tab out and leaves the reason for the
    sign-in form; the company login then signs this tab in again only when asked (its button)."""
    now = utcnow()
    st.session_state.pop(OWN_WRITE, None)  # a run of the page reads the counter afresh
    session_id = st.session_state.get(SESSION)
    token = None
    if session_id is not None:
        check = sessions.check_session(session_id, engine=engine(), now=now)
    else:
        token = _cookie_token()
        if token is None:
            _forget_sign_in()
            return _sso_sign_in(now)
        check = sessions.check_token(token, engine=engine(), now=now)
    if not check.valid:
        _forget_sign_in()
        if token is not None:
            # The browser's cookie is dead: stop trying it in this tab and have the browser drop it.
            st.session_state[SPENT_COOKIE] = token
            st.session_state[COOKIE_CLEAR] = True
        if token is None or check.ended != "sign_out":
            st.session_state[ENDED] = check.ended
        if token is None:
            # This tab's own session ended (signed out in another window, expired, deactivated): a
            # company login still held by this tab must not quietly undo that.
            st.session_state[SSO_HELD] = True
            return None
        return _sso_sign_in(now)
    _remember(check)
    return check.actor


def run_memo() -> dict:
    """A dict that lives for this run of the script (a page's run or a fragment's rerun) and no longer: for
    what must be read afresh on every run but need not be read twice in one (the user's rights).

    Streamlit gives each run's context a new cursor map (ScriptRunContext.reset); holding that map marks the
    memo's run, and a memo found holding another map is from an earlier run and starts again."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return {}
    held = getattr(ctx, "_peakready_run_memo", None)
    if held is None or held[0] is not ctx.cursors:
        held = (ctx.cursors, {})
        ctx._peakready_run_memo = held
    return held[1]


def fragment_rerun() -> bool:
    """Whether this run is a fragment's own rerun (a tick in a checklist section), not a run of the page."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "fragment_ids_this_run", None))


def own_fragment_rerun() -> bool:
    """Whether this run is a rerun of the very fragment now drawing (an item after its own tick), not
    of a fragment around it (its section), nor of the page."""
    ctx = get_script_run_ctx()
    current = ThreadState.get().fragment_id
    return bool(ctx is not None and current and current in (ctx.fragment_ids_this_run or ()))


def still_signed_in() -> bool:
    """Whether this tab's session is still valid, checked on a fragment's own rerun (a run of the page
    has just checked it in app.py): a section ticked after a sign-out elsewhere sends the tab back to
    the sign-in form instead of drawing the section again."""
    if not fragment_rerun():
        return True
    session_id = st.session_state.get(SESSION)
    return session_id is not None and sessions.check_session(session_id, engine=engine(), now=utcnow()).valid


def signed_in_during(session, now: datetime) -> bool:
    """Whether this tab's session is valid, read inside the caller's write transaction (org.sessions.valid_in)."""
    session_id = st.session_state.get(SESSION)
    return session_id is not None and sessions.valid_in(session, session_id, now)


def note_own_write(widget_key: str, counter: int) -> None:
    """Remember the change counter this tab's write (checked signed in, in its transaction) produced."""
    st.session_state[OWN_WRITE] = (widget_key, counter)


def own_write_key(widget_key: str) -> int | None:
    """On the widget's own rerun right after this tab's write through it: the change counter that write
    produced (the session was checked inside it), so the rerun needs neither a session check nor a read
    of the counter; else None. Taken once."""
    noted = st.session_state.pop(OWN_WRITE, None)
    return noted[1] if noted is not None and noted[0] == widget_key else None


def _remember(check: sessions.SessionCheck) -> None:
    st.session_state[SESSION] = check.session_id
    st.session_state[ACTOR] = asdict(check.actor)
    st.session_state[MUST_CHANGE] = check.must_change_password


def _sso_sign_in(now: datetime) -> Actor | None:
    """Sign the tab in as the local user linked to the company login, if there is one and it may;
    a refusal is remembered (for the sign-in form) and not retried on every click."""
    claims = sso.sso_claims()
    if claims is None:
        st.session_state.pop(SSO_REFUSED, None)
        return None
    if st.session_state.get(SSO_HELD):
        return None
    seen = json.dumps(claims, sort_keys=True, default=str)
    refused = st.session_state.get(SSO_REFUSED)
    if refused is not None and refused[0] == seen:
        return None
    try:
        who = org_sso.sso_sign_in(engine(), claims, claim=get_settings().sso_claim, now=now)
    except AuthError as err:
        st.session_state[SSO_REFUSED] = (seen, err.code, err.params)
        return None
    st.session_state.pop(SSO_REFUSED, None)
    sign_in(sessions.start_session(who.user_id, engine=engine(), now=now))
    check = sessions.check_session(st.session_state[SESSION], engine=engine(), now=now)
    if not check.valid:  # deactivated in the instant between: signed out as at any click
        _forget_sign_in()
        st.session_state[ENDED] = check.ended
        st.session_state[SSO_HELD] = True
        return None
    _remember(check)
    return check.actor


def sso_refusal() -> DomainError | None:
    """Why the company login of this tab signed nobody in (not linked, unverified …), if it did not."""
    refused = st.session_state.get(SSO_REFUSED)
    return AuthError(refused[1], **refused[2]) if refused else None


def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(get_settings().session_cookie_name)
    except Exception:  # no browser connection (a bare script run)
        return None
    # Not even a string under AppTest, which has no browser.
    if not isinstance(token, str) or not token or token == st.session_state.get(SPENT_COOKIE):
        return None
    return token


def _forget_sign_in() -> None:
    for key in (SESSION, ACTOR, MUST_CHANGE):
        st.session_state.pop(key, None)


def sign_in(new: sessions.NewSession) -> None:
    """This tab is now signed in with a new session; its token goes to the browser's cookie on the next run."""
    st.session_state[SESSION] = new.id
    st.session_state[COOKIE_SET] = new.token
    st.session_state.pop(COOKIE_CLEAR, None)
    st.session_state.pop(ENDED, None)


def sign_out() -> None:
    """End this tab's session in the database, forget everything but the language, clear the cookie,
    and log the browser out of the company login too (else it would sign straight back in)."""
    session_id = st.session_state.get(SESSION)
    if session_id is not None:
        sessions.end_session(session_id, "sign_out", engine=engine(), now=utcnow())
    spent = _cookie_token() or st.session_state.get(SPENT_COOKIE)
    keep = {key: st.session_state[key] for key in (LANG, DB_READY) if key in st.session_state}
    st.session_state.clear()
    st.session_state.update(keep)
    if spent:
        st.session_state[SPENT_COOKIE] = spent
    st.session_state[COOKIE_CLEAR] = True
    sso.end_sso_login()


def sync_cookie() -> None:
    """Hand a new session's token to the browser, or have it drop the cookie, through serve.py's route.

    The page's script only posts the token; the route answers with an HttpOnly cookie holding a
    fresh token (the posted one dies at once), so no script can read the cookie afterwards.
    """
    token = st.session_state.pop(COOKIE_SET, None)
    clear = st.session_state.pop(COOKIE_CLEAR, False)
    if token:
        st.html(_post_script(SESSION_ROUTE, {"token": token}), unsafe_allow_javascript=True, width="content")
    elif clear:
        st.html(_post_script(f"{SESSION_ROUTE}/end", {}), unsafe_allow_javascript=True, width="content")


def _post_script(path: str, body: dict[str, str]) -> str:
    payload = json.dumps(body).replace("<", "\\u003c")
    return (
        "<script>fetch(" + json.dumps(path) + ", {method: 'POST', credentials: 'same-origin', "
        "headers: {'Content-Type': 'application/json', 'X-PeakReady': 'session'}, body: JSON.stringify("
        + payload + ")});</script>"
    )


def utcnow():
    """The app's clock (core.clock; settable with READINESS_NOW)."""
    return clock.utcnow()


def today() -> date:
    """Only the pages read the clock; domain code is handed this date."""
    return clock.today()


def database_ready() -> bool:
    """Whether the database is created and migrated (remembered per tab once it is: reading the
    migration scripts on every click would cost more than the page)."""
    if not st.session_state.get(DB_READY):
        st.session_state[DB_READY] = schema_state(engine()) == "ready"
    return st.session_state[DB_READY]


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


def run_action(fn: Callable[[], str | None]) -> None:
    """Call a service; show its success text, or the domain error in the user's language, or, when the
    database cannot be used just now, that nothing was saved (its transaction rolled back whole)."""
    try:
        text = fn()
        if text is not None:  # None: nothing was done and nothing is to be said (the next run tells why)
            flash("success", text)
    except DomainError as err:
        flash("error", error_text(err))
    except Exception as err:
        if not unavailable(err):
            raise
        _LOG.warning("a change was refused, the database cannot be used: %s", err)
        flash("error", t("app.db_unavailable_write"))


def guarded(fn: Callable) -> Callable:
    """For fragments, whose own reruns do not pass through app.py's guard: in the page's run, `fn` inside
    database_guard; in the fragment's own rerun, a database that cannot be used reruns the whole page,
    whose guard then says so."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        if not fragment_rerun():
            with database_guard():
                return fn(*args, **kwargs)
        try:
            return fn(*args, **kwargs)
        except Exception as err:
            if not unavailable(err):
                raise
            st.rerun(scope="app")
    return run


@contextmanager
def database_guard() -> Iterator[None]:
    """Around the pages (app.py) and each fragment: when the database cannot be reached or is locked, say
    so plainly (no trace reaches the user) with a button to try again, and stop the run. Streamlit keeps
    every widget's state after a stopped run, so what the user typed is there when the database is back
    and the next run draws the page as usual."""
    try:
        yield
    except Exception as err:
        if not unavailable(err):
            raise
        _LOG.warning("a page could not read the database: %s", err)
        st.error(t("app.db_unavailable"), icon=":material/cloud_off:")
        st.button(t("app.db_retry"), key="db_retry", icon=":material/refresh:")
        st.session_state.pop(DB_READY, None)  # look at the schema again once it is back
        st.stop()


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
