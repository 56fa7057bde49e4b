"""The sign-in page locks an account after repeated wrong passwords and says how long to wait, in the user's language."""

from __future__ import annotations

import pytest

from core import clock
from tests.conftest import NOW
from tests.demo_fixtures import sign_in

WRONG_LOGIN = {"zh": "用户名或密码不正确。", "en": "Wrong username or password."}
LOCKED = {"zh": "登录失败次数过多，已暂时锁定。请 1 分钟后再试。", "en": "Too many failed sign-ins. Try again in 1 min."}


@pytest.fixture
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's clock stands still, so how long the lock has left does not depend on how fast the test runs."""
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def test_five_wrong_passwords_lock_the_account_and_the_page_says_how_long_in_each_language(stopped_clock, app):
    for _ in range(4):
        assert errors(sign_in(app, "lead", "wrong-password")) == [WRONG_LOGIN["zh"]]
    assert errors(sign_in(app, "lead", "wrong-password")) == [LOCKED["zh"]]

    assert errors(sign_in(app, "lead")) == [LOCKED["zh"]]  # even the right password waits
    assert not app.exception
    assert app.text_input(key="login_username") is not None  # still on the sign-in page

    app.radio(key="lang").set_value("en").run()
    assert errors(sign_in(app, "lead")) == [LOCKED["en"]]


def test_other_accounts_can_still_sign_in_while_one_is_locked(stopped_clock, app):
    for _ in range(5):
        sign_in(app, "lead", "wrong-password")
    assert errors(app) == [LOCKED["zh"]]
    sign_in(app, "executive")
    assert not app.exception
    assert app.title[0].value == "我的检查表"
