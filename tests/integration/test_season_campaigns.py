"""A season runs several templates for a set of units: each unit gets the items that apply to its kind,
an item two templates share is one obligation, and the obligations stay as they were decided."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from admin.setup import initialize
from checklists import campaigns, changes, queries
from checklists.rebuild import projection_differences, rebuild_projections
from core.errors import InvalidInput
from readiness.series import readiness_series
from store.db import snapshot, transaction
from store.schema import ChecklistStatus, Obligation, OrgUnit
from tests.conftest import NOW, ROOT
from tests.seed_copies import fixture_org, seeds_with_templates

SEASON_TEMPLATE = ROOT / "tests" / "fixtures" / "season" / "mini-storm.yaml"
PEAK, START, END = date(2027, 6, 15), date(2026, 11, 1), date(2027, 9, 15)
WEIGHT = {"mini-plan-approved": 3, "mini-duty-roster": 2, "mini-cable-patrol": 1, "mini-cable-seal": 1,
          "mini-storm-bracing": 3, "mini-storm-watch": 1}


@pytest.fixture
def season(empty_engine, tmp_path: Path):
    people = fixture_org(empty_engine, seeds_with_templates(tmp_path, SEASON_TEMPLATE),
                         {"admin": [("admin", None)], "lead": [("unit_lead", "C1")]})
    with transaction(empty_engine) as s:
        campaign = campaigns.open_campaign("2027 度夏", ["mini", "mini-storm"], peak_start=PEAK, starts_on=START,
                                           peak_end=END, unit_codes=["P", "C1", "C1-K1", "C2"], session=s,
                                           actor=people["admin"], now=NOW)
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id)).all())
    return empty_engine, campaign.id, units, people["admin"], people["lead"]


def keys(engine, campaign_id: int, unit_id: int) -> list[str]:
    with snapshot(engine) as s:
        return [r.key for r in queries.unit_checklist(campaign_id, unit_id, session=s)]


def test_a_county_gets_both_templates_items_for_counties_and_the_shared_item_once(season):
    engine, cid, units, _, _ = season
    county = keys(engine, cid, units["C1-K1"])
    assert sorted(county) == sorted(["mini-plan-approved", "mini-duty-roster", "mini-cable-patrol",
                                     "mini-cable-seal", "mini-storm-bracing"])
    assert county.count("mini-duty-roster") == 1


def test_a_city_does_not_get_the_county_only_item_but_gets_its_own(season):
    engine, cid, units, _, _ = season
    city = keys(engine, cid, units["C1"])
    assert "mini-storm-bracing" not in city and "mini-storm-watch" in city
    assert "mini-storm-watch" not in keys(engine, cid, units["P"])  # the province is neither kind


def test_each_units_total_weight_is_the_weight_of_its_own_obligations(season):
    engine, cid, units, _, _ = season
    with snapshot(engine) as s:
        for code in ("C1-K1", "C1", "P"):
            total = readiness_series(cid, start=START, end=START, session=s, root_unit_id=units[code])
            if code == "C1":  # the city's sub-tree holds the county too
                expected = sum(WEIGHT[k] for k in keys(engine, cid, units["C1"]) + keys(engine, cid, units["C1-K1"]))
            elif code == "P":
                expected = sum(WEIGHT[k] for u in ("P", "C1", "C1-K1", "C2") for k in keys(engine, cid, units[u]))
            else:
                expected = sum(WEIGHT[k] for k in keys(engine, cid, units[code]))
            assert int(total["total"].iloc[-1]) == expected, code


def test_the_rebuild_takes_the_obligations_as_they_were_decided_even_after_a_unit_changes_kind(season):
    engine, cid, units, _, lead = season
    with transaction(engine) as s:
        rows = queries.unit_checklist(cid, units["C1-K1"], session=s)
        bracing = next(r for r in rows if r.key == "mini-storm-bracing")
        changes.change_item(cid, units["C1-K1"], bracing.item_id, "done", expected_version=0, session=s,
                            actor=lead, now=NOW)
        s.execute(update(OrgUnit).where(OrgUnit.code == "C1-K1").values(kind="station"))
        s.execute(delete(ChecklistStatus).where(ChecklistStatus.unit_id == units["C1-K1"]))
    with transaction(engine) as s:
        assert projection_differences(cid, session=s)  # the deleted rows are missed
        rebuild_projections(cid, session=s)
    with snapshot(engine) as s:
        assert projection_differences(cid, session=s) == []
        rows = {r.key: r.status for r in queries.unit_checklist(cid, units["C1-K1"], session=s)}
    assert rows["mini-storm-bracing"] == "done" and len(rows) == 5


def test_a_unit_joining_later_gets_its_obligations_from_that_day(season):
    engine, cid, units, admin, _ = season
    with transaction(engine) as s:
        campaigns.add_units(cid, ["C1-K2"], session=s, actor=admin, joined_on=date(2026, 12, 1), now=NOW)
    with snapshot(engine) as s:
        created = set(s.scalars(select(Obligation.created_on).where(Obligation.unit_id == units["C1-K2"])))
        assert created == {date(2026, 12, 1)}
        assert projection_differences(cid, session=s) == []
    assert "mini-storm-bracing" in keys(engine, cid, units["C1-K2"])


@pytest.mark.parametrize(("templates", "extra", "code"), [
    ([], {}, "error.no_templates"),
    (["mini", "mini-storm"], {"template_version": 1}, "error.version_with_one_template"),
    (["mini"], {"peak_end": PEAK}, "error.peak_end_before_start"),
])
def test_a_season_without_templates_or_with_a_peak_ending_before_it_starts_is_refused(season, templates, extra,
                                                                                        code):
    engine, _, _, admin, _ = season
    with pytest.raises(InvalidInput) as refused, transaction(engine) as s:
        campaigns.open_campaign("2028 度夏", templates, peak_start=PEAK, starts_on=START, unit_codes=["C1"],
                                session=s, actor=admin, now=NOW, **extra)
    assert refused.value.code == code


def test_a_template_a_season_runs_second_is_frozen_like_the_first(season, tmp_path):
    engine, *_ = season
    seeds = tmp_path / "seeds"
    storm = seeds / "templates" / "mini-storm.yaml"
    storm.write_text(storm.read_text(encoding="utf-8").replace("台风期间调度值守已加强", "台风期间调度值守已再加强"),
                     encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        initialize(engine, seeds, now=NOW)
    assert refused.value.code == "error.template_frozen"


def test_a_templates_due_days_count_back_from_its_own_start_day_when_the_season_gives_one(season):
    engine, _, units, admin, _ = season
    flood_starts = date(2027, 5, 1)
    with transaction(engine) as s:
        other = campaigns.open_campaign("2027 汛期", ["mini", "mini-storm"], peak_start=PEAK, starts_on=START,
                                        anchors={"mini-storm": flood_starts}, unit_codes=["C1-K1"], session=s,
                                        actor=admin, now=NOW)
        rows = {r.key: r.due for r in queries.unit_checklist(other.id, units["C1-K1"], session=s)}
    assert rows["mini-storm-bracing"] == date(2027, 4, 26)  # 5 days before the flood season
    assert rows["mini-duty-roster"] == date(2027, 6, 8)  # shared, listed under `mini`: 7 days before the peak
    assert rows["mini-plan-approved"] == date(2027, 5, 16)


def test_a_start_day_for_a_template_the_season_does_not_run_is_refused(season):
    engine, _, _, admin, _ = season
    with pytest.raises(InvalidInput) as refused, transaction(engine) as s:
        campaigns.open_campaign("2027 汛期", ["mini"], peak_start=PEAK, starts_on=START,
                                anchors={"mini-storm": date(2027, 5, 1)}, unit_codes=["C1"], session=s, actor=admin,
                                now=NOW)
    assert refused.value.code == "error.anchor_without_template"


def test_the_flood_template_cannot_join_a_season_without_the_flood_seasons_start(season, tmp_path):
    engine, _, _, admin, _ = season
    seeds = tmp_path / "seeds"
    storm = seeds / "templates" / "mini-storm.yaml"
    storm.write_text(storm.read_text(encoding="utf-8").replace("version: 1", "version: 2\ncounts_from: flood_season"),
                     encoding="utf-8")
    initialize(engine, seeds, now=NOW)
    with pytest.raises(InvalidInput) as refused, transaction(engine) as s:
        campaigns.open_campaign("2027 汛期", ["mini", "mini-storm"], peak_start=PEAK, starts_on=START,
                                unit_codes=["C1"], session=s, actor=admin, now=NOW)
    assert refused.value.code == "error.anchor_required" and "mini-storm" in str(refused.value.params)
