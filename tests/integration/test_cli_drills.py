"""`manage.py export-ics` writes the drills as an iCalendar file: those of the open seasons, of one
season or of one unit. A second export after a move keeps each drill's UID and raises its SEQUENCE, so a
calendar that imports it again updates the drill instead of adding it twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import vobject

from checklists import campaigns
from drills import planning
from drills.planning import DrillDraft
from store.db import make_engine, snapshot, transaction
from store.schema import OrgUnit
from tests.conftest import NOW
from tests.integration.test_cli import manage
from tests.seed_copies import fixture_org, seeds_with_templates

SH = timedelta(hours=8)


def at(y: int, m: int, d: int, h: int) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC) - SH


@pytest.fixture
def drills_db(tmp_path):
    from sqlalchemy import select

    seeds = seeds_with_templates(tmp_path)
    db = tmp_path / "drills.db"
    engine = make_engine(f"sqlite:///{db}")
    people = fixture_org(engine, seeds, {"admin": [("admin", None)], "coord": [("drill_coordinator", "P")]})
    with transaction(engine) as s:
        campaign = campaigns.open_campaign("2027 度夏", "mini", peak_start=date(2027, 6, 15),
                                           starts_on=date(2026, 11, 1), unit_codes=["P", "C1", "C1-K1", "C2"],
                                           session=s, actor=people["admin"], now=NOW)
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id)).all())
        ids = []
        for title, unit, day in (("电缆隧道火灾演练, 甲一县; 夜间", "C1-K1", 8), ("乙市电缆火灾桌面推演", "C2", 9)):
            ids.append(planning.plan_drill(DrillDraft(
                type_key="cable-fire", form="tabletop", title=title, starts_at=at(2026, 12, day, 9),
                ends_at=at(2026, 12, day, 12), lead_unit_id=units[unit], campaign_id=campaign.id,
                location="城东电缆隧道"), session=s, actor=people["coord"], now=NOW).drill_id)
    engine.dispose()
    return db, seeds, ids


def events_of(path) -> dict[str, vobject.base.Component]:
    calendar = vobject.readOne(path.read_text(encoding="utf-8"))
    return {e.uid.value: e for e in calendar.vevent_list}


def test_export_ics_writes_every_drill_of_the_open_seasons_and_prints_one_line_each(drills_db, tmp_path):
    db, seeds, ids = drills_db
    out = tmp_path / "plan.ics"
    result = manage("export-ics", "--out", str(out), db=db, seeds=seeds)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == f"已将 2 次演练写入 {out}"
    assert lines[0].startswith(f"演练 {ids[0]}  2026-12-08 09:00  电缆隧道火灾演练")
    found = events_of(out)
    first = found[f"drill-{ids[0]}@peakready.local"]
    assert first.summary.value == "电缆隧道火灾演练, 甲一县; 夜间"  # commas and semicolons survive the escaping
    assert first.location.value == "城东电缆隧道"
    assert first.dtstart.value == datetime(2026, 12, 8, 9, tzinfo=first.dtstart.value.tzinfo)
    assert first.dtstart.value.utcoffset() == SH and first.dtend.value.hour == 12


def test_a_unit_filter_keeps_only_its_drills_and_a_move_updates_the_same_uid(drills_db, tmp_path):
    db, seeds, ids = drills_db
    before = tmp_path / "before.ics"
    assert manage("export-ics", "--unit", "c2", "--out", str(before), db=db, seeds=seeds).returncode == 0
    assert list(events_of(before)) == [f"drill-{ids[1]}@peakready.local"]
    engine = make_engine(f"sqlite:///{db}")
    with transaction(engine) as s:
        planning.move_drill(ids[1], at(2026, 12, 10, 14), at(2026, 12, 10, 17), expected_version=1, session=s,
                            actor=None, now=NOW)
    with snapshot(engine) as s:
        assert planning.get_drill(ids[1], session=s).version == 2
    engine.dispose()
    after = tmp_path / "after.ics"
    assert manage("--lang", "en", "export-ics", "--unit", "C2", "--out", str(after), db=db, seeds=seeds).returncode == 0
    old, new = events_of(before)[f"drill-{ids[1]}@peakready.local"], events_of(after)[f"drill-{ids[1]}@peakready.local"]
    assert int(new.sequence.value) == int(old.sequence.value) + 1
    assert new.dtstart.value.hour == 14


def test_an_unknown_season_is_a_clear_error_and_no_file_is_written(drills_db, tmp_path):
    db, seeds, _ = drills_db
    out = tmp_path / "none.ics"
    result = manage("--lang", "en", "export-ics", "--campaign", "no such season", "--out", str(out), db=db,
                    seeds=seeds)
    assert result.returncode != 0 and not out.exists()
    assert "no such season" in result.stderr and "Traceback" not in result.stderr
