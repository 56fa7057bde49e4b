"""A drill coordinator's journey in a real browser: plan a drill on a Saturday and see the weekend warning,
move it to a weekday, download its .ics and read it back, evaluate a held drill objective by objective,
issue its after-action report, add a corrective action for a unit, and find that action on the unit's
checklist (one more item in its readiness while it is open) and counted on the dashboard."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import sign_in
from tests.e2e.test_lead_journey import go_to

OWNER = "临江供电公司"  # the city leading the demo's flood drill awaiting its review
TITLE = "周末防汛桌面推演"
ACTION = "为临江防汛抢修队补充夜间集结联系名单"


def metric(page: Page, label: str) -> str:
    value = page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")
    expect(value).to_be_visible()
    return value.inner_text().strip()


def choose(page: Page, label: str, text: str) -> None:
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).get_by_role("combobox").first
    box.click()
    box.fill(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.click()


def owner_figures(page: Page) -> tuple[int, int]:
    """The owner unit's items done and applicable, from its checklist page."""
    go_to(page, "我的检查表", "我的检查表")
    unit = page.get_by_role("combobox", name="单位")
    if OWNER not in unit.input_value():  # the page remembers the unit chosen last time
        shown = metric(page, "已完成 / 适用")
        choose(page, "单位", OWNER)
        expect(page.get_by_test_id("stMetric").filter(has_text="已完成 / 适用").get_by_test_id("stMetricValue")
               ).not_to_have_text(shown)
    expect(unit).to_have_value(re.compile(OWNER))
    done, applicable = (int(n) for n in metric(page, "已完成 / 适用").split("/"))
    return done, applicable


def set_day(page: Page, key: str, day: int) -> None:
    """Type the day of the month into a date field (its year and month segments stay as they are)."""
    segment = page.locator(f"[class*='st-key-{key}'] [data-type=day]").first
    segment.click()
    page.keyboard.type(f"{day:02d}")
    page.keyboard.press("Tab")
    expect(segment).to_have_text(f"{day:02d}")


def test_a_coordinator_plans_moves_downloads_reviews_and_sees_the_corrective_item(server, browser, tmp_path: Path):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
                               ).new_page()
    try:
        sign_in(page, server, "coordinator")
        done_before, applicable_before = owner_figures(page)
        go_to(page, "准备度趋势", "准备度趋势")
        actions_before = int(metric(page, "未关闭的整改"))

        # Plan a drill on a Saturday: saved, with the weekend warning beside the form.
        go_to(page, "演练计划", "演练计划")
        page.get_by_role("tab", name="新建演练").click()
        title = page.locator("[class*='st-key-dp_title_'] input").first
        title.fill(TITLE)
        set_day(page, "dp_day", 21)  # the form starts on 2026-11-09: Saturday the 21st
        page.locator(".st-key-dp_save button").click()
        expect(page.get_by_text("已保存，但请留意：")).to_be_visible()
        expect(page.get_by_test_id("stDataFrame").get_by_text("weekend").first).to_be_attached()

        # Move it to the Monday after: the warning is gone.
        page.get_by_role("tab", name="演练清单").click()
        expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
        set_day(page, "dp_move_day_", 23)
        page.locator("[class*='st-key-dp_move_btn_'] button").click()
        expect(page.get_by_text(re.compile("已调整“.*”的时间")).first).to_be_visible()
        expect(page.get_by_text("已保存，但请留意：")).to_have_count(0)

        # Its .ics, read back: the moved time in Shanghai, and a stable UID.
        with page.expect_download() as got:
            page.get_by_role("button", name="下载本次演练（.ics）").click()
        calendar = Calendar.from_ical(Path(got.value.path()).read_bytes())
        (event,) = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == TITLE and str(event["UID"]).startswith("drill-")
        start = event["DTSTART"].dt
        assert start.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None) == datetime(2026, 11, 23, 9, 0)

        # The held flood drill: every objective rated, the report issued.
        page.get_by_role("tab", name="评估与复盘").click()
        ratings = page.locator("[class*='st-key-rv_rating_']:visible")
        expect(ratings.first).to_be_visible()
        objectives = ratings.count()
        for left in range(objectives - 1, -1, -1):
            group = ratings.first
            group.get_by_role("radio", name="P 顺利完成").check(force=True)
            save = group.locator("xpath=ancestor::*[@data-testid='stForm']").get_by_role("button", name="保存评估")
            save.scroll_into_view_if_needed()
            save.dispatch_event("click")  # the form's own text areas are reported over it while it settles
            expect(ratings).to_have_count(left)  # a rated objective folds away
        expect(page.get_by_text(f"已评估 {objectives}/{objectives} 个目标", exact=False)).to_be_visible()
        page.locator("[class*='st-key-rv_summary_'] textarea").fill("推演按脚本完成；夜间集结联系不畅，列入整改。")
        page.get_by_role("button", name="发布报告").click()
        expect(page.get_by_text("报告已发布，演练已标记为“已复盘”").first).to_be_visible()

        # A corrective action for the city that led it.
        page.get_by_text("新增整改措施").click()
        page.locator("[class*='st-key-rv_desc_'] textarea").fill(ACTION)
        page.get_by_role("button", name="列入整改计划").click()
        expect(page.get_by_text("整改措施已列入责任单位的检查表").first).to_be_visible()
        expect(page.get_by_text("还没有整改措施")).to_have_count(0)  # the plan's table is drawn again

        # The printable debrief, for people without an account, holds the ratings and the action.
        with page.expect_download() as got:
            page.get_by_role("button", name="下载可打印的复盘简报").click()
        debrief = Path(got.value.path()).read_text(encoding="utf-8")
        assert ACTION in debrief and "@media print" in debrief and "顺利完成" in debrief

        # On the city's checklist, first and open: one more item applicable, none more done.
        assert owner_figures(page) == (done_before, applicable_before + 1)
        expect(page.get_by_text(ACTION)).to_be_visible()
        expect(page.get_by_text(re.compile("演练整改：")).first).to_be_visible()
        go_to(page, "准备度趋势", "准备度趋势")
        assert int(metric(page, "未关闭的整改")) == actions_before + 1
    finally:
        page.context.close()
