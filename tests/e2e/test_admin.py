"""In a real browser, an administrator's change reaches another person's open browser at their next click."""

from __future__ import annotations

import sqlite3

from playwright.sync_api import expect

from tests.e2e.test_browser import sign_in


def checklist_changes(db) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM checklist_events").fetchone()[0]


def test_an_admin_deactivates_the_lead_and_the_leads_next_click_signs_them_out_without_ticking(
        server, browser, tmp_path):
    lead_context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    admin_context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        lead, admin = lead_context.new_page(), admin_context.new_page()
        sign_in(lead, server, "lead")
        done = lead.get_by_role("button", name="完成", exact=True).first
        expect(done).to_be_visible()

        sign_in(admin, server, "admin")
        admin.get_by_role("link", name="系统管理").click()
        expect(admin.get_by_role("heading", name="系统管理")).to_be_visible()
        admin.get_by_label("用户", exact=True).click()
        admin.keyboard.type("lead")
        admin.keyboard.press("Enter")
        admin.get_by_role("button", name="停用账号").click()
        expect(admin.get_by_text("已停用 lead").first).to_be_visible()

        before = checklist_changes(tmp_path / "e2e.db")  # the server's private copy (tests/e2e/conftest.py)
        done.click()  # the lead's next click: a tick, refused inside its own transaction
        expect(lead.get_by_text("您的账号已停用，已退出登录。")).to_be_visible()
        expect(lead.get_by_role("button", name="登录", exact=True)).to_be_visible()
        expect(lead.get_by_role("heading", name="我的检查表")).to_have_count(0)
        assert checklist_changes(tmp_path / "e2e.db") == before

        # The deactivation is in the audit log the admin page shows.
        admin.get_by_role("tab", name="管理日志").click()
        expect(admin.get_by_text("账号停用").first).to_be_attached()  # a data grid draws on a canvas
    finally:
        lead_context.close()
        admin_context.close()
