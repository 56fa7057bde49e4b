"""Planning drills through the service, on a real database: a clash refuses the save and names its reason,
warnings come back with the saved drill, a move is checked again, a cancelled drill frees its slot, and
only drills actually held (with the units recorded as taking part) count for the required drills."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from checklists import campaigns, events
from core.errors import Forbidden, InvalidInput, InvalidTransition, StaleWrite
from drills import planning, required
from drills.planning import DrillDraft, DrillRefused
from store.db import snapshot, transaction
from store.schema import DrillLogEntry, DrillType, EmergencyPlan, OrgUnit
from tests.conftest import NOW, ROOT
from tests.seed_copies import fixture_org

ORG = """units:
  - code: P
    name_zh: 测试省公司
    name_en: Test Provincial Co.
    kind: province
    children:
      - code: C1
        name_zh: 甲市公司
        name_en: City A
        kind: city
        children:
          - {code: C1-DISP, name_zh: 甲市调控中心, name_en: City A Dispatch, kind: city_dispatch}
          - {code: C1-K1, name_zh: 甲一县公司, name_en: County A1, kind: county}
          - {code: C1-K2, name_zh: 甲二县公司, name_en: County A2, kind: county}
      - {code: C2, name_zh: 乙市公司, name_en: City B, kind: city}
"""
PEAK = date(2027, 6, 15)
SH = timedelta(hours=8)
SH_ZONE = timezone(SH)


def at(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    """A Shanghai wall-clock time, as the aware UTC moment."""
    return datetime(y, m, d, h, mi, tzinfo=UTC) - SH


@pytest.fixture
def plan(empty_engine, tmp_path: Path):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "demo_org.yaml").write_text(ORG, encoding="utf-8")
    people = fixture_org(empty_engine, seeds, {
        "admin": [("admin", None)], "coord": [("drill_coordinator", "C1")],
        "coord2": [("drill_coordinator", "C2")], "lead": [("unit_lead", "C1-K1")], "lead2": [("unit_lead", "C2")],
        "eva": [("unit_member", "C1")]})
    with transaction(empty_engine) as s:
        campaign = campaigns.open_campaign("2027 度夏", "summer-peak", peak_start=PEAK, starts_on=date(2026, 11, 1),
                                           peak_end=date(2027, 9, 15),
                                           unit_codes=["P", "C1", "C1-DISP", "C1-K1", "C1-K2", "C2"],
                                           session=s, actor=people["admin"], now=NOW)
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id)).all())
    return Plan(empty_engine, campaign.id, units, people)


class Plan:
    def __init__(self, engine, campaign_id, units, people):
        self.engine, self.campaign_id, self.units, self.people = engine, campaign_id, units, people

    def draft(self, *, start: datetime, hours: float = 3, units=("C1-K1",), type_key="flood-typhoon",
              form="tabletop", evaluators=(), title="防汛桌面推演", **more) -> DrillDraft:
        return DrillDraft(type_key=type_key, form=form, title=title, starts_at=start,
                          ends_at=start + timedelta(hours=hours), lead_unit_id=self.units[units[0]],
                          unit_ids=frozenset(self.units[u] for u in units),
                          evaluator_ids=frozenset(self.people[e].user_id for e in evaluators),
                          campaign_id=self.campaign_id, **more)

    def save(self, draft: DrillDraft, actor: str = "coord", at_: datetime = NOW) -> planning.Saved:
        with transaction(self.engine) as s:
            return planning.plan_drill(draft, session=s, actor=self.people[actor], now=at_)

    def view(self, drill_id: int) -> planning.DrillView:
        with snapshot(self.engine) as s:
            return planning.get_drill(drill_id, session=s)

    def requirements(self, as_of: date, unit: str) -> list[required.Requirement]:
        with snapshot(self.engine) as s:
            return required.required_drills(self.campaign_id, session=s, as_of=as_of,
                                            unit_ids={self.units[unit]})


def test_a_coordinator_plans_a_drill_and_it_starts_from_its_types_objectives_and_injects(plan):
    saved = plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-K1", "C1-K2"), evaluators=("eva",)))
    drill = plan.view(saved.drill_id)
    assert (drill.status, drill.version, drill.plan_level, drill.form) == ("planned", 1, "special", "tabletop")
    assert set(drill.unit_codes) == {"C1-K1", "C1-K2"} and drill.coordinator_name == "Coord"
    assert drill.ids_in("evaluator") == {plan.people["eva"].user_id}
    assert drill.injects and drill.scenario
    # A tabletop drill does not carry objectives that only a live drill can show.
    assert not [o for o in drill.objectives if o.get("live_only")]
    assert saved.warnings == ()  # a Tuesday in a covered year, no events


def test_a_unit_already_in_another_drill_at_that_time_refuses_the_save_and_nothing_is_written(plan):
    plan.save(plan.draft(start=at(2026, 12, 8)))
    with pytest.raises(DrillRefused) as refused:
        plan.save(plan.draft(start=at(2026, 12, 8, 11), title="另一场演练",
                             coordinator_id=plan.people["coord2"].user_id))
    assert [f.code for f in refused.value.findings] == ["clash-unit"]
    assert "C1-K1" in refused.value.findings[0].message("zh")
    with snapshot(plan.engine) as s:
        assert len(planning.list_drills(session=s, actor=None)) == 1


def test_an_evaluator_cannot_be_in_two_drills_at_once(plan):
    plan.save(plan.draft(start=at(2026, 12, 8), evaluators=("eva",)))
    with pytest.raises(DrillRefused) as refused:
        plan.save(plan.draft(start=at(2026, 12, 8, 10), units=("C1-K2",), evaluators=("eva",),
                             coordinator_id=plan.people["coord2"].user_id))
    assert [f.code for f in refused.value.findings] == ["clash-person"]
    assert "Eva" in refused.value.findings[0].message("en")


def test_a_weekend_drill_is_saved_with_its_warning(plan):
    saved = plan.save(plan.draft(start=at(2026, 12, 12)))  # a Saturday
    assert [f.code for f in saved.warnings] == ["weekend"]
    with snapshot(plan.engine) as s:
        log = planning.drill_log(saved.drill_id, session=s)
    assert [(e.kind, e.text) for e in log] == [("planned", "weekend")]


def test_a_drill_during_a_typhoon_declared_for_its_unit_is_warned_about(plan):
    with transaction(plan.engine) as s:
        events.declare_event(plan.campaign_id, "typhoon", unit_codes=["C1-K1"], starts_at=at(2026, 12, 7), name="台风“测试”",
                             ends_at=at(2026, 12, 10), session=s, actor=None, now=NOW)
    saved = plan.save(plan.draft(start=at(2026, 12, 8)))
    assert [f.code for f in saved.warnings] == ["peak-window"]
    assert "台风“测试”" in saved.warnings[0].message("zh")
    # The other county is not under the typhoon.
    other = plan.draft(start=at(2026, 12, 8), units=("C1-K2",), coordinator_id=plan.people["coord2"].user_id)
    assert plan.save(other).warnings == ()


def test_a_drill_that_must_precede_the_peak_is_warned_when_it_comes_after(plan):
    saved = plan.save(plan.draft(start=at(2027, 6, 22)))
    assert "after-peak" in [f.code for f in saved.warnings]


def test_moving_a_drill_runs_the_rules_again_and_a_stale_move_is_refused(plan):
    first = plan.save(plan.draft(start=at(2026, 12, 8)))
    second = plan.save(plan.draft(start=at(2026, 12, 9)))
    with transaction(plan.engine) as s, pytest.raises(DrillRefused):
        planning.move_drill(second.drill_id, at(2026, 12, 8, 10), at(2026, 12, 8, 12), expected_version=1,
                            session=s, actor=plan.people["coord"], now=NOW)
    with transaction(plan.engine) as s:
        moved = planning.move_drill(second.drill_id, at(2026, 12, 10), at(2026, 12, 10, 12), expected_version=1,
                                    session=s, actor=plan.people["coord"], now=NOW)
    assert moved.version == 2 and plan.view(second.drill_id).starts_at == at(2026, 12, 10)
    with transaction(plan.engine) as s, pytest.raises(StaleWrite):
        planning.move_drill(second.drill_id, at(2026, 12, 11), at(2026, 12, 11, 12), expected_version=1,
                            session=s, actor=plan.people["coord"], now=NOW)
    with snapshot(plan.engine) as s:
        kinds = [e.kind for e in planning.drill_log(second.drill_id, session=s)]
    assert kinds == ["planned", "moved"]
    assert plan.view(first.drill_id).version == 1


def test_a_cancelled_drill_needs_a_reason_and_frees_its_slot(plan):
    saved = plan.save(plan.draft(start=at(2026, 12, 8)))
    with transaction(plan.engine) as s, pytest.raises(InvalidInput):
        planning.cancel_drill(saved.drill_id, "  ", expected_version=1, session=s, actor=plan.people["coord"],
                              now=NOW)
    with transaction(plan.engine) as s:
        planning.cancel_drill(saved.drill_id, "与检修计划冲突", expected_version=1, session=s,
                              actor=plan.people["coord"], now=NOW)
    drill = plan.view(saved.drill_id)
    assert (drill.status, drill.cancel_reason) == ("cancelled", "与检修计划冲突")
    assert plan.save(plan.draft(start=at(2026, 12, 8))).warnings == ()


def test_a_coordinator_plans_only_in_their_scope_and_leads_see_only_their_units_drills(plan):
    with pytest.raises(Forbidden):
        plan.save(plan.draft(start=at(2026, 12, 8), units=("C2",)), actor="coord")
    plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-K1",)))
    plan.save(plan.draft(start=at(2026, 12, 8), units=("C2",), title="乙市演练"), actor="coord2")
    with snapshot(plan.engine) as s:
        assert [d.title for d in planning.list_drills(session=s, actor=plan.people["lead"])] == ["防汛桌面推演"]
        assert [d.title for d in planning.list_drills(session=s, actor=plan.people["lead2"])] == ["乙市演练"]


def test_a_form_the_type_does_not_use_is_refused_in_the_users_language(plan):
    with pytest.raises(InvalidInput) as refused:
        plan.save(plan.draft(start=at(2026, 12, 8), type_key="cable-fire", form="functional"))
    assert refused.value.code == "drl.form_not_allowed"


def test_only_a_drill_held_with_the_unit_taking_part_meets_its_requirement(plan):
    def annual(unit: str, as_of: date) -> required.Requirement:
        return next(r for r in plan.requirements(as_of, unit) if r.rule_key == "annual-plan-drill")

    assert annual("C1-K1", date(2026, 12, 1)).state == "missing"
    saved = plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-K1", "C1-K2")))
    planned = annual("C1-K1", date(2026, 12, 1))
    assert planned.state == "missing" and planned.planned_drill_id == saved.drill_id  # planned is not held
    with transaction(plan.engine) as s:
        planning.set_status(saved.drill_id, "ready", expected_version=1, session=s, actor=plan.people["coord"],
                            now=NOW)
        with pytest.raises(InvalidInput):  # not begun yet
            planning.record_conducted(saved.drill_id, attended_unit_ids=[plan.units["C1-K1"]],
                                      attended_person_ids=[], expected_version=2, session=s,
                                      actor=plan.people["coord"], now=NOW)
    with transaction(plan.engine) as s:
        planning.record_conducted(saved.drill_id, attended_unit_ids=[plan.units["C1-K1"]], attended_person_ids=[],
                                  expected_version=2, session=s, actor=plan.people["coord"], now=at(2026, 12, 8, 13))
    held = annual("C1-K1", date(2026, 12, 9))
    assert (held.state, held.last_held, held.due_by) == ("met", date(2026, 12, 8), date(2027, 12, 8))
    # C1-K2 was on the plan but did not take part: still missing, and overdue once the peak has passed.
    assert annual("C1-K2", date(2026, 12, 9)).state == "missing"
    assert annual("C1-K2", date(2027, 6, 20)).state == "overdue"
    with transaction(plan.engine) as s, pytest.raises(InvalidTransition):
        planning.cancel_drill(saved.drill_id, "太晚了", expected_version=3, session=s, actor=plan.people["coord"],
                              now=NOW)


def test_each_on_site_plan_in_the_inventory_needs_its_own_drill(plan):
    def onsite(as_of: date) -> list[required.Requirement]:
        return [r for r in plan.requirements(as_of, "C1-K1") if r.rule_key == "onsite-plan-half-year"]

    assert [r.state for r in onsite(date(2026, 12, 1))] == ["no-plan"]
    with transaction(plan.engine) as s:
        for code in ("XC-01", "XC-02"):
            s.add(EmergencyPlan(unit_id=plan.units["C1-K1"], code=code, title=f"电缆隧道火灾现场处置方案 {code}",
                                level="onsite", issued_on=date(2025, 3, 1)))
        s.flush()
        first_plan = s.scalar(select(EmergencyPlan.id).where(EmergencyPlan.code == "XC-01"))
    saved = plan.save(plan.draft(start=at(2026, 12, 8), type_key="cable-fire", emergency_plan_id=first_plan))
    with transaction(plan.engine) as s:
        planning.set_status(saved.drill_id, "ready", expected_version=1, session=s, actor=None, now=NOW)
    with transaction(plan.engine) as s:
        planning.record_conducted(saved.drill_id, attended_unit_ids=[plan.units["C1-K1"]], attended_person_ids=[],
                                  expected_version=2, session=s, actor=None, now=at(2026, 12, 9))
    states = {r.plan_title[-5:]: (r.state, r.last_held, r.due_by) for r in onsite(date(2026, 12, 10))}
    # Held in December, XC-01 is due again six months on, a week before the peak: another is due before it.
    assert states == {"XC-01": ("due", date(2026, 12, 8), date(2027, 6, 8)), "XC-02": ("missing", None, PEAK)}
    assert [r.state for r in onsite(date(2027, 6, 1)) if r.plan_title.endswith("XC-01")] == ["due"]
    assert [r.state for r in onsite(date(2027, 6, 9)) if r.plan_title.endswith("XC-01")] == ["overdue"]


def test_a_unit_owes_premises_fire_drills_only_for_the_premises_it_runs(plan):
    def premises(as_of: date) -> list[tuple[str, str | None]]:
        return [(r.state, r.plan_title) for r in plan.requirements(as_of, "C1-K1")
                if r.rule_key == "crowded-premises-half-year"]

    assert premises(date(2026, 12, 1)) == []  # it runs no hotel or venue: nothing owed, no "no plan" row
    with transaction(plan.engine) as s:
        fire = s.scalar(select(DrillType.id).where(DrillType.key == "crowded-premises-fire"))
        s.add(EmergencyPlan(unit_id=plan.units["C1-K1"], code="RM-01", title="电力宾馆灭火和应急疏散预案",
                            level="onsite", issued_on=date(2025, 3, 1), drill_type_id=fire))
    assert premises(date(2026, 12, 1)) == [("missing", "电力宾馆灭火和应急疏散预案")]


def test_the_drill_log_is_append_only_in_the_database(plan):
    saved = plan.save(plan.draft(start=at(2026, 12, 8)))
    with pytest.raises(DBAPIError, match="append-only"), transaction(plan.engine) as s:
        s.execute(text("UPDATE drill_log SET text = 'x' WHERE drill_id = :d"), {"d": saved.drill_id})
    with pytest.raises(DBAPIError, match="append-only"), transaction(plan.engine) as s:
        s.execute(text("DELETE FROM drill_log"))
    with snapshot(plan.engine) as s:
        assert s.scalar(select(DrillLogEntry.kind).where(DrillLogEntry.drill_id == saved.drill_id)) == "planned"


# ── The suggested schedule ──────────────────────────────────────────────────


def test_the_planner_proposes_slots_for_every_gap_in_scope_and_accepting_them_plans_them_all(plan):
    from drills import suggest

    today = date(2026, 12, 1)
    with snapshot(plan.engine) as s:
        proposal = suggest.propose(plan.campaign_id, session=s, actor=plan.people["coord"], today=today)
        gaps = [r for r in required.required_drills(plan.campaign_id, session=s, as_of=today)
                if r.state in ("overdue", "missing", "due")]
    placed = proposal.placed
    assert placed and not proposal.result.unplaced
    # Only units the coordinator may plan for (C1's sub-tree), one suggestion per gap there.
    in_scope = {plan.units[c] for c in ("C1", "C1-DISP", "C1-K1", "C1-K2")}
    assert {u for p in placed for u in p.missing.unit_ids} <= in_scope
    assert len(placed) == len({(g.rule_key, g.unit_id, g.plan_id) for g in gaps if g.unit_id in in_scope})
    for p in placed:
        assert today < p.drill.start.astimezone(SH_ZONE).date() < PEAK
        assert not [f for f in p.findings if f.is_error]
    with transaction(plan.engine) as s:
        saved = suggest.accept(proposal, [p.missing.key for p in placed], session=s, actor=plan.people["coord"],
                               now=NOW)
    assert len(saved) == len(placed)
    with snapshot(plan.engine) as s:
        after = [r for r in required.required_drills(plan.campaign_id, session=s, as_of=today,
                                                     unit_ids=in_scope) if r.state != "met"]
    # A gap in the inventory (no plan, no shift recorded) is not one a drill can close.
    assert after and all(r.planned_drill_id is not None for r in after if r.state not in ("no-plan", "no-shift"))


def test_accepting_a_suggestion_whose_slot_was_taken_meanwhile_plans_none_of_them(plan):
    from drills import suggest

    with snapshot(plan.engine) as s:
        proposal = suggest.propose(plan.campaign_id, session=s, actor=plan.people["coord"], today=date(2026, 12, 1))
    first, second = proposal.placed[:2]
    unit = next(iter(second.missing.unit_ids))
    code = next(c for c, i in plan.units.items() if i == unit)
    plan.save(plan.draft(start=second.drill.start, units=(code,), coordinator_id=plan.people["coord2"].user_id,
                         hours=(second.drill.end - second.drill.start).total_seconds() / 3600))
    with pytest.raises(DrillRefused), transaction(plan.engine) as s:
        suggest.accept(proposal, [first.missing.key, second.missing.key], session=s, actor=plan.people["coord"],
                       now=NOW)
    with snapshot(plan.engine) as s:
        assert len(planning.list_drills(session=s, actor=None)) == 1


# ── Running a drill: injects released, responses logged ────────────────────


def test_a_controller_releases_the_injects_and_the_responses_are_timed_against_them(plan):
    from drills import conduct

    saved = plan.save(plan.draft(start=at(2026, 12, 8), evaluators=("eva",)))
    with transaction(plan.engine) as s:
        planning.set_status(saved.drill_id, "ready", expected_version=1, session=s, actor=plan.people["coord"],
                            now=NOW)
    first = plan.view(saved.drill_id).injects[0]["key"]
    with transaction(plan.engine) as s, pytest.raises(InvalidInput):  # before the drill starts
        conduct.release_inject(saved.drill_id, first, session=s, actor=plan.people["coord"], now=at(2026, 12, 8, 8))
    with transaction(plan.engine) as s:
        conduct.release_inject(saved.drill_id, first, session=s, actor=plan.people["coord"], now=at(2026, 12, 8, 9))
    with transaction(plan.engine) as s:  # the evaluator logs what the players did, 12 minutes later
        conduct.log_response(saved.drill_id, "值班员启动二级响应并通知抢修队伍", inject_key=first,
                             at=at(2026, 12, 8, 9, 12), session=s, actor=plan.people["eva"], now=at(2026, 12, 8, 9, 20))
    with transaction(plan.engine) as s, pytest.raises(InvalidInput):
        conduct.release_inject(saved.drill_id, first, session=s, actor=plan.people["coord"], now=at(2026, 12, 8, 9, 30))
    with transaction(plan.engine) as s, pytest.raises(Forbidden):  # a lead who is not in the drill's staff
        conduct.log_response(saved.drill_id, "记录", session=s, actor=plan.people["lead"], now=at(2026, 12, 8, 9, 30))
    with snapshot(plan.engine) as s:
        line = conduct.timeline(saved.drill_id, session=s)
    assert line[0].key == first and line[0].released_at == at(2026, 12, 8, 9)
    assert line[0].first_response_minutes() == 12
    assert all(e.released_at is None for e in line[1:])


def test_a_scenario_timeline_is_replaced_before_the_drill_and_checked_row_by_row(plan):
    from drills import conduct

    saved = plan.save(plan.draft(start=at(2026, 12, 8), hours=2))
    timeline = [{"key": "t1", "minute": 0, "text_zh": "暴雨红色预警发布"},
                {"key": "t2", "minute": 45, "text_zh": "低洼变电站进水", "text_en": "A low-lying substation floods"}]
    with transaction(plan.engine) as s:
        conduct.set_timeline(saved.drill_id, timeline, expected_version=1, session=s, actor=plan.people["coord"],
                             now=NOW)
    assert [i["key"] for i in plan.view(saved.drill_id).injects] == ["t1", "t2"]
    late = [*timeline, {"key": "t3", "minute": 150, "text_zh": "超出演练时长"}]
    with transaction(plan.engine) as s, pytest.raises(InvalidInput) as refused:
        conduct.set_timeline(saved.drill_id, late, expected_version=2, session=s, actor=plan.people["coord"], now=NOW)
    assert refused.value.code == "drl.timeline_minute_outside" and refused.value.params["row"] == 3
    assert len(plan.view(saved.drill_id).injects) == 2


# ── The plan inventory, the annual plan and the multi-year view ─────────────


def test_a_units_plans_are_recorded_revised_and_withdrawn_and_show_when_they_were_last_exercised(plan):
    from drills import inventory

    k1 = plan.units["C1-K1"]
    with transaction(plan.engine) as s:
        first = inventory.add_plan(k1, "xc-01", "电缆隧道火灾现场处置方案", "onsite", issued_on=date(2025, 3, 1),
                                   drill_type_key="cable-fire", session=s, actor=plan.people["coord"], now=NOW)
    with transaction(plan.engine) as s, pytest.raises(InvalidInput) as taken:
        inventory.add_plan(k1, "XC-01", "重复编号", "onsite", issued_on=date(2025, 3, 1), session=s,
                           actor=plan.people["coord"], now=NOW)
    assert taken.value.code == "drl.plan_code_taken"
    with transaction(plan.engine) as s, pytest.raises(Forbidden):
        inventory.add_plan(plan.units["C2"], "ZH-01", "乙市综合预案", "comprehensive", issued_on=date(2025, 3, 1),
                           session=s, actor=plan.people["coord"], now=NOW)
    saved = plan.save(plan.draft(start=at(2026, 12, 8), type_key="cable-fire", emergency_plan_id=first))
    with transaction(plan.engine) as s:
        planning.set_status(saved.drill_id, "ready", expected_version=1, session=s, actor=None, now=NOW)
    with transaction(plan.engine) as s:
        planning.record_conducted(saved.drill_id, attended_unit_ids=[k1], attended_person_ids=[], expected_version=2,
                                  session=s, actor=None, now=at(2026, 12, 9))
        inventory.revise_plan(first, revised_on=date(2026, 12, 20), session=s, actor=plan.people["coord"], now=NOW)
    with snapshot(plan.engine) as s:
        (view,) = inventory.list_plans([k1], session=s)
        assert (view.code, view.last_exercised, view.revised_on) == ("XC-01", date(2026, 12, 8), date(2026, 12, 20))
        assert inventory.exercised_by_year([k1], [2025, 2026], session=s) == {first: {2025: 0, 2026: 1}}
        (entry,) = inventory.annual_plan(2026, [k1], session=s)
        assert (entry.month, entry.status, entry.type_key) == (12, "conducted", "cable-fire")
        assert inventory.annual_plan(2027, [k1], session=s) == []
    with transaction(plan.engine) as s:
        inventory.withdraw_plan(first, session=s, actor=plan.people["coord"], now=NOW)
    with snapshot(plan.engine) as s:
        assert inventory.list_plans([k1], session=s) == []
        assert [r.state for r in required.required_drills(plan.campaign_id, session=s, as_of=date(2026, 12, 10),
                                                          unit_ids={k1}) if r.rule_key == "onsite-plan-half-year"] \
            == ["no-plan"]
