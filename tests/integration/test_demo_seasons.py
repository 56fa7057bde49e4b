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


def test_this_season_has_drills_held_ready_planned_and_cancelled_through_the_planning_service(demo):
    from collections import Counter

    from drills.planning import drill_log, list_drills
    from drills.required import required_drills

    engine, _, current = demo
    with snapshot(engine) as s:
        drills = list_drills(session=s, actor=None, campaign_id=current.id)
        assert Counter(d.status for d in drills) == {"reviewed": 1, "conducted": 2, "ready": 1, "planned": 3,
                                                     "cancelled": 1}
        for d in drills:
            held = d.status in ("conducted", "reviewed")
            assert (d.ends_at < NOW) == held  # held ones are behind the demo's clock, the rest ahead of it
            assert next(e.kind for e in drill_log(d.id, session=s)) == "planned"
        weekend = next(d for d in drills if d.title == "变电站全停现场处置推演")
        assert drill_log(weekend.id, session=s)[0].text == "weekend"  # saved with its warning
        # A county on the plan of a held drill that did not come still owes the drill; those that came do not.
        flood = next(d for d in drills if d.status in ("conducted", "reviewed") and d.type_key == "flood-typhoon")
        absent = set(flood.unit_ids) - set(flood.attended_unit_ids)
        assert len(absent) == 1
        states = {(r.unit_id, r.rule_key): r.state
                  for r in required_drills(current.id, session=s, as_of=NOW.date())}
        assert all(states.get((u, "annual-plan-drill")) in ("met", None) for u in flood.attended_unit_ids)
        missing = absent.pop()
        assert states[(missing, "annual-plan-drill")] == "missing", sorted(k for k in states if k[0] == missing)


def test_the_first_held_drill_is_reviewed_and_its_corrective_actions_are_on_the_owners_checklists(demo):
    from checklists.queries import unit_checklist
    from drills import review
    from drills.planning import list_drills

    engine, _, current = demo
    with snapshot(engine) as s:
        drills = list_drills(session=s, actor=None, campaign_id=current.id)
        (reviewed,) = [d for d in drills if d.status == "reviewed"]
        report = review.report(reviewed.id, session=s, aar_due_days=14)
        assert report.status == "issued" and report.rated == len(report.evaluations) > 0
        assert {e.rating for e in report.evaluations} >= {"M", "S"}
        actions = report.actions
        assert len(actions) == 2 and all(a.status == "open" for a in actions)
        assert [a.overdue(NOW.date()) for a in actions] == [True, False]  # one due already, one ahead
        for a in actions:
            rows = unit_checklist(current.id, a.unit_id, session=s)
            assert [r.text_zh for r in rows if r.occurrence == a.occurrence] == [a.description]
        # The second held drill is half evaluated; the third waits for its review.
        waiting = [review.report(d.id, session=s, aar_due_days=14) for d in drills if d.status == "conducted"]
        assert sorted(r.rated for r in waiting)[0] == 0 and all(r.status == "draft" for r in waiting)
        assert any(0 < r.rated < len(r.evaluations) for r in waiting)
