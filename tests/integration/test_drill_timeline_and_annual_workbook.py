"""A drill's scenario timeline from Excel (admin/drill_timeline.py): a good file replaces the injects, each
kind of bad row is named with its row and refuses the whole file, nothing changes on any error, and text
that looks like a formula stays text both ways. The annual drill plan as a workbook
(admin/annual_plan_workbook.py) opens with openpyxl and lists each unit's drills by month."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from admin import drill_timeline
from admin.annual_plan_workbook import FORMAT as ANNUAL_FORMAT
from admin.annual_plan_workbook import export_annual_plan
from admin.drill_timeline import TimelineRefused, export_timeline, import_timeline, read_timeline, timeline_template
from checklists import campaigns
from core.errors import Forbidden, InvalidInput, StaleWrite
from drills import planning
from drills.planning import DrillDraft
from store.db import snapshot, transaction
from store.schema import Drill, OrgUnit
from tests.conftest import NOW, ROOT
from tests.seed_copies import fixture_org

ORG = """units:
  - code: P
    name_zh: 测试省公司
    name_en: Test Provincial Co.
    kind: province
    children:
      - code: C1
        name_zh: 甲市公司
        name_en: City A
        kind: city
        children:
          - {code: C1-K1, name_zh: 甲一县公司, name_en: County A1, kind: county}
          - {code: C1-K2, name_zh: 甲二县公司, name_en: County A2, kind: county}
"""
HEADER = ("key", "minute", "text_zh", "text_en")


def at(y: int, m: int, d: int, h: int = 9) -> datetime:
    """A Shanghai wall-clock time, as the aware UTC moment."""
    return datetime(y, m, d, h, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def world(empty_engine, tmp_path: Path):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "demo_org.yaml").write_text(ORG, encoding="utf-8")
    people = fixture_org(empty_engine, seeds, {"admin": [("admin", None)], "coord": [("drill_coordinator", "C1")],
                                               "lead": [("unit_lead", "C1-K1")]})
    with transaction(empty_engine) as s:
        campaign = campaigns.open_campaign("2027 度夏", "summer-peak", peak_start=date(2027, 6, 15),
                                           starts_on=date(2026, 11, 1), peak_end=date(2027, 9, 15),
                                           unit_codes=["P", "C1", "C1-K1", "C1-K2"],
                                           session=s, actor=people["admin"], now=NOW)
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id)).all())
    return World(empty_engine, campaign.id, units, people)


class World:
    def __init__(self, engine, campaign_id, units, people):
        self.engine, self.campaign_id, self.units, self.people = engine, campaign_id, units, people

    def plan(self, title: str = "防汛桌面推演", *, start: datetime | None = None, hours: float = 2,
             units=("C1-K1",)) -> int:
        start = start or at(2026, 12, 8)
        draft = DrillDraft(type_key="flood-typhoon", form="tabletop", title=title, starts_at=start,
                           ends_at=start + timedelta(hours=hours), lead_unit_id=self.units[units[0]],
                           unit_ids=frozenset(self.units[u] for u in units), campaign_id=self.campaign_id)
        with transaction(self.engine) as s:
            return planning.plan_drill(draft, session=s, actor=self.people["coord"], now=NOW).drill_id

    def drill(self, drill_id: int) -> Drill:
        with snapshot(self.engine) as s:
            return s.get(Drill, drill_id)

    def import_(self, drill_id: int, data: bytes, *, version: int = 1, actor: str = "coord") -> int:
        with transaction(self.engine) as s:
            return import_timeline(drill_id, data, expected_version=version, session=s, actor=self.people[actor],
                                   now=NOW)


def sheet(rows, header=HEADER, *, title: str = "Sheet") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ── The timeline ────────────────────────────────────────────────────────────


def test_a_timeline_file_replaces_the_drills_injects_in_time_order(world):
    drill_id = world.plan()
    data = sheet([("t2", 45, "低洼变电站进水", "A low-lying substation floods"), ("t1", 0, "暴雨红色预警发布", None)])
    assert world.import_(drill_id, data) == 2
    drill = world.drill(drill_id)
    assert drill.injects == [
        {"key": "t1", "minute": 0, "text_zh": "暴雨红色预警发布", "text_en": "暴雨红色预警发布"},
        {"key": "t2", "minute": 45, "text_zh": "低洼变电站进水", "text_en": "A low-lying substation floods"}]
    assert drill.version == 2


def test_the_exported_timeline_is_read_back_as_it_was_and_chinese_headers_are_understood(world):
    drill_id = world.plan()
    injects = world.drill(drill_id).injects
    for lang in ("zh", "en"):
        read = read_timeline(export_timeline(injects, lang=lang))
        assert read.ok and list(read.injects) == sorted(injects, key=lambda i: (i["minute"], i["key"]))
    hand_made = sheet([("a1", "15", "变电站失压", "")], header=("编号", "分钟", "中文内容", "英文内容"))
    assert read_timeline(hand_made).injects == ({"key": "a1", "minute": 15, "text_zh": "变电站失压",
                                                 "text_en": "变电站失压"},)


BAD_ROWS = [
    # (rows after a good first row, code, params of the error, row of the error)
    ([("", 5, "无编号", None)], "missing-key", {}, 3),
    ([("t1", 5, "重复编号", None)], "duplicate-key", {"key": "t1", "first": 2}, 3),
    ([("x" * 65, 5, "编号太长", None)], "key-too-long", {"max": 64}, 3),
    ([("t2", "五", "分钟不是数字", None)], "bad-minute", {"value": "五"}, 3),
    ([("t2", 7.5, "分钟不是整数", None)], "bad-minute", {"value": "7.5"}, 3),
    ([("t2", -5, "负数分钟", None)], "bad-minute", {"value": "-5"}, 3),
    ([("t2", 121, "超出演练时长", None)], "minute-outside", {"minute": 121, "length": 120}, 3),
    ([("t2", 5, None, "  ")], "missing-text", {}, 3),
    ([("t2", 5, "长" * 4001, None)], "text-too-long", {"max": 4000}, 3),
]


@pytest.mark.parametrize(("rows", "code", "params", "row"), BAD_ROWS, ids=[c for _, c, _, _ in BAD_ROWS])
def test_a_bad_row_is_named_with_its_row_and_refuses_the_whole_file(world, rows, code, params, row):
    drill_id = world.plan()
    before = world.drill(drill_id)
    data = sheet([("t1", 0, "开始", "Start"), *rows])
    with pytest.raises(TimelineRefused) as refused:
        world.import_(drill_id, data)
    [error] = refused.value.errors
    assert (error.row, error.code, dict(error.params)) == (row, code, params)
    assert error.message("zh").startswith(f"第 {row} 行") and error.message("en").startswith(f"Row {row}")
    assert refused.value.code == "dpt.tl_refused" and refused.value.params == {"count": 1}
    after = world.drill(drill_id)
    assert (after.injects, after.version) == (before.injects, before.version)


def test_every_bad_row_of_a_file_is_named_at_once(world):
    read = read_timeline(sheet([("t1", 0, "开始", None), ("t1", 500, None, None), ("", "x", "内容", None)]),
                         length_minutes=120)
    assert [(e.row, e.code) for e in read.errors] == [
        (3, "duplicate-key"), (3, "minute-outside"), (3, "missing-text"), (4, "missing-key"), (4, "bad-minute")]
    assert [i["key"] for i in read.injects] == ["t1"]


FORMULA = '=HYPERLINK("http://example.invalid/x","点击")'


def test_text_that_looks_like_a_formula_is_written_as_text_and_read_back_as_typed(world):
    data = export_timeline([{"key": "=cmd", "minute": 0, "text_zh": FORMULA, "text_en": "+1+1"}], lang="en")
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    for cell in (ws["A2"], ws["C2"], ws["D2"]):
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert ws["C2"].value == FORMULA
    [inject] = read_timeline(data).injects
    assert (inject["key"], inject["text_zh"], inject["text_en"]) == ("=cmd", FORMULA, "+1+1")
    # A real formula typed into a text cell is read as its own text, never as what it computes.
    typed = sheet([("t1", 0, "=1+1", None)])
    assert read_timeline(typed).injects[0]["text_zh"] == "=1+1"


def not_a_timeline() -> bytes:
    wb = Workbook()
    wb.active.append(list(HEADER))
    meta = wb.create_sheet("meta")
    meta.append(["format", "peakready-status"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("data", "code"), [
    (b"not a workbook", "error.xl_not_workbook"),
    (not_a_timeline(), "dpt.tl_not_timeline"),
    (sheet([("t1", 0, "开始", None)], header=("key", "text_zh")), "error.xl_missing_columns"),
    (sheet([("t1", 0)], header=("key", "minute")), "error.xl_missing_columns"),
    (sheet([]), "dpt.tl_empty"),
    (sheet([(f"t{n}", 0, "事件", None) for n in range(201)]), "error.xl_too_many_rows"),
], ids=["not-xlsx", "another-format", "no-minute", "no-text", "empty", "too-many"])
def test_a_file_that_is_not_a_usable_timeline_is_refused_whole_and_nothing_changes(world, data, code):
    drill_id = world.plan()
    with pytest.raises(InvalidInput) as refused:
        world.import_(drill_id, data)
    assert refused.value.code == code
    assert world.drill(drill_id).version == 1


def test_the_template_is_an_empty_timeline_with_headers_in_the_language_asked(world):
    ws = load_workbook(io.BytesIO(timeline_template("zh"))).worksheets[0]
    assert [c.value for c in ws[1]] == ["编号", "分钟", "中文内容", "英文内容"] and ws.max_row == 1
    with pytest.raises(InvalidInput):
        read_timeline(timeline_template("en"))  # nothing in it yet


def test_an_import_against_a_stale_version_or_by_someone_without_the_right_changes_nothing(world):
    drill_id = world.plan()
    data = sheet([("t1", 0, "开始", None)])
    with pytest.raises(StaleWrite):
        world.import_(drill_id, data, version=7)
    with pytest.raises(Forbidden):
        world.import_(drill_id, data, actor="lead")
    assert world.drill(drill_id).version == 1
    with snapshot(world.engine) as s:
        assert drill_timeline.drill_length_minutes(drill_id, session=s) == 120


# ── The annual plan workbook ────────────────────────────────────────────────


def test_the_annual_plan_workbook_opens_and_lists_each_units_drills_by_month(world):
    both = world.plan("=两县联合推演", start=at(2026, 12, 8), units=("C1-K1", "C1-K2"))
    world.plan("甲一县一月推演", start=at(2027, 1, 12))
    cancelled = world.plan("取消的推演", start=at(2026, 12, 15))
    with transaction(world.engine) as s:
        planning.cancel_drill(cancelled, "台风", expected_version=1, session=s, actor=world.people["coord"], now=NOW)
    k1, k2 = world.units["C1-K1"], world.units["C1-K2"]
    with snapshot(world.engine) as s:
        data = export_annual_plan(2026, [k1, k2], session=s, lang="en", now=NOW)
        zh = export_annual_plan(2026, [k1], session=s, lang="zh", now=NOW)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Drill plan 2026", "By month 2026", "meta"]
    listed = [row for row in wb["Drill plan 2026"].iter_rows(values_only=True)]
    assert listed[0] == ("Unit code", "Unit", "Month", "Day", "Drill", "Drill type", "Plan level", "Form", "Status")
    assert [(r[0], r[1], r[2], r[3].date(), r[4], r[8]) for r in listed[1:]] == [
        ("C1-K1", "County A1", 12, date(2026, 12, 8), "=两县联合推演", "planned"),
        ("C1-K2", "County A2", 12, date(2026, 12, 8), "=两县联合推演", "planned")]
    assert wb["Drill plan 2026"]["E2"].data_type == "s"  # a title like a formula stays text
    grid = [row for row in wb["By month 2026"].iter_rows(values_only=True)]
    assert grid[0][:3] == ("Unit code", "Unit", "M1") and grid[0][-1] == "Total"
    assert [(r[0], r[1 + 12], r[-1]) for r in grid[1:]] == [("C1-K1", "=两县联合推演", 1), ("C1-K2", "=两县联合推演", 1)]
    meta = dict(wb["meta"].iter_rows(values_only=True))
    assert (meta["format"], meta["year"], meta["rows"]) == (ANNUAL_FORMAT, 2026, 2)
    assert wb["meta"].sheet_state == "hidden"
    assert load_workbook(io.BytesIO(zh)).sheetnames[:2] == ["2026年演练计划", "2026年按月汇总"]
    assert both  # planned in 2026, the January drill is in 2027's plan instead
