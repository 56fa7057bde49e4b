"""The hazard register (隐患台账), through the services on a real database: a lead records a hazard found in an
inspection, which becomes an open corrective item of the unit and a row of the register with its age; a
refusal stores nothing; a drill's corrective action gets the category of its drill type unless one is given;
the register as of a past day is the one of that day; a finding closed on its checklist leaves it; and the
migration to 0016 keeps the drills' actions both ways."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from admin import hazards
from checklists import changes, evidence, queries
from core.config import Settings
from core.errors import Forbidden, InvalidInput
from drills import findings, review
from store.db import alembic_config, migrate, snapshot, transaction
from store.schema import CorrectiveAction
from tests.integration.test_drill_planning import at, plan  # noqa: F401  (plan is a fixture)
from tests.integration.test_drill_review import AFTER, checklist_row, held, raise_action  # noqa: F401
from tests.integration.test_evidence import png

FOUND = date(2026, 12, 5)
DUE = date(2026, 12, 20)
TEXT = "配电室电缆沟盖板破损，积水未排"


def record(world, unit: str = "C1-K1", who: str | None = "lead", now=AFTER, **more) -> int:
    values = {"description": TEXT, "category": "cable", "criticality": "major", "due_on": DUE,
              "found_on": FOUND} | more
    with transaction(world.engine) as s:
        return findings.raise_finding(world.campaign_id, world.units[unit], session=s,
                                      actor=world.people[who] if who else None, now=now, **values)


def register(world, as_of: date, *units: str):
    with snapshot(world.engine) as s:
        return hazards.hazard_register(world.campaign_id, as_of, session=s,
                                       unit_ids=[world.units[u] for u in units or ("C1-K1", "C1-K2")])


def close(world, unit: str, occurrence: str, when) -> None:
    """Tick the finding's occurrence done with a photo, as the unit's lead."""
    row = checklist_row(world, unit, occurrence)
    who = world.people["lead"]
    with transaction(world.engine) as s:
        evidence.attach_evidence(world.campaign_id, world.units[unit], row.item_id, occurrence, "整改后.png", png(),
                                 expected_version=row.version, session=s, actor=who, now=when,
                                 settings=Settings(evidence_dir=None))
        changes.mark_done(world.campaign_id, world.units[unit], row.item_id, expected_version=row.version + 1,
                          occurrence=occurrence, session=s, actor=who, now=when)


def stored(world) -> list[CorrectiveAction]:
    with snapshot(world.engine) as s:
        return s.scalars(select(CorrectiveAction)).all()


def test_a_lead_records_an_inspection_finding_which_is_an_open_corrective_item_and_in_the_register_with_its_age(
        held):  # noqa: F811
    action_id = record(held, criticality="critical", directive_id="S1.2b")
    row = checklist_row(held, "C1-K1", f"A{action_id}")
    assert (row.kind, row.status, row.due, row.criticality) == ("corrective", "open", DUE, "critical")
    assert row.requires_evidence and row.counts_before_peak

    (action,) = stored(held)
    assert (action.source, action.drill_id, action.category, action.found_on) == ("inspection", None, "cable", FOUND)
    table = register(held, AFTER.date())
    assert table.to_dict("records") == [{
        "action_id": action_id, "unit_id": held.units["C1-K1"], "source": "inspection", "category": "cable",
        "criticality": "critical", "description": TEXT, "drill_title": "", "found_on": FOUND, "due_on": DUE,
        "age_days": 4, "overdue": False}]
    assert register(held, date(2026, 12, 21))["overdue"].tolist() == [True]
    with snapshot(held.engine) as s:
        (view,) = review.corrective_actions(session=s, campaign_id=held.campaign_id, open_only=True)
    assert (view.source, view.drill_id, view.drill_title, view.category, view.found_on) == (
        "inspection", None, "", "cable", FOUND)


def test_the_findings_checklist_row_reads_as_its_own_description(held):  # noqa: F811
    action_id = record(held)
    row = checklist_row(held, "C1-K1", f"A{action_id}")
    assert (row.text_zh, row.drill_title) == (TEXT, "")


def test_a_drill_coordinator_records_one_for_a_unit_in_scope_and_the_command_line_for_any(held):  # noqa: F811
    record(held, unit="C1-K2", who="coord")
    record(held, unit="C2", who=None, category="fire")
    assert sorted((a.source, a.category) for a in stored(held)) == [("inspection", "cable"), ("inspection", "fire")]


@pytest.mark.parametrize(("who", "unit", "more", "error", "code"), [
    ("lead", "C2", {}, Forbidden, "error.forbidden"),  # lead of C1-K1 only
    ("eva", "C1-K1", {}, Forbidden, "error.forbidden"),  # a member may not
    ("lead", "C1-K1", {"category": "meteor"}, InvalidInput, "error.bad_hazard_category"),
    ("lead", "C1-K1", {"due_on": date(2026, 12, 4)}, InvalidInput, "error.finding_due_before_found"),
    ("lead", "C1-K1", {"found_on": date(2026, 12, 10)}, InvalidInput, "error.finding_in_future"),
    ("lead", "C1-K1", {"description": "   "}, InvalidInput, "rev.description_required"),
    ("lead", "C1-K1", {"criticality": "urgent"}, InvalidInput, "rev.bad_criticality"),
])
def test_a_refused_finding_stores_nothing(held, who, unit, more, error, code):  # noqa: F811
    with pytest.raises(error) as refused:
        record(held, unit=unit, who=who, **more)
    assert refused.value.code == code
    assert stored(held) == []
    with snapshot(held.engine) as s:
        assert not [r for r in queries.unit_checklist(held.campaign_id, held.units[unit], session=s)
                    if r.kind == "corrective"]
    assert register(held, AFTER.date(), unit).empty


def test_a_drill_action_gets_the_category_of_its_drill_type_or_the_one_given(held):  # noqa: F811
    derived = raise_action(held)
    given = raise_action(held, category="equipment")
    by_id = {a.id: a for a in stored(held)}
    assert (by_id[derived].source, by_id[derived].category) == ("drill", "flood_typhoon")  # a flood-typhoon drill
    assert by_id[given].category == "equipment"
    assert by_id[derived].found_on == date(2026, 12, 8)  # the day the drill ended
    table = register(held, AFTER.date())
    assert set(table["source"]) == {"drill"} and set(table["drill_title"]) == {"防汛桌面推演"}
    with pytest.raises(InvalidInput) as refused:
        raise_action(held, category="meteor")
    assert refused.value.code == "error.bad_hazard_category"


def test_the_register_of_a_past_day_leaves_out_later_findings_and_counts_one_closed_later_as_open(held):  # noqa: F811
    early = record(held)  # found on 5 December
    late = record(held, unit="C1-K2", who="coord", found_on=date(2026, 12, 9), description="消防通道堆放杂物",
                  category="fire")
    close(held, "C1-K1", f"A{early}", at(2026, 12, 10, 15))

    assert register(held, date(2026, 12, 6))["action_id"].tolist() == [early]
    before = register(held, date(2026, 12, 9))
    assert before["action_id"].tolist() == [early, late]  # oldest first
    assert before["age_days"].tolist() == [4, 0]
    assert register(held, date(2026, 12, 10))["action_id"].tolist() == [late]  # closed that day


def test_a_finding_closed_or_marked_not_applicable_leaves_the_register(held):  # noqa: F811
    first, second = record(held), record(held, description="安全工器具超期未检")
    close(held, "C1-K1", f"A{first}", AFTER)
    row = checklist_row(held, "C1-K1", f"A{second}")
    with transaction(held.engine) as s:
        changes.mark_na(held.campaign_id, held.units["C1-K1"], row.item_id, reason="已随设备更换一并处理",
                        expected_version=row.version, occurrence=row.occurrence, session=s,
                        actor=held.people["lead"], now=AFTER)
    assert register(held, AFTER.date()).empty
    with snapshot(held.engine) as s:
        assert review.corrective_actions(session=s, campaign_id=held.campaign_id, open_only=True) == []


def test_a_downgrade_below_0016_keeps_the_drills_actions_and_the_upgrade_derives_their_category(held):  # noqa: F811
    from alembic import command

    raise_action(held, category="equipment")
    cfg = alembic_config(held.engine)
    command.downgrade(cfg, "0015")
    with held.engine.connect() as c:
        row = c.execute(text("SELECT * FROM corrective_actions")).mappings().one()
    assert "category" not in row and row["description"] == "补充抢修队夜间集结的联系名单"

    migrate(held.engine)
    (action,) = stored(held)
    # Found on the local day of its created_at; its category is the drill type's again (the one given is lost).
    assert (action.source, action.category, action.found_on) == ("drill", "flood_typhoon", AFTER.date())
    with held.engine.connect() as c, pytest.raises(Exception, match="ck_corrective_actions"):
        c.execute(text("UPDATE corrective_actions SET category = 'meteor'"))
    with held.engine.connect() as c, pytest.raises(Exception, match="ck_corrective_actions"):
        c.execute(text("UPDATE corrective_actions SET drill_id = NULL"))

    record(held)
    with pytest.raises(RuntimeError, match="Cannot downgrade below 0016"):
        command.downgrade(cfg, "0015")
    assert len(stored(held)) == 2
