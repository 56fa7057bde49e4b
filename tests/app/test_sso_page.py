"""Single sign-on on the pages, without any identity provider: AppTest seeds Streamlit's secrets (the
`[auth]` section that turns it on) and st.user (what the provider's login would leave there)."""

from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from org.people import deactivate_user
from org.sso import link_identity
from store.db import make_engine, snapshot, transaction
from store.schema import User, UserSession
from tests.conftest import NOW, ROOT
from tests.demo_fixtures import sign_in
from ui import state

LEAD_MAIL = "wang.lei@grid.example.cn"
AUTH = {  # what .streamlit/secrets.toml would hold; nothing here is ever contacted
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-secret-only-a-test-of-the-pages",
    "client_id": "peakready",
    "client_secret": "not-a-secret",
    "server_metadata_url": "https://login.grid.example.cn/.well-known/openid-configuration",
}


def tab(*, sso: bool, user: dict | None = None) -> AppTest:
    """A fresh tab on app.py; with `sso` the deployment configures single sign-on; `user` is st.user."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if sso:
        at.secrets["auth"] = dict(AUTH)
    if user is not None:
        at.user = user
    return at.run()


def company_login(email: str, *, verified: bool = True) -> dict:
    return {"is_logged_in": True, "sub": "00u1AbCdEf", "email": email, "email_verified": verified, "name": "王磊"}


@pytest.fixture
def engine(demo_db: str):
    engine = make_engine(demo_db)
    yield engine
    engine.dispose()


def user_id(engine, username: str) -> int:
    with snapshot(engine) as s:
        return s.scalar(select(User.id).where(User.username == username))


@pytest.fixture
def lead_linked(engine) -> str:
    """The demo `lead` account linked by the demo administrator to the lead's company email."""
    with transaction(engine) as s:
        admin = state.Actor(user_id(engine, "admin"), "admin", "管理员")
        link_identity(user_id(engine, "lead"), LEAD_MAIL, session=s, actor=admin, now=NOW)
    return LEAD_MAIL


def on_sign_in_form(at: AppTest) -> bool:
    return any(w.key == "login_username" for w in at.text_input)


def has_sso_button(at: AppTest) -> bool:
    return any(b.key == "sso_login" for b in at.button)


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def test_with_single_sign_on_configured_the_sign_in_page_offers_the_company_login_beside_the_local_form(demo_db):
    at = tab(sso=True)

    assert not at.exception
    assert has_sso_button(at)
    assert on_sign_in_form(at)
    assert [b.label for b in at.button if b.key == "sso_login"] == ["使用公司账号登录"]


def test_without_single_sign_on_there_is_no_company_login_button(demo_db):
    at = tab(sso=False, user=company_login(LEAD_MAIL))

    assert not at.exception
    assert not has_sso_button(at)
    assert on_sign_in_form(at)
    assert not at.error  # no secrets file is no problem


def test_the_company_login_button_sends_the_browser_to_the_configured_provider(demo_db, monkeypatch):
    providers: list[tuple] = []
    monkeypatch.setattr(st, "login", lambda *args: providers.append(args))
    monkeypatch.setenv("READINESS_SSO_PROVIDER", "grid")
    state.get_settings.cache_clear()
    at = tab(sso=True)

    at.button(key="sso_login").click().run()

    assert not at.exception
    assert providers == [("grid",)]


def test_a_company_login_linked_to_the_lead_lands_signed_in_as_the_lead(demo_db, engine, lead_linked):
    at = tab(sso=True, user=company_login("Wang.Lei@grid.example.cn"))

    assert not at.exception
    assert titles(at) == ["我的检查表"]
    assert at.session_state[state.ACTOR]["username"] == "lead"
    with snapshot(engine) as s:  # a local session like a password sign-in's, handed to the browser's cookie
        [session] = s.scalars(select(UserSession)).all()
    assert session.user_id == user_id(engine, "lead") and session.revoked_at is None
    assert [c.value for c in at.sidebar.caption] == ["当前用户：王磊（县公司负责人）"]


def test_a_company_login_nobody_linked_sees_why_and_is_not_signed_in(demo_db, engine):
    at = tab(sso=True, user=company_login("stranger@grid.example.cn"))

    assert not at.exception
    assert on_sign_in_form(at)
    assert state.ACTOR not in at.session_state
    assert [e.value for e in at.error] == [  # user text is escaped for Markdown, so the address shows as typed
        "公司账号 stranger@grid\\.example\\.cn 尚未关联到本系统的用户。请联系管理员关联后再登录，或使用本地账号登录。"
    ]
    with snapshot(engine) as s:
        assert s.scalars(select(UserSession)).all() == []

    at.radio(key="lang").set_value("en").run()  # the next click: still refused, in the user's language

    assert on_sign_in_form(at)
    assert [e.value for e in at.error] == [
        "The company account stranger@grid\\.example\\.cn is not linked to a PeakReady user. Ask an administrator "
        "to link it, then sign in again, or sign in with a local account."
    ]


def test_an_unverified_company_email_is_refused_even_when_linked(demo_db, lead_linked):
    at = tab(sso=True, user=company_login(LEAD_MAIL, verified=False))

    assert on_sign_in_form(at)
    assert state.ACTOR not in at.session_state
    assert [e.value for e in at.error] == ["公司账号的邮箱 wang\\.lei@grid\\.example\\.cn 未经验证，不能用来登录。"]


def test_a_company_login_is_ignored_when_single_sign_on_is_not_configured(demo_db, lead_linked):
    at = tab(sso=False, user=company_login(LEAD_MAIL))

    assert on_sign_in_form(at)
    assert state.ACTOR not in at.session_state


def test_the_local_form_still_signs_in_when_the_company_login_is_not_linked(demo_db):
    at = tab(sso=True, user=company_login("stranger@grid.example.cn"))

    sign_in(at, "member")  # the form's submit button comes before the company-login button

    assert not at.exception
    assert titles(at) == ["我的检查表"]
    assert at.session_state[state.ACTOR]["username"] == "member"


def test_after_the_admin_deactivates_the_linked_user_the_next_run_signs_them_out(demo_db, engine, lead_linked):
    at = tab(sso=True, user=company_login(LEAD_MAIL))
    assert titles(at) == ["我的检查表"]
    with transaction(engine) as s:
        deactivate_user(user_id(engine, "lead"), session=s, actor=None, now=NOW)

    at.radio(key="lang").set_value("en").run()  # any click

    assert on_sign_in_form(at)
    assert state.ACTOR not in at.session_state
    assert [w.value for w in at.warning] == ["Your account is deactivated; you have been signed out."]
    at.run()  # and the company login does not sign the tab back in
    assert on_sign_in_form(at)


def test_signing_out_ends_the_local_session_and_the_company_login_too(demo_db, engine, lead_linked):
    at = tab(sso=True, user=company_login(LEAD_MAIL))
    assert titles(at) == ["我的检查表"]

    at.button(key="sign_out").click().run()

    assert not at.exception
    assert on_sign_in_form(at)
    assert at.user == {"is_logged_in": False}  # st.logout() ran
    with snapshot(engine) as s:
        assert s.scalars(select(UserSession.revoked_reason)).all() == ["sign_out"]


def test_a_tab_whose_session_ended_elsewhere_is_not_signed_back_in_by_its_company_login(demo_db, engine, lead_linked):
    at = tab(sso=True, user=company_login(LEAD_MAIL))
    assert titles(at) == ["我的检查表"]
    with transaction(engine) as s:  # signed out in another window of the same browser
        for row in s.scalars(select(UserSession)):
            row.revoked_at, row.revoked_reason = NOW, "sign_out"

    at.run()
    assert on_sign_in_form(at)
    at.run()  # nor at the click after

    assert on_sign_in_form(at)
    assert has_sso_button(at)  # signing in again is one click away, through the provider
    with snapshot(engine) as s:
        assert len(s.scalars(select(UserSession)).all()) == 1
