"""Readiness per unit and rolled up, as of any date, from the log (template `mini`: weights 3, 2, 1, 1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from org.accounts import create_user
from org.models import Actor
from readiness.series import readiness_series, unit_readiness
from store.db import snapshot, transaction
from tests.conftest import NOW

DAY = timedelta(days=1)


def by_code(world, as_of: date):
    with snapshot(world.engine) as s:
        return unit_readiness(world.campaign_id, as_of, session=s).set_index("code")


def lead_of(world, code: str) -> Actor:
    """A unit lead for another unit than the world's lead's (who may tick only C1 and below)."""
    with transaction(world.engine) as s:
        user = create_user(f"lead-{code.lower()}", "correct-horse", f"{code} 负责人", session=s, now=NOW,
                           grants=[("unit_lead", code)])
        return Actor(user.id, user.username, user.display_name)


def test_readiness_is_weighted_completion_of_applicable_items(world):
    world.change("C1-K1", "plan-approved", "done")  # weight 3
    world.change("C1-K1", "cable-patrol", "na", text="无电缆")  # weight 1 out of the base
    row = by_code(world, NOW.date()).loc["C1-K1"]
    assert (row.done, row.na, row.total) == (3, 1, 7)
    assert row.readiness == pytest.approx(3 / 6)


def test_readiness_rolls_up_the_hierarchy_weighted_by_items(world):
    world.change("C1-K1", "plan-approved", "done")  # 3
    world.change("C1-K2", "duty-roster", "done")  # 2
    table = by_code(world, NOW.date())
    assert table.loc["C1", "sub_readiness"] == pytest.approx(5 / 21)  # C1 + its two counties
    assert table.loc["P", "sub_readiness"] == pytest.approx(5 / 35)  # all five units
    assert table.loc["C2", "sub_readiness"] == 0


def test_readiness_as_of_a_past_date_ignores_later_changes(world):
    world.change("C1-K1", "plan-approved", "done", at=NOW)
    world.change("C1-K1", "duty-roster", "done", at=NOW + 3 * DAY)
    world.change("C1-K1", "plan-approved", "reopen", at=NOW + 5 * DAY)
    assert by_code(world, NOW.date() - DAY).loc["C1-K1", "readiness"] == 0
    assert by_code(world, NOW.date()).loc["C1-K1", "readiness"] == pytest.approx(3 / 7)
    assert by_code(world, NOW.date() + 4 * DAY).loc["C1-K1", "readiness"] == pytest.approx(5 / 7)
    assert by_code(world, NOW.date() + 5 * DAY).loc["C1-K1", "readiness"] == pytest.approx(2 / 7)


def test_the_series_over_time_has_one_point_a_day_for_a_sub_tree(world):
    world.change("C1-K1", "plan-approved", "done", at=NOW)
    world.change("C2", "plan-approved", "done", at=NOW + 2 * DAY, actor=lead_of(world, "C2"))
    with snapshot(world.engine) as s:
        series = readiness_series(world.campaign_id, start=NOW.date() - DAY, end=NOW.date() + 2 * DAY,
                                  root_unit_id=world.units["C1"], session=s)
        whole = readiness_series(world.campaign_id, start=NOW.date(), end=NOW.date() + 2 * DAY, session=s)
    assert len(series) == 4
    assert list(series["readiness"].round(4)) == [0, round(3 / 21, 4), round(3 / 21, 4), round(3 / 21, 4)]
    assert list(whole["readiness"].round(4)) == [round(3 / 35, 4), round(3 / 35, 4), round(6 / 35, 4)]


def test_a_tick_late_in_the_evening_counts_on_the_local_day(world):
    late = NOW.replace(hour=16, minute=30)  # 00:30 next day in Beijing
    world.change("C1-K1", "plan-approved", "done", at=late)
    assert by_code(world, date(2026, 11, 2)).loc["C1-K1", "done"] == 0
    assert by_code(world, date(2026, 11, 3)).loc["C1-K1", "done"] == 3
