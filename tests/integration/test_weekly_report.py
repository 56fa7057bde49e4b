"""The executive's weekly readiness report, read back cell by cell with openpyxl (a second reader) against
the figures admin.dashboard computes for the same day on the demo database: the headline figures and the
week before, the daily series and its native chart, the ranking (at risk first), the overdue critical
items, drill coverage and the open corrective actions; in English too, for a past day, in LibreOffice;
and the printable page, escaped and with its print stylesheet."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from collections import Counter
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from openpyxl.chart import LineChart
from sqlalchemy import select

from admin import dashboard
from admin.dashboard import subtree
from admin.declarations import latest
from admin.weekly_report import FIGURES, OVERDUE_ON_PAGE, build, page, top_unit, workbook
from core.clock import local_day
from drills.required import required_drills
from drills.review import corrective_actions
from readiness.outlook import target_on
from store.db import make_engine, snapshot
from store.schema import Campaign, OrgUnit, TemplateItem
from tests.conftest import NOW, require

TODAY = local_day(NOW)
SHEETS_ZH = ["总体情况", "准备度走势", "下级单位排名", "逾期关键项", "演练覆盖", "未关闭整改", "准备就绪声明", "meta"]
SHEETS_EN = ["Summary", "Readiness over time", "Unit ranking", "Overdue critical items", "Drill coverage",
             "Open corrective actions", "Declarations", "meta"]


@pytest.fixture(scope="module")
def demo(demo_db_template, tmp_path_factory):
    """The demo database (read only here): its engine, the open campaign and its top unit."""
    path = tmp_path_factory.mktemp("report") / "demo.db"
    shutil.copy(demo_db_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with snapshot(engine) as s:
        campaign_id = s.scalar(select(Campaign.id).where(Campaign.status == "open"))
        root = top_unit(campaign_id, session=s)
    yield engine, campaign_id, root
    engine.dispose()


@pytest.fixture(scope="module")
def report(demo):
    engine, campaign_id, root = demo
    with snapshot(engine) as s:
        return build(campaign_id, root, TODAY, session=s, lang="zh", now=NOW)


@pytest.fixture(scope="module")
def book(report):
    return load_workbook(io.BytesIO(workbook(report)))


def rows(ws, first: int = 2) -> list[tuple]:
    return list(ws.iter_rows(min_row=first, values_only=True))


def day_of(content) -> date:
    return content.date() if hasattr(content, "date") else content


def figure_rows(ws) -> dict[str, tuple]:
    """The summary's figure table: label → (value, week before, change)."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "指标")
    return {row[0]: row[1:4] for row in ws.iter_rows(min_row=header + 1, max_row=header + len(FIGURES),
                                                     values_only=True)}


def test_the_report_is_of_the_campaigns_top_unit(demo):
    engine, _, root = demo
    with snapshot(engine) as s:
        assert s.get(OrgUnit, root).parent_id is None and s.get(OrgUnit, root).code == "PROV"


def test_the_summary_holds_each_headline_figure_of_the_day_and_the_week_before(demo, book):
    engine, campaign_id, root = demo
    with snapshot(engine) as s:
        now, before = dashboard.headline_and_week_before(campaign_id, root, TODAY, session=s)
    ws = book.worksheets[0]
    assert book.sheetnames == SHEETS_ZH and book["meta"].sheet_state == "hidden"
    assert ws["A1"].value == "迎峰度夏准备情况周报"
    facts = {row[0]: row[1] for row in ws.iter_rows(min_row=2, max_row=6, values_only=True)}
    assert facts["迎峰度夏批次"] == "2027 迎峰度夏" and facts["统计范围"].startswith("PROV ")
    assert day_of(facts["统计截至"]) == TODAY and day_of(facts["高峰开始日期"]) == date(2027, 6, 15)
    shown = figure_rows(ws)
    labels = {"readiness": "准备度", "target": "目标进度", "days_to_peak": "距高峰开始（天，负数为已进入高峰）",
              "critical_open": "关键项未完成", "overdue": "逾期项", "drills_missing": "必备演练缺项",
              "actions_open": "未关闭的整改", "on_time": "高峰期按时率", "scope": "适用范围（权重）"}
    assert list(shown) == [labels[f] for f, _ in FIGURES]
    for fid, kind in FIGURES:
        value, earlier, change = shown[labels[fid]]
        expected, was = getattr(now, fid), getattr(before, fid)
        if expected is None:
            assert (value, earlier, change) == ("—", "—", None), fid
            continue
        assert value == pytest.approx(expected) and earlier == pytest.approx(was), fid
        if kind == "days":
            assert change is None
        else:
            assert change == pytest.approx((expected - was) * (100 if kind == "pct" else 1)), fid
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "准备度")
    assert ws.cell(row, 2).number_format == "0.0%" and "pp" in ws.cell(row, 4).number_format


def test_the_series_sheet_holds_every_day_of_the_season_with_its_readiness_and_the_target(demo, book):
    engine, campaign_id, root = demo
    with snapshot(engine) as s:
        series = dashboard.unit_series(campaign_id, root, TODAY, session=s)
        campaign = s.get(Campaign, campaign_id)
    ws = book["准备度走势"]
    assert [c.value for c in ws[1]] == ["日期", "准备度", "目标进度", "已完成权重", "不适用权重", "总权重"]
    got = rows(ws)
    assert [day_of(r[0]) for r in got] == [campaign.starts_on + timedelta(days=i)
                                           for i in range((campaign.peak_start - campaign.starts_on).days + 1)]
    for row, want in zip(got, series.itertuples(), strict=False):
        assert day_of(row[0]) == want.day
        assert row[1] == pytest.approx(want.readiness) and row[3:] == (want.done, want.na, want.total)
    assert all(r[1] is None for r in got[len(series):])  # days still to come: the target only
    assert [r[2] for r in got] == pytest.approx([target_on(day_of(r[0]), starts_on=campaign.starts_on,
                                                           peak_start=campaign.peak_start,
                                                           shape=campaign.target_shape) for r in got])
    assert ws["A2"].number_format == "yyyy-mm-dd"


def test_the_chart_is_a_native_line_chart_of_the_series_cells_readiness_and_the_target(book):
    ws = book.worksheets[0]
    (chart,) = ws._charts
    assert isinstance(chart, LineChart)
    last = book["准备度走势"].max_row
    assert [s.val.numRef.f for s in chart.series] == [f"'准备度走势'!$B$2:$B${last}", f"'准备度走势'!$C$2:$C${last}"]
    assert [s.tx.strRef.f for s in chart.series] == ["'准备度走势'!B1", "'准备度走势'!C1"]
    assert all(s.cat.numRef.f == f"'准备度走势'!$A$2:$A${last}" for s in chart.series)


def test_the_ranking_puts_the_units_at_risk_first_and_says_why(demo, book):
    engine, campaign_id, root = demo
    with snapshot(engine) as s:
        ranked = dashboard.child_ranking(campaign_id, root, TODAY, session=s)
        codes = dict(s.execute(select(OrgUnit.id, OrgUnit.code)).all())
    ws = book["下级单位排名"]
    header = [c.value for c in ws[1]]
    got = [dict(zip(header, r, strict=True)) for r in rows(ws)]
    assert [r["单位编码"] for r in got] == [codes[u] for u in ranked["unit_id"]]
    risky = int(ranked["at_risk"].sum())
    assert 0 < risky < len(got)
    assert [r["是否有风险"] for r in got] == ["是"] * risky + ["否"] * (len(got) - risky)
    for row, want in zip(got, ranked.itertuples(), strict=True):
        assert row["准备度"] == pytest.approx(want.readiness) and row["逾期关键项"] == want.critical_overdue
        assert row["演练缺项"] == want.drills_missing
        assert bool(row["风险原因"]) == bool(want.at_risk)
        if want.risk_drills:
            assert f"{want.drills_missing} 项必备演练未开展" in row["风险原因"]
        if want.risk_critical:
            assert f"{want.critical_overdue} 项关键项逾期" in row["风险原因"]
    assert ws.cell(2, 1).fill.start_color.rgb == "FFFFE0E0"


def test_the_overdue_critical_items_are_the_standing_tables_open_critical_rows_past_due(demo, book):
    engine, campaign_id, root = demo
    with snapshot(engine) as s:
        table = dashboard.subtree_standing(campaign_id, root, TODAY, session=s)
        codes = dict(s.execute(select(OrgUnit.id, OrgUnit.code)).all())
        texts = dict(s.execute(select(TemplateItem.id, TemplateItem.text_zh)).all())
        actions = {(a.unit_id, a.item_id, a.occurrence): a.description
                   for a in corrective_actions(session=s, campaign_id=campaign_id)}
        ranked = dashboard.child_ranking(campaign_id, root, TODAY, session=s)
    late = table[(table["status"] == "open") & (table["criticality"] == "critical")
                 & table["due"].map(lambda d: d is not None and d < TODAY)]
    assert len(late) > 0
    want = Counter((codes[r.unit_id], actions.get((r.unit_id, r.item_id, r.occurrence), texts[r.item_id]),
                    r.occurrence, r.due, (TODAY - r.due).days) for r in late.itertuples())
    ws = book["逾期关键项"]
    assert [c.value for c in ws[1]] == ["单位编码", "单位名称", "检查项", "周期", "应完成日期", "逾期天数"]
    got = rows(ws)
    assert Counter((r[0], r[2], r[3], day_of(r[4]), r[5]) for r in got) == want
    assert [r[5] for r in got] == sorted((r[5] for r in got), reverse=True)  # the longest overdue first
    assert len(got) == ranked["critical_overdue"].sum() + late["unit_id"].eq(root).sum()  # what the ranking counts


def test_drill_coverage_counts_each_rules_requirements_as_required_drills_judges_them(demo, book):
    engine, campaign_id, root = demo
    with snapshot(engine) as s:
        units = dashboard.subtree(root, session=s)
        reqs = required_drills(campaign_id, session=s, as_of=TODAY, unit_ids=units)
        missing = dashboard.headline(campaign_id, root, TODAY, session=s).drills_missing
    counts: dict[str, Counter] = {}
    for r in reqs:
        held = r.state in ("met", "due")
        column = "met" if held else ("planned" if r.state == "missing" and r.planned_drill_id else "missing")
        counts.setdefault(r.rule_zh, Counter())[column] += 1
    ws = book["演练覆盖"]
    assert [c.value for c in ws[1]] == ["演练要求", "应开展", "已满足", "已计划", "缺项（含逾期、无记录）"]
    *got, total = rows(ws)
    assert {r[0]: r[1:] for r in got} == {
        rule: (sum(c.values()), c["met"], c["planned"], c["missing"]) for rule, c in counts.items()}
    assert total == ("合计", len(reqs), *(sum(c[k] for c in counts.values()) for k in ("met", "planned", "missing")))
    assert total[3] + total[4] == missing  # what is not held is the headline's "required drills not held"


def test_the_open_corrective_actions_are_those_drills_review_lists(demo, book, report):
    engine, campaign_id, root = demo
    with snapshot(engine) as s:
        actions = corrective_actions(session=s, campaign_id=campaign_id,
                                     unit_ids=dashboard.subtree(root, session=s), open_only=True)
        open_now = dashboard.headline(campaign_id, root, TODAY, session=s).actions_open
    assert actions and len(actions) == open_now
    got = rows(book["未关闭整改"])
    assert [(r[0], r[2], r[3] or "", day_of(r[5]), r[6]) for r in got] == [  # an empty cell reads None
        (a.unit_code, a.description, a.drill_title, a.due_on, max((TODAY - a.due_on).days, 0)) for a in actions]


def test_the_declarations_sheet_lists_each_units_latest_declaration_signed_by_the_day(demo, book, report):
    engine, campaign_id, root = demo
    with snapshot(engine) as s:
        signed = latest(campaign_id, subtree(root, session=s), session=s, as_of=TODAY)
        names = dict(s.execute(select(OrgUnit.id, OrgUnit.name_zh)).all())
        earlier = build(campaign_id, root, TODAY - timedelta(days=5), session=s, lang="zh", now=NOW)
    listed = rows(book["准备就绪声明"])
    assert sorted(r[0] for r in listed) == sorted(names[u] for u in signed)  # every unit below the company
    by_name = {names[u]: d for u, d in signed.items()}
    for unit, signer, _at, readiness, open_items in listed:
        assert (signer, open_items) == (by_name[unit].signer, len(by_name[unit].open_items))
        assert readiness == pytest.approx(by_name[unit].readiness)  # as frozen when it was signed
    before = load_workbook(io.BytesIO(workbook(earlier)))["准备就绪声明"]
    assert rows(before) == [("（暂无）", None, None, None, None)]  # the demo signs off two days before its day
    signed = dataclasses.replace(report, declarations=({"unit": "=C01 东湖", "signed_by": "陈刚", "signed_at":
                                                        "2026-11-01 09:00", "readiness": 0.9, "open_items": 3},))
    ws = load_workbook(io.BytesIO(workbook(signed)))["准备就绪声明"]
    assert rows(ws) == [("=C01 东湖", "陈刚", "2026-11-01 09:00", 0.9, 3)] and ws["A2"].data_type == "s"


def test_the_headings_are_english_with_lang_en(demo):
    engine, campaign_id, root = demo
    with snapshot(engine) as s:
        english = build(campaign_id, root, TODAY, session=s, lang="en", now=NOW)
    wb = load_workbook(io.BytesIO(workbook(english)))
    assert wb.sheetnames == SHEETS_EN
    assert wb["Summary"]["A1"].value == "Weekly peak-readiness report"
    assert [c.value for c in wb["Drill coverage"][1]] == ["Drill rule", "Required", "Met", "Planned",
                                                          "Missing (overdue, no record included)"]
    assert {row[0] for row in rows(wb["Summary"])} >= {"Readiness", "Critical items open", "Scope (weight)"}
    assert rows(wb["Declarations"])[0][0] == "Linjiang Power Supply Co."  # the names in English too
    assert wb["Summary"]._charts[0].series[0].val.numRef.f.startswith("'Readiness over time'!$B$2")


def test_a_past_day_gives_the_figures_as_they_stood_that_day(demo):
    engine, campaign_id, root = demo
    then = TODAY - timedelta(days=20)
    with snapshot(engine) as s:
        past = build(campaign_id, root, then, session=s, lang="zh", now=NOW)
        figures = dashboard.headline(campaign_id, root, then, session=s)
        series = dashboard.unit_series(campaign_id, root, then, session=s)
    wb = load_workbook(io.BytesIO(workbook(past)))
    shown = figure_rows(wb.worksheets[0])
    assert shown["准备度"][0] == pytest.approx(figures.readiness) and shown["逾期项"][0] == figures.overdue
    assert shown["距高峰开始（天，负数为已进入高峰）"][0] == figures.days_to_peak == (date(2027, 6, 15) - then).days
    assert day_of(wb.worksheets[0]["B4"].value) == then
    got = rows(wb["准备度走势"])
    assert [r[1] for r in got[:len(series)]] == pytest.approx(series["readiness"].tolist())
    assert got[len(series)][1] is None
    assert dict(rows(wb["meta"], 1))["as_of"] == then.isoformat()


def test_a_day_before_the_season_began_is_refused(demo):
    from core.errors import InvalidInput

    engine, campaign_id, root = demo
    with snapshot(engine) as s, pytest.raises(InvalidInput) as refused:
        build(campaign_id, root, date(2026, 9, 1), session=s, lang="zh", now=NOW)
    assert refused.value.code == "report.before_start"


def test_the_workbook_opens_in_libreoffice_and_text_is_never_a_formula(report, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    require(office is not None, "LibreOffice is not installed (scripts/test.sh installs libreoffice-calc-nogui)")
    hostile = dataclasses.replace(report, campaign_name='=HYPERLINK("http://example.invalid","x")')
    path = tmp_path / "report.xlsx"
    path.write_bytes(workbook(hostile))
    assert load_workbook(path).worksheets[0]["B2"].data_type == "s"
    utf8_csv = 'csv:Text - txt - csv (StarCalc):44,34,76'  # comma, double quote, UTF-8
    subprocess.run([office, "--headless", "--convert-to", utf8_csv, "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    text = (tmp_path / "report.csv").read_text(encoding="utf-8")
    assert "迎峰度夏准备情况周报" in text and "2026-11-02" in text and "准备度" in text
    assert '=HYPERLINK(""http://example.invalid"",""x"")' in text  # shown as its text, not evaluated


def test_the_printable_page_escapes_every_text_and_prints_on_a4(report):
    hostile = dataclasses.replace(
        report, campaign_name="<script>alert(1)</script>",
        ranking=tuple({**r, "unit_name": "<b>东湖</b>"} for r in report.ranking),
        overdue=tuple({**report.overdue[0], "item": f"<i>巡视</i> {i}"} for i in range(OVERDUE_ON_PAGE + 3)))
    html = page(hostile)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;东湖&lt;/b&gt;" in html and "<i>" not in html
    assert "@page { size: A4" in html and "@media print" in html and "default-src 'none'" in html
    assert html.count("&lt;i&gt;巡视&lt;/i&gt;") == OVERDUE_ON_PAGE and "另有 3 项" in html
    assert html.count('<tr><td><span class="code">') == len(report.at_risk) + OVERDUE_ON_PAGE


def test_the_page_shows_the_figures_the_units_at_risk_and_the_overdue_items(report):
    html = page(report)
    assert f'<div class="value">{report.figure("readiness").value:.1%}</div>' in html
    assert all(r["unit_code"] in html for r in report.at_risk)
    assert all(r["item"] in html for r in report.overdue[:OVERDUE_ON_PAGE] if "<" not in r["item"])


def test_on_either_engine_the_report_of_the_small_world_holds_its_figures(world):
    world.change("C1-K1", "plan-approved", "done")
    with snapshot(world.engine) as s:
        root = top_unit(world.campaign_id, session=s)
        report = build(world.campaign_id, root, TODAY, session=s, lang="en", now=NOW)
        figures = dashboard.headline(world.campaign_id, root, TODAY, session=s)
    assert root == world.units["P"]
    shown = {row[0]: row[1] for row in rows(load_workbook(io.BytesIO(workbook(report)))["Summary"])}
    assert shown["Readiness"] == pytest.approx(figures.readiness) and shown["Scope (weight)"] == figures.scope
    assert shown["Critical items open"] == figures.critical_open
    assert "<!DOCTYPE html>" in page(report)
