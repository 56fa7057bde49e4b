"""On a phone 390 px wide the lead's checklist is usable: the item buttons are on screen and reachable,
no text runs off the side, and a tick works there."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.test_browser import sign_in

PHONE = {"width": 390, "height": 844}


def test_on_a_390_px_phone_the_checklist_buttons_are_visible_and_the_text_is_not_cut_off(server, browser,
                                                                                        tmp_path: Path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, server, "lead")
        section = page.get_by_test_id("stExpander").filter(has=page.get_by_role("button", name="完成", exact=True))
        expect(section.first).to_be_visible()
        buttons = section.first.get_by_role("button", name="完成", exact=True)
        expect(buttons.first).to_be_visible()
        expect(page.get_by_label("用户名")).to_have_count(0)  # the sign-in form's last traces are gone
        buttons.first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        shot = Path(os.environ.get("PEAKREADY_SCREENSHOTS", tmp_path)) / "checklist-390px.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 10_000  # a real picture of the page, not a blank one

        # Every button of the open section lies within the screen's width and is big enough to tap.
        for i in range(min(buttons.count(), 6)):
            button = buttons.nth(i)
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
            assert box["height"] >= 24, box
        # Nothing is wider than the screen, and no item text is clipped (no hidden horizontal overflow).
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
        clipped = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stExpander"] [data-testid="stMarkdownContainer"] p')]
            .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.innerText.slice(0, 40))""")
        assert clipped == []

        # And a tick works with a tap.
        buttons.first.tap()
        expect(page.get_by_text(re.compile("已标记完成"))).to_be_visible()
    finally:
        context.close()
