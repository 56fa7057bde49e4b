"""When the database cannot be used — locked by another writer, or refusing connections — the page says so
plainly, shows no trace, keeps what the user typed, changes nothing, and works again once it is back."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
import streamlit as st
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from core.config import get_settings
from store.db import make_engine, snapshot
from store.schema import ChecklistEvent
from tests.conftest import ROOT, _fresh_pg_database
from tests.demo_fixtures import build_demo, one_off_button, sign_in, use_database

UNAVAILABLE = "暂时连不上数据库"
NOT_SAVED = "本次操作未保存"


def event_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with snapshot(engine) as s:
            return s.scalar(select(func.count()).select_from(ChecklistEvent))
    finally:
        engine.dispose()


def texts(at: AppTest) -> str:
    return " ".join(e.value for e in (*at.error, *at.markdown, *at.caption, *at.info))


def open_reason_form(at: AppTest) -> int:
    """Open an item's not-applicable form and type a reason; the item's id."""
    button = one_off_button(at, "na")
    item_id = int(button.key.removeprefix("na_"))
    button.click().run()
    at.text_input(key=f"text_na_{item_id}").input("本站无此类设备")
    return item_id


def confirm(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == "确认").click().run()


def test_a_change_refused_by_a_locked_database_saves_nothing_keeps_the_reason_and_goes_through_once_it_is_free(
        app, demo_db, monkeypatch):
    monkeypatch.setenv("READINESS_SQLITE_BUSY_TIMEOUT_MS", "200")
    get_settings.cache_clear()
    st.cache_resource.clear()  # the app's engine again, with the short wait for the lock
    sign_in(app, "lead")
    item_id = open_reason_form(app)
    before = event_count(demo_db)
    writer = sqlite3.connect(make_url(demo_db).database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        confirm(app)
        assert not app.exception
        assert NOT_SAVED in texts(app)
        assert app.text_input(key=f"text_na_{item_id}").value == "本站无此类设备"
    finally:
        writer.rollback()
        writer.close()
    assert event_count(demo_db) == before
    confirm(app)
    assert event_count(demo_db) == before + 1
    assert any(b.key == f"reopen_{item_id}" for b in app.button)


@pytest.fixture
def pg_demo(pg_admin_url: str, monkeypatch: pytest.MonkeyPatch):
    """The demo on a fresh PostgreSQL database, configured as the app's database; its name and the admin URL."""
    url, drop = _fresh_pg_database(pg_admin_url)
    build_demo(url)
    use_database(url, monkeypatch)
    yield url
    allow_connections(pg_admin_url, make_url(url).database, allow=True)
    st.cache_resource.clear()
    get_settings.cache_clear()
    drop()


def allow_connections(admin_url: str, database: str, *, allow: bool) -> None:
    """Open or shut the database to new connections; shutting it also ends those open (an outage)."""
    conninfo = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                         "AND pid <> pg_backend_pid()", (database,))


@pytest.mark.postgres
def test_a_page_whose_database_is_down_says_so_plainly_keeps_the_typed_reason_and_recovers_when_it_is_back(
        pg_demo, pg_admin_url):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    sign_in(at, "lead")
    item_id = open_reason_form(at)
    before = event_count(pg_demo)
    allow_connections(pg_admin_url, make_url(pg_demo).database, allow=False)
    try:
        confirm(at)  # the reason is sent with the form; the change and then the page find the database gone
        assert not at.exception
        assert UNAVAILABLE in texts(at)
        assert [b.label for b in at.button if b.key == "db_retry"] == ["重试"]
        at.button(key="db_retry").click().run()  # still down: the same plain message
        assert not at.exception and UNAVAILABLE in texts(at)
    finally:
        allow_connections(pg_admin_url, make_url(pg_demo).database, allow=True)
    at.button(key="db_retry").click().run()
    assert not at.exception and UNAVAILABLE not in texts(at)
    assert at.text_input(key=f"text_na_{item_id}").value == "本站无此类设备"  # what the user typed is still there
    assert NOT_SAVED in texts(at)  # and the page says the change was not made
    assert event_count(pg_demo) == before
    confirm(at)
    assert event_count(pg_demo) == before + 1


@pytest.mark.postgres
def test_a_tick_while_the_database_is_down_changes_nothing_and_the_item_can_be_ticked_once_it_is_back(
        pg_demo, pg_admin_url):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    sign_in(at, "lead")
    done = one_off_button(at, "done")
    item_id = int(done.key.removeprefix("done_"))
    before = event_count(pg_demo)
    allow_connections(pg_admin_url, make_url(pg_demo).database, allow=False)
    try:
        done.click().run()
        assert not at.exception
        assert UNAVAILABLE in texts(at)
    finally:
        allow_connections(pg_admin_url, make_url(pg_demo).database, allow=True)
    assert event_count(pg_demo) == before
    at.button(key="db_retry").click().run()
    assert not at.exception and NOT_SAVED in texts(at)
    at.button(key=f"done_{item_id}").click().run()
    assert event_count(pg_demo) == before + 1
    assert any(b.key == f"reopen_{item_id}" for b in at.button)
