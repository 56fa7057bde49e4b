"""A lead's working list: everything open on the units they may tick, across seasons, templates and
events, overdue and critical first, with filters and a search; and ticking several items of a unit at
once with one note, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from checklists import changes, events
from checklists.my_items import Filters, my_items
from checklists.rebuild import projection_differences
from core.errors import InvalidInput, NotFound, StaleWrite
from store.db import snapshot, transaction
from store.schema import ChecklistEvent, ChecklistStatus
from tests.integration.test_recurring_and_events import rows, season, shanghai

__all__ = ["season"]
TODAY = date(2027, 6, 25)  # in the peak: week 24's patrol is overdue, week 25's is this week's


def listed(engine, actor, today=TODAY, **filters):
    with snapshot(engine) as s:
        return my_items(actor, session=s, today=today, filters=Filters(**filters))


def test_the_list_holds_the_open_obligations_of_the_leads_units_only(season):
    engine, cid, _, people = season
    found = listed(engine, people["lead"])
    assert {i.unit.code for i in found} == {"C1", "C1-K1"}  # the lead's city and its county, not C2 or P
    assert all(i.row.status == "open" and i.campaign_id == cid for i in found)
    keys = {(i.unit.code, i.row.key, i.row.occurrence) for i in found}
    assert ("C1-K1", "mini-weekly-patrol", "2027-W25") in keys  # this week's
    assert ("C1-K1", "mini-weekly-patrol", "2027-W27") not in keys  # a week not begun


def test_overdue_comes_first_then_critical_before_major_before_normal_then_the_due_date(season):
    engine, _, _, people = season
    found = listed(engine, people["lead"])
    order = [(not i.row.overdue(TODAY), {"critical": 0, "major": 1, "normal": 2}[i.row.criticality],
              i.row.due or date.max) for i in found]
    assert order == sorted(order)
    assert found[0].row.overdue(TODAY) and found[0].row.criticality == "critical"  # the plan, due 2027-05-16


def test_filters_by_template_discipline_status_event_and_a_search_over_the_texts(season):
    engine, cid, _, people = season
    assert {i.row.key for i in listed(engine, people["lead"], templates=frozenset({"mini-peak"}))} == {
        "mini-weekly-patrol", "mini-monthly-review"}
    assert {i.row.key for i in listed(engine, people["lead"], search="重载线路")} == {"mini-weekly-patrol"}
    assert {i.row.key for i in listed(engine, people["lead"], search="patrolled WEEK")} == {"mini-weekly-patrol"}
    assert {i.row.discipline for i in listed(engine, people["lead"], disciplines=frozenset({"operations"}))} == {
        "operations"}
    assert listed(engine, people["lead"], statuses=frozenset({"done"})) == []
    with transaction(engine) as s:
        declared = events.declare_event(cid, "rainstorm", starts_at=shanghai(2027, 6, 24, 8), unit_codes=["C1-K1"],
                                        session=s, actor=people["lead"], now=shanghai(2027, 6, 24, 7))
    only_event = listed(engine, people["lead"], event_ids=frozenset({declared.event.id}))
    assert [(i.unit.code, i.row.key) for i in only_event] == [("C1-K1", "mini-watch-during")]


def test_the_overdue_filter_keeps_only_what_is_overdue_on_the_day(season):
    engine, _, _, people = season
    everything = listed(engine, people["lead"])
    overdue = listed(engine, people["lead"], overdue_on=TODAY)
    assert overdue and len(overdue) < len(everything)
    assert {(i.unit.code, i.row.key, i.row.occurrence) for i in overdue} == {
        (i.unit.code, i.row.key, i.row.occurrence) for i in everything if i.row.overdue(TODAY)}
    assert ("C1-K1", "mini-weekly-patrol", "2027-W24") in {(i.unit.code, i.row.key, i.row.occurrence) for i in overdue}
    assert listed(engine, people["lead"], overdue_on=date(2027, 1, 1)) == []  # nothing is due yet in January


def test_several_items_of_a_unit_are_ticked_with_one_note_each_its_own_event(season):
    engine, cid, units, people = season
    county = units["C1-K1"]
    chosen = [r for r in rows(engine, cid, county) if r.kind == "once"][:3]
    with transaction(engine) as s:
        done = changes.mark_many_done(cid, county, [changes.Tick(r.item_id, r.version, r.occurrence) for r in chosen],
                                      note="周例会集中核对", session=s, actor=people["lead"],
                                      now=shanghai(2027, 6, 25, 10))
    assert [d.status for d in done] == ["done"] * 3
    with snapshot(engine) as s:
        logged = s.execute(select(ChecklistEvent.item_id, ChecklistEvent.action, ChecklistEvent.text)).all()
        assert projection_differences(cid, session=s) == []
    assert sorted(logged) == sorted((r.item_id, "done", "周例会集中核对") for r in chosen)
    after = {r.item_id: r for r in rows(engine, cid, county)}
    assert all(after[r.item_id].status == "done" and after[r.item_id].note == "周例会集中核对" for r in chosen)


def state(engine) -> tuple:
    with snapshot(engine) as s:
        return (s.scalar(select(func.count()).select_from(ChecklistEvent)),
                sorted(s.execute(select(ChecklistStatus.item_id, ChecklistStatus.occurrence, ChecklistStatus.status,
                                        ChecklistStatus.version)).all()))


@pytest.mark.parametrize(("spoil", "error"), [
    ("stale", StaleWrite),
    ("not on the unit", NotFound),
    ("twice", InvalidInput),
])
def test_a_bulk_tick_with_one_bad_row_changes_nothing(season, spoil, error):
    engine, cid, units, people = season
    county = units["C1-K1"]
    chosen = [r for r in rows(engine, cid, county) if r.kind == "once"][:3]
    ticks = [changes.Tick(r.item_id, r.version, r.occurrence) for r in chosen]
    if spoil == "stale":
        ticks[2] = changes.Tick(chosen[2].item_id, chosen[2].version + 1)
    elif spoil == "not on the unit":
        ticks[2] = changes.Tick(10_000, 0)
    else:
        ticks[2] = ticks[0]
    before = state(engine)
    with pytest.raises(error), transaction(engine) as s:
        changes.mark_many_done(cid, county, ticks, note="批量", session=s, actor=people["lead"],
                               now=shanghai(2027, 6, 25, 10))
    assert state(engine) == before


def test_an_empty_bulk_tick_is_refused_in_words(season):
    engine, cid, units, people = season
    with pytest.raises(InvalidInput) as refused, transaction(engine) as s:
        changes.mark_many_done(cid, units["C1-K1"], [], session=s, actor=people["lead"], now=shanghai(2027, 6, 25))
    assert refused.value.code == "error.nothing_selected"
