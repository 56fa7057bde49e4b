"""An executive's journey in a real browser: the readiness chart with its target and forecast, down to a city
and one of its stations, back to an earlier day, the weekly report downloaded and read back, and the
company's readiness declaration signed once every unit below has signed off (as the demo's have)."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import sign_in
from tests.e2e.test_coordinator_journey import choose, metric, set_day
from tests.e2e.test_lead_journey import go_to

COMPANY, CITY, STATION = "江南省电力公司", "临江供电公司", "220kV 沙洲变电站"


def drill_to(page: Page, name: str) -> None:
    choose(page, "下钻到", name)
    expect(page.get_by_text(f"{name} 准备度趋势")).to_be_visible()


def test_an_executive_reads_the_outlook_drills_down_goes_back_in_time_takes_the_report_and_signs_off(
        server, browser, tmp_path: Path):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
                               ).new_page()
    try:
        sign_in(page, server, "executive")
        go_to(page, "准备度趋势", "准备度趋势")
        chart = page.locator(".js-plotly-plot").first
        for legend in ("实际准备度", "目标进度", "按近期速度预测"):
            expect(chart.get_by_text(legend).first).to_be_attached()
        expect(page.get_by_text(re.compile("照最近 14 天的进度推算，到 06-15 准备度约为"))).to_be_visible()
        today = metric(page, "准备度")

        drill_to(page, CITY)
        drill_to(page, STATION)
        expect(page.get_by_text("该单位没有参与活动的下级单位。")).to_be_visible()

        set_day(page, "db_as_of", 12)  # 2026-10-12, three weeks back
        expect(page.get_by_test_id("stMetric").filter(has_text="准备度").first.get_by_test_id("stMetricValue")
               ).not_to_have_text(today)

        choose(page, "单位（含下属）", COMPANY)
        set_day(page, "db_as_of", 2)  # back to today: a declaration is signed on the day
        expect(page.get_by_text(f"{COMPANY} 准备度趋势")).to_be_visible()

        page.get_by_role("button", name="生成周报").click()
        with page.expect_download() as info:
            page.get_by_role("button", name="下载周报（Excel）").click()
        report = tmp_path / "report.xlsx"
        info.value.save_as(report)
        summary = load_workbook(report)["总体情况"]
        assert summary["B3"].value.startswith("PROV ")  # the company's report, as of the day shown
        shown = next(row[1] for row in summary.iter_rows(values_only=True) if row[0] == "准备度")
        assert f"{shown:.1%}" == metric(page, "准备度")

        page.get_by_test_id("stRadio").get_by_text("就绪声明", exact=True).click()  # one view at a time
        page.get_by_text("我确认本单位已按要求做好迎峰准备").click()
        page.get_by_role("button", name="签署声明").click()
        expect(page.get_by_text(f"已签署 {COMPANY} 的准备就绪声明。").first).to_be_visible()
        expect(page.get_by_role("button", name="签署声明")).to_be_visible()  # a newer one may follow later
    finally:
        page.context.close()
