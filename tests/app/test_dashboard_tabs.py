"""The dashboard's tabs below the ranking: the speech's directives, how far each is carried out with the
one furthest behind first; and the season events under way on the as-of day with their checks per unit."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from admin.dashboard import subtree_standing
from admin.demo import EVENTS, WAIVER_REASONS
from checklists import changes, events
from checklists.campaigns import list_campaigns
from checklists.queries import directive_titles
from core.clock import local_day
from org.authz import scope_unit_ids
from org.models import Actor
from org.queries import all_units
from readiness.directives import directive_progress
from store.db import make_engine, snapshot, transaction
from store.schema import OrgUnit, RoleGrant, User
from tests.app.test_pages import texts
from tests.conftest import NOW
from tests.demo_fixtures import sign_in

TODAY = local_day(NOW)  # 2026-11-02
HEAT = EVENTS[0]  # the demo's first heat wave (orange, every unit), here at the end of October
STARTS = NOW - timedelta(days=3)  # 2026-10-30 10:00 in Shanghai


def view(app, name: str, lang: str = "zh"):
    """Choose one of the dashboard's views (only the chosen one is drawn)."""
    app.radio(key=f"dash_view_{lang}").set_value(name).run()
    assert not app.exception
    return app


def dashboard(app):
    sign_in(app, "executive")
    app.switch_page("app_pages/dashboard.py").run()
    assert not app.exception, app.exception
    return app


# The tabs' tables, told from the page's other tables by their columns.
DIRECTIVES = ["directive_id", "title", "readiness", "open_items", "overdue_items", "lagging"]
EVENT_CHECKS = ["unit", "done", "applicable", "open", "progress"]


def tables(app, columns: list[str]) -> list[pd.DataFrame]:
    return [df.value for df in app.dataframe if list(df.value.columns) == columns]


def actor(session, username: str) -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    return Actor(user.id, user.username, user.display_name)


@pytest.fixture
def heat_wave(demo_db) -> dict:
    """The demo's first heat wave declared in this season three days ago; the lead's county then ticks one
    of its checks done (on the 31st) and marks one N/A (today)."""
    engine = make_engine(demo_db)
    with transaction(engine) as s:
        [season] = list_campaigns(session=s, only_open=True)
        units = all_units(session=s)
        event = events.declare_event(season.id, HEAT.kind, starts_at=STARTS, name=f"2026 {HEAT.name}",
                                     level=HEAT.level, unit_codes=[u.code for u in units if u.is_active], session=s,
                                     actor=None, now=STARTS - timedelta(hours=2)).event
        lead = actor(s, "lead")
        county = s.scalar(select(OrgUnit.id).join(RoleGrant, RoleGrant.unit_id == OrgUnit.id)
                          .where(RoleGrant.user_id == lead.user_id))
    with snapshot(engine) as s:
        standing = subtree_standing(season.id, county, TODAY, session=s)
    first, second = standing[standing["event_id"] == event.id].sort_values("item_key").to_dict("records")[:2]
    with transaction(engine) as s:
        changes.change_item(season.id, county, first["item_id"], "done", expected_version=0, text=WAIVER_REASONS[0],
                            occurrence=first["occurrence"], session=s, actor=lead, now=NOW - timedelta(days=2))
        changes.change_item(season.id, county, second["item_id"], "na", expected_version=0, text="本单位无此设备",
                            occurrence=second["occurrence"], session=s, actor=lead, now=NOW - timedelta(hours=1))
    engine.dispose()
    return {"season": season, "event": event, "county": county}


def expected_directives(url: str, unit_id: int, day: date) -> pd.DataFrame:
    """readiness.directives on the standing table the dashboard reads: the unit's sub-tree, the executive's units."""
    engine = make_engine(url)
    with snapshot(engine) as s:
        [season] = list_campaigns(session=s, only_open=True)
        within = scope_unit_ids(actor(s, "executive"), "unit.read", session=s)
        table = subtree_standing(season.id, unit_id, day, session=s)
    engine.dispose()
    return directive_progress(table[table["unit_id"].isin(within)], day)


def test_the_directives_tab_lists_each_directive_with_its_title_and_readiness_the_one_furthest_behind_first(
        app, demo_db):
    dashboard(app)
    view(app, "directives")
    [shown] = tables(app, DIRECTIVES)
    with snapshot(make_engine(demo_db)) as s:
        titles = directive_titles(session=s)
    assert len(shown) > 10
    assert list(shown["title"]) == [titles[d]["zh"] for d in shown["directive_id"]]
    readiness = shown["readiness"].dropna().tolist()
    assert readiness == sorted(readiness) and readiness[0] < 1
    worst = shown.iloc[0]
    assert f"落实最滞后的要求是 {worst['directive_id']}" in texts(app)
    assert f"完成 {worst['readiness']:.1%}" in texts(app)


def test_the_directives_tab_shows_the_figures_readiness_directives_gives_on_the_same_database(app, demo_db):
    dashboard(app)
    view(app, "directives")
    [shown] = tables(app, DIRECTIVES)
    expected = expected_directives(demo_db, app.session_state["db_unit"], TODAY)
    assert list(shown["directive_id"]) == list(expected["directive_id"])
    assert shown["readiness"].tolist() == pytest.approx(expected["readiness"].tolist(), nan_ok=True)
    assert shown["open_items"].tolist() == expected["open_items"].tolist()
    assert shown["overdue_items"].tolist() == expected["overdue_items"].tolist()
    with snapshot(make_engine(demo_db)) as s:
        names = {u.id: u.name_zh for u in all_units(session=s)}
    assert shown["lagging"].tolist() == ["、".join(names[i] for i in ids) or "—" for ids in expected["lagging_units"]]


def test_moving_the_as_of_date_back_recomputes_the_directives_as_they_stood_then(app, demo_db):
    dashboard(app)
    view(app, "directives")
    day = TODAY - timedelta(days=21)
    app.date_input(key="db_as_of").set_value(day).run()
    assert not app.exception
    [shown] = tables(app, DIRECTIVES)
    expected = expected_directives(demo_db, app.session_state["db_unit"], day)
    assert shown["open_items"].tolist() == expected["open_items"].tolist()
    assert shown["readiness"].tolist() == pytest.approx(expected["readiness"].tolist(), nan_ok=True)


def test_the_directives_tab_reads_in_english(app):
    dashboard(app)
    view(app, "directives")
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert "The directive furthest behind is" in texts(app)


def test_without_an_event_under_way_the_events_tab_says_so(app):
    dashboard(app)
    view(app, "events")
    assert f"{TODAY.isoformat()} 当天没有进行中的季节事件。" in [i.value for i in app.info]
    assert tables(app, EVENT_CHECKS) == []


def test_the_events_tab_shows_the_heat_wave_under_way_with_its_checks_per_unit(heat_wave, app, demo_db):
    dashboard(app)
    view(app, "events")
    assert "**高温/负荷预警 · 2026 第一轮高温 · 橙色**" in [m.value for m in app.markdown]
    [shown] = tables(app, EVENT_CHECKS)
    with snapshot(make_engine(demo_db)) as s:
        rows = subtree_standing(heat_wave["season"].id, app.session_state["db_unit"], TODAY, session=s)
        names = {u.id: u.name_zh for u in all_units(session=s)}
    rows = rows[rows["event_id"] == heat_wave["event"].id]
    by_unit = {names[u]: (int((g["status"] == "done").sum()), int((g["status"] != "na").sum()),
                          int((g["status"] == "open").sum())) for u, g in rows.groupby("unit_id")}
    per_unit = shown.iloc[:-1]
    assert {r.unit: (r.done, r.applicable, r.open) for r in per_unit.itertuples()} == by_unit
    county = names[heat_wave["county"]]
    done, applicable, _ = by_unit[county]
    assert done == 1 and per_unit.set_index("unit").loc[county, "progress"] == pytest.approx(1 / applicable)
    total = shown.iloc[-1]
    assert total["unit"] == "合计" and total["done"] == 1 and total["applicable"] == len(rows) - 1


def test_the_events_tab_shows_the_checks_as_they_stood_on_the_as_of_day(heat_wave, app):
    dashboard(app)
    view(app, "events")
    app.date_input(key="db_as_of").set_value(local_day(STARTS)).run()  # the day it began: nothing ticked yet
    assert not app.exception
    [shown] = tables(app, EVENT_CHECKS)
    assert shown["done"].sum() == 0 and (shown["applicable"] == shown["open"]).all()


def test_before_the_heat_wave_began_the_events_tab_says_no_event_is_under_way(heat_wave, app):
    dashboard(app)
    view(app, "events")
    day = local_day(STARTS) - timedelta(days=1)
    app.date_input(key="db_as_of").set_value(day).run()
    assert not app.exception
    assert f"{day.isoformat()} 当天没有进行中的季节事件。" in [i.value for i in app.info]
    assert tables(app, EVENT_CHECKS) == []
