"""In a real browser, each person sees only the units in their scope and only the buttons they may use."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import sign_in

OWN_COUNTY = "柳塘县供电公司"  # the demo lead's county (C01-K01)
OTHER_COUNTY = "白沙县供电公司"  # another county of the same city (C01-K02)
PROVINCE = "江南省电力公司"
ACTION_BUTTONS = ["完成", "不适用", "重新打开", "备注"]


def unit_choices(page: Page, label: str) -> list[str]:
    """Open the unit picker and read the units it shows (a long list shows only its first ones), then close it."""
    page.get_by_label(label).click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    names = [name.strip("\u3000 ") for name in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return names


def offers(page: Page, label: str, unit: str) -> bool:
    """Whether the unit picker offers this unit when the user types its name."""
    page.get_by_label(label).click()
    page.keyboard.type(unit)
    option = page.get_by_role("option", name=re.compile(re.escape(unit)))
    try:
        expect(option.first).to_be_visible(timeout=3_000)
        return True
    except AssertionError:
        return False
    finally:
        page.keyboard.press("Escape")


def test_the_lead_of_one_county_can_neither_see_nor_change_another_countys_items(server, page):
    sign_in(page, server, "lead")
    expect(page.get_by_role("button", name="完成", exact=True).first).to_be_visible()  # their own county's items
    assert unit_choices(page, "单位") == [OWN_COUNTY]
    assert not offers(page, "单位", OTHER_COUNTY)

    page.get_by_role("link", name="准备度趋势").click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert unit_choices(page, "单位（含下属）") == [OWN_COUNTY]


def test_the_executive_sees_the_whole_province_with_no_action_buttons(server, page):
    sign_in(page, server, "executive")
    expect(page.get_by_text("您对该单位只有查看权限。")).to_be_visible()
    expect(page.get_by_text(re.compile("截止 ")).filter(visible=True).first).to_be_visible()  # the province's own items
    for name in ACTION_BUTTONS:
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    assert unit_choices(page, "单位")[0] == PROVINCE
    assert all(offers(page, "单位", unit) for unit in (OWN_COUNTY, OTHER_COUNTY, "东湖供电公司"))

    page.get_by_role("link", name="准备度趋势").click()
    expect(page.get_by_role("heading", name=re.compile(f"{PROVINCE}|准备度趋势")).first).to_be_visible()
    expect(page.get_by_text("下一级单位准备度")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2)  # its readiness over time and one level down
