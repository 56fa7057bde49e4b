"""In a real browser: the coordinator declares a heat-wave alert for the lead's county on the season-events
page, and the lead finds its checks on the checklist and ticks one."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_access import OWN_COUNTY
from tests.e2e.test_browser import sign_in


def open_options(page, picker) -> None:
    """Open a multiselect's options; a rerun that lands just then (the sign-in cookie) may close them again."""
    for _ in range(5):
        picker.get_by_role("combobox").click()
        try:
            expect(page.get_by_role("option").first).to_be_visible(timeout=4_000)
            return
        except AssertionError:
            page.keyboard.press("Escape")
    raise AssertionError("the unit picker did not open")


def pick_unit(page, picker, name: str) -> None:
    """Choose one unit in the multiselect by typing its name; a rerun landing meanwhile (the sign-in
    cookie, a busy machine) can drop the choice, so it is made again until the picker shows it."""
    for _ in range(3):
        open_options(page, picker)
        page.keyboard.press("Control+A")  # what an earlier try typed is replaced, not added to
        page.keyboard.type(name)
        try:  # a rerun that lands between opening and typing closes the list: open it again
            expect(page.get_by_role("option", name=re.compile(re.escape(name))).first).to_be_visible(timeout=10_000)
        except AssertionError:
            page.keyboard.press("Escape")
            continue
        page.keyboard.press("ArrowDown")  # onto the one match
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        try:
            expect(picker.get_by_text(re.compile(re.escape(name)))).to_be_visible(timeout=15_000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the unit picker did not keep {name}")


def test_a_heat_wave_declared_on_the_page_reaches_the_leads_checklist(server, browser):
    coordinator = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    lead = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    try:
        sign_in(coordinator, server, "coordinator")
        coordinator.get_by_role("link", name="季节事件").click()
        expect(coordinator.get_by_role("heading", name="季节事件")).to_be_visible()
        coordinator.get_by_text("发布事件").click()
        coordinator.get_by_label("名称").fill("十一月高温演示")
        picker = coordinator.get_by_test_id("stMultiSelect")
        pick_unit(coordinator, picker, OWN_COUNTY)
        coordinator.get_by_role("button", name="发布", exact=True).click()
        expect(coordinator.get_by_text(re.compile("已发布“十一月高温演示”")).first).to_be_visible()
        expect(coordinator.get_by_text(re.compile("高温/负荷预警 · 十一月高温演示")).first).to_be_visible()

        sign_in(lead, server, "lead")
        season = lead.get_by_text(re.compile("度夏期间检查（周期性与事件）"))
        expect(season.first).to_be_visible()
        expect(lead.get_by_text("十一月高温演示").first).to_be_visible()  # the event's badge on its checks
        checks = lead.get_by_test_id("stExpander").filter(has_text="度夏期间检查")
        checks.get_by_role("button", name="完成", exact=True).first.click()
        expect(lead.get_by_text(re.compile("已标记完成"))).to_be_visible()
    finally:
        coordinator.context.close()
        lead.context.close()
