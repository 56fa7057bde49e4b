"""App-tier fixtures: a demo database built once, copied for each test, and AppTest from app.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from admin.demo import DEMO_PASSWORD, load_demo
from admin.setup import initialize
from core.config import get_settings
from store.db import make_engine, transaction
from tests.conftest import NOW, REAL_SEEDS, ROOT


def build_demo(url: str) -> None:
    """Migrate the database at `url`, load the real content and the demo made at NOW (six weeks of the open season)."""
    engine = make_engine(url)
    try:
        initialize(engine, REAL_SEEDS, now=NOW)
        with transaction(engine) as s:
            load_demo(s, REAL_SEEDS, now=NOW, weeks=6)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(f"sqlite:///{path}")
    return path


def use_database(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `url` the app's database, with the app's clock at the moment the demo data was made (whatever day
    the tests run), and start from empty caches."""
    monkeypatch.setenv("READINESS_DATABASE_URL", url)
    monkeypatch.setenv("READINESS_NOW", NOW.isoformat())
    get_settings.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the demo database, configured as the app's database."""
    path = tmp_path / "app.db"
    shutil.copy(demo_db_template, path)
    url = f"sqlite:///{path}"
    use_database(url, monkeypatch)
    yield url
    st.cache_resource.clear()
    get_settings.cache_clear()


@pytest.fixture
def app(demo_db: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def sign_in(at: AppTest, username: str, password: str = DEMO_PASSWORD) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click()  # the form's submit button
    return at.run()


def set_clock(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Set the app's clock (READINESS_NOW) for the next run of an AppTest."""
    monkeypatch.setenv("READINESS_NOW", moment)
    get_settings.cache_clear()


def one_off_button(at: AppTest, action: str):
    """The first button for `action` (done_, na_, history_ …) of a one-off item: its key is the action and
    the item id only (a recurring or event check's key also names its occurrence)."""
    return next(b for b in at.button if b.key and re.fullmatch(rf"{action}_\d+", b.key))
