"""Signed-out deep links show the sign-in form and then the page they named; a user who must change the
initial password sees nothing else until it is done; an ended session signs the tab out with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from org.accounts import create_user
from org.people import deactivate_user
from store.db import make_engine, snapshot, transaction
from store.schema import User, UserSession
from tests.conftest import NOW, ROOT
from tests.demo_fixtures import set_clock, sign_in

FIRST_PASSWORD = "first-admin-pw"


def opened_at(page: str) -> AppTest:
    """A fresh, signed-out tab opened on a page's address (a bookmark or a link in a message)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    return at.switch_page(page).run()


def on_sign_in_form(at: AppTest) -> bool:
    return any(w.key == "login_username" for w in at.text_input)


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


@pytest.fixture
def newcomer_admin(demo_db: str) -> str:
    """An administrator made like the first one on the command line: must change the password at first sign-in."""
    engine = make_engine(demo_db)
    with transaction(engine) as s:
        create_user("root", FIRST_PASSWORD, "首任管理员", session=s, now=NOW, grants=[("admin", None)],
                    must_change_password=True)
    engine.dispose()
    return "root"


@pytest.mark.parametrize(("page", "title"), [("app_pages/dashboard.py", "准备度趋势"),
                                             ("app_pages/drill_types.py", "演练类型目录")])
def test_a_deep_link_opened_signed_out_shows_the_sign_in_form_then_the_page_it_named(demo_db, page, title):
    at = opened_at(page)
    assert not at.exception
    assert on_sign_in_form(at)
    assert title not in titles(at)

    sign_in(at, "lead")

    assert not at.exception
    assert titles(at) == [title]
    assert not on_sign_in_form(at)


def test_signing_in_starts_a_session_and_signing_out_ends_it(app, demo_db):
    sign_in(app, "lead")
    engine = make_engine(demo_db)
    with snapshot(engine) as s:
        [session] = s.scalars(select(UserSession)).all()
    assert session.revoked_at is None

    app.button(key="sign_out").click().run()

    assert on_sign_in_form(app)
    with snapshot(engine) as s:
        assert s.scalars(select(UserSession.revoked_reason)).all() == ["sign_out"]
    engine.dispose()


def test_a_tab_idle_past_the_expiry_is_signed_out_with_the_reason_in_its_language(app, monkeypatch):
    sign_in(app, "lead")
    assert titles(app) == ["我的检查表"]
    set_clock(monkeypatch, (NOW + timedelta(hours=8, minutes=1)).isoformat())

    app.run()

    assert on_sign_in_form(app)
    assert [w.value for w in app.warning] == ["登录已过期，请重新登录。"]


def test_a_deactivated_users_next_click_signs_them_out(app, demo_db):
    sign_in(app, "lead")
    assert titles(app) == ["我的检查表"]
    engine = make_engine(demo_db)
    with transaction(engine) as s:
        lead = s.scalar(select(User).where(User.username == "lead"))
        deactivate_user(lead.id, session=s, actor=None, now=NOW)
    engine.dispose()

    app.radio(key="lang").set_value("en").run()  # any click

    assert on_sign_in_form(app)
    assert [w.value for w in app.warning] == ["Your account is deactivated; you have been signed out."]


def test_a_user_who_must_change_the_password_sees_only_that_form_until_done_then_the_page_they_opened(
        newcomer_admin, demo_db):
    at = opened_at("app_pages/dashboard.py")
    sign_in(at, newcomer_admin, FIRST_PASSWORD)
    assert titles(at) == ["修改密码"]
    assert [b.key for b in at.sidebar.button] == ["sign_out"]  # no way round it but signing out
    at.switch_page("app_pages/my_checklist.py").run()
    assert titles(at) == ["修改密码"], "another page was reachable before the password was changed"

    at.switch_page("app_pages/dashboard.py").run()
    fill(at, FIRST_PASSWORD, "1234567890", "1234567890")
    assert [e.value for e in at.error] == ["这个密码太常见，容易被猜中，请换一个。"]
    fill(at, FIRST_PASSWORD, "grid-summer-2027", "grid-summer-2028")
    assert [e.value for e in at.error] == ["两次输入的新密码不一致。"]
    assert titles(at) == ["修改密码"]

    fill(at, FIRST_PASSWORD, "grid-summer-2027", "grid-summer-2027")

    assert not at.exception
    assert titles(at) == ["准备度趋势"]
    engine = make_engine(demo_db)
    with snapshot(engine) as s:
        assert s.scalar(select(User.must_change_password).where(User.username == newcomer_admin)) is False
    engine.dispose()


def fill(at: AppTest, current: str, new: str, again: str) -> None:
    at.text_input(key="pw_current").input(current)
    at.text_input(key="pw_new").input(new)
    at.text_input(key="pw_again").input(again)
    next(b for b in at.main.button if b.key != "sign_out").click()  # the form's submit button
    at.run()
