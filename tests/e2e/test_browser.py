"""A newcomer in a real browser: signs in with a demo account, ticks an item, sees readiness move."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from admin.demo import DEMO_PASSWORD


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    expect(page.get_by_text("演示账号")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的检查表")).to_be_visible()


def readiness_on_dashboard(page: Page) -> float:
    page.get_by_role("link", name="准备度趋势").click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    metric = page.get_by_test_id("stMetricValue").first
    expect(metric).to_have_text(re.compile(r"%$"))
    return float(metric.inner_text().strip().rstrip("%"))


def test_a_newcomer_signs_in_ticks_an_item_and_sees_the_readiness_chart_move(server, page):
    sign_in(page, server, "lead")
    before = readiness_on_dashboard(page)

    page.get_by_role("link", name="我的检查表").click()
    first_done = page.get_by_role("button", name="完成", exact=True).first
    expect(first_done).to_be_visible()
    holder = first_done.locator("xpath=ancestor::*[contains(@class, 'st-key-done_')][1]")
    item = next(c for c in holder.get_attribute("class").split() if c.startswith("st-key-done_"))
    first_done.click()
    expect(page.get_by_text(re.compile("已标记完成"))).to_be_visible()
    # The item reran on its own and stays in place, now with its Reopen button.
    expect(page.locator(f".{item.replace('st-key-done_', 'st-key-reopen_')} button")).to_be_visible()

    after = readiness_on_dashboard(page)
    assert after > before


def test_marking_an_item_not_applicable_needs_a_reason(server, page):
    sign_in(page, server, "lead")
    page.get_by_role("button", name="不适用", exact=True).first.click()
    page.get_by_role("button", name="确认").click()
    # The refusal is at the top of the page (a toast may say it too, for a while).
    expect(page.get_by_test_id("stAlertContentError").get_by_text("标记为不适用时必须填写原因。")).to_be_visible()
    reason = page.get_by_label("原因（必填）")
    expect(reason).to_have_count(1)  # the form is still open, once
    reason.fill("本单位无此类设备")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text(re.compile("已标记不适用"))).to_be_visible()


def test_the_drill_catalogue_and_english_switch_work_in_the_browser(server, page):
    sign_in(page, server, "coordinator")
    page.get_by_role("link", name="演练类型目录").click()
    expect(page.get_by_text(re.compile("电缆火灾")).first).to_be_visible()
    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Drill-type catalogue")).to_be_visible()


def test_a_note_with_markup_shows_as_typed_and_loads_nothing(server, page):
    hostile = "![x](http://example.invalid/t.png) [a](javascript:alert(1)) <script>alert(1)</script> " + "长" * 300
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    sign_in(page, server, "lead")
    page.get_by_role("button", name="备注", exact=True).first.click()
    page.get_by_label("备注内容").fill(hostile)
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text(re.compile("已添加备注"))).to_be_visible()
    expect(page.get_by_text("备注：" + hostile)).to_be_visible()
    assert page.locator("img[src*='example.invalid']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert not any("example.invalid" in url for url in requests)
    # the long unbroken string wraps instead of widening the page
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_drilling_down_on_the_dashboard_opens_the_sub_unit(server, page):
    sign_in(page, server, "executive")
    page.get_by_role("link", name="准备度趋势").click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    drill = page.get_by_test_id("stSelectbox").filter(has_text="下钻到").get_by_role("combobox")
    drill.scroll_into_view_if_needed()
    drill.click()
    drill.press("ArrowDown")  # opens the list
    option = page.get_by_role("option").nth(1)
    city = option.inner_text().strip()
    option.click()
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
    expect(page.get_by_text(f"{city} 准备度趋势")).to_be_visible()
