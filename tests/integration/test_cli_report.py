"""`manage.py export-report` writes the executive's weekly report of the open season's top unit as Excel or
as a printable page (the format follows the extension), as of today or a past day, and says in one line
what it wrote; an unknown season, a bad or future day and another extension are one clear line in the
language asked, exit code 1, and no file."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

import manage
from admin.dashboard import child_ranking, headline, subtree_standing
from core.clock import local_day
from store.db import make_engine, snapshot
from store.schema import Campaign, OrgUnit
from tests.conftest import NOW

TODAY = local_day(NOW)


@pytest.fixture
def run(demo_db):
    """Run manage.py in-process on a copy of the demo database, its clock at the demo's NOW."""
    def invoke(*args: str):
        return CliRunner().invoke(manage.cli, list(args), catch_exceptions=False)

    return invoke


def expected(url: str, day: date) -> tuple[float, int, int]:
    """Readiness, units at risk and critical items overdue of the open season's top unit (PROV) on the day."""
    engine = make_engine(url)
    with snapshot(engine) as s:
        season = s.scalar(select(Campaign.id).where(Campaign.status == "open"))
        top = s.scalar(select(OrgUnit.id).where(OrgUnit.code == "PROV"))
        figures = headline(season, top, day, session=s)
        at_risk = int(child_ranking(season, top, day, session=s)["at_risk"].sum())
        table = subtree_standing(season, top, day, session=s)
    engine.dispose()
    late = (table["status"] == "open") & (table["criticality"] == "critical") & table["due"].map(
        lambda d: d is not None and d < day)
    return figures.readiness, at_risk, int(late.sum())


def test_the_open_seasons_workbook_is_written_and_one_line_says_so(run, demo_db, tmp_path):
    out = tmp_path / "周报.xlsx"
    result = run("export-report", "--out", str(out))  # the only open season, as of today
    assert result.exit_code == 0, result.output
    readiness, at_risk, overdue = expected(demo_db, TODAY)
    assert result.stdout.splitlines() == [
        f"已将 2027 迎峰度夏 PROV 截至 {TODAY} 的准备周报写入 {out}：准备度 {readiness:.1%}，{at_risk} 个单位有风险，"
        f"{overdue} 项关键项逾期"]
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames[0] == "总体情况" and wb["总体情况"]["B2"].value == "2027 迎峰度夏"
    assert wb["总体情况"]._charts


@pytest.mark.parametrize("campaign", ["2027 迎峰度夏", "2"])
def test_the_season_may_be_named_by_its_name_or_id(run, tmp_path, campaign):
    out = tmp_path / "r.xlsx"
    result = run("export-report", "--campaign", campaign, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert load_workbook(out)["总体情况"]["B2"].value == "2027 迎峰度夏"


def test_a_past_day_gives_that_days_figures(run, demo_db, tmp_path):
    then = TODAY - timedelta(days=14)
    out = tmp_path / "then.xlsx"
    result = run("export-report", "--as-of", then.isoformat(), "--out", str(out))
    assert result.exit_code == 0, result.output
    readiness, _, _ = expected(demo_db, then)
    assert f"截至 {then}" in result.stdout and f"准备度 {readiness:.1%}" in result.stdout
    ws = load_workbook(out)["总体情况"]
    assert ws["B4"].value.date() == then and ws["B9"].value == pytest.approx(readiness)


def test_lang_en_after_the_command_gives_english_headings_and_message(run, tmp_path):
    out = tmp_path / "report.xlsx"
    result = run("export-report", "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote the readiness report of PROV in 2027 迎峰度夏 as of {TODAY} to {out}")
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Summary", "Readiness over time", "Unit ranking"]
    assert wb["Summary"]["A1"].value == "Weekly peak-readiness report"


def test_an_html_file_gets_the_printable_page(run, tmp_path):
    out = tmp_path / "summary.HTML"
    result = run("--lang", "en", "export-report", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and "@page { size: A4" in page
    assert "Units at risk" in page and "Overdue critical items" in page


@pytest.mark.parametrize(("args", "words"), [
    (("--campaign", "没有这个批次"), "没有这个批次"),
    (("--as-of", "2026-13-01"), "“2026-13-01”不是有效日期：--as-of 请写成 YYYY-MM-DD"),
    (("--as-of", "yesterday", "--lang", "en"), "“yesterday” is not a date: write --as-of as YYYY-MM-DD"),
    (("--as-of", "2030-01-01", "--lang", "en"), "2030-01-01 has not come yet (today is 2026-11-02)"),
    (("--as-of", "2026-09-01"), "2026-09-01 早于本批次的开始日期 2026-09-21"),
])
def test_an_unknown_season_or_a_bad_day_is_a_clear_refusal_and_writes_nothing(run, tmp_path, args, words):
    out = tmp_path / "r.xlsx"
    result = run("export-report", *args, "--out", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert words in result.stderr and "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(("lang", "words"), [("zh", "须以 .xlsx（Excel）或 .html"), ("en", "must end in .xlsx")])
def test_another_extension_is_refused_and_writes_nothing(run, tmp_path, lang, words):
    out = tmp_path / "report.pdf"
    result = run("--lang", lang, "export-report", "--out", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert words in result.stderr and "report.pdf" in result.stderr and result.stdout == ""
