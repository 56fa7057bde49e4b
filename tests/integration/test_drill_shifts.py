"""A dispatch centre's shifts: an administrator lists them, a drill names the shifts taking part, and the
per-shift rules (monthly in-shift and quarterly simulator anti-accident drills) count a drill only for
the shifts that attended it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.errors import Forbidden, InvalidInput, NotFound
from drills import planning
from org import shifts
from store.db import snapshot, transaction
from store.schema import AdminAuditEvent
from tests.conftest import NOW
from tests.integration.test_drill_planning import at, plan  # noqa: F401  (plan is a fixture)

MONTHLY = "dispatch-shift-monthly"


def add_shifts(plan, *codes: str, unit: str = "C1-DISP") -> list[int]:  # noqa: F811
    with transaction(plan.engine) as s:
        return [shifts.add_shift(plan.units[unit], code, f"调度{code}值", f"Shift {code}", session=s,
                                 actor=plan.people["admin"], now=NOW).id for code in codes]


def monthly(plan, as_of: date) -> dict[str | None, tuple[str, date | None]]:  # noqa: F811
    return {r.shift_en: (r.state, r.last_held) for r in plan.requirements(as_of, "C1-DISP") if r.rule_key == MONTHLY}


def hold(plan, drill_id: int, *, shifts_attended: list[int], day: date) -> None:  # noqa: F811
    with transaction(plan.engine) as s:
        planning.set_status(drill_id, "ready", expected_version=1, session=s, actor=None, now=NOW)
    with transaction(plan.engine) as s:
        planning.record_conducted(drill_id, attended_unit_ids=[plan.units["C1-DISP"]], attended_person_ids=[],
                                  attended_shift_ids=shifts_attended, expected_version=2, session=s, actor=None,
                                  now=at(day.year, day.month, day.day, 16))


def test_a_dispatch_centre_with_no_shift_recorded_shows_the_gap_instead_of_passing(plan):  # noqa: F811
    assert monthly(plan, date(2026, 12, 1)) == {None: ("no-shift", None)}


def test_each_shift_needs_its_own_monthly_drill_and_only_the_shifts_that_attended_are_met(plan):  # noqa: F811
    one, two, _ = add_shifts(plan, "1", "2", "3")
    assert monthly(plan, date(2026, 12, 1)) == {"Shift 1": ("missing", None), "Shift 2": ("missing", None),
                                                "Shift 3": ("missing", None)}
    saved = plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-DISP",), type_key="anti-accident",
                                 title="值内反事故演习", shift_ids=frozenset({one, two})))
    assert set(plan.view(saved.drill_id).shift_ids) == {one, two}
    hold(plan, saved.drill_id, shifts_attended=[one], day=date(2026, 12, 8))

    states = monthly(plan, date(2026, 12, 10))
    # Shift 1 held it (due again within the month); shift 2 was on the plan but did not come; shift 3 was not asked.
    assert states == {"Shift 1": ("due", date(2026, 12, 8)), "Shift 2": ("missing", None),
                      "Shift 3": ("missing", None)}
    assert monthly(plan, date(2027, 1, 9))["Shift 1"] == ("overdue", date(2026, 12, 8))
    assert plan.view(saved.drill_id).attended_shift_ids == (one,)


def test_a_deactivated_shift_no_longer_counts_and_its_drills_keep_it(plan):  # noqa: F811
    _, two = add_shifts(plan, "1", "2")
    saved = plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-DISP",), type_key="anti-accident",
                                 title="值内反事故演习", shift_ids=frozenset({two})))
    with transaction(plan.engine) as s:
        shifts.set_shift_active(two, False, session=s, actor=plan.people["admin"], now=NOW)
    assert set(monthly(plan, date(2026, 12, 1))) == {"Shift 1"}
    assert plan.view(saved.drill_id).shift_ids == (two,)
    with transaction(plan.engine) as s:  # the drill can still be moved, and keeps its shift
        planning.move_drill(saved.drill_id, at(2026, 12, 9), at(2026, 12, 9, 12), expected_version=1, session=s,
                            actor=plan.people["coord"], now=NOW)
    assert plan.view(saved.drill_id).shift_ids == (two,)
    with snapshot(plan.engine) as s:
        actions = s.scalars(select(AdminAuditEvent.action).order_by(AdminAuditEvent.id)).all()
    assert actions[-3:] == ["shift.add", "shift.add", "shift.deactivate"]


def test_a_shift_of_a_centre_not_taking_part_or_not_on_the_plan_is_refused_and_nothing_is_written(plan):  # noqa: F811
    (one,) = add_shifts(plan, "1")
    with pytest.raises(InvalidInput) as refused:
        plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-K1",), type_key="anti-accident",
                             title="县公司演习", shift_ids=frozenset({one})))
    assert refused.value.code == "shift.not_in_drill"
    saved = plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-DISP",), type_key="anti-accident",
                                 title="值内反事故演习"))
    with pytest.raises(InvalidInput) as stray:
        hold(plan, saved.drill_id, shifts_attended=[one], day=date(2026, 12, 8))
    assert stray.value.code == "shift.not_planned"
    assert plan.view(saved.drill_id).status == "ready"  # the refused record left the drill as it was


@pytest.mark.parametrize(("unit", "code", "error"), [
    ("C1-K1", "1", "shift.not_dispatch"),
    ("C1-DISP", "一值 !", "shift.code_format"),
])
def test_shifts_are_for_dispatch_centres_with_plain_codes(plan, unit, code, error):  # noqa: F811
    with pytest.raises(InvalidInput) as refused:
        add_shifts(plan, code, unit=unit)
    assert refused.value.code == error


def test_a_shift_code_is_used_once_per_centre_and_only_an_administrator_keeps_the_list(plan):  # noqa: F811
    add_shifts(plan, "1")
    with pytest.raises(InvalidInput) as taken:
        add_shifts(plan, "1")
    assert taken.value.code == "shift.code_taken"
    with transaction(plan.engine) as s, pytest.raises(Forbidden):
        shifts.add_shift(plan.units["C1-DISP"], "2", "二值", "Shift 2", session=s, actor=plan.people["coord"], now=NOW)
    with transaction(plan.engine) as s, pytest.raises(NotFound):
        shifts.set_shift_active(9999, False, session=s, actor=plan.people["admin"], now=NOW)


def test_the_planner_suggests_a_drill_for_each_shift_that_owes_one_and_accepting_it_plans_that_shift(plan):  # noqa: F811
    from drills import suggest

    one, two = add_shifts(plan, "1", "2")
    today = date(2026, 12, 1)
    with snapshot(plan.engine) as s:
        proposal = suggest.propose(plan.campaign_id, session=s, actor=plan.people["coord"], today=today,
                                   unit_ids={plan.units["C1-DISP"]}, max_per_unit_per_week=3)
    monthly_keys = sorted(p.missing.key for p in proposal.placed if p.missing.key.startswith(MONTHLY))
    assert monthly_keys == [f"{MONTHLY}:{plan.units['C1-DISP']}::{one}", f"{MONTHLY}:{plan.units['C1-DISP']}::{two}"]
    assert any("调度1值" in p.missing.title for p in proposal.placed)
    with transaction(plan.engine) as s:
        (saved,) = suggest.accept(proposal, monthly_keys[:1], session=s, actor=plan.people["coord"], now=NOW)
    assert plan.view(saved.drill_id).shift_ids == (one,)
    gaps = {r.shift_en: r.planned_drill_id for r in plan.requirements(today, "C1-DISP") if r.rule_key == MONTHLY}
    assert gaps == {"Shift 1": saved.drill_id, "Shift 2": None}
