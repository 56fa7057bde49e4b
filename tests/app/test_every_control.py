"""Every demo account opens every page and touches every control, each from a fresh session: nothing breaks.

One test per account and page. The drill planner is one page of eight tabs with a few hundred controls for
a coordinator (every control is one fresh session and a full run of the page), so its walk may take longer
than the suite's usual limit per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from admin.demo import demo_accounts
from core import clock
from org.sessions import start_session
from store.db import make_engine
from tests.app.walker import ROOT, pages, walk
from tests.demo_fixtures import sign_in
from ui import state

ACCOUNTS = [a.username for a in demo_accounts("", "")]  # every role the login page lists


@pytest.fixture
def full_error_details():
    """Show the exception itself in failures (the app redacts it for users)."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("page", pages(), ids=lambda p: Path(p).stem)
@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_control_on_every_page_works_for(account, page, demo_db, full_error_details):
    signed_in = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run(), account)
    assert not signed_in.exception
    user_id = signed_in.session_state[state.ACTOR]["user_id"]
    lang = signed_in.session_state[state.LANG]
    engine = make_engine(demo_db)

    def fresh(page: str) -> AppTest:
        """A fresh tab already signed in with a session of its own (a control may sign out or end it),
        and no widget state."""
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state[state.SESSION] = start_session(user_id, engine=engine, now=clock.utcnow()).id
        at.session_state[state.LANG] = lang
        at.run()
        assert state.ACTOR in at.session_state, "the fresh tab is not signed in"
        at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    report = walk(fresh, page)
    assert report.tried, "the walker found nothing to touch"
    if account in ("lead", "member") and page.endswith("my_checklist.py"):  # those who tick: sections opened,
        assert any("expander 'sec_" in t for t in report.tried), "no checklist section was opened"
        assert any("file_uploader" in t for t in report.tried), "no upload box was filled"  # files uploaded
    assert not report.failures, "\n".join(report.failures)

