"""The executive's figures for a unit's sub-tree on any day, with the week before, and its children ranked
(template `mini`: plan-approved 3 critical, due 05-16; duty-roster 2, 06-08; cable-patrol 1, 05-31;
cable-seal 1, 06-25; the fixture's one drill rule: each county drills each on-site plan every half year)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from admin.dashboard import child_ranking, headline, headline_and_week_before
from core.clock import local_zone
from readiness.series import readiness_series, series_by_child
from store.db import snapshot
from tests.conftest import NOW
from tests.integration.test_readiness import lead_of

DAY = timedelta(days=1)
TODAY = NOW.date()


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=local_zone())


def figures_of(world, unit: str, as_of: date = TODAY):
    with snapshot(world.engine) as s:
        return headline(world.campaign_id, world.units[unit], as_of, session=s)


def test_the_headline_of_a_city_counts_its_sub_tree_only(world):
    c2 = lead_of(world, "C2")
    world.change("C1-K1", "plan-approved", "done", at=at(TODAY))  # 3 of C1's 21
    world.change("C2", "plan-approved", "done", at=at(TODAY), actor=c2)  # another city: not counted
    f = figures_of(world, "C1")
    assert f.readiness == pytest.approx(3 / 21)
    assert (f.scope, f.critical_open, f.overdue, f.actions_open) == (21, 2, 0, 0)
    assert f.drills_missing == 2  # its two counties have no on-site plan on record
    assert figures_of(world, "C2").drills_missing == 0  # the rule binds counties only
    assert f.days_to_peak == (date(2027, 6, 15) - TODAY).days


def test_the_week_before_is_the_same_figures_seven_days_earlier(world):
    world.change("C1-K1", "plan-approved", "done", at=at(TODAY - 10 * DAY))
    world.change("C1-K1", "duty-roster", "done", at=at(TODAY - 2 * DAY))
    with snapshot(world.engine) as s:
        now, before = headline_and_week_before(world.campaign_id, world.units["C1-K1"], TODAY, session=s)
    assert now.readiness == pytest.approx(5 / 7) and before.readiness == pytest.approx(3 / 7)
    assert before.as_of == TODAY - 7 * DAY


def test_there_is_no_week_before_in_the_seasons_first_week(world):
    with snapshot(world.engine) as s:
        _, before = headline_and_week_before(world.campaign_id, world.units["P"], date(2026, 10, 3), session=s)
    assert before is None


def test_items_past_their_due_day_count_as_overdue_and_critical_ones_too(world):
    world.change("C1-K1", "duty-roster", "done", at=at(TODAY))
    f = figures_of(world, "C1-K1", date(2027, 6, 10))
    assert (f.overdue, f.critical_open) == (2, 1)  # the plan (05-16) and the patrol (05-31)


def test_the_on_time_rate_is_shown_only_once_the_peak_has_started(world):
    assert figures_of(world, "P").on_time is None
    assert figures_of(world, "P", date(2027, 6, 20)).on_time is None  # nothing recurring fell due: no rate


def test_the_target_follows_the_campaigns_shape(world):
    f = figures_of(world, "P", date(2026, 10, 1) + (date(2027, 6, 15) - date(2026, 10, 1)) / 2)
    assert f.target == pytest.approx(0.5, abs=0.01)  # linear: half-way in time, half-way to 100 %


def test_each_childs_series_is_its_sub_trees_series(world):
    c2 = lead_of(world, "C2")
    world.change("C1-K1", "plan-approved", "done", at=at(TODAY - 3 * DAY))
    world.change("C2", "duty-roster", "done", at=at(TODAY - DAY), actor=c2)
    with snapshot(world.engine) as s:
        children = series_by_child(world.campaign_id, world.units["P"], start=date(2026, 10, 1), end=TODAY, session=s)
        for code in ("C1", "C2"):
            alone = readiness_series(world.campaign_id, start=date(2026, 10, 1), end=TODAY, session=s,
                                     root_unit_id=world.units[code])
            mine = children[children["unit_id"] == world.units[code]].reset_index(drop=True)
            assert mine[["day", "done", "na", "total"]].equals(alone[["day", "done", "na", "total"]])


def ranking(world, unit: str, as_of: date):
    with snapshot(world.engine) as s:
        table = child_ranking(world.campaign_id, world.units[unit], as_of, session=s)
    codes = {v: k for k, v in world.units.items()}
    return table.assign(code=table["unit_id"].map(codes)).set_index("code")


def test_children_are_ranked_with_those_at_risk_first_and_say_why(world):
    world.change("C1-K1", "plan-approved", "done", at=at(TODAY - 5 * DAY))
    table = ranking(world, "C1", TODAY)
    assert list(table.index) == ["C1-K2", "C1-K1"]  # both at risk (no plan drilled); the further behind first
    assert table.loc["C1-K1", "risk_drills"] and table.loc["C1-K1", "drills_missing"] == 1
    assert table.loc["C1-K1", "gap"] == pytest.approx(table.loc["C1-K1", "target"] - 3 / 7)
    assert table.loc["C1-K2", "readiness"] == 0


def test_a_child_with_a_critical_item_overdue_is_at_risk_even_when_on_target(world):
    table = ranking(world, "P", date(2027, 5, 20))  # every plan (critical, due 05-16) is overdue by now
    assert table.loc["C2", "risk_critical"] and table.loc["C2", "critical_overdue"] == 1
    assert table["at_risk"].all()


def test_a_child_not_forecast_to_reach_100_percent_by_the_peak_is_at_risk(world):
    c2 = lead_of(world, "C2")
    for item in ("plan-approved", "duty-roster", "cable-patrol", "cable-seal"):
        world.change("C2", item, "done", at=at(TODAY - 20 * DAY), actor=c2)
    table = ranking(world, "P", TODAY)
    assert table.loc["C2", "forecast_mid"] == 1 and not table.loc["C2", "at_risk"]
    assert table.loc["C1", "forecast_mid"] == 0 and table.loc["C1", "risk_forecast"]  # no progress: stays at 0
    assert list(table.index) == ["C1", "C2"]


def test_once_the_peak_has_begun_a_child_not_at_100_percent_is_at_risk(world):
    c2 = lead_of(world, "C2")
    for item in ("plan-approved", "duty-roster", "cable-patrol", "cable-seal"):
        world.change("C2", item, "done", at=at(TODAY), actor=c2)
    table = ranking(world, "P", date(2027, 6, 20))
    assert not table.loc["C2", "at_risk"]
    assert table.loc["C1", "risk_forecast"]


def test_year_over_year_sets_last_seasons_curve_beside_this_ones_on_days_to_each_peak(world):
    from admin.dashboard import previous_season, year_over_year
    from checklists import campaigns, changes, queries
    from store.db import transaction

    with transaction(world.engine) as s:
        last = campaigns.open_campaign("2026 迎峰度夏", "mini", peak_start=date(2026, 6, 15), starts_on=date(2025, 10, 1),
                                       unit_codes=["C1-K1"], session=s, actor=world.admin, now=NOW)
        row = next(r for r in queries.unit_checklist(last.id, world.units["C1-K1"], session=s)
                   if r.item_id == world.items["plan-approved"])
        # 30 days before last year's peak, C1-K1 had its plan (3 of 7) done
        changes.change_item(last.id, world.units["C1-K1"], row.item_id, "done", expected_version=row.version,
                            session=s, actor=world.lead, now=at(date(2026, 5, 16)))
    with snapshot(world.engine) as s:
        assert previous_season(world.campaign_id, session=s).id == last.id
        assert previous_season(last.id, session=s) is None
        yoy = year_over_year(world.campaign_id, world.units["C1-K1"], date(2027, 5, 16), session=s)
    assert yoy.last_name == "2026 迎峰度夏"
    assert yoy.same_day_last == pytest.approx(3 / 7)
    assert yoy.this["offset"].iloc[-1] == -30 and yoy.last["offset"].iloc[0] == (date(2025, 10, 1) - date(2026, 6, 15)).days
