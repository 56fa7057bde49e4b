"""The season-events page: a coordinator declares a typhoon warning for units, the leads find its checks on
their checklist and tick them, each event shows its own progress, and the coordinator closes it."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from store.db import make_engine, snapshot
from store.schema import Campaign, Obligation, OrgUnit, RoleGrant, SeasonEvent, SeasonEventUnit, User
from tests.demo_fixtures import set_clock, sign_in
from ui import state


def events_page(app, username: str):
    at = sign_in(app, username)
    at.session_state[state.LANG] = "en"
    at.switch_page("app_pages/events.py").run()
    assert not at.exception, at.exception
    return at


def lead_unit(url: str) -> OrgUnit:
    with snapshot(make_engine(url)) as s:
        lead = s.scalar(select(User.id).where(User.username == "lead"))
        return s.scalar(select(OrgUnit).join(RoleGrant, RoleGrant.unit_id == OrgUnit.id)
                        .where(RoleGrant.user_id == lead))


def event_rows(url: str) -> list[SeasonEvent]:
    with snapshot(make_engine(url)) as s:
        return list(s.scalars(select(SeasonEvent).order_by(SeasonEvent.id)))


def declare(at, units: list[int], *, kind="typhoon", name="Typhoon Haikui", landfall=True):
    at.selectbox(key="ev_kind_en").set_value(kind)
    at.selectbox(key="ev_level_en").set_value("red")
    at.text_input(key="ev_name").input(name)
    at.date_input(key="ev_start_day").set_value(date(2026, 11, 3))
    at.time_input(key="ev_start_time").set_value(time(8, 0))
    if landfall:
        at.checkbox(key="ev_has_landfall").check()
        at.date_input(key="ev_landfall_day").set_value(date(2026, 11, 5))
        at.time_input(key="ev_landfall_time").set_value(time(2, 0))
    at.multiselect(key="ev_units_en").set_value(units)
    return next(b for b in at.button if b.label == "Declare").click().run()


def test_a_coordinator_declares_a_typhoon_warning_and_the_leads_county_gets_its_checks(app, demo_db):
    county = lead_unit(demo_db)
    before = len(event_rows(demo_db))
    at = declare(events_page(app, "coordinator"), [county.id])
    assert not at.exception, at.exception
    assert any("Typhoon Haikui" in t.value and "check(s) created" in t.value for t in at.toast)
    [event] = event_rows(demo_db)[before:]
    assert (event.kind, event.level, event.status) == ("typhoon", "red", "open")
    with snapshot(make_engine(demo_db)) as s:
        created = s.scalar(select(func.count()).select_from(Obligation).where(Obligation.event_id == event.id))
    assert created > 0
    assert any("Typhoon Haikui" in e.label for e in at.expander)


def test_the_lead_ticks_an_event_check_on_the_checklist_and_the_events_progress_moves(app, demo_db):
    county = lead_unit(demo_db)
    declare(events_page(app, "coordinator"), [county.id])
    [event] = [e for e in event_rows(demo_db) if e.name == "Typhoon Haikui"]
    app.button(key="sign_out").click().run()
    at = sign_in(app, "lead")
    at.session_state[state.LANG] = "en"
    at.switch_page("app_pages/my_checklist.py").run()
    done = next(b for b in at.button if b.key and b.key.startswith("done_") and b.key.endswith(f"_E{event.id}"))
    done.click().run()
    assert not at.exception, at.exception
    assert any("marked done" in t.value.lower() for t in at.toast)
    at.switch_page("app_pages/events.py").run()
    table = next(df.value for df in at.dataframe if "share" in df.value.columns)
    assert table["done"].iloc[-1] == 1  # the "all units" line


def test_the_coordinator_closes_the_event_and_its_reviews_fall_due_after_the_end(app, demo_db):
    county = lead_unit(demo_db)
    at = declare(events_page(app, "coordinator"), [county.id])
    [event] = [e for e in event_rows(demo_db) if e.name == "Typhoon Haikui"]
    at.date_input(key=f"ev_end_day_{event.id}").set_value(date(2026, 11, 6))
    at.time_input(key=f"ev_end_time_{event.id}").set_value(time(18, 0))
    next(b for b in at.button if b.label == "Close the event").click().run()
    assert not at.exception, at.exception
    assert any("is closed" in t.value for t in at.toast)
    [closed] = [e for e in event_rows(demo_db) if e.id == event.id]
    assert closed.status == "closed"
    with snapshot(make_engine(demo_db)) as s:
        undated = s.scalar(select(func.count()).select_from(Obligation)
                           .where(Obligation.event_id == event.id, Obligation.due_at.is_(None)))
    assert undated == 0


def test_a_declaration_without_units_is_refused_in_words_and_stores_nothing(app, demo_db):
    before = len(event_rows(demo_db))
    at = declare(events_page(app, "coordinator"), [], landfall=False)
    assert [e.value for e in at.error] == ["Choose at least one unit."]
    assert len(event_rows(demo_db)) == before


def test_a_member_reads_last_seasons_events_of_their_unit_but_cannot_declare_or_close(app, demo_db):
    at = events_page(app, "member")
    assert [i.value for i in at.info] == ["No event of this season concerns your units yet."]
    county = lead_unit(demo_db)  # the member works in the lead's county
    with snapshot(make_engine(demo_db)) as s:
        last = s.scalar(select(Campaign.id).where(Campaign.name == "2026 迎峰度夏"))
        theirs = set(s.scalars(select(SeasonEvent.name).join(SeasonEventUnit, SeasonEventUnit.event_id == SeasonEvent.id)
                               .where(SeasonEvent.campaign_id == last, SeasonEventUnit.unit_id == county.id)))
    at.selectbox(key="ev_campaign_en").set_value(last).run()
    titles = [e.label for e in at.expander]
    assert "Heat-wave / load alert · 2026 第一轮高温 · closed" in titles
    assert {t.split(" · ")[1] for t in titles} == theirs
    assert not at.multiselect and not any(b.label in ("Declare", "Close the event") for b in at.button)


@pytest.mark.parametrize("username", ["lead", "coordinator"])
def test_in_the_peak_the_lead_sees_this_weeks_recurring_checks_and_the_on_time_rate(app, demo_db, monkeypatch,
                                                                                   username):
    set_clock(monkeypatch, "2027-07-01T10:00:00+08:00")
    at = sign_in(app, username)
    at.session_state[state.LANG] = "en"
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert "On-time rate" in metrics
    if username == "lead":
        assert any(b.key and b.key.startswith("done_") and "_2027-W26" in b.key for b in at.button)
        assert any("In-season checks" in e.label for e in at.expander)
