"""Rebuilding the projections from the event log: exact, set-based, and a check that changes nothing."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, insert, or_, select, text, update

from checklists import campaigns, changes
from checklists.rebuild import campaign_ids, projection_differences, rebuild_projections
from core.errors import NotFound
from org.accounts import create_user
from org.models import Actor
from store.db import change_counter, snapshot, transaction
from store.schema import ChecklistStatus, ReadinessDaily, User
from tests.conftest import NOW

DAY = timedelta(days=1)


def province_lead(world) -> Actor:
    """A lead of the whole province (made once per world), for the changes outside C1."""
    with transaction(world.engine) as s:
        user = s.scalar(select(User).where(User.username == "boss")) or create_user(
            "boss", "correct-horse", "省公司负责人", session=s, now=NOW, grants=[("unit_lead", "P")])
        return Actor(user.id, user.username, user.display_name)


def a_mixed_history(world, *, rounds: int = 1) -> None:
    """Ticks, N/A, reopenings and notes across units and days, some undone on the day they were done."""
    c = world.change
    boss = province_lead(world)  # the world's lead and other may change C1 and below only
    c("C1-K1", "plan-approved", "done")
    c("C1-K1", "cable-patrol", "na", text="无电缆隧道", at=NOW + DAY)
    c("C1-K1", "cable-patrol", "note", text="已报备", at=NOW + DAY)  # a note while N/A keeps the reason
    c("C1-K2", "duty-roster", "done", at=NOW + DAY)
    c("C1-K2", "duty-roster", "reopen", at=NOW + DAY)  # nets to nothing on the day
    c("C1-K2", "duty-roster", "na", text="外包值班", at=NOW + 2 * DAY)
    c("C1-K2", "duty-roster", "done", at=NOW + 3 * DAY, actor=world.other)  # N/A → done clears the reason
    c("C1-K1", "plan-approved", "na", text="上级代编", at=NOW + 3 * DAY)  # done → N/A on a later day
    c("C1-K1", "plan-approved", "reopen", at=NOW + 4 * DAY)
    c("C2", "cable-seal", "note", text="第一次备注", at=NOW + 2 * DAY, actor=boss)
    c("C2", "cable-seal", "note", text="第二次备注", at=NOW + 5 * DAY, actor=boss)
    c("C2", "cable-seal", "done", at=NOW + 5 * DAY, actor=boss)
    c("P", "plan-approved", "done", at=NOW + timedelta(hours=15), actor=boss)  # 01:00 the next day in Beijing
    c("C1", "cable-patrol", "na", text="无", at=NOW + 6 * DAY)
    c("C1", "cable-patrol", "reopen", at=NOW + 7 * DAY)
    c("C1", "cable-patrol", "note", text="复核中", at=NOW + 7 * DAY)
    for n in range(rounds):
        c("C1-K2", "cable-seal", "done", at=NOW + (8 + n) * DAY)
        c("C1-K2", "cable-seal", "reopen", at=NOW + (8 + n) * DAY + timedelta(hours=1))
        c("C2", "duty-roster", "na" if n % 2 else "done", text="轮换", at=NOW + (8 + n) * DAY, actor=boss)
        c("C2", "duty-roster", "reopen", at=NOW + (9 + n) * DAY, actor=boss)


def projections(world) -> tuple[list, list]:
    """Every status row and every readiness row that carries a delta, in a stable order."""
    with snapshot(world.engine) as s:
        status = s.execute(
            select(ChecklistStatus.unit_id, ChecklistStatus.item_id, ChecklistStatus.status, ChecklistStatus.version,
                   ChecklistStatus.note, ChecklistStatus.na_reason, ChecklistStatus.updated_by,
                   ChecklistStatus.updated_at)
            .where(ChecklistStatus.campaign_id == world.campaign_id)
            .order_by(ChecklistStatus.unit_id, ChecklistStatus.item_id)).all()
        daily = s.execute(
            select(ReadinessDaily.unit_id, ReadinessDaily.day, ReadinessDaily.done_delta, ReadinessDaily.na_delta,
                   ReadinessDaily.total_delta)
            .where(ReadinessDaily.campaign_id == world.campaign_id,
                   or_(ReadinessDaily.done_delta != 0, ReadinessDaily.na_delta != 0, ReadinessDaily.total_delta != 0))
            .order_by(ReadinessDaily.unit_id, ReadinessDaily.day)).all()
    return status, daily


def differences(world) -> list[str]:
    with snapshot(world.engine) as s:
        return projection_differences(world.campaign_id, session=s)


def rebuild(world) -> None:
    with transaction(world.engine) as s:
        rebuild_projections(world.campaign_id, session=s)


def test_a_rebuild_from_the_log_alone_reproduces_the_live_projections_exactly(world):
    a_mixed_history(world, rounds=3)
    live = projections(world)
    with transaction(world.engine) as s:
        s.execute(delete(ReadinessDaily).where(ReadinessDaily.campaign_id == world.campaign_id))
        s.execute(delete(ChecklistStatus).where(ChecklistStatus.campaign_id == world.campaign_id))
    rebuild(world)
    assert projections(world) == live


def test_a_rebuild_of_consistent_projections_changes_nothing_in_them(world):
    a_mixed_history(world)
    live = projections(world)
    rebuild(world)
    assert projections(world) == live


def test_the_check_finds_nothing_after_a_mixed_history_kept_by_the_service(world):
    a_mixed_history(world, rounds=3)
    assert differences(world) == []


def _status(world, unit: str, item: str):
    return (ChecklistStatus.campaign_id == world.campaign_id, ChecklistStatus.unit_id == world.units[unit],
            ChecklistStatus.item_id == world.items[item])


def _daily(world, unit: str, day: date):
    return (ReadinessDaily.campaign_id == world.campaign_id, ReadinessDaily.unit_id == world.units[unit],
            ReadinessDaily.day == day)


# What someone might do to the projections by hand, and the words the check must name it with.
HAND_EDITS = {
    "a status with no event behind it": (
        lambda w: update(ChecklistStatus).where(*_status(w, "C1-K1", "cable-patrol")).values(status="done"),
        ["C1-K1", "mini-cable-patrol", "status"]),
    "a version bumped": (
        lambda w: update(ChecklistStatus).where(*_status(w, "C1-K2", "duty-roster"))
        .values(version=ChecklistStatus.version + 1),
        ["C1-K2", "mini-duty-roster", "version"]),
    "a note erased": (
        lambda w: update(ChecklistStatus).where(*_status(w, "C2", "cable-seal")).values(note=""),
        ["C2", "mini-cable-seal", "note", "第二次备注"]),
    "an N/A reason rewritten": (
        lambda w: update(ChecklistStatus).where(*_status(w, "C1-K1", "cable-patrol")).values(na_reason="改过"),
        ["C1-K1", "mini-cable-patrol", "na_reason"]),
    "the author of a change forgotten": (
        lambda w: update(ChecklistStatus).where(*_status(w, "C2", "cable-seal")).values(updated_by=None),
        ["C2", "mini-cable-seal", "updated_by"]),
    "a status row deleted": (
        lambda w: delete(ChecklistStatus).where(*_status(w, "C1-K1", "plan-approved")),
        ["C1-K1", "mini-plan-approved", "missing"]),
    "a day's done weight changed": (
        lambda w: update(ReadinessDaily).where(*_daily(w, "C1-K1", date(2026, 11, 2)))
        .values(done_delta=ReadinessDaily.done_delta + 1),
        ["C1-K1", "2026-11-02", "done_delta"]),
    "a day's N/A weight deleted": (
        lambda w: delete(ReadinessDaily).where(*_daily(w, "C1-K1", date(2026, 11, 3))),
        ["C1-K1", "2026-11-03", "missing"]),
    "a unit's total changed": (
        lambda w: update(ReadinessDaily).where(*_daily(w, "C2", date(2026, 10, 1))).values(total_delta=99),
        ["C2", "2026-10-01", "total_delta"]),
    "a day that the log knows nothing of": (
        lambda w: insert(ReadinessDaily).values(campaign_id=w.campaign_id, unit_id=w.units["C2"],
                                                day=date(2027, 1, 1), done_delta=2, na_delta=0, total_delta=0),
        ["C2", "2027-01-01", "not in the log"]),
}


@pytest.mark.parametrize("edit", HAND_EDITS)
def test_a_projection_altered_by_hand_is_named_by_the_check_and_repaired_by_a_rebuild(world, edit):
    a_mixed_history(world)
    live = projections(world)
    statement, words = HAND_EDITS[edit]
    with transaction(world.engine) as s:
        s.execute(statement(world))
    found = differences(world)
    assert len(found) == 1, found
    assert all(word in found[0] for word in words), found[0]
    rebuild(world)
    assert differences(world) == []
    assert projections(world) == live


def test_the_check_changes_nothing_not_even_the_change_counter(world):
    a_mixed_history(world)
    statement, _ = HAND_EDITS["a status with no event behind it"]
    with transaction(world.engine) as s:
        s.execute(statement(world))
    altered = projections(world)
    with snapshot(world.engine) as s:
        counter = change_counter(s)
    with transaction(world.engine, bump=False) as s:
        first = projection_differences(world.campaign_id, session=s)
        assert not (s.new or s.dirty or s.deleted)
    assert differences(world) == first
    assert projections(world) == altered
    with snapshot(world.engine) as s:
        assert change_counter(s) == counter


def statements_of_a_rebuild(world) -> int:
    count = 0

    def counting(*_args) -> None:
        nonlocal count
        count += 1

    event.listen(world.engine, "before_cursor_execute", counting)
    try:
        with transaction(world.engine, bump=False) as s:
            rebuild_projections(world.campaign_id, session=s)
    finally:
        event.remove(world.engine, "before_cursor_execute", counting)
    return count


def test_a_rebuild_takes_a_handful_of_statements_whatever_the_length_of_the_log(world):
    world.change("C1-K2", "plan-approved", "done")
    short = statements_of_a_rebuild(world)
    a_mixed_history(world, rounds=6)
    assert statements_of_a_rebuild(world) == short
    assert short <= 8


def test_a_rebuild_repairing_the_item_a_tick_is_changing_waits_for_the_tick_and_keeps_it(world):
    """On PostgreSQL a tick can be half-way through when a rebuild starts; the rebuild must see it
    whole or not at all, never write back what the item was before the tick."""
    a_mixed_history(world)
    with transaction(world.engine) as s:
        s.execute(update(ChecklistStatus).where(*_status(world, "C1-K2", "plan-approved")).values(note="改过"))
    outcome: list[object] = []

    def rebuild_in_background() -> None:
        try:
            rebuild(world)
            outcome.append("ok")
        except Exception as exc:  # reported by the assertion below
            outcome.append(exc)

    with transaction(world.engine) as s:
        changes.change_item(world.campaign_id, world.units["C1-K2"], world.items["plan-approved"], "done",
                            expected_version=0, session=s, actor=world.lead, now=NOW + 20 * DAY)
        worker = threading.Thread(target=rebuild_in_background)
        worker.start()
        wait_until_someone_waits_for_a_lock(world.engine)
    worker.join(timeout=30)
    assert outcome == ["ok"]
    assert differences(world) == []
    world.change("C1-K2", "plan-approved", "reopen", at=NOW + 21 * DAY)  # the tick's version is the live one


def wait_until_someone_waits_for_a_lock(engine) -> None:
    """PostgreSQL: until another session is blocked on a lock; SQLite (no way to ask): a moment."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                 "AND datname = current_database()")).scalar():
                return
        time.sleep(0.05)
    raise AssertionError("the rebuild never waited for the tick in flight")


def test_every_campaign_is_listed_for_a_rebuild_oldest_first(world):
    with transaction(world.engine) as s:
        later = campaigns.open_campaign("2027 迎峰度冬", "mini", peak_start=date(2027, 12, 15),
                                        starts_on=date(2027, 10, 1), unit_codes=["C2"], session=s,
                                        actor=world.admin, now=NOW)
    with snapshot(world.engine) as s:
        assert campaign_ids(session=s) == [world.campaign_id, later.id]


def test_a_campaign_that_does_not_exist_is_not_found_by_either(world):
    with snapshot(world.engine) as s:
        with pytest.raises(NotFound):
            projection_differences(9999, session=s)
        with pytest.raises(NotFound):
            rebuild_projections(9999, session=s)
