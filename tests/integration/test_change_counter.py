"""The pages' cache key: a change counter that every committed write moves, whatever order PostgreSQL
commits in, that never deadlocks two writers; and SQLite commits that survive a power loss."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from checklists import changes
from checklists.rebuild import rebuild_projections
from content.models import UnitSpec
from org.units import import_units
from store.db import change_counter, make_engine, snapshot, transaction
from store.schema import ChecklistEvent
from tests.conftest import NOW

ON_POSTGRES_ONLY = pytest.mark.parametrize(
    "empty_engine", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


def key(engine) -> int:
    """What a page reads before deciding whether its cached data is still good."""
    with snapshot(engine) as s:
        return change_counter(s)


def highest_event_id(engine) -> int:
    """The old cache key."""
    with snapshot(engine) as s:
        return s.scalar(select(func.max(ChecklistEvent.id))) or 0


def tick(world, session, unit: str, item: str) -> changes.ChangeResult:
    return changes.change_item(world.campaign_id, world.units[unit], world.items[item], "done",
                               expected_version=0, session=session, actor=world.lead, now=NOW)


@ON_POSTGRES_ONLY
def test_a_change_committed_after_a_later_one_moves_the_key_though_the_highest_event_id_stays(world):
    with transaction(world.engine) as first:
        early = tick(world, first, "C1-K1", "plan-approved")
        with transaction(world.engine) as second:
            late = tick(world, second, "C1-K2", "duty-roster")
        assert early.event_id < late.event_id
        key_seen, highest_seen = key(world.engine), highest_event_id(world.engine)
        assert highest_seen == late.event_id
    assert highest_event_id(world.engine) == highest_seen  # why MAX(id) left the page stale
    assert key(world.engine) != key_seen


def test_renaming_a_unit_moves_the_key(world):
    before = key(world.engine)
    with transaction(world.engine) as s:
        import_units([UnitSpec(code="P", name_zh="更名省公司", name_en="Renamed Provincial Co.", kind="province")],
                     session=s)
    assert key(world.engine) != before


def test_importing_a_unit_moves_the_key(world):
    before = key(world.engine)
    with transaction(world.engine) as s:
        import_units([UnitSpec(code="C2-K9", name_zh="乙九县公司", name_en="County B9", kind="county")],
                     session=s, parent_code="C2")
    assert key(world.engine) != before


def test_a_rebuild_of_the_projections_moves_the_key(world):
    world.change("C1-K1", "plan-approved", "done")
    before = key(world.engine)
    with transaction(world.engine) as s:
        rebuild_projections(world.campaign_id, session=s)
    assert key(world.engine) != before


def test_a_write_that_is_rolled_back_leaves_the_key_alone(world):
    before = key(world.engine)
    with pytest.raises(RuntimeError), transaction(world.engine) as s:
        tick(world, s, "C1-K1", "plan-approved")
        raise RuntimeError("the user's connection dropped")
    assert key(world.engine) == before


ROUNDS = 6


def test_two_writers_ticking_different_items_at_once_both_succeed_and_each_commit_counts_once(world):
    """Both writers bump the one counter row at the very end of their transactions, after every
    other row they lock, so neither can hold the counter while waiting for the other."""
    before = key(world.engine)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def toggle(items: tuple[str, ...]) -> None:
        barrier.wait()
        try:
            for _ in range(ROUNDS):
                for item in items:  # same unit and day for both writers: they share the day's readiness row
                    world.change("C1-K1", item, "done")
                    world.change("C1-K1", item, "reopen")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    writers = [threading.Thread(target=toggle, args=(items,))
               for items in (("plan-approved", "duty-roster"), ("cable-patrol", "cable-seal"))]
    for w in writers:
        w.start()
    for w in writers:
        w.join(timeout=120)
    assert errors == []
    assert key(world.engine) - before == 2 * ROUNDS * 2 * 2


def test_sqlite_waits_for_the_disk_at_every_commit_by_default(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'durable.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    engine.dispose()
