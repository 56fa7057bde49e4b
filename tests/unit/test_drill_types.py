"""The real drill catalogue: each type exercises a plan, its objectives are measurable, the missing types
are there, and the rules say which drills each kind of unit must hold and how often."""

from __future__ import annotations

import re

import pytest

from content.bundle import load_content
from content.models import UNIT_KIND_NAMES
from tests.conftest import REAL_SEEDS

CONTENT = load_content(REAL_SEEDS)
TYPES = CONTENT.drill_types
RULES = CONTENT.drill_rules
OBJECTIVES = {o.key: o for dt in TYPES.values() for o in dt.objectives}


@pytest.mark.parametrize(("key", "plan_level"), [
    ("large-area-blackout", "comprehensive"),
    ("summer-peak-joint", "comprehensive"),
    ("anti-accident", "special"),
    ("black-start", "special"),
    ("flood-typhoon", "special"),
    ("orderly-power-use", "special"),
    ("cyber-incident", "special"),
    ("cable-fire", "onsite"),
    ("onsite-response", "onsite"),
    ("confined-space-rescue", "onsite"),
    ("crowded-premises-fire", "onsite"),
])
def test_each_drill_type_exercises_a_plan_of_its_level(key, plan_level):
    assert TYPES[key].plan_level == plan_level


@pytest.mark.parametrize("key", ["bsd-unit-self-start", "bsd-synchronise", "ft-dam-flood-release",
                                 "cf-breathing-apparatus", "cf-gas-testing", "cf-fire-doors", "cf-tunnel-ventilation"])
def test_objectives_no_tabletop_can_show_are_marked_live_only(key):
    assert OBJECTIVES[key].live_only


@pytest.mark.parametrize("key", ["aa-relay-review", "osp-plan-update"])
def test_improvement_plan_tasks_are_not_objectives(key):
    assert key not in OBJECTIVES


def test_synchronising_the_sub_systems_keeps_the_surge_within_the_allowed_range():
    assert "surge within the allowed range" in OBJECTIVES["bsd-synchronise"].text_en


@pytest.mark.parametrize("key", sorted(OBJECTIVES))
def test_every_objective_says_no_vague_time_and_its_criteria_give_the_figure_to_check(key):
    objective = OBJECTIVES[key]
    assert re.search(r"[0-9]", objective.criteria_zh) and re.search(r"[0-9]", objective.criteria_en)
    for vague in ("set time", "in good time", "promptly", "timely"):
        assert vague not in objective.text_en.lower()
    for vague in ("规定时间", "规定时限", "及时"):
        assert vague not in objective.text_zh


def test_a_cable_fire_drill_checks_breathing_apparatus_gas_ventilation_and_fire_doors():
    texts = " ".join(o.text_en.lower() for o in TYPES["cable-fire"].objectives)
    for words in ("breathing apparatus", "carbon monoxide", "fans run", "fire doors"):
        assert words in texts


def test_fire_and_evacuation_at_crowded_premises_is_due_every_six_months_citing_the_key_sites_directive():
    premises = TYPES["crowded-premises-fire"]
    assert premises.frequency_months == 6
    assert "S2.2.2-5b" in premises.sources
    assert RULES["crowded-premises-half-year"].interval_months == 6
    assert "S2.2.2-5b" in RULES["crowded-premises-half-year"].sources
    # Every premises (its plan in the unit's inventory) needs its own drill; a unit that runs none owes none.
    assert RULES["crowded-premises-half-year"].counts == "each"
    assert RULES["crowded-premises-half-year"].only_where_planned
    assert not RULES["onsite-plan-half-year"].only_where_planned  # every county must have its on-site plans


def test_a_rule_binding_only_units_with_such_a_plan_must_count_each_plan():
    from content.models import DrillRule

    rule = RULES["crowded-premises-half-year"].model_dump()
    with pytest.raises(ValueError, match="only_where_planned"):
        DrillRule(**{**rule, "counts": "any"})


@pytest.mark.parametrize("key", sorted(TYPES))
def test_every_type_has_the_defaults_a_drill_starts_from(key):
    dt = TYPES[key]
    assert dt.scenario_zh and dt.scenario_en and len(dt.injects) >= 3
    assert {"controller", "evaluator"} <= set(dt.roles)
    assert "full_scale" not in dt.forms or (dt.safety_plan_zh and dt.safety_plan_en)
    assert any(not o.live_only for o in dt.objectives)


@pytest.mark.parametrize(("key", "interval", "levels_or_types"), [
    ("annual-plan-drill", 12, ["comprehensive", "special"]),
    ("onsite-plan-half-year", 6, ["onsite"]),
    ("dispatch-shift-monthly", 1, ["anti-accident"]),
    ("dispatch-shift-quarterly-simulator", 3, ["anti-accident"]),
    ("joint-simulator-before-peak", 12, ["anti-accident"]),
    ("crowded-premises-half-year", 6, ["crowded-premises-fire"]),
])
def test_the_rules_say_which_drills_count_and_how_often(key, interval, levels_or_types):
    rule = RULES[key]
    assert rule.interval_months == interval
    assert [*rule.plan_levels, *rule.drill_types] == levels_or_types
    assert rule.applies_to and set(rule.applies_to) <= set(UNIT_KIND_NAMES)


def test_dispatch_shifts_drill_each_month_and_on_the_simulator_each_quarter_and_jointly_before_the_peak():
    assert RULES["dispatch-shift-monthly"].per_shift and RULES["dispatch-shift-quarterly-simulator"].per_shift
    assert RULES["dispatch-shift-quarterly-simulator"].forms == ["functional"]
    joint = RULES["joint-simulator-before-peak"]
    assert joint.before_peak and joint.forms == ["functional"]
    assert set(joint.applies_to) == {"prov_dispatch", "city_dispatch"}


def test_every_on_site_plan_needs_its_own_drill_and_one_comprehensive_or_special_drill_a_year_will_do():
    assert RULES["onsite-plan-half-year"].counts == "each"
    assert RULES["annual-plan-drill"].counts == "any"
    assert all(TYPES[k].satisfies(RULES["annual-plan-drill"]) for k in ("large-area-blackout", "cyber-incident"))
    assert not TYPES["cable-fire"].satisfies(RULES["annual-plan-drill"])
