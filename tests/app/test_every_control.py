"""Every demo account opens every page and touches every control, each from a fresh session: nothing breaks."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.walker import ROOT, pages, walk
from tests.demo_fixtures import sign_in
from ui import state

ACCOUNTS = ["lead", "coordinator", "executive", "admin"]


@pytest.fixture
def full_error_details():
    """Show the exception itself in failures (the app redacts it for users)."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_control_on_every_page_works_for(account, demo_db, full_error_details):
    signed_in = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run(), account)
    assert not signed_in.exception
    # A fresh session that is already signed in: the signed-in state only, no widget state.
    credentials = {key: signed_in.session_state[key] for key in (state.ACTOR, state.LANG)}

    def fresh(page: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in credentials.items():
            at.session_state[key] = value
        at.run()
        at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    failures, tried = [], 0
    for page in pages():
        report = walk(fresh, page)
        failures += report.failures
        tried += len(report.tried)
    assert tried >= 10, "the walker found almost nothing to touch"
    assert not failures, "\n".join(failures)
