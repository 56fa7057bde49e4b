"""Fuzzing the drill plan workbook coming in (manage.py import-drills, the drill planner): rows with any
drill type and form, titles and locations that are formulas or too long, times in any form — Excel
date-times, serial numbers, text, the first and last days of the calendar, a date without a time, NaN —
unknown or out-of-scope units, unknown people, odd flags, ids that are stale, repeated, negative or too
big for any database; meta sheets and headers changed; damaged files and random bytes. Whatever comes in,
the import either plans every row as a sound drill, or refuses — as a whole, or row by row with each row's
rule codes — with messages in both languages and the database exactly as before; a dry run never changes
anything."""

from __future__ import annotations

import io
import math
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

import admin.drill_workbook as dw
from admin.drill_timeline import export_timeline, read_timeline
from admin.drill_workbook import COLUMN_IDS, drill_plan_template, import_drill_plan, read_drill_plan
from core.errors import DomainError, InvalidInput
from core.fields import NOT_TEXT
from core.i18n import LANGUAGES
from drills.planning import MAX_TITLE, list_drills
from store.db import snapshot, transaction
from store.schema import Drill
from tests.conftest import NOW
from tests.integration.fuzz_support import (
    assert_clear_refusal,
    assert_translated,
    damaged,
    dump,
    hostile_text,
    note,
    sparse_sheet,
    with_member,
    zip_bomb,
)
from tests.integration.test_drill_workbook import new_world

# openpyxl warns of the damaged parts it skips in a fuzzed workbook: expected, not news.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:openpyxl.*")
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 12, 1) + timedelta(days=day, hours=hour)


starts = st.builds(local, st.integers(0, 200), st.integers(7, 17))
USUAL = {
    "type": st.just("flood-typhoon"),
    "form": st.sampled_from(["桌面推演", "tabletop", "Tabletop", "桌面", "功能演练", "functional"]),
    "title": st.sampled_from(["防汛桌面推演", "=HYPERLINK(\"http://x\",\"演练\")", "+86 通信演练", "-演练-", "@演练",
                              "演" * MAX_TITLE, "\t=1+1"]),
    "location": st.sampled_from(["", "甲一县应急指挥中心", "=A1", "地" * dw.MAX_LOCATION]),
    "lead": st.sampled_from(["C1-K1", "C1-K2", "c1-k1", "C1"]),
    "units": st.sampled_from(["", "C1-K1、C1-K2", "C1-K2, C1-DISP", "c1-k2；C1-K1"]),
    "coordinator": st.sampled_from(["", "coord", "COORD"]),
    "evaluators": st.sampled_from(["", "eva", "eva、eva2", "eva eva2"]),
    "unannounced": st.sampled_from(["否", "no", "", 0, False, "N"]),
    "status": st.sampled_from(["", "已计划", "planned"]),
}
ODD = {
    "id": st.one_of(st.sampled_from([1, 2, -3, 0, 10**20, 2**31, 2**31 - 1, 1.5, "x", "7"]), st.integers()),
    "type": st.one_of(st.sampled_from(["", "nope", "防汛防台演练", "cable-fire", "onsite-response", "FLOOD-TYPHOON"]),
                      hostile_text(max_size=12, controls=False)),
    "type_name": st.one_of(st.sampled_from(["防汛防台应急演练", "Flood drill"]), hostile_text(controls=False)),
    "form": st.one_of(st.sampled_from(["实战演练", "full_scale", "live", "", "桌面推演 "]),
                      hostile_text(max_size=8, controls=False)),
    "title": st.one_of(st.sampled_from(["", " ", "演" * (MAX_TITLE + 1)]), hostile_text(controls=False)),
    "location": st.one_of(st.just("地" * (dw.MAX_LOCATION + 1)), hostile_text(controls=False)),
    "start": st.one_of(
        st.sampled_from(["9999-12-31 23:00", "0001-01-01 00:30", "2026-12-08", "2026/12/8 9:00", "2026年12月8日 9时00分",
                         "2026-12-08T09:00+14:00", "2026-02-30 09:00", "明天", "", 2958465.9, 1.5, 46000.0, 46000.4,
                         float("nan"), float("inf"), -1.5, datetime(9999, 12, 31, 23), datetime(1, 1, 1, 0, 30),
                         datetime(1999, 12, 31, 23, 59), datetime(2101, 1, 1, 9), date(2026, 12, 8), True]),
        st.datetimes(), hostile_text(max_size=16, controls=False)),
    "lead": st.one_of(st.sampled_from(["C2", "NOPE", "", "P"]), hostile_text(max_size=8, controls=False)),
    "units": st.one_of(st.sampled_from(["NOPE", "C2", "、".join(["C1-K1"] * 500)]), hostile_text(controls=False)),
    "coordinator": st.one_of(st.sampled_from(["nobody", "coord2", "lead"]), hostile_text(max_size=8, controls=False)),
    "evaluators": st.one_of(st.sampled_from(["nobody", "eva、nobody"]), hostile_text(max_size=12, controls=False)),
    "unannounced": st.one_of(st.sampled_from(["是", "yes", 1, 2, float("nan"), "maybe"]),
                             hostile_text(max_size=6, controls=False)),
    "status": st.one_of(st.sampled_from(["已取消", "cancelled", "CANCELLED"]), hostile_text(max_size=6, controls=False)),
}
META = {
    "format": st.sampled_from(["peakready-status", "", None, "=peakready-drills"]),
    "format_version": st.sampled_from([0, 2, "1", 1.0, None]),
    "lang": st.sampled_from(["fr", "", None, "en"]),
}


@st.composite
def plan_rows(draw: st.DrawFn, odd: bool) -> dict[str, object]:
    start = draw(starts)
    cells: dict[str, object] = {cid: draw(strategy) for cid, strategy in USUAL.items()}
    cells |= {"start": start, "end": start + timedelta(hours=draw(st.sampled_from([1, 3, 8])))}
    if odd:
        for cid in draw(st.lists(st.sampled_from(sorted(ODD)), max_size=3, unique=True)):
            cells[cid] = draw(ODD[cid])
            if cid == "start" and draw(st.booleans()):
                cells["end"] = draw(ODD["start"])
    return cells


@st.composite
def plan_workbooks(draw: st.DrawFn) -> bytes:
    """The plan template in either language with a few rows — the usual, and in half the files odd cells
    among them — and in those maybe its meta facts, a header or the sheet name changed, or damage."""
    lang = draw(st.sampled_from(LANGUAGES))
    wb = load_workbook(io.BytesIO(drill_plan_template(lang, now=NOW)))
    ws = wb.worksheets[0]
    odd = draw(st.booleans())
    for r in range(2, 2 + draw(st.integers(1, 3))):
        for cid, value in draw(plan_rows(odd)).items():
            ws.cell(r, COLUMN_IDS.index(cid) + 1).value = value
    if odd and draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from(sorted(META)))
        next(row for row in wb["meta"].iter_rows() if row[0].value == key)[1].value = draw(META[key])
    if odd and draw(st.integers(0, 5)) == 0:
        ws.cell(1, COLUMN_IDS.index(draw(st.sampled_from(dw.NEEDED))) + 1).value = draw(
            hostile_text(max_size=8, controls=False))
    if odd and draw(st.integers(0, 7)) == 0:
        wb.remove(wb["meta"])
    out = io.BytesIO()
    wb.save(out)
    return draw(damaged(out.getvalue())) if odd else out.getvalue()


@pytest.fixture
def plan(empty_engine, tmp_path):
    return new_world(empty_engine, tmp_path)


def drill_count(plan) -> int:
    with snapshot(plan.engine) as s:
        return s.scalar(select(func.count()).select_from(Drill))


def import_planned_or_refused(plan, data: bytes, *, actor: str, dry_run: bool, ignore_ids: bool = False) -> None:
    before, count = dump(plan.engine), drill_count(plan)
    try:
        rows = read_drill_plan(data)
        with transaction(plan.engine, bump=False) as s:  # committed: a refusal must roll itself back
            outcomes = import_drill_plan(rows, campaign_id=plan.campaign_id, session=s, actor=plan.people[actor],
                                         now=NOW, dry_run=dry_run, ignore_ids=ignore_ids)
    except DomainError as exc:
        note(f"refused: {exc.code}")
        assert_clear_refusal(exc)
        assert dump(plan.engine) == before
        return
    except Exception as exc:  # anything else is a bug of the importer
        raise AssertionError(f"{type(exc).__name__}: {exc}") from exc
    for outcome in outcomes:
        for issue in outcome.issues:
            assert_translated(issue.key, issue.params)
            assert issue.message("zh") and issue.message("en")
    if dry_run or any(o.error for o in outcomes):
        note("refused row by row" if any(o.error for o in outcomes) else "dry run")
        assert dump(plan.engine) == before
        return
    planned = [o for o in outcomes if o.outcome == "planned"]
    note("planned" if planned else "nothing to plan")
    assert drill_count(plan) == count + len(planned)
    with snapshot(plan.engine) as s:
        views = {v.id: v for v in list_drills(session=s, actor=None, campaign_id=plan.campaign_id)}
    for outcome in planned:
        view = views[outcome.drill_id]
        assert view.starts_at.year >= dw.FIRST_YEAR and view.ends_at.year <= dw.LAST_YEAR
        assert view.starts_at < view.ends_at and 0 < len(view.title) <= MAX_TITLE
        assert len(view.location) <= dw.MAX_LOCATION and not NOT_TEXT.search(view.title + view.location)


@FUZZ
@given(data=st.data(), dry_run=st.booleans(), ignore_ids=st.booleans(),
       actor=st.sampled_from(["coord", "coord", "coord", "admin", "lead"]))
def test_any_drill_plan_is_planned_whole_or_refused_clearly_changing_nothing(plan, data, dry_run, ignore_ids, actor):
    import_planned_or_refused(plan, data.draw(plan_workbooks()), actor=actor, dry_run=dry_run, ignore_ids=ignore_ids)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096))
def test_random_bytes_are_refused_as_a_drill_plan(plan, data):
    import_planned_or_refused(plan, data, actor="coord", dry_run=False)


FAR = [("9999-12-31 20:00", "9999-12-31 23:00"), ("0001-01-01 00:10", "0001-01-01 03:00"),
       (datetime(9999, 12, 31, 20), datetime(9999, 12, 31, 23)), (2958465.5, 2958465.9),
       ("1999-12-31 09:00", "1999-12-31 12:00"), ("2101-01-01 09:00", "2101-01-01 12:00")]


def test_a_time_outside_the_years_a_drill_is_planned_in_is_a_row_error_saying_so(plan):
    before = dump(plan.engine)
    for start, end in FAR:
        with transaction(plan.engine, bump=False) as s:  # was an OverflowError from the clash rules' calendar
            [outcome] = import_drill_plan(read_drill_plan(_one_row(start=start, end=end)),
                                          campaign_id=plan.campaign_id, session=s, actor=plan.people["coord"], now=NOW)
        assert outcome.error and [i.key for i in outcome.issues] == ["dxl.err.far_start", "dxl.err.far_end"], start
        assert "2000–2100" in outcome.issues[0].message("zh") and "(2000–2100)" in outcome.issues[1].message("en")
    assert dump(plan.engine) == before


def test_an_id_no_database_could_hold_is_a_row_error_not_a_database_error(plan):
    for drill_id in (10**20, 2**31, 0, -3):
        with transaction(plan.engine, bump=False) as s:  # was an OverflowError (SQLite), a DataError (PostgreSQL)
            [outcome] = import_drill_plan(read_drill_plan(_one_row(id=drill_id)), campaign_id=plan.campaign_id,
                                          session=s, actor=plan.people["coord"], now=NOW)
        assert outcome.codes == ("bad-id",), drill_id


def test_a_plan_sheet_cut_short_inside_a_sound_zip_is_refused_as_not_a_workbook():
    data = with_member(_one_row(), "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(InvalidInput) as refused:  # was the XML parser's ParseError, raised while reading rows
        read_drill_plan(data)
    assert refused.value.code == "error.xl_not_workbook"


def test_a_plan_claiming_a_million_rows_or_unpacking_to_too_much_is_dealt_with_quickly():
    assert len(read_drill_plan(sparse_sheet(_one_row()))) == 1
    with pytest.raises(InvalidInput) as refused:
        read_drill_plan(zip_bomb(_one_row()))
    assert refused.value.code == "error.xl_unpacked_too_big"


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_drill_timeline_workbook_is_read_row_by_row_or_refused_clearly(data):
    """The inject timeline of a drill (its own import, admin.drill_timeline) read from an exported timeline
    with hostile texts and odd minutes, maybe damaged: each row is an inject or a row error, or the file is
    refused with a message in both languages."""
    injects = data.draw(st.lists(st.fixed_dictionaries({
        "key": st.one_of(st.sampled_from(["k1", "k2", "k1", ""]), hostile_text(max_size=70, controls=False)),
        "minute": st.one_of(st.integers(-10, 5000), st.sampled_from([None, 10**20])),
        "text_zh": hostile_text(), "text_en": hostile_text()}), max_size=6))
    exported = export_timeline(injects, lang=data.draw(st.sampled_from(LANGUAGES)), now=NOW,
                               drill_title=data.draw(hostile_text()))
    try:
        read = read_timeline(data.draw(damaged(exported)), length_minutes=data.draw(st.sampled_from([None, 180])))
    except DomainError as exc:
        assert_clear_refusal(exc)
        return
    for error in read.errors:
        assert error.message("zh") and error.message("en")
    assert len(read.injects) == len(read.rows)


def test_a_serial_number_that_is_not_a_number_is_not_a_time():
    assert dw._moment(float("nan")) is None and dw._moment(float("inf")) is None
    assert not math.isnan(dw._moment(46000.5).timestamp())


def _one_row(**cells: object) -> bytes:
    wb = load_workbook(io.BytesIO(drill_plan_template("zh", now=NOW)))
    row = {"type": "flood-typhoon", "form": "桌面推演", "title": "防汛桌面推演", "start": local(7, 9),
           "end": local(7, 12), "lead": "C1-K1", "unannounced": "否"} | cells
    for cid, value in row.items():
        wb.worksheets[0].cell(2, COLUMN_IDS.index(cid) + 1).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
