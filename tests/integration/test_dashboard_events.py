"""The dashboard's events tab reads which events were under way on a local day (begun by then, not closed
before it) and each one's checks per unit from the standing table of that day, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from checklists import campaigns, changes, events, queries
from readiness.standing import standing
from store.db import snapshot, transaction
from store.schema import OrgUnit
from tests.conftest import NOW, ROOT
from tests.seed_copies import fixture_org, seeds_with_templates

PEAK_TEMPLATE = ROOT / "tests" / "fixtures" / "season" / "mini-peak.yaml"


def shanghai(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def season(empty_engine, tmp_path):
    people = fixture_org(empty_engine, seeds_with_templates(tmp_path, PEAK_TEMPLATE), {
        "admin": [("admin", None)], "lead": [("unit_lead", "C1")]})
    with transaction(empty_engine) as s:
        campaign = campaigns.open_campaign("2027 度夏", ["mini", "mini-peak"], peak_start=date(2027, 6, 15),
                                           starts_on=date(2027, 3, 1), peak_end=date(2027, 9, 15),
                                           unit_codes=["P", "C1", "C1-K1", "C2"], session=s, actor=people["admin"],
                                           now=NOW)
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id)).all())
    return empty_engine, campaign.id, units, people


def declare(engine, cid, kind, starts_at, units=("C1", "C1-K1"), **kw):
    with transaction(engine) as s:
        return events.declare_event(cid, kind, starts_at=starts_at, unit_codes=list(units), session=s, actor=None,
                                    now=starts_at - timedelta(hours=1), **kw).event


def close(engine, event_id, ends_at, now):
    with transaction(engine) as s:
        events.close_event(event_id, ends_at=ends_at, session=s, actor=None, now=now)


def active(engine, cid, day: date) -> list[str]:
    with snapshot(engine) as s:
        return [e.name for e in events.events_active_on(cid, day, session=s)]


def test_an_event_is_under_way_from_its_local_start_day_to_the_local_day_it_was_closed(season):
    engine, cid, _, _ = season
    # Begins 07:00 on 20 July in Shanghai (still the 19th in UTC); closed 00:30 on 23 July (the 22nd in UTC).
    typhoon = declare(engine, cid, "typhoon", shanghai(2027, 7, 20, 7), name="台风", level="red")
    close(engine, typhoon.id, ends_at=shanghai(2027, 7, 22, 18), now=shanghai(2027, 7, 23, 0, 30))
    assert active(engine, cid, date(2027, 7, 19)) == []
    assert [active(engine, cid, date(2027, 7, d)) for d in (20, 21, 22, 23)] == [["台风"]] * 4
    assert active(engine, cid, date(2027, 7, 24)) == []


def test_an_event_still_open_is_under_way_every_day_after_its_start_even_past_its_planned_end(season):
    engine, cid, _, _ = season
    declare(engine, cid, "heat_wave", shanghai(2027, 7, 10, 10), name="高温", ends_at=shanghai(2027, 7, 12, 20))
    assert active(engine, cid, date(2027, 7, 9)) == []
    assert active(engine, cid, date(2027, 7, 10)) == ["高温"]
    assert active(engine, cid, date(2027, 8, 30)) == ["高温"]


def test_the_events_under_way_come_latest_first_and_only_those_of_the_season(season):
    engine, cid, _, people = season
    declare(engine, cid, "heat_wave", shanghai(2027, 7, 26, 10), name="第二轮高温")
    declare(engine, cid, "orderly_power", shanghai(2027, 7, 29, 9), units=["C1"], name="有序用电")
    rain = declare(engine, cid, "rainstorm", shanghai(2027, 7, 27, 8), units=["C2"], name="暴雨")
    close(engine, rain.id, ends_at=shanghai(2027, 7, 28, 8), now=shanghai(2027, 7, 28, 9))
    with transaction(engine) as s:
        other = campaigns.open_campaign("2027 防汛", ["mini"], peak_start=date(2027, 6, 1),
                                        starts_on=date(2027, 3, 1), unit_codes=["C2"], session=s,
                                        actor=people["admin"], now=NOW)
    declare(engine, other.id, "typhoon", shanghai(2027, 7, 29, 8), units=["C2"], name="另一季的台风")
    assert active(engine, cid, date(2027, 7, 30)) == ["有序用电", "第二轮高温"]
    assert active(engine, cid, date(2027, 7, 28)) == ["暴雨", "第二轮高温"]


def test_an_events_checks_in_the_standing_table_are_as_they_stood_at_the_end_of_the_day(season):
    engine, cid, units, people = season
    typhoon = declare(engine, cid, "typhoon", shanghai(2027, 7, 20, 8), landfall_at=shanghai(2027, 7, 22, 14))
    with snapshot(engine) as s:
        brace = next(r for r in queries.unit_checklist(cid, units["C1-K1"], session=s) if r.key == "mini-brace-before")
    with transaction(engine) as s:
        changes.mark_done(cid, units["C1-K1"], brace.item_id, occurrence=brace.occurrence, expected_version=0,
                          session=s, actor=people["lead"], now=shanghai(2027, 7, 21, 9))

    def checks(day: date) -> dict[tuple[str, str], str]:
        with snapshot(engine) as s:
            table = standing(cid, day, session=s)
        rows = table[table["event_id"] == typhoon.id]
        code = {v: k for k, v in units.items()}
        return {(code[u], k): st for u, k, st in zip(rows["unit_id"], rows["item_key"], rows["status"], strict=True)}

    assert checks(date(2027, 7, 18)) == {}  # declared on the 20th: no check yet
    assert checks(date(2027, 7, 20)) == {("C1", "mini-watch-during"): "open", ("C1-K1", "mini-brace-before"): "open",
                                         ("C1-K1", "mini-watch-during"): "open"}
    assert checks(date(2027, 7, 21))[("C1-K1", "mini-brace-before")] == "done"
