"""The season itself: recurring checks fall due once per period of the peak (or the whole season), and
dispatch's events (typhoon, rainstorm, heat wave, orderly power use) give the units they name checks
due before, during and after them. Each occurrence is its own obligation, ticked and logged on its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from checklists import campaigns, changes, events, queries
from checklists.rebuild import projection_differences, rebuild_projections
from core.errors import Forbidden, InvalidInput, StaleWrite
from readiness.series import readiness_series
from store.db import snapshot, transaction
from store.schema import AdminAuditEvent, ChecklistEvent, ChecklistStatus, Obligation, OrgUnit, SeasonEvent
from tests.conftest import NOW, ROOT
from tests.seed_copies import fixture_org, seeds_with_templates

PEAK_TEMPLATE = ROOT / "tests" / "fixtures" / "season" / "mini-peak.yaml"
# The peak runs from Tuesday 2027-06-15 to Wednesday 2027-09-15; the season opens 2027-03-01.
START, PEAK, END = date(2027, 3, 1), date(2027, 6, 15), date(2027, 9, 15)
SH = timedelta(hours=8)  # Asia/Shanghai


def shanghai(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=UTC) - SH


@pytest.fixture
def season(empty_engine, tmp_path: Path):
    people = fixture_org(empty_engine, seeds_with_templates(tmp_path, PEAK_TEMPLATE), {
        "admin": [("admin", None)], "lead": [("unit_lead", "C1")], "coord": [("drill_coordinator", "P")]})
    with transaction(empty_engine) as s:
        campaign = campaigns.open_campaign("2027 度夏", ["mini", "mini-peak"], peak_start=PEAK, starts_on=START,
                                           peak_end=END, unit_codes=["P", "C1", "C1-K1", "C2"],
                                           session=s, actor=people["admin"], now=NOW)
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id)).all())
    return empty_engine, campaign.id, units, people


def rows(engine, cid: int, unit_id: int, key: str | None = None) -> list[queries.ChecklistRow]:
    with snapshot(engine) as s:
        found = queries.unit_checklist(cid, unit_id, session=s)
    return [r for r in found if key is None or r.key == key]


def table_counts(engine) -> dict[str, int]:
    with snapshot(engine) as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t))
                for t in (Obligation, ChecklistStatus, ChecklistEvent, SeasonEvent, AdminAuditEvent)}


# ── Recurring checks ─────────────────────────────────────────────────────────


def test_a_weekly_check_is_one_obligation_per_calendar_week_of_the_peak_each_due_at_the_end_of_its_sunday(season):
    engine, cid, units, _ = season
    weekly = rows(engine, cid, units["C1-K1"], "mini-weekly-patrol")
    # 2027-06-15 (Tuesday, ISO week 24) … 2027-09-15 (Wednesday, week 37): 14 weeks
    assert [r.occurrence for r in weekly] == [f"2027-W{w}" for w in range(24, 38)]
    assert weekly[0].due == date(2027, 6, 20) and weekly[0].due_at == shanghai(2027, 6, 21)
    assert weekly[-1].due == END  # the last week is cut at the peak's end
    assert weekly[0].starts_on == date(2027, 6, 14)  # its week began on the Monday before the peak


def test_a_monthly_check_over_the_season_runs_from_the_season_start_to_the_peak_end(season):
    engine, cid, units, _ = season
    monthly = rows(engine, cid, units["C1"], "mini-monthly-review")
    assert [r.occurrence for r in monthly] == ["2027-03", "2027-04", "2027-05", "2027-06", "2027-07", "2027-08",
                                                "2027-09"]
    assert [r.due for r in monthly][:2] == [date(2027, 3, 31), date(2027, 4, 30)]
    assert monthly[-1].due == END


def test_recurring_checks_go_only_to_the_kinds_of_unit_they_apply_to(season):
    engine, cid, units, _ = season
    assert rows(engine, cid, units["C1"], "mini-weekly-patrol") == []
    assert rows(engine, cid, units["C1-K1"], "mini-monthly-review") == []
    assert rows(engine, cid, units["P"], "mini-weekly-patrol") == []


def test_event_triggered_items_are_no_obligation_until_an_event_is_declared(season):
    engine, cid, units, _ = season
    keys = {r.key for r in rows(engine, cid, units["C1-K1"])}
    assert not keys & {"mini-brace-before", "mini-watch-during", "mini-heat-review"}


def test_recurring_checks_do_not_count_in_pre_peak_readiness(season):
    engine, cid, units, _ = season
    with snapshot(engine) as s:
        total = readiness_series(cid, start=START, end=START, session=s, root_unit_id=units["C1-K1"])["total"].iloc[0]
    assert total == 3 + 2 + 1 + 1  # the one-off items of `mini` only


def test_each_occurrence_is_ticked_and_logged_on_its_own(season):
    engine, cid, units, people = season
    lead = people["lead"]
    week25, week26 = rows(engine, cid, units["C1-K1"], "mini-weekly-patrol")[1:3]
    with transaction(engine) as s:
        changes.mark_done(cid, units["C1-K1"], week25.item_id, occurrence=week25.occurrence, expected_version=0,
                          session=s, actor=lead, now=shanghai(2027, 6, 24, 10))
    after = {r.occurrence: r for r in rows(engine, cid, units["C1-K1"], "mini-weekly-patrol")}
    assert after[week25.occurrence].status == "done" and after[week26.occurrence].status == "open"
    with snapshot(engine) as s:
        logged = queries.item_history(cid, units["C1-K1"], week25.item_id, occurrence=week25.occurrence, session=s)
        other = queries.item_history(cid, units["C1-K1"], week26.item_id, occurrence=week26.occurrence, session=s)
        event = s.scalars(select(ChecklistEvent)).one()
    assert [e.action for e in logged] == ["done"] and other == []
    assert event.occurrence == "2027-W25"
    # the next week's occurrence has its own version: version 0 is still current there
    with transaction(engine) as s:
        changes.mark_done(cid, units["C1-K1"], week26.item_id, occurrence=week26.occurrence, expected_version=0,
                          session=s, actor=lead, now=shanghai(2027, 7, 1, 10))
    with pytest.raises(StaleWrite), transaction(engine) as s:
        changes.reopen(cid, units["C1-K1"], week25.item_id, occurrence=week25.occurrence, expected_version=0,
                       session=s, actor=lead, now=shanghai(2027, 7, 1, 11))


def test_ticking_a_recurring_check_leaves_pre_peak_readiness_alone_and_the_rebuild_agrees(season):
    engine, cid, units, people = season
    week = rows(engine, cid, units["C1-K1"], "mini-weekly-patrol")[0]
    with transaction(engine) as s:
        changes.mark_done(cid, units["C1-K1"], week.item_id, occurrence=week.occurrence, expected_version=0,
                          session=s, actor=people["lead"], now=shanghai(2027, 6, 18, 9))
    with snapshot(engine) as s:
        done = readiness_series(cid, start=END, end=END, session=s)["done"].iloc[0]
        assert done == 0
        assert projection_differences(cid, session=s) == []
    with transaction(engine) as s:
        rebuild_projections(cid, session=s)
    assert {r.occurrence: r.status for r in rows(engine, cid, units["C1-K1"], "mini-weekly-patrol")}[
        week.occurrence] == "done"


def test_a_unit_joining_mid_peak_owes_recurring_checks_from_the_week_it_joins(season):
    engine, cid, units, people = season
    with transaction(engine) as s:
        campaigns.add_units(cid, ["C1-K2"], session=s, actor=people["admin"], joined_on=date(2027, 7, 7),
                            now=shanghai(2027, 7, 7))
    weekly = rows(engine, cid, units["C1-K2"], "mini-weekly-patrol")
    assert weekly[0].occurrence == "2027-W27"  # Monday 5 July – Sunday 11 July holds the 7th


def test_a_season_running_recurring_checks_must_say_when_the_peak_ends(season):
    engine, _, _, people = season
    before = table_counts(engine)
    with pytest.raises(InvalidInput) as refused, transaction(engine) as s:
        campaigns.open_campaign("2028 度夏", ["mini-peak"], peak_start=date(2028, 6, 15), starts_on=date(2028, 3, 1),
                                unit_codes=["C1"], session=s, actor=people["admin"], now=NOW)
    assert refused.value.code == "error.peak_end_required"
    assert table_counts(engine) == before


# ── Events ───────────────────────────────────────────────────────────────────


def declare(engine, cid, actor, kind="typhoon", units=("C1", "C1-K1"), **kw):
    kw.setdefault("starts_at", shanghai(2027, 7, 20, 8))
    with transaction(engine) as s:
        return events.declare_event(cid, kind, unit_codes=list(units), session=s, actor=actor,
                                    now=shanghai(2027, 7, 20, 7), **kw)


def test_a_typhoon_warning_gives_each_unit_named_the_checks_it_triggers_that_apply_to_it(season):
    engine, cid, units, people = season
    declared = declare(engine, cid, people["lead"], name="台风“海燕”", level="orange",
                       landfall_at=shanghai(2027, 7, 22, 14))
    created = {(o.unit_code, o.item_key): o.due_at for o in declared.created}
    assert created == {
        ("C1", "mini-watch-during"): shanghai(2027, 7, 20, 14),  # 6 h after the warning starts
        ("C1-K1", "mini-brace-before"): shanghai(2027, 7, 21, 14),  # 24 h before landfall
        ("C1-K1", "mini-watch-during"): shanghai(2027, 7, 20, 14),
    }
    county = {r.key: r for r in rows(engine, cid, units["C1-K1"]) if r.kind == "event"}
    assert set(county) == {"mini-brace-before", "mini-watch-during"}
    brace = county["mini-brace-before"]
    assert brace.occurrence == f"E{declared.event.id}" and brace.event_name == "台风“海燕”" and brace.event_open
    assert brace.due == date(2027, 7, 21)
    assert rows(engine, cid, units["C2"], "mini-watch-during") == []  # a city the warning does not name


def test_a_heat_wave_review_falls_due_only_once_the_heat_wave_has_ended(season):
    engine, cid, units, people = season
    declared = declare(engine, cid, people["coord"], kind="heat_wave", units=["C1-K1"])
    assert [(o.item_key, o.due_at) for o in declared.created] == [("mini-heat-review", None)]
    review = rows(engine, cid, units["C1-K1"], "mini-heat-review")[0]
    assert review.due is None and not review.overdue(date(2027, 12, 31))
    with transaction(engine) as s:
        closed = events.close_event(declared.event.id, ends_at=shanghai(2027, 7, 25, 18), session=s,
                                    actor=people["coord"], now=shanghai(2027, 7, 26, 9))
    assert closed.status == "closed"
    review = rows(engine, cid, units["C1-K1"], "mini-heat-review")[0]
    assert review.due_at == shanghai(2027, 7, 28, 18)  # 72 h after the end
    assert review.overdue(date(2027, 7, 29)) and not review.event_open


def test_two_events_give_two_occurrences_of_the_same_check(season):
    engine, cid, units, people = season
    first = declare(engine, cid, people["lead"], kind="rainstorm", units=["C1-K1"])
    second = declare(engine, cid, people["lead"], kind="rainstorm", units=["C1-K1"],
                     starts_at=shanghai(2027, 8, 3, 8))
    watch = rows(engine, cid, units["C1-K1"], "mini-watch-during")
    assert [r.occurrence for r in watch] == [f"E{first.event.id}", f"E{second.event.id}"]


def test_each_event_shows_its_own_progress_per_unit(season):
    engine, cid, units, people = season
    declared = declare(engine, cid, people["lead"], landfall_at=shanghai(2027, 7, 22, 14))
    brace = rows(engine, cid, units["C1-K1"], "mini-brace-before")[0]
    with transaction(engine) as s:
        changes.mark_done(cid, units["C1-K1"], brace.item_id, occurrence=brace.occurrence, expected_version=0,
                          session=s, actor=people["lead"], now=shanghai(2027, 7, 21, 9))
    with snapshot(engine) as s:
        progress = {p.unit_code: (p.done, p.total) for p in events.event_progress(declared.event.id, session=s)}
    assert progress == {"C1": (0, 1), "C1-K1": (1, 2), None: (1, 3)}


@pytest.mark.parametrize(("change", "code"), [
    ({"units": ["C1-K2"]}, "error.event_unit_not_in_season"),
    ({"kind": "heat_wave", "landfall_at": shanghai(2027, 7, 22)}, "error.landfall_only_typhoon"),
    ({"level": "purple"}, "error.event_level"),
    ({"kind": "snowstorm"}, "error.event_kind"),
    ({"ends_at": shanghai(2027, 7, 19)}, "error.event_end_before_start"),
    ({"landfall_at": shanghai(2027, 7, 19)}, "error.landfall_before_start"),
    ({"units": []}, "error.no_units"),
])
def test_a_bad_declaration_is_refused_and_changes_nothing(season, change, code):
    engine, cid, _, people = season
    before = table_counts(engine)
    with pytest.raises(InvalidInput) as refused:
        declare(engine, cid, people["coord"], **change)
    assert refused.value.code == code
    assert table_counts(engine) == before


def test_a_lead_cannot_declare_an_event_for_units_outside_their_scope(season):
    engine, cid, _, people = season
    before = table_counts(engine)
    with pytest.raises(Forbidden):
        declare(engine, cid, people["lead"], units=["C1-K1", "C2"])
    assert table_counts(engine) == before


def test_declaring_and_closing_are_in_the_audit_log_and_a_closed_event_cannot_close_again(season):
    engine, cid, _, people = season
    declared = declare(engine, cid, people["coord"], kind="orderly_power", units=["C1"])
    with transaction(engine) as s:
        events.close_event(declared.event.id, session=s, actor=people["coord"], now=shanghai(2027, 7, 21))
    with pytest.raises(InvalidInput) as refused, transaction(engine) as s:
        events.close_event(declared.event.id, session=s, actor=people["coord"], now=shanghai(2027, 7, 22))
    assert refused.value.code == "error.event_closed"
    with snapshot(engine) as s:
        actions = s.scalars(select(AdminAuditEvent.action).order_by(AdminAuditEvent.id)).all()
    assert actions[-2:] == ["event.declare", "event.close"]


def test_the_rebuild_keeps_event_occurrences_apart(season):
    engine, cid, units, people = season
    declare(engine, cid, people["lead"], landfall_at=shanghai(2027, 7, 22, 14))
    for r in rows(engine, cid, units["C1-K1"]):
        if r.kind == "event":
            with transaction(engine) as s:
                changes.mark_done(cid, units["C1-K1"], r.item_id, occurrence=r.occurrence, expected_version=0,
                                  session=s, actor=people["lead"], now=shanghai(2027, 7, 21, 9))
    with transaction(engine) as s:
        rebuild_projections(cid, session=s)
    with snapshot(engine) as s:
        assert projection_differences(cid, session=s) == []
    assert {r.key: r.status for r in rows(engine, cid, units["C1-K1"]) if r.kind == "event"} == {
        "mini-brace-before": "done", "mini-watch-during": "done"}


def test_a_flood_season_templates_weekly_check_runs_from_the_flood_seasons_start(empty_engine, tmp_path):
    data = yaml.safe_load(PEAK_TEMPLATE.read_text(encoding="utf-8"))
    data.update(key="mini-flood", counts_from="flood_season", name_zh="汛期测试模板", name_en="Flood test template")
    for section in data["sections"]:
        for item in section["items"]:
            item["key"] = item["key"].replace("mini-", "mini-flood-")
    flood_template = tmp_path / "mini-flood.yaml"
    flood_template.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    people = fixture_org(empty_engine, seeds_with_templates(tmp_path, flood_template), {"admin": [("admin", None)]})
    with transaction(empty_engine) as s:
        campaign = campaigns.open_campaign("2027 汛期", ["mini-flood"], peak_start=PEAK, starts_on=START, peak_end=END,
                                           anchors={"mini-flood": date(2027, 5, 1)}, unit_codes=["C1-K1"],
                                           session=s, actor=people["admin"], now=NOW)
        county = s.scalar(select(OrgUnit.id).where(OrgUnit.code == "C1-K1"))
    weekly = rows(empty_engine, campaign.id, county, "mini-flood-weekly-patrol")
    assert weekly[0].occurrence == "2027-W17" and weekly[0].due == date(2027, 5, 2)  # Saturday 1 May's week
    assert weekly[-1].due == END
