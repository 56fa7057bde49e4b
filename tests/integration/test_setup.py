"""Set-up: init is idempotent, pinned templates are frozen, bad content changes nothing, demo data is rich."""

from __future__ import annotations

import shutil

import pytest
import yaml
from sqlalchemy import func, select

from admin.demo import DEMO_PASSWORD, load_demo
from admin.setup import initialize
from content.bundle import load_content
from core.errors import ContentError, InvalidInput
from org.accounts import sign_in
from store.db import snapshot, transaction
from store.schema import Campaign, ChecklistEvent, DrillRule, DrillType, OrgUnit, Template, TemplateItem
from tests.conftest import FIXTURE_SEEDS, NOW, REAL_SEEDS, build_world


def counts(engine) -> dict[str, int]:
    with snapshot(engine) as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t))
                for t in (Template, TemplateItem, DrillType, DrillRule, OrgUnit, Campaign, ChecklistEvent)}


def test_running_init_twice_changes_nothing(empty_engine):
    _, first = initialize(empty_engine, FIXTURE_SEEDS, now=NOW)
    before = counts(empty_engine)
    _, second = initialize(empty_engine, FIXTURE_SEEDS, now=NOW)
    assert first.added and not first.updated
    assert not second.added and not second.updated
    assert counts(empty_engine) == before


def edited_seeds(tmp_path, *, version: int):
    root = tmp_path / f"seeds-v{version}"
    shutil.copytree(FIXTURE_SEEDS, root)
    path = root / "templates" / "mini.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["version"] = version
    data["sections"][0]["items"][0]["text_en"] = "The contingency plan is revised, approved and filed"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def test_a_template_pinned_by_a_campaign_cannot_change_without_a_new_version(engine, tmp_path):
    build_world(engine)
    before = counts(engine)
    with pytest.raises(InvalidInput) as err:
        initialize(engine, edited_seeds(tmp_path, version=1), now=NOW)
    assert err.value.code == "error.template_frozen"
    assert counts(engine) == before

    _, report = initialize(engine, edited_seeds(tmp_path, version=2), now=NOW)
    assert report.added == ["template mini v2"]
    with snapshot(engine) as s:
        pinned = s.scalar(select(Template.version).join(Campaign, Campaign.template_id == Template.id))
    assert pinned == 1  # the campaign's history is not rewritten


def test_an_unpinned_template_version_is_replaced_in_place(engine, tmp_path):
    _, report = initialize(engine, edited_seeds(tmp_path, version=1), now=NOW)
    assert report.updated == ["template mini v1"]
    assert counts(engine)["templates"] == 1


def test_a_bad_seed_file_leaves_the_database_as_it_was(engine, tmp_path):
    before = counts(engine)
    root = tmp_path / "bad"
    shutil.copytree(FIXTURE_SEEDS, root)
    (root / "drill_types.yaml").write_text("drill_types:\n  - key: Bad Key\n", encoding="utf-8")
    with pytest.raises(ContentError):
        initialize(engine, root, now=NOW)
    assert counts(engine) == before


def test_the_real_seeds_load_and_the_demo_province_is_realistic(empty_engine):
    content, _ = initialize(empty_engine, REAL_SEEDS, now=NOW)
    with transaction(empty_engine) as s:
        accounts = load_demo(s, REAL_SEEDS, now=NOW, weeks=6)
    c = counts(empty_engine)
    # the seeds' templates, and the system template of corrective actions the demo's drill review raised
    assert c["templates"] == len(content.templates) + 1 and len(content.templates) >= 4
    assert c["org_units"] >= 30
    assert c["checklist_events"] > 500
    with snapshot(empty_engine) as s:
        last, campaign = s.scalars(select(Campaign).order_by(Campaign.peak_start)).all()
        days = s.scalar(select(func.count(func.distinct(ChecklistEvent.day)))
                        .where(ChecklistEvent.campaign_id == campaign.id))
    for acc in accounts:
        assert sign_in(empty_engine, acc.username, DEMO_PASSWORD, client=None, now=NOW).username == acc.username
    assert (last.name, last.status) == ("2026 迎峰度夏", "closed")
    assert (campaign.name, campaign.status) == ("2027 迎峰度夏", "open")
    assert campaign.peak_start.isoformat() == "2027-06-15"
    assert days >= 20  # several weeks of history, so the chart has a shape
    assert {a.role for a in accounts} == {"unit_member", "unit_lead", "drill_coordinator", "executive", "admin"}

    with transaction(empty_engine) as s:
        load_demo(s, REAL_SEEDS, now=NOW)
    assert counts(empty_engine) == c  # a second run adds nothing


def test_the_real_content_is_of_realistic_depth():
    content = load_content(REAL_SEEDS)
    for key in ("summer-peak", "typhoon-flood", "black-start", "safety-inspection"):
        assert 20 <= len(content.templates[key].items()) <= 80, key
    for key in ("anti-accident", "black-start", "flood-typhoon", "cable-fire", "orderly-power-use",
                "large-area-blackout", "confined-space-rescue", "cyber-incident", "crowded-premises-fire"):
        assert key in content.drill_types
    assert len(content.drill_rules) >= 5


def test_init_stores_each_drill_types_plan_forms_and_defaults_and_the_rules(empty_engine):
    from drills.service import list_drill_rules, list_drill_types

    _, report = initialize(empty_engine, FIXTURE_SEEDS, now=NOW)
    assert {"drill type cable-fire", "drill rule onsite-plan-half-year"} <= set(report.added)
    with snapshot(empty_engine) as s:
        (cable_fire,) = list_drill_types(session=s)
        (rule,) = list_drill_rules(session=s)
    assert (cable_fire.plan_level, cable_fire.forms, cable_fire.unannounced_allowed) == (
        "onsite", ("tabletop", "full_scale"), True)
    assert cable_fire.roles == ("controller", "evaluator", "safety_officer")
    assert cable_fire.external_participants == ("fire_brigade_119",)
    assert [i["minute"] for i in cable_fire.injects] == [0, 15]
    assert cable_fire.safety_plan_en and cable_fire.scenario_zh
    live = {o["key"]: o["live_only"] for o in cable_fire.objectives}
    assert live == {"cf-alarm": False, "cf-breathing-apparatus": True}
    assert all(o["criteria_zh"] and o["criteria_en"] for o in cable_fire.objectives)
    assert (rule.key, rule.plan_levels, rule.counts, rule.interval_months, rule.applies_to) == (
        "onsite-plan-half-year", ("onsite",), "each", 6, ("county",))
    assert not rule.per_shift and not rule.before_peak


def _rules_edited(tmp_path, edit):
    root = tmp_path / "seeds-rules"
    shutil.copytree(FIXTURE_SEEDS, root, dirs_exist_ok=True)
    path = root / "drill_types.yaml"
    data = yaml.safe_load((FIXTURE_SEEDS / "drill_types.yaml").read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def test_a_changed_rule_is_updated_a_new_one_added_and_one_gone_from_the_file_removed(engine, tmp_path):
    from drills.service import list_drill_rules

    def edit(data):
        first = data["rules"][0]
        data["rules"] = [{**first, "key": "onsite-plan-quarterly", "interval_months": 6, "applies_to": ["station"]},
                         {**first, "applies_to": ["county", "station"]}]

    _, report = initialize(engine, _rules_edited(tmp_path, edit), now=NOW)
    assert report.added == ["drill rule onsite-plan-quarterly"]
    assert report.updated == ["drill rule onsite-plan-half-year"]
    assert report.unchanged.count("drill type cable-fire") == 1
    with snapshot(engine) as s:
        assert [(r.key, r.applies_to) for r in list_drill_rules(session=s)] == [
            ("onsite-plan-quarterly", ("station",)), ("onsite-plan-half-year", ("county", "station"))]

    _, report = initialize(engine, _rules_edited(tmp_path, lambda d: d.pop("rules")), now=NOW)
    assert report.removed == ["drill rule onsite-plan-half-year", "drill rule onsite-plan-quarterly"]
    assert counts(engine)["drill_rules"] == 0
    _, again = initialize(engine, _rules_edited(tmp_path, lambda d: d.pop("rules")), now=NOW)
    assert not again.added and not again.updated and not again.removed
