"""Ticking items: every change is one appended event, stale writes are refused, the log is append-only."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from checklists import changes, queries, rebuild
from core.errors import InvalidInput, InvalidTransition, StaleWrite
from store.db import snapshot, transaction
from store.schema import ChecklistEvent, ChecklistStatus
from tests.conftest import NOW


def events(world) -> list[ChecklistEvent]:
    with snapshot(world.engine) as s:
        return list(s.scalars(select(ChecklistEvent).order_by(ChecklistEvent.id)))


def status(world, unit: str, item: str) -> ChecklistStatus:
    with snapshot(world.engine) as s:
        return s.scalar(select(ChecklistStatus).where(ChecklistStatus.unit_id == world.units[unit],
                                                      ChecklistStatus.item_id == world.items[item]))


def test_ticking_an_item_done_appends_one_event_naming_the_user(world):
    result = world.change("C1-K1", "plan-approved", "done")
    assert (result.status, result.version) == ("done", 1)
    [event] = events(world)
    assert (event.action, event.status_before, event.status_after) == ("done", "open", "done")
    assert event.actor_id == world.lead.user_id
    assert event.prev_version == 0
    row = status(world, "C1-K1", "plan-approved")
    assert (row.status, row.version, row.updated_by) == ("done", 1, world.lead.user_id)


def test_not_applicable_needs_a_reason_and_keeps_it(world):
    with pytest.raises(InvalidInput) as err:
        world.change("C1-K1", "cable-patrol", "na", text="   ")
    assert err.value.code == "error.reason_required"
    assert events(world) == []
    world.change("C1-K1", "cable-patrol", "na", text="本单位无电缆隧道")
    assert status(world, "C1-K1", "cable-patrol").na_reason == "本单位无电缆隧道"


def test_reopening_clears_the_reason_and_is_logged(world):
    world.change("C1-K1", "cable-patrol", "na", text="无电缆")
    world.change("C1-K1", "cable-patrol", "reopen")
    row = status(world, "C1-K1", "cable-patrol")
    assert (row.status, row.na_reason, row.version) == ("open", "", 2)
    assert [e.action for e in events(world)] == ["na", "reopen"]


def test_a_note_changes_no_status_but_is_in_the_log(world):
    world.change("C1-K1", "duty-roster", "note", text="等待审批")
    row = status(world, "C1-K1", "duty-roster")
    assert (row.status, row.note) == ("open", "等待审批")
    assert events(world)[-1].action == "note"


def test_an_action_that_makes_no_sense_is_refused_and_changes_nothing(world):
    world.change("C1-K1", "plan-approved", "done")
    with pytest.raises(InvalidTransition):
        world.change("C1-K1", "plan-approved", "done")
    assert len(events(world)) == 1
    assert status(world, "C1-K1", "plan-approved").version == 1


def test_a_stale_write_is_refused_naming_who_changed_the_item_and_when(world):
    world.change("C1-K1", "plan-approved", "done", actor=world.other)
    with pytest.raises(StaleWrite) as err:
        world.change("C1-K1", "plan-approved", "na", text="不涉及", version=0)
    assert err.value.params["who"] == "李娜"
    assert err.value.params["when"] == "2026-11-02 10:00"  # shown in Beijing time
    assert err.value.params["status"] == "done"
    assert status(world, "C1-K1", "plan-approved").status == "done"
    assert len(events(world)) == 1


def test_two_people_ticking_the_same_item_at_once_make_exactly_one_change(world):
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def tick(actor) -> None:
        barrier.wait()
        try:
            world.change("C1-K2", "duty-roster", "done", actor=actor, version=0)
            outcomes.append("ok")
        except StaleWrite:
            outcomes.append("stale")

    threads = [threading.Thread(target=tick, args=(a,)) for a in (world.lead, world.other)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["ok", "stale"]
    assert len(events(world)) == 1


@pytest.mark.parametrize("statement", ["UPDATE checklist_events SET text = 'x'", "DELETE FROM checklist_events"])
def test_the_database_refuses_to_rewrite_or_delete_the_log(world, statement):
    world.change("C1-K1", "plan-approved", "done")
    with pytest.raises(DBAPIError, match="append-only"), transaction(world.engine) as s:
        s.execute(text(statement))
    assert len(events(world)) == 1


def test_a_closed_campaign_takes_no_more_ticks(world):
    from store.schema import Campaign

    with transaction(world.engine) as s:
        s.get(Campaign, world.campaign_id).status = "closed"
    with pytest.raises(InvalidInput) as err:
        world.change("C1-K1", "plan-approved", "done")
    assert err.value.code == "error.campaign_closed"


def test_an_item_not_on_the_units_checklist_is_not_found(world):
    from core.errors import NotFound

    with pytest.raises(NotFound), transaction(world.engine) as s:
        changes.change_item(world.campaign_id, world.units["C1"], 9999, "done", expected_version=0, session=s,
                            actor=world.lead, now=NOW)


def test_the_checklist_shows_due_dates_and_overdue_items(world):
    with snapshot(world.engine) as s:
        rows = {r.key: r for r in queries.unit_checklist(world.campaign_id, world.units["C1-K1"], session=s)}
    assert rows["mini-plan-approved"].due.isoformat() == "2027-05-16"  # 30 days before 15 June
    assert rows["mini-cable-seal"].due.isoformat() == "2027-06-25"  # 10 days after peak start
    assert rows["mini-plan-approved"].overdue(rows["mini-plan-approved"].due + timedelta(days=1))
    assert not rows["mini-plan-approved"].overdue(rows["mini-plan-approved"].due)


def test_projections_rebuilt_from_the_log_alone_match_the_ones_kept_live(world):
    day = timedelta(days=1)
    world.change("C1-K1", "plan-approved", "done")
    world.change("C1-K1", "cable-patrol", "na", text="无", at=NOW + day)
    world.change("C1-K2", "duty-roster", "done", at=NOW + 2 * day)
    world.change("C1-K1", "plan-approved", "reopen", at=NOW + 3 * day)
    world.change("C1", "cable-seal", "note", text="备注", at=NOW + 3 * day)

    def snapshot_of_projections():
        from store.schema import ReadinessDaily

        with snapshot(world.engine) as s:
            st = s.execute(select(ChecklistStatus.unit_id, ChecklistStatus.item_id, ChecklistStatus.status,
                                  ChecklistStatus.version, ChecklistStatus.note, ChecklistStatus.na_reason)
                           .order_by(ChecklistStatus.unit_id, ChecklistStatus.item_id)).all()
            rd = s.execute(select(ReadinessDaily.unit_id, ReadinessDaily.day,
                                  func.sum(ReadinessDaily.done_delta), func.sum(ReadinessDaily.na_delta),
                                  func.sum(ReadinessDaily.total_delta))
                           .group_by(ReadinessDaily.unit_id, ReadinessDaily.day)
                           .order_by(ReadinessDaily.unit_id, ReadinessDaily.day)).all()
        return st, [r for r in rd if any(r[2:])]

    live = snapshot_of_projections()
    with transaction(world.engine) as s:
        rebuild.rebuild_projections(world.campaign_id, session=s)
    assert snapshot_of_projections() == live


def test_the_database_refuses_two_events_claiming_the_same_previous_version(world):
    world.change("C1-K1", "plan-approved", "done")  # the successor of version 0
    row = {"campaign_id": world.campaign_id, "unit_id": world.units["C1-K1"], "item_id": world.items["plan-approved"],
           "action": "na", "status_before": "open", "status_after": "na", "text": "绕过服务", "prev_version": 0,
           "actor_id": world.other.user_id, "occurred_at": NOW, "day": NOW.date()}
    with (pytest.raises(IntegrityError, match=r"ux_checklist_events_successor|UNIQUE constraint failed"),
          transaction(world.engine) as s):
        s.execute(insert(ChecklistEvent).values(**row))
    assert len(events(world)) == 1
    with transaction(world.engine) as s:  # the same version of another item, or the next version, is fine
        s.execute(insert(ChecklistEvent).values(**{**row, "item_id": world.items["duty-roster"]}))
        s.execute(insert(ChecklistEvent).values(**{**row, "prev_version": 1, "status_before": "done"}))
    assert len(events(world)) == 3
