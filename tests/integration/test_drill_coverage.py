"""Drill coverage on the small fixture world (one rule: each on-site plan of a county drilled every six
months; one drill type, cable-fire): required, planned and conducted per rule and per type and unit, as of
a day, worked out by hand."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from drills import inventory, planning
from drills.coverage import rule_coverage, standing, type_totals, type_unit_coverage
from drills.required import required_drills
from store.db import snapshot, transaction
from tests.conftest import NOW
from tests.integration.test_drill_planning import Plan, at

RULE = "onsite-plan-half-year"


@pytest.fixture
def plan(world) -> Plan:
    """The world's campaign (2026-10-01 to the peak 2027-06-15) planned from the command line, with the
    administrator as coordinator; county C1-K1 has one on-site plan, C1-K2 none."""
    season = Plan(world.engine, world.campaign_id, world.units, {"cli": None})
    season.coordinator = world.admin.user_id
    season.plan_ids = [add_plan(season, "C1-K1", "XC-01")]
    return season


def add_plan(plan: Plan, unit: str, code: str) -> int:
    with transaction(plan.engine) as s:
        return inventory.add_plan(plan.units[unit], code, f"电缆隧道火灾现场处置方案 {code}", "onsite",
                                  issued_on=date(2025, 3, 1), session=s, actor=None, now=NOW)


def drill(plan: Plan, day: date, *, units: tuple[str, ...] = ("C1-K1",), plan_id: int | None = None) -> int:
    """A cable-fire tabletop drill of the units on the day (9:00 to 12:00 Beijing time), for the plan."""
    draft = plan.draft(start=at(day.year, day.month, day.day), units=units, type_key="cable-fire",
                       title="电缆隧道火灾桌面推演", coordinator_id=plan.coordinator,
                       emergency_plan_id=plan_id or plan.plan_ids[0])
    return plan.save(draft, actor="cli").drill_id


def hold(plan: Plan, drill_id: int, *, attended: tuple[str, ...] = ("C1-K1",)) -> None:
    day = plan.view(drill_id).starts_at
    with transaction(plan.engine) as s:
        planning.set_status(drill_id, "ready", expected_version=1, session=s, actor=None, now=NOW)
    with transaction(plan.engine) as s:
        planning.record_conducted(drill_id, attended_unit_ids=[plan.units[u] for u in attended],
                                  attended_person_ids=[], expected_version=2, session=s, actor=None, now=day)


def rules(plan: Plan, as_of: date, units: tuple[str, ...] = ("C1-K1", "C1-K2")) -> dict[str, int]:
    with snapshot(plan.engine) as s:
        table = rule_coverage(plan.campaign_id, as_of, session=s, unit_ids={plan.units[u] for u in units})
    assert list(table["rule_key"]) == [RULE]
    row = table.iloc[0]
    return {k: int(row[k]) for k in ("required", "met", "planned", "missing", "overdue", "no_record")}


def cells(plan: Plan, as_of: date) -> dict[str, tuple[int, int, int, int]]:
    """Per unit code: (required, planned, conducted, missing) of cable-fire."""
    codes = {i: c for c, i in plan.units.items()}
    with snapshot(plan.engine) as s:
        table = type_unit_coverage(plan.campaign_id, as_of, session=s, unit_ids=set(plan.units.values()))
    assert set(table["type_key"]) == {"cable-fire"}
    return {codes[r.unit_id]: (r.required, r.planned, r.conducted, r.missing) for r in table.itertuples()}


def test_a_county_with_a_plan_and_no_drill_is_missing_and_one_with_no_plan_has_no_record(plan):
    assert rules(plan, date(2026, 11, 2)) == {"required": 2, "met": 0, "planned": 0, "missing": 1, "overdue": 0,
                                              "no_record": 1}
    # The rule names plan levels only: both requirements count under cable-fire, the one on-site type here.
    # The cities and the province owe nothing and hold nothing: no row.
    assert cells(plan, date(2026, 11, 2)) == {"C1-K1": (1, 0, 0, 1), "C1-K2": (1, 0, 0, 0)}


def test_a_county_with_a_drill_on_the_calendar_is_planned(plan):
    drill(plan, date(2026, 12, 8))
    assert rules(plan, date(2026, 11, 2), ("C1-K1",)) == {"required": 1, "met": 0, "planned": 1, "missing": 0,
                                                          "overdue": 0, "no_record": 0}
    assert cells(plan, date(2026, 11, 2))["C1-K1"] == (1, 1, 0, 0)


def test_a_drill_held_with_the_county_attending_meets_the_rule_and_is_conducted_from_its_day_on(plan):
    hold(plan, drill(plan, date(2026, 12, 8)))
    for day in (date(2026, 12, 8), date(2027, 1, 10)):
        assert rules(plan, day, ("C1-K1",))["met"] == 1
        assert cells(plan, day)["C1-K1"] == (1, 0, 1, 0)


def test_a_drill_held_after_the_as_of_day_is_not_conducted_as_of_that_day(plan):
    hold(plan, drill(plan, date(2026, 12, 8)))
    # On the 7th it had not been held: the rule is not met, and the drill was still to come.
    assert rules(plan, date(2026, 12, 7), ("C1-K1",))["met"] == 0
    assert cells(plan, date(2026, 12, 7))["C1-K1"] == (1, 1, 0, 0)  # planned then, so no gap either


def test_a_drill_held_without_the_county_does_not_count_for_it(plan):
    hold(plan, drill(plan, date(2026, 12, 8), units=("C1-K1", "C1-K2")), attended=("C1-K2",))
    assert rules(plan, date(2026, 12, 10), ("C1-K1",))["missing"] == 1
    # C1-K2 took part (it owes the drill of a plan it has not recorded): conducted there, not in C1-K1.
    assert cells(plan, date(2026, 12, 10)) == {"C1-K1": (1, 0, 0, 1), "C1-K2": (1, 0, 1, 0)}


def test_a_cancelled_drill_counts_nowhere(plan):
    drill_id = drill(plan, date(2026, 12, 8))
    with transaction(plan.engine) as s:
        planning.cancel_drill(drill_id, "设备检修", expected_version=1, session=s, actor=None, now=NOW)
    assert rules(plan, date(2026, 11, 2), ("C1-K1",))["missing"] == 1
    assert cells(plan, date(2026, 11, 2))["C1-K1"] == (1, 0, 0, 1)


def test_a_drill_planned_for_after_the_peak_starts_is_not_counted_as_planned(plan):
    drill(plan, date(2027, 6, 16))
    assert cells(plan, date(2026, 11, 2))["C1-K1"] == (1, 0, 0, 0)  # required_drills offers it to close the gap
    assert rules(plan, date(2026, 11, 2), ("C1-K1",))["planned"] == 1


def test_a_drill_held_before_the_season_began_still_meets_the_rule_but_is_not_conducted_in_the_season(plan):
    hold(plan, drill(plan, date(2026, 9, 22)))
    assert rules(plan, date(2026, 11, 2), ("C1-K1",))["met"] == 1  # due again by 2027-03-22: "due", it counts
    assert cells(plan, date(2026, 11, 2))["C1-K1"] == (1, 0, 0, 0)


def test_rule_coverage_agrees_with_the_required_drills_it_is_made_from(plan):
    second = add_plan(plan, "C1-K1", "XC-02")
    third = add_plan(plan, "C1-K2", "XC-03")
    hold(plan, drill(plan, date(2026, 10, 20)))  # XC-01: met, then due again 2027-04-20, then overdue
    drill(plan, date(2027, 5, 10), plan_id=second)  # XC-02 planned
    drill(plan, date(2027, 5, 12), units=("C1-K2",), plan_id=third)  # XC-03 planned
    for as_of in (date(2026, 11, 2), date(2027, 4, 25), date(2027, 5, 11), date(2027, 6, 20)):
        with snapshot(plan.engine) as s:
            reqs = required_drills(plan.campaign_id, session=s, as_of=as_of)
            table = rule_coverage(plan.campaign_id, as_of, session=s)
            per_type = type_totals(type_unit_coverage(plan.campaign_id, as_of, session=s))
        counts = Counter(standing(r) for r in reqs)
        row = table.set_index("rule_key").loc[RULE]
        assert row["required"] == len(reqs) == sum(counts.values())
        assert {k: row[k] for k in counts} == dict(counts)
        assert row[["met", "planned", "missing", "overdue", "no_record"]].sum() == row["required"]
        # With one type and one plan per requirement, the types add up to the rules.
        assert per_type.set_index("type_key").loc["cable-fire", "required"] == len(reqs)
    assert rules(plan, date(2027, 4, 25)) == {"required": 3, "met": 0, "planned": 2, "missing": 0, "overdue": 1,
                                              "no_record": 0}
    assert rules(plan, date(2027, 5, 11)) == {"required": 3, "met": 0, "planned": 1, "missing": 1, "overdue": 1,
                                              "no_record": 0}
