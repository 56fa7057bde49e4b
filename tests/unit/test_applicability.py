"""Each item names the unit kinds it applies to (and, for departments, the functions); a unit gets only
the items that apply to it, and the shipped templates give every kind of unit a realistic share."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from content.bundle import Content, coverage, load_content
from content.models import UNIT_KIND_NAMES, Item, UnitSpec, applies
from content.units import load_unit_specs
from tests.conftest import REAL_SEEDS, ROOT
from tests.seed_copies import mini_seeds_with

# ── the rule ──


def test_an_item_applies_to_a_unit_whose_kind_it_lists():
    assert applies(["prov_dispatch", "city_dispatch"], [], "city_dispatch", None)


def test_an_item_does_not_apply_to_a_unit_whose_kind_it_does_not_list():
    assert not applies(["prov_dispatch", "city_dispatch"], [], "county", None)


@pytest.mark.parametrize("kind", UNIT_KIND_NAMES)
def test_an_item_that_lists_no_kind_applies_to_every_kind(kind):
    function = "marketing" if kind == "department" else None
    assert applies([], [], kind, function)


def test_functions_restrict_departments_to_the_functions_listed():
    assert applies(["county", "department"], ["marketing"], "department", "marketing")
    assert not applies(["county", "department"], ["marketing"], "department", "operations")


def test_functions_restrict_every_department_when_the_item_lists_no_kind():
    assert not applies([], ["marketing"], "department", "safety_supervision")
    assert applies([], ["marketing"], "county", None)


def test_a_unit_without_a_function_gets_a_function_restricted_item_when_its_kind_is_listed():
    # A county company does every function itself.
    assert applies(["county", "department"], ["marketing"], "county", None)


def test_functions_never_widen_the_kinds_listed():
    assert not applies(["department"], ["marketing"], "county", None)
    assert not applies(["city_dispatch"], ["dispatch"], "department", "dispatch")


def test_an_item_answers_the_same_as_the_rule():
    item = Item(key="x-orderly-plan", text_zh="有序用电方案已批准", text_en="The orderly-use plan is approved",
                sources=["S1.4c-4"], criticality="major", discipline="marketing", due_days_before_peak=30,
                evidence_zh="批复", evidence_en="Approval", applies_to=["county", "department"],
                functions=["marketing"])
    assert item.applies("county", None) and item.applies("department", "marketing")
    assert not item.applies("department", "operations") and not item.applies("prov_dispatch", None)


# ── the shipped content and the demo organisation ──


@cache
def content() -> Content:
    return load_content(REAL_SEEDS)


@cache
def demo_units() -> tuple[UnitSpec, ...]:
    def walk(nodes: list[UnitSpec]) -> Iterator[UnitSpec]:
        for node in nodes:
            yield node
            yield from walk(node.children)

    return tuple(walk(load_unit_specs(REAL_SEEDS / "demo_org.yaml")))


def items_by_key() -> dict[str, Item]:
    return {item.key: item for template in content().templates.values() for item in template.items()}


def item(key: str) -> Item:
    found = items_by_key()
    assert key in found, f"{key} is not an item of the shipped templates (renamed?)"
    return found[key]


def units_of(kind: str) -> list[UnitSpec]:
    units = [u for u in demo_units() if u.kind == kind]
    assert units, f"the demo organisation has no {kind}"
    return units


def gets(unit: UnitSpec, key: str) -> bool:
    return item(key).applies(unit.kind, unit.function)


def column(unit: UnitSpec) -> str:
    """A kind, or a department by its function: the columns of the table below."""
    return f"department/{unit.function}" if unit.kind == "department" else unit.kind


def share() -> dict[str, dict[str, int]]:
    """Template → column → how many of the template's items a demo unit of that column gets."""
    table: dict[str, dict[str, int]] = {}
    for template in content().templates.values():
        table[template.key] = {}
        for unit in demo_units():
            table[template.key][column(unit)] = sum(i.applies(unit.kind, unit.function) for i in template.items())
    return table


def test_every_item_applies_to_at_least_one_unit_of_the_demo_organisation():
    nobody = [key for key, i in items_by_key().items()
              if not any(i.applies(u.kind, u.function) for u in demo_units())]
    assert not nobody, f"items no demo unit gets: {nobody}"


def test_an_item_that_applies_everywhere_says_so_in_a_comment():
    # `applies_to: []  # every unit: …` — an empty list must be a decision, not an oversight.
    silent = []
    for path in sorted((REAL_SEEDS / "templates").glob("*.yaml")):
        key = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := re.match(r"^\s+- key: (\S+)", line):
                key = m.group(1)
            if (m := re.match(r"^\s+applies_to: \[\]\s*(#\s*\S.*)?$", line)) and not m.group(1):
                silent.append(key)
    assert not silent, f"items with an empty applies_to and no comment: {silent}"
    for template in content().templates.values():
        for i in template.items():
            text = (REAL_SEEDS / "templates" / f"{template.key}.yaml").read_text(encoding="utf-8")
            block = text[text.index(f"- key: {i.key}\n"):]
            assert "applies_to:" in block.split("- key:")[1], f"{i.key} does not say whom it applies to"


def test_functions_are_given_only_with_departments_which_they_narrow():
    useless = [key for key, i in items_by_key().items() if i.functions and "department" not in i.applies_to]
    assert not useless, f"items naming functions without applying to departments: {useless}"


MAIN_GRID_ITEMS = ["sp-grid-load-forecast", "sp-grid-reserve-capacity", "sp-grid-peak-regulation",
                   "sp-mode-summer-mode", "sp-mode-n1-check", "sp-mode-maintenance-cut"]


@pytest.mark.parametrize("key", MAIN_GRID_ITEMS)
def test_a_county_company_does_not_get_the_main_grid_items_of_the_provincial_dispatch(key):
    assert all(gets(u, key) for u in units_of("prov_dispatch"))
    assert not any(gets(u, key) for u in units_of("county"))
    assert not any(gets(u, key) for u in units_of("station"))


def test_reserve_capacity_and_peak_regulation_are_the_provincial_dispatchs_alone():
    for key in ("sp-grid-reserve-capacity", "sp-grid-peak-regulation"):
        assert [u.code for u in demo_units() if gets(u, key)] == [u.code for u in units_of("prov_dispatch")]


def test_the_provincial_dispatch_centre_gets_no_customer_service_item():
    service = next(s for s in content().templates["summer-peak"].sections if s.key == "quality-service")
    keys = [i.key for i in service.items] + ["tf-low-customer-notice", "tf-after-customer-callbacks"]
    assert "sp-service-hotline-seats" in keys
    dispatch = units_of("prov_dispatch")[0]
    assert not [key for key in keys if gets(dispatch, key)]
    assert all(gets(u, "sp-service-hotline-seats") for u in demo_units()
               if u.kind == "department" and u.function == "marketing")


def test_a_county_company_takes_no_part_in_black_start_but_the_plants_and_dispatch_centres_do():
    black_start = content().templates["black-start"].items()
    county = units_of("county")[0]
    assert not [i.key for i in black_start if i.applies(county.kind, county.function)]
    for unit_kind in ("prov_dispatch", "plant", "station"):
        unit = units_of(unit_kind)[0]
        assert gets(unit, "bs-drill-joint-tabletop")
    assert gets(units_of("plant")[0], "bs-unit-self-start-test")
    assert not gets(units_of("station")[0], "bs-unit-self-start-test")


def test_dam_and_reservoir_items_go_to_plants_and_not_to_substations_or_county_companies():
    dams = next(s for s in content().templates["typhoon-flood"].sections if s.key == "hydro-dams")
    dam_keys = [i.key for i in dams.items] + ["si-flood-dam-monitoring", "si-flood-spillway-gates"]
    plant, station, county = units_of("plant")[0], units_of("station")[0], units_of("county")[0]
    assert all(gets(plant, key) for key in dam_keys)
    assert not [key for key in dam_keys if gets(station, key) or gets(county, key)]


def test_a_substation_gets_no_leadership_or_customer_item_and_a_plant_no_orderly_use_item():
    station, plant = units_of("station")[0], units_of("plant")[0]
    for key in ("sp-lead-command-group", "tf-org-command-group", "bs-staff-leading-group",
                "si-resp-supervision-body", "sp-orderly-plan-approved", "sp-service-key-customers"):
        assert not gets(station, key), key
    assert not [key for key in items_by_key() if key.startswith(("sp-orderly-", "sp-service-")) and gets(plant, key)]


def test_substation_heat_and_flood_work_goes_to_stations_counties_and_operations_departments_only():
    for key in ("sp-heat-transformer-cooling", "sp-grid-infrared-survey", "tf-low-flood-boards",
                "tf-after-special-patrol"):
        takers = {column(u) for u in demo_units() if gets(u, key)}
        assert {"station", "county", "department/operations"} <= takers, key
        assert not takers & {"province", "city", "prov_dispatch", "department/marketing",
                             "department/safety_supervision"}, key


def test_orderly_power_use_plan_goes_to_the_companies_and_marketing_departments():
    takers = {column(u) for u in demo_units() if gets(u, "sp-orderly-plan-approved")}
    assert takers == {"province", "city", "county", "department/marketing"}


def test_contractor_vetting_goes_to_city_and_county_companies_not_to_substations_or_dispatch():
    takers = {column(u) for u in demo_units() if gets(u, "si-con-contractor-vetting")}
    assert {"city", "county"} <= takers
    assert not takers & {"station", "prov_dispatch", "city_dispatch", "department/marketing"}


# A template's main participants get more than ten of its items; each template leaves out someone.
MAIN_PARTICIPANTS = {
    "summer-peak": ["province", "prov_dispatch", "city", "city_dispatch", "county", "station", "plant",
                    "department/operations", "department/marketing"],
    "typhoon-flood": ["province", "city", "county", "station", "plant", "department/operations"],
    "black-start": ["prov_dispatch", "city_dispatch", "station", "plant"],
    "safety-inspection": ["province", "prov_dispatch", "city", "city_dispatch", "county", "station", "plant",
                          "department/safety_supervision", "department/operations"],
}


def test_each_unit_kind_gets_a_plausible_share_of_each_template_it_takes_part_in():
    table = share()
    print("\ntemplate × kind → items")
    for template, row in table.items():
        print(f"  {template:<18} " + "  ".join(f"{k}={n}" for k, n in sorted(row.items())))
    assert set(MAIN_PARTICIPANTS) == set(table)
    for template, columns in MAIN_PARTICIPANTS.items():
        total = len(content().templates[template].items())
        for col in columns:
            assert table[template][col] > 10, f"{template}: {col} gets only {table[template][col]} items"
        # No kind but the county company, which does every function itself, gets (nearly) a whole template.
        for col, n in table[template].items():
            if col != "county":
                assert n < 0.9 * total, f"{template}: {col} gets {n} of {total} items"


# ── coverage counts an item only where it applies to a unit ──

FIXTURE_ORG = [UnitSpec(code="P", name_zh="测试省公司", name_en="Province", kind="province", children=[
    UnitSpec(code="K1", name_zh="测试县公司", name_en="County", kind="county")])]


def fixture_content_with(tmp_path: Path, **applies_to: list[str]) -> tuple[Path, Content]:
    root = mini_seeds_with(tmp_path, "applies_to", applies_to)
    return root, load_content(root)


def missing(rows) -> dict[str, list[str]]:
    return {row.directive.id: row.missing for row in rows if row.missing}


def test_a_directive_cited_only_by_an_item_no_unit_gets_is_uncovered(tmp_path):
    # S1.2b [C, D] is cited by mini-plan-approved alone; the organisation has no plant.
    _, bundle = fixture_content_with(tmp_path, **{"mini-plan-approved": ["plant"]})
    assert missing(coverage(bundle, FIXTURE_ORG)) == {"S1.2b": ["C"]}
    with_a_plant = [FIXTURE_ORG[0].model_copy(update={"children": [
        *FIXTURE_ORG[0].children, UnitSpec(code="PL", name_zh="电厂", name_en="Plant", kind="plant")]})]
    assert missing(coverage(bundle, with_a_plant)) == {}


def test_without_an_organisation_every_item_counts_as_before(tmp_path):
    _, bundle = fixture_content_with(tmp_path, **{"mini-plan-approved": ["plant"]})
    rows = {row.directive.id: row for row in coverage(bundle)}
    assert rows["S1.2b"].items == ("mini:mini-plan-approved",) and not rows["S1.2b"].missing


def test_an_item_counts_once_any_unit_of_the_tree_gets_it_however_deep(tmp_path):
    _, bundle = fixture_content_with(tmp_path, **{"mini-plan-approved": ["county"]})
    rows = {row.directive.id: row for row in coverage(bundle, FIXTURE_ORG)}
    assert rows["S1.2b"].items == ("mini:mini-plan-approved",)


def test_every_C_directive_is_cited_by_an_item_that_applies_to_a_demo_unit():
    rows = coverage(content(), load_unit_specs(REAL_SEEDS / "demo_org.yaml"))
    assert not {d: m for d, m in missing(rows).items() if "C" in m}
    assert not missing(rows)


def test_manage_coverage_fails_on_a_directive_only_items_no_demo_unit_gets_carry_out(tmp_path):
    seeds, _ = fixture_content_with(tmp_path, **{"mini-plan-approved": ["plant"]})
    env = {**os.environ, "READINESS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "READINESS_SEEDS_DIR": str(seeds)}
    out = subprocess.run([sys.executable, "manage.py", "coverage"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1, out.stdout + out.stderr
    assert re.search(r"^S1\.2b .*MISSING C$", out.stdout, re.M), out.stdout
    assert "demo_org.yaml" in out.stdout


def test_functions_without_department_among_the_kinds_are_refused_when_the_template_is_read():
    from pydantic import ValidationError

    from content.models import Item

    with pytest.raises(ValidationError, match="functions narrow only departments"):
        Item(key="x-item", text_zh="测试条目", text_en="Test item", sources=["S1.1a"], criticality="normal",
             discipline="marketing", due_days_before_peak=10, evidence_zh="记录", evidence_en="Record",
             applies_to=["county"], functions=["marketing"])
