"""Dispatch declares and closes events from the command line: `manage.py declare-event` prints the
checks it created, `close-event` ends it, `list-events` shows each event's progress."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from checklists import campaigns
from store.db import make_engine, snapshot, transaction
from store.schema import Obligation, SeasonEvent
from tests.conftest import NOW, ROOT
from tests.integration.test_cli import manage
from tests.seed_copies import fixture_org, seeds_with_templates


@pytest.fixture
def season_db(tmp_path):
    seeds = seeds_with_templates(tmp_path, ROOT / "tests" / "fixtures" / "season" / "mini-peak.yaml")
    db = tmp_path / "season.db"
    engine = make_engine(f"sqlite:///{db}")
    people = fixture_org(engine, seeds, {"admin": [("admin", None)]})
    with transaction(engine) as s:
        campaigns.open_campaign("2027 度夏", ["mini", "mini-peak"], peak_start=date(2027, 6, 15),
                                starts_on=date(2027, 3, 1), peak_end=date(2027, 9, 15),
                                unit_codes=["P", "C1", "C1-K1", "C2"], session=s, actor=people["admin"], now=NOW)
    engine.dispose()
    return db, seeds


def test_declare_event_prints_every_check_it_created_with_its_due_time(season_db):
    db, seeds = season_db
    out = manage("declare-event", "typhoon", "--start", "2027-07-20 08:00", "--landfall", "2027-07-22 14:00",
                 "--units", "C1,C1-K1", "--level", "orange", "--name", "台风海燕", db=db, seeds=seeds)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "台风海燕" in lines[0] and "2" in lines[0] and "3" in lines[0]
    assert sorted(line.split() for line in lines[1:]) == sorted([
        ["C1", "mini-watch-during", "截止", "2027-07-20", "14:00"],
        ["C1-K1", "mini-brace-before", "截止", "2027-07-21", "14:00"],
        ["C1-K1", "mini-watch-during", "截止", "2027-07-20", "14:00"],
    ])


def test_a_heat_wave_without_an_end_says_its_review_is_due_once_it_ends_and_closing_sets_it(season_db):
    db, seeds = season_db
    out = manage("--lang", "en", "declare-event", "heat_wave", "--start", "2027-07-25T12:00", "--units", "C1-K1",
                 db=db, seeds=seeds)
    assert out.returncode == 0, out.stderr
    assert "mini-heat-review  due set when the event ends" in out.stdout
    closed = manage("--lang", "en", "close-event", "1", "--end", "2027-07-30 20:00", db=db, seeds=seeds)
    assert closed.returncode == 0, closed.stderr
    assert "closed (ended 2027-07-30 20:00)" in closed.stdout
    listed = manage("--lang", "en", "list-events", db=db, seeds=seeds)
    assert "#1  closed  Heat-wave / load alert" in listed.stdout and "done 0/1" in listed.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["typhoon", "--start", "7月20日", "--units", "C1"], "时间格式无效：7月20日"),
    (["typhoon", "--start", "2027-07-20 08:00", "--units", "C1-K2"], "未参加本备战活动"),
    (["typhoon", "--start", "2027-07-20 08:00", "--units", "NOPE"], "NOPE"),
    (["rainstorm", "--start", "2027-07-20 08:00", "--units", "C1", "--landfall", "2027-07-21 08:00"], "只有台风预警"),
    (["typhoon", "--start", "2027-07-20 08:00", "--units", "C1", "--level", "purple"], "purple"),
])
def test_a_bad_declaration_is_one_clear_line_and_creates_nothing(season_db, args, message):
    db, seeds = season_db
    out = manage("declare-event", *args, db=db, seeds=seeds)
    assert out.returncode != 0
    assert message in out.stderr and "Traceback" not in out.stderr
    engine = make_engine(f"sqlite:///{db}")
    with snapshot(engine) as s:
        assert s.scalar(select(func.count()).select_from(SeasonEvent)) == 0
        assert s.scalar(select(func.count()).select_from(Obligation).where(Obligation.event_id.is_not(None))) == 0
    engine.dispose()
