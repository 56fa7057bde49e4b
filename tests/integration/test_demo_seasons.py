"""The demo holds last year's whole season, closed (heat waves, a typhoon and an orderly-power-use order
with their checks, done on time and late), and this year's open season running all four templates; and
nothing in its history was done before it could have been."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from admin.demo import load_demo
from admin.setup import initialize
from checklists.campaigns import list_campaigns, season_templates
from checklists.events import event_progress, list_events
from checklists.queries import unit_checklist
from core.clock import as_utc
from org.queries import all_units
from readiness.on_time import on_time_rate
from store.db import make_engine, snapshot, transaction
from store.schema import ChecklistEvent
from tests.conftest import NOW, REAL_SEEDS


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    initialize(engine, REAL_SEEDS, now=NOW)
    with transaction(engine) as s:
        load_demo(s, REAL_SEEDS, now=NOW, weeks=6)
    with snapshot(engine) as s:
        last, current = sorted(list_campaigns(session=s, only_open=False), key=lambda c: c.peak_start)
    yield engine, last, current
    engine.dispose()


def test_last_season_is_closed_with_its_heat_waves_typhoon_and_orderly_power_order(demo):
    engine, last, _ = demo
    with snapshot(engine) as s:
        found = list_events(last.id, session=s)
        progress = {e.id: event_progress(e.id, session=s)[-1] for e in found}
    assert last.status == "closed" and last.peak_end is not None
    assert sorted(e.kind for e in found) == ["heat_wave", "heat_wave", "orderly_power", "typhoon"]
    assert all(e.status == "closed" and e.ends_at is not None for e in found)
    typhoon = next(e for e in found if e.kind == "typhoon")
    assert typhoon.landfall_at is not None and 0 < len(typhoon.unit_codes) < 43
    assert all(p.total > 0 and 0 < p.done <= p.total for p in progress.values())


def test_last_season_has_checks_done_on_time_and_late(demo):
    engine, last, _ = demo
    with snapshot(engine) as s:
        figure = on_time_rate(last.id, last.peak_end, session=s)
    assert figure.due > 1000
    assert 0.6 < figure.rate < 0.97  # mostly on time, not all


def test_this_season_is_open_and_runs_all_four_templates(demo):
    engine, _, current = demo
    with snapshot(engine) as s:
        keys = [t.key for t in season_templates(current.id, session=s)]
    assert current.status == "open"
    assert keys == ["summer-peak", "typhoon-flood", "black-start", "safety-inspection"]


def test_nothing_in_the_demo_was_done_before_it_could_have_been_or_after_now(demo):
    engine, last, current = demo
    with snapshot(engine) as s:
        ticks = {(e.campaign_id, e.unit_id, e.item_id, e.occurrence): as_utc(e.occurred_at) for e in s.scalars(
            select(ChecklistEvent).where(ChecklistEvent.action == "done").order_by(ChecklistEvent.id.desc()))}
        checked = 0
        for campaign in (last, current):
            peak = campaign.peak_start
            for unit in all_units(session=s):
                for row in unit_checklist(campaign.id, unit.id, session=s):
                    at = ticks.get((campaign.id, unit.id, row.item_id, row.occurrence))
                    if at is None:
                        continue
                    checked += 1
                    assert at < NOW
                    day = at.date()
                    if row.kind == "recurring":
                        assert day >= row.starts_on - timedelta(days=1), row  # not before its period (UTC vs local)
                    elif row.kind == "event":
                        begun = row.event_ends_at if row.trigger_when == "after" else row.event_starts_at
                        assert at >= begun, row
                    elif row.due >= peak:  # an in-peak one-off item: not in the run-up
                        assert day >= row.due - timedelta(days=15), row
    assert checked > 2000
