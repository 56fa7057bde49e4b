"""A seed file with a mistake is refused with a message naming the file, the item and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from content.bundle import load_content
from core.errors import ContentError
from tests.conftest import FIXTURE_SEEDS


def seeds_with(tmp_path: Path, edit) -> Path:
    """A copy of the fixture seeds with one edit applied to the `mini` template."""
    root = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, root)
    path = root / "templates" / "mini.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def first_item(data: dict) -> dict:
    return data["sections"][0]["items"][0]


CASES = [
    ("unknown directive ID", lambda d: first_item(d).update(sources=["S9.9"]), "mini-plan-approved", "S9.9"),
    ("duplicate item key", lambda d: d["sections"][1]["items"][0].update(key="mini-plan-approved"),
     "mini-plan-approved", "duplicate item key"),
    ("missing Chinese text", lambda d: first_item(d).pop("text_zh"), "text_zh", "required"),
    ("Chinese text without Chinese", lambda d: first_item(d).update(text_zh="plan approved"), "text_zh",
     "no Chinese characters"),
    ("due rule not a number", lambda d: first_item(d).update(due_days_before_peak="30 days"),
     "due_days_before_peak", "integer"),
    ("due rule out of range", lambda d: first_item(d).update(due_days_before_peak=400),
     "due_days_before_peak", "365"),
    ("unknown criticality", lambda d: first_item(d).update(criticality="urgent"), "criticality", "critical"),
    ("unknown field", lambda d: first_item(d).update(colour="red"), "colour", "unknown field"),
    ("item without sources", lambda d: first_item(d).update(sources=[]), "sources", "at least 1"),
]


@pytest.mark.parametrize(("case", "edit", "place", "problem"), CASES, ids=[c[0] for c in CASES])
def test_a_template_with_a_mistake_is_refused_naming_file_item_and_problem(tmp_path, case, edit, place, problem):
    seeds = seeds_with(tmp_path, edit)
    with pytest.raises(ContentError) as err:
        load_content(seeds)
    message = str(err.value)
    assert "mini.yaml" in message
    assert place in message
    assert problem in message
    if case not in ("duplicate item key", "unknown field"):
        assert "mini-plan-approved" in message  # the item is named, not just a field path


def test_a_yaml_syntax_error_names_the_file(tmp_path):
    root = seeds_with(tmp_path, lambda d: None)
    (root / "templates" / "mini.yaml").write_text("key: mini\nsections: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"mini\.yaml.*YAML"):
        load_content(root)


def drill_seeds_with(tmp_path: Path, edit) -> Path:
    """A copy of the fixture seeds with one edit applied to drill_types.yaml (its types and rules)."""
    root = seeds_with(tmp_path, lambda d: None)
    path = root / "drill_types.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def cable_fire(data: dict) -> dict:
    return data["drill_types"][0]


def first_objective(data: dict) -> dict:
    return cable_fire(data)["objectives"][0]


def first_rule(data: dict) -> dict:
    return data["rules"][0]


def tabletop_only(data: dict) -> None:
    cable_fire(data).update(forms=["tabletop"], unannounced_allowed=False)


def all_live_only(data: dict) -> None:
    for objective in cable_fire(data)["objectives"]:
        objective["live_only"] = True


def unannounced_tabletop(data: dict) -> None:
    tabletop_only(data)
    cable_fire(data).update(unannounced_allowed=True, objectives=cable_fire(data)["objectives"][:1])


def injects_swapped(data: dict) -> None:
    first, second = cable_fire(data)["injects"]
    first["minute"], second["minute"] = 5, 0


DRILL_CASES = [
    ("unknown directive ID", lambda d: cable_fire(d).update(sources=["S7.7"]), "drill type cable-fire", "S7.7"),
    ("unknown plan level", lambda d: cable_fire(d).update(plan_level="regional"), "plan_level", "comprehensive"),
    ("unknown form", lambda d: cable_fire(d).update(forms=["tabletop", "live"]), "forms", "full_scale"),
    ("a form listed twice", lambda d: cable_fire(d).update(forms=["tabletop", "tabletop", "full_scale"]), "forms",
     "listed twice"),
    ("full-scale without a safety plan", lambda d: cable_fire(d).update(safety_plan_zh="", safety_plan_en=""),
     "drill type cable-fire", "safety plan"),
    ("full-scale without a safety officer", lambda d: cable_fire(d).update(roles=["controller", "evaluator"]),
     "drill type cable-fire", "safety_officer"),
    ("a drill without an evaluator", lambda d: cable_fire(d).update(roles=["controller", "safety_officer"]),
     "drill type cable-fire", "evaluator"),
    ("tabletop-only type with a live-only objective", tabletop_only, "cf-breathing-apparatus", "only as a tabletop"),
    ("a tabletop with nothing to evaluate", all_live_only, "drill type cable-fire", "not live_only"),
    ("unannounced tabletop", unannounced_tabletop, "drill type cable-fire", "unannounced"),
    ("objective within a set time", lambda d: first_objective(d).update(
        text_en="Raise the alarm and isolate within the set time"), "objective cf-alarm", "set time"),
    ("objective in Chinese without a time", lambda d: first_objective(d).update(text_zh="在规定时间内发出火警并隔离"),
     "objective cf-alarm", "规定时间"),
    ("criteria without a figure", lambda d: first_objective(d).update(criteria_en="The alarm is raised quickly"),
     "objective cf-alarm", "no figure"),
    ("objective without criteria", lambda d: first_objective(d).pop("criteria_zh"), "criteria_zh", "required"),
    ("an improvement task as an objective", lambda d: first_objective(d).update(
        text_en="After the drill the plan is revised within 30 days"), "objective cf-alarm", "improvement plan"),
    ("unknown outside party", lambda d: cable_fire(d).update(external_participants=["army"]),
     "external_participants", "government"),
    ("injects out of time order", injects_swapped, "drill type cable-fire", "time order"),
    ("an inject after the drill ends", lambda d: cable_fire(d)["injects"][1].update(minute=500),
     "drill type cable-fire", "typical end"),
    ("missing scenario", lambda d: cable_fire(d).pop("scenario_zh"), "scenario_zh", "required"),
    ("the old scopes field", lambda d: cable_fire(d).update(scopes=["single_subject"]), "scopes", "unknown field"),
    ("rule pointing at an unknown drill type", lambda d: first_rule(d).update(drill_types=["earthquake"]),
     "rule onsite-plan-half-year", "earthquake"),
    ("rule with an unknown plan level", lambda d: first_rule(d).update(plan_levels=["regional"]),
     "rule onsite-plan-half-year", "comprehensive"),
    ("rule no drill type satisfies", lambda d: first_rule(d).update(plan_levels=["comprehensive"]),
     "rule onsite-plan-half-year", "no drill type satisfies"),
    ("rule in a form its type never takes", lambda d: first_rule(d).update(
        plan_levels=[], drill_types=["cable-fire"], forms=["functional"]), "rule onsite-plan-half-year › forms",
     "never held in any of these forms"),
    ("rule naming neither types nor plan levels", lambda d: first_rule(d).update(plan_levels=[]),
     "rule onsite-plan-half-year", "plan_levels"),
    ("rule with an unknown unit kind", lambda d: first_rule(d).update(applies_to=["hotel"]),
     "rule onsite-plan-half-year", "applies_to"),
    ("rule for no unit kind", lambda d: first_rule(d).update(applies_to=[]), "applies_to", "at least 1"),
    ("rule citing an unknown directive", lambda d: first_rule(d).update(sources=["S7.7"]),
     "rule onsite-plan-half-year", "S7.7"),
    ("each-plan rule shorter than its types' frequency", lambda d: first_rule(d).update(interval_months=3),
     "rule onsite-plan-half-year", "every 6 months"),
    ("duplicate rule key", lambda d: d["rules"].append(dict(first_rule(d))), "rule onsite-plan-half-year",
     "duplicate rule key"),
    ("unknown top-level key", lambda d: d.update(rule=[]), "rule", "unknown top-level key"),
]


@pytest.mark.parametrize(("case", "edit", "place", "problem"), DRILL_CASES, ids=[c[0] for c in DRILL_CASES])
def test_a_drill_type_or_rule_with_a_mistake_is_refused_naming_file_place_and_problem(
        tmp_path, case, edit, place, problem):
    with pytest.raises(ContentError) as err:
        load_content(drill_seeds_with(tmp_path, edit))
    message = str(err.value)
    assert "drill_types.yaml" in message
    assert place in message
    assert problem in message
    if not case.startswith(("rule", "unknown top-level", "duplicate rule", "each-plan")):
        assert "cable-fire" in message  # the drill type is named, not just a field path


def test_a_drill_type_may_be_held_as_a_tabletop_only_when_no_objective_needs_a_live_drill(tmp_path):
    def tabletop_with_one_objective(data: dict) -> None:
        tabletop_only(data)
        cable_fire(data).update(objectives=cable_fire(data)["objectives"][:1], safety_plan_zh="", safety_plan_en="",
                                roles=["controller", "evaluator"])

    content = load_content(drill_seeds_with(tmp_path, tabletop_with_one_objective))
    assert content.drill_types["cable-fire"].forms == ["tabletop"]


def test_the_rules_of_the_file_come_with_the_content(tmp_path):
    content = load_content(drill_seeds_with(tmp_path, lambda d: None))
    rule = content.drill_rules["onsite-plan-half-year"]
    assert (rule.plan_levels, rule.counts, rule.interval_months, rule.applies_to) == (["onsite"], "each", 6, ["county"])
    assert content.drill_types["cable-fire"].satisfies(rule)


def test_a_file_without_rules_has_none(tmp_path):
    content = load_content(drill_seeds_with(tmp_path, lambda d: d.pop("rules")))
    assert content.drill_rules == {}


def test_two_templates_may_share_an_item_word_for_word(tmp_path):
    root = seeds_with(tmp_path, lambda d: None)
    data = yaml.safe_load((root / "templates" / "mini.yaml").read_text(encoding="utf-8"))
    data["key"] = "mini2"
    (root / "templates" / "mini2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    content = load_content(root)
    assert {i.key for i in content.templates["mini2"].items()} == {i.key for i in content.templates["mini"].items()}


def test_a_shared_item_key_with_a_different_item_behind_it_is_refused(tmp_path):
    root = seeds_with(tmp_path, lambda d: None)
    data = yaml.safe_load((root / "templates" / "mini.yaml").read_text(encoding="utf-8"))
    data["key"] = "mini2"
    data["sections"][0]["items"][0]["due_days_before_peak"] = 20  # same key, another due rule
    (root / "templates" / "mini2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"mini2\.yaml.*mini-plan-approved.*shared with template mini"):
        load_content(root)
