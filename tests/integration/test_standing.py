"""Where each obligation stood at the end of a day, read from the log, and the dashboard's figures from it
(template `mini`: plan-approved 3 critical, due 30 days before the peak; duty-roster 2, 7 days before;
cable-patrol 1, 15 days before; cable-seal 1, 10 days after)."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from sqlalchemy import select

from admin.setup import initialize
from checklists import campaigns
from checklists.corrective import add_obligation, corrective_items
from core.clock import local_zone
from core.errors import InvalidInput, InvalidTransition
from org.models import Actor
from readiness.series import unit_readiness
from readiness.standing import figures, progress_by, standing, standing_on
from store.db import make_engine, snapshot, transaction
from store.schema import ChecklistEvent
from tests.conftest import FIXTURE_SEEDS, NOW, World, build_world
from tests.integration.test_readiness import lead_of
from tests.integration.test_recurring_and_events import season  # noqa: F401

DAY = timedelta(days=1)
PEAK = date(2027, 6, 15)


def at(day: date, hour: int = 10) -> datetime:
    """A moment of a local (Beijing) day."""
    return datetime.combine(day, time(hour), tzinfo=local_zone())


def table(world, as_of: date, units: list[str] | None = None):
    with snapshot(world.engine) as s:
        ids = [world.units[u] for u in units] if units else None
        return standing(world.campaign_id, as_of, session=s, unit_ids=ids)


def state_of(world, as_of: date, unit: str, item: str) -> str:
    t = table(world, as_of, [unit])
    return t.loc[t["item_id"] == world.items[item], "status"].item()


def test_an_obligation_stands_as_its_last_change_on_or_before_the_day(world):
    day = NOW.date()
    world.change("C1-K1", "plan-approved", "done", at=at(day))
    world.change("C1-K1", "plan-approved", "reopen", at=at(day + 2 * DAY))
    world.change("C1-K1", "plan-approved", "na", text="本单位无此预案", at=at(day + 4 * DAY))
    assert [state_of(world, day + n * DAY, "C1-K1", "plan-approved") for n in (-1, 0, 1, 2, 3, 4)] == [
        "open", "done", "done", "open", "open", "na"]


def test_a_note_does_not_change_how_an_item_stands(world):
    world.change("C1-K1", "duty-roster", "done", at=at(NOW.date()))
    world.change("C1-K1", "duty-roster", "note", text="已复核", at=at(NOW.date() + DAY))
    assert state_of(world, NOW.date() + DAY, "C1-K1", "duty-roster") == "done"


def test_the_figures_weigh_done_against_applicable_and_count_critical_open_and_overdue(world):
    world.change("C1-K1", "plan-approved", "done", at=at(NOW.date()))  # 3, critical
    world.change("C1-K1", "cable-patrol", "na", text="无电缆", at=at(NOW.date()))  # 1 out of the scope
    f = figures(table(world, NOW.date(), ["C1-K1"]), NOW.date())
    assert (f.done_weight, f.applicable_weight, f.readiness) == (3, 6, pytest.approx(3 / 6))
    assert (f.critical_open, f.overdue, f.actions_open) == (0, 0, 0)
    # On 2027-06-10 the critical plan (due 05-16) of C1-K2 is overdue, and so are its roster (06-08) and patrol
    # (05-31); its cable seal is due only after the peak starts.
    late = figures(table(world, date(2027, 6, 10), ["C1-K2"]), date(2027, 6, 10))
    assert (late.critical_open, late.overdue, late.readiness) == (1, 3, 0)


def test_a_unit_that_joined_late_has_no_obligations_before_the_day_it_joined(world):
    joined = NOW.date() + 10 * DAY
    with transaction(world.engine) as s:
        second = campaigns.open_campaign("第二季", "mini", peak_start=PEAK, starts_on=NOW.date(), unit_codes=["C2"],
                                         session=s, actor=world.admin, now=NOW)
        campaigns.add_units(second.id, ["C1-K1"], session=s, actor=world.admin, joined_on=joined, now=NOW)
    with snapshot(world.engine) as s:
        before = standing(second.id, joined - DAY, session=s)
        after = standing(second.id, joined, session=s)
    assert set(before["unit_id"]) == {world.units["C2"]}
    assert set(after["unit_id"]) == {world.units["C2"], world.units["C1-K1"]}


def test_a_corrective_action_weighs_in_readiness_and_counts_as_open_from_the_day_it_is_raised(world):
    raised = NOW.date() + 3 * DAY
    with transaction(world.engine) as s:
        item = corrective_items(session=s, now=NOW)["critical"]
        add_obligation(world.campaign_id, world.units["C1-K1"], 901, item, due_on=raised + 5 * DAY, raised_on=raised,
                       session=s)
    assert figures(table(world, raised - DAY, ["C1-K1"]), raised - DAY).actions_open == 0
    now = figures(table(world, raised, ["C1-K1"]), raised)
    assert (now.actions_open, now.applicable_weight, now.critical_open) == (1, 7 + item.weight, 2)
    assert figures(table(world, raised + 6 * DAY, ["C1-K1"]), raised + 6 * DAY).overdue == 1


def test_recurring_checks_fall_overdue_after_their_period_but_do_not_weigh_in_pre_peak_readiness(season):  # noqa: F811
    engine, cid, units, _ = season
    with snapshot(engine) as s:
        mid_july = standing(cid, date(2027, 7, 20), session=s, unit_ids=[units["C1-K1"]])
    weekly = mid_july[mid_july["item_key"] == "mini-weekly-patrol"]
    assert not weekly["before_peak"].any()
    # Weeks 24–28 ended by 07-18 and are open: overdue; the week of 07-20 is not yet.
    assert int((weekly["due"] < date(2027, 7, 20)).sum()) == 5
    f = figures(mid_july, date(2027, 7, 20))
    assert f.applicable_weight == int(mid_july.loc[mid_july["before_peak"], "weight"].sum())
    assert f.overdue >= 5


def test_progress_by_section_weighs_each_section_of_each_unit(world):
    world.change("C1-K1", "plan-approved", "done", at=at(NOW.date()))
    world.change("C1-K1", "cable-seal", "done", at=at(NOW.date()))
    by = progress_by(table(world, NOW.date(), ["C1-K1"]), ["section_key"]).set_index("section_key")
    assert by.loc["mini/plans", "readiness"] == pytest.approx(3 / 5)
    assert by.loc["mini/cables", "readiness"] == pytest.approx(1 / 2)
    assert by.loc["mini/plans", "open_items"] == 1


# ── Against a brute-force replay of the log, on random histories ──────────────

ACTIONS = st.lists(st.tuples(st.sampled_from(["C1", "C1-K1", "C1-K2", "C2"]),
                             st.sampled_from(["plan-approved", "duty-roster", "cable-patrol", "cable-seal"]),
                             st.sampled_from(["done", "na", "reopen", "note"]),
                             st.integers(min_value=0, max_value=12)), min_size=1, max_size=25)


def in_order(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["unit_id", "item_id", "occurrence"], ignore_index=True)


def replay(engine, campaign_id: int, as_of: date) -> dict[tuple[int, int], str]:
    """Every event of the log up to the day, one after another, from scratch: the slow obvious way."""
    state: dict[tuple[int, int], str] = {}
    with snapshot(engine) as s:
        for e in s.scalars(select(ChecklistEvent).where(ChecklistEvent.campaign_id == campaign_id)
                           .order_by(ChecklistEvent.id)):
            if e.day <= as_of:
                state[(e.unit_id, e.item_id)] = e.status_after
    return state


@pytest.fixture(scope="module")
def random_world_template(tmp_path_factory) -> tuple[Path, World, dict[str, Actor]]:
    """The world on an SQLite file, made once (its accounts' password hashing is slow); copied per example."""
    path = Path(tmp_path_factory.mktemp("standing")) / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    initialize(engine, FIXTURE_SEEDS, now=NOW)
    world = build_world(engine)
    leads = {"C1": world.lead, "C1-K1": world.lead, "C1-K2": world.lead, "C2": lead_of(world, "C2")}
    engine.dispose()
    return path, world, leads


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=ACTIONS)
def test_on_random_histories_the_standing_table_agrees_with_a_replay_and_with_the_daily_projection(
        history, random_world_template, tmp_path_factory):
    template, made, lead = random_world_template
    path = Path(tmp_path_factory.mktemp("standing")) / "random.db"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    world = replace(made, engine=engine)
    start = NOW.date()
    for unit, item, action, offset in sorted(history, key=lambda h: h[3]):
        with contextlib.suppress(InvalidInput, InvalidTransition):  # e.g. done twice: refused, nothing written
            world.change(unit, item, action, actor=lead[unit], text="原因" if action in ("na", "note") else "",
                         at=at(start + offset * DAY))
    days = (start - DAY, start, start + 5 * DAY, start + 12 * DAY)
    with snapshot(engine) as s:
        together = standing_on(world.campaign_id, days, session=s)  # every day from one read of the log
    for as_of in days:
        with snapshot(engine) as s:
            t = standing(world.campaign_id, as_of, session=s)
            daily = unit_readiness(world.campaign_id, as_of, session=s).set_index("unit_id")
        assert_frame_equal(in_order(together[as_of]), in_order(t))
        expected = replay(engine, world.campaign_id, as_of)
        got = {(u, i): status for u, i, status in t[["unit_id", "item_id", "status"]].itertuples(index=False)}
        assert {k: v for k, v in got.items() if v != "open"} == {k: v for k, v in expected.items() if v != "open"}
        for unit_id, f in ((u, figures(t[t["unit_id"] == u], as_of)) for u in world.units.values()):
            row = daily.loc[unit_id]
            assert f.done_weight == row["done"] and f.applicable_weight == row["total"] - row["na"]
    engine.dispose()
