"""The season's two figures, from the log as of any day: pre-peak readiness over the one-off obligations,
and the in-season on-time rate over the recurring and event occurrences due by that day. Checked
against cases worked out by hand, and against a brute-force replay of random histories day by day."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from checklists import changes, events
from checklists.occurrences import ONE_OFF
from checklists.rules import ALLOWED_FROM
from core.clock import as_utc, local_day
from org.accounts import create_user
from org.models import Actor
from readiness.on_time import on_time_rate, on_time_series
from readiness.series import readiness_series
from store.db import snapshot, transaction
from store.schema import ChecklistEvent, ChecklistStatus, Obligation, TemplateItem
from tests.integration.test_recurring_and_events import END, PEAK, START, rows, season, shanghai

__all__ = ["season"]  # the fixture, shared with the recurring-and-events tests


def tick(engine, cid, unit_id, row, action, at, *, actor, version=None, text=""):
    with transaction(engine) as s:
        return changes.change_item(cid, unit_id, row.item_id, action, occurrence=row.occurrence, text=text,
                                   expected_version=row.version if version is None else version,
                                   session=s, actor=actor, now=at)


def on_time(engine, cid, day, unit_id=None):
    with snapshot(engine) as s:
        figure = on_time_rate(cid, day, session=s, root_unit_id=unit_id)
    return figure.met, figure.due, figure.rate


# ── Worked out by hand ───────────────────────────────────────────────────────


def test_the_on_time_rate_counts_checks_done_by_their_due_time_over_those_due(season):
    engine, cid, units, people = season
    county = units["C1-K1"]
    w24, w25, w26 = rows(engine, cid, county, "mini-weekly-patrol")[:3]  # weight 2 each
    tick(engine, cid, county, w24, "done", shanghai(2027, 6, 19, 10), actor=people["lead"])  # on time
    tick(engine, cid, county, w25, "done", shanghai(2027, 6, 29, 10), actor=people["lead"])  # two days late
    tick(engine, cid, county, w26, "na", shanghai(2027, 7, 3, 10), actor=people["lead"], text="线路停运检修")

    assert on_time(engine, cid, date(2027, 6, 19), county) == (0, 0, None)  # nothing due yet
    assert on_time(engine, cid, date(2027, 6, 20), county) == (2, 2, 1.0)  # week 24 due at the end of Sunday
    assert on_time(engine, cid, date(2027, 6, 27), county) == (2, 4, 0.5)  # week 25 due and not done
    assert on_time(engine, cid, date(2027, 6, 30), county) == (2, 4, 0.5)  # done late stays late
    assert on_time(engine, cid, date(2027, 7, 4), county) == (2, 4, 0.5)  # week 26 N/A: out of both


def test_an_na_check_counts_again_once_it_is_reopened_and_an_event_check_counts_from_its_due_time(season):
    engine, cid, units, people = season
    county, lead = units["C1-K1"], people["lead"]
    w24 = rows(engine, cid, county, "mini-weekly-patrol")[0]
    tick(engine, cid, county, w24, "na", shanghai(2027, 6, 18), actor=lead, text="停运")
    tick(engine, cid, county, w24, "reopen", shanghai(2027, 6, 25), actor=lead, version=1)
    assert on_time(engine, cid, date(2027, 6, 24), county)[:2] == (0, 0)
    assert on_time(engine, cid, date(2027, 6, 25), county)[:2] == (0, 2)  # back, and not done on time

    with transaction(engine) as s:
        events.declare_event(cid, "typhoon", starts_at=shanghai(2027, 6, 21, 8), landfall_at=shanghai(2027, 6, 23, 8),
                             unit_codes=["C1-K1"], session=s, actor=lead, now=shanghai(2027, 6, 21, 7))
    brace = rows(engine, cid, county, "mini-brace-before")[0]  # weight 3, due 2027-06-22 08:00
    watch = rows(engine, cid, county, "mini-watch-during")[0]  # weight 2, due 2027-06-21 14:00
    tick(engine, cid, county, brace, "done", shanghai(2027, 6, 22, 7, 59), actor=lead)
    tick(engine, cid, county, watch, "done", shanghai(2027, 6, 21, 15, 0), actor=lead)
    # 06-22: the brace (3, done a minute early) and the watch (2, done an hour after its due time, the
    # same day) are due; week 24 (N/A until 06-25) is not
    assert on_time(engine, cid, date(2027, 6, 22), county)[:2] == (3, 5)


def test_pre_peak_readiness_counts_only_one_off_items(season):
    engine, cid, units, people = season
    county = units["C1-K1"]
    plan = rows(engine, cid, county, "mini-plan-approved")[0]  # weight 3 of 7
    tick(engine, cid, county, plan, "done", shanghai(2027, 5, 2, 10), actor=people["lead"])
    week = rows(engine, cid, county, "mini-weekly-patrol")[0]
    tick(engine, cid, county, week, "done", shanghai(2027, 6, 18, 10), actor=people["lead"])
    with snapshot(engine) as s:
        series = readiness_series(cid, start=date(2027, 5, 1), end=date(2027, 6, 30), session=s, root_unit_id=county)
    by_day = {r.day: (r.done, r.total) for r in series.itertuples()}
    assert by_day[date(2027, 5, 1)] == (0, 7) and by_day[date(2027, 5, 2)] == (3, 7)
    assert by_day[date(2027, 6, 30)] == (3, 7)


# ── Against a brute-force replay of random histories ─────────────────────────


def random_history(engine, cid, units, seed: int) -> None:
    """Two events and a season of random ticks, N/A, reopens and notes, in time order, by a lead of the whole tree."""
    rng = random.Random(seed)
    with transaction(engine) as s:
        boss = create_user(f"boss{seed}", "correct-horse", "省公司领导", session=s, now=shanghai(2027, 3, 1),
                           grants=[("unit_lead", "P")])
        actor = Actor(boss.id, boss.username, boss.display_name)
        typhoon = events.declare_event(
            cid, "typhoon", starts_at=shanghai(2027, 7, 10, 8), landfall_at=shanghai(2027, 7, 12, 2),
            unit_codes=["C1", "C1-K1"], session=s, actor=actor, now=shanghai(2027, 7, 10, 7))
        heat = events.declare_event(cid, "heat_wave", starts_at=shanghai(2027, 7, 25, 12), unit_codes=["P", "C1-K1"],
                                    session=s, actor=actor, now=shanghai(2027, 7, 25, 11))
    moments = sorted(as_utc(shanghai(2027, 3, 1)) + timedelta(minutes=rng.randrange(0, 200 * 24 * 60))
                     for _ in range(160))
    closed = False
    for at in moments:
        if not closed and at > shanghai(2027, 8, 1):
            with transaction(engine) as s:
                events.close_event(heat.event.id, ends_at=shanghai(2027, 7, 30, 20), session=s, actor=actor, now=at)
            closed = True
        code = rng.choice(["P", "C1", "C1-K1", "C2"])
        candidates = rows(engine, cid, units[code])
        row = rng.choice(candidates)
        action = rng.choice([a for a, starts in ALLOWED_FROM.items() if row.status in starts])
        text = "现场说明" if action in ("na", "note") else ""
        tick(engine, cid, units[code], row, action, at, actor=actor, text=text)
    assert typhoon.created


def replay_readiness(engine, cid, day: date) -> tuple[int, int, int]:
    """done, N/A and total weight of the one-off obligations at the end of `day`, by replaying the log."""
    with snapshot(engine) as s:
        obligations = s.execute(select(Obligation.unit_id, Obligation.item_id, Obligation.created_on,
                                       TemplateItem.weight).join(TemplateItem, TemplateItem.id == Obligation.item_id)
                                .where(Obligation.campaign_id == cid, Obligation.occurrence == ONE_OFF)).all()
        log = s.execute(select(ChecklistEvent.unit_id, ChecklistEvent.item_id, ChecklistEvent.day,
                               ChecklistEvent.status_after)
                        .where(ChecklistEvent.campaign_id == cid, ChecklistEvent.occurrence == ONE_OFF)
                        .order_by(ChecklistEvent.id)).all()
    done = na = total = 0
    for unit, item, created, weight in obligations:
        if created > day:
            continue
        status = "open"
        for u, i, d, after in log:
            if (u, i) == (unit, item) and d <= day:
                status = after
        total += weight
        done += weight * (status == "done")
        na += weight * (status == "na")
    return done, na, total


def replay_on_time(engine, cid, day: date) -> tuple[int, int]:
    """met and due weight of the recurring and event occurrences as of the end of `day`, by the definition."""
    with snapshot(engine) as s:
        obligations = s.execute(select(Obligation.unit_id, Obligation.item_id, Obligation.occurrence,
                                       Obligation.created_on, Obligation.due_at, TemplateItem.weight)
                                .join(TemplateItem, TemplateItem.id == Obligation.item_id)
                                .where(Obligation.campaign_id == cid, Obligation.occurrence != ONE_OFF)).all()
        log = s.execute(select(ChecklistEvent.unit_id, ChecklistEvent.item_id, ChecklistEvent.occurrence,
                               ChecklistEvent.occurred_at, ChecklistEvent.status_after)
                        .where(ChecklistEvent.campaign_id == cid).order_by(ChecklistEvent.id)).all()
    met = due = 0
    for unit, item, occurrence, created, due_at, weight in obligations:
        if due_at is None:
            continue
        due_at = as_utc(due_at)
        if local_day(due_at - timedelta(microseconds=1)) > day or created > day:
            continue
        mine = [(as_utc(at), after) for u, i, oc, at, after in log if (u, i, oc) == (unit, item, occurrence)]
        at_end_of_day = ([after for at, after in mine if local_day(at) <= day] or ["open"])[-1]
        if at_end_of_day == "na":
            continue
        at_due = ([after for at, after in mine if at <= due_at] or ["open"])[-1]
        due += weight
        met += weight * (at_due == "done")
    return met, due


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_figures_equal_a_day_by_day_replay_of_a_random_history(season, seed):
    engine, cid, units, _ = season
    random_history(engine, cid, units, seed)
    first, last = START, END + timedelta(days=20)
    with snapshot(engine) as s:
        readiness = {r.day: (r.done, r.na, r.total) for r in
                     readiness_series(cid, start=first, end=last, session=s).itertuples()}
        in_season = {r.day: (r.met, r.due) for r in on_time_series(cid, start=first, end=last, session=s).itertuples()}
    day = first
    checked = 0
    while day <= last:
        if day.day in (1, 8, 15, 22, 29) or PEAK <= day <= PEAK + timedelta(days=70):
            assert readiness[day] == replay_readiness(engine, cid, day), day
            assert in_season[day] == replay_on_time(engine, cid, day), day
            checked += 1
        day += timedelta(days=1)
    assert checked > 60
    assert in_season[last][1] > 0 and readiness[last][0] > 0  # the history did reach both figures


def test_the_on_time_series_starting_late_carries_what_fell_due_before_it(season):
    engine, cid, units, _ = season
    random_history(engine, cid, units, 7)
    with snapshot(engine) as s:
        full = on_time_series(cid, start=START, end=END, session=s).set_index("day")
        late = on_time_series(cid, start=date(2027, 8, 1), end=END, session=s).set_index("day")
    assert (full.loc[late.index, ["met", "due"]] == late[["met", "due"]]).all().all()


def test_status_rows_and_the_replay_agree_on_the_current_state(season):
    engine, cid, units, _ = season
    random_history(engine, cid, units, 11)
    with snapshot(engine) as s:
        live = {(u, i, oc): st for u, i, oc, st in s.execute(
            select(ChecklistStatus.unit_id, ChecklistStatus.item_id, ChecklistStatus.occurrence, ChecklistStatus.status)
            .where(ChecklistStatus.campaign_id == cid))}
        log = s.execute(select(ChecklistEvent.unit_id, ChecklistEvent.item_id, ChecklistEvent.occurrence,
                               ChecklistEvent.status_after).order_by(ChecklistEvent.id)).all()
    replayed: dict[tuple, str] = {}
    for u, i, oc, after in log:
        replayed[(u, i, oc)] = after
    assert all(live[k] == v for k, v in replayed.items())
    assert sum(1 for k in replayed if k[2]) > 0  # occurrences were ticked, not only one-off items
