"""In a real browser, a sign-in outlasts a reload, a new tab and a bookmarked link, in an HttpOnly
cookie; signing out ends it for good."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_admin import checklist_changes
from tests.e2e.test_browser import sign_in

COOKIE = "peakready_session"


def session_cookie(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE), None)


def wait_for_cookie(page: Page) -> dict:
    """The page hands the new session to the cookie route just after signing in."""
    for _ in range(100):
        cookie = session_cookie(page)
        if cookie:
            return cookie
        page.wait_for_timeout(100)
    raise AssertionError("the session cookie was never set")


def signed_out(page: Page) -> None:
    expect(page.get_by_text("演示账号")).to_be_visible()
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)


def test_a_lead_who_signed_in_is_still_signed_in_after_a_reload(server, page):
    sign_in(page, server, "lead")
    cookie = wait_for_cookie(page)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert cookie["expires"] > 0  # kept across browser restarts until the absolute expiry
    assert page.evaluate("document.cookie").find(COOKIE) == -1  # no script can read it

    page.reload()

    expect(page.get_by_role("heading", name="我的检查表")).to_be_visible()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def test_a_bookmarked_dashboard_link_opened_in_a_new_tab_goes_straight_to_the_dashboard(server, page):
    sign_in(page, server, "lead")
    wait_for_cookie(page)

    tab = page.context.new_page()
    tab.goto(f"{server}/dashboard")

    expect(tab.get_by_role("heading", name="准备度趋势")).to_be_visible()
    expect(tab.locator(".js-plotly-plot").first).to_be_visible()
    expect(tab.get_by_text("演示账号")).to_have_count(0)


def test_a_deep_link_opened_signed_out_asks_to_sign_in_then_opens_the_page(server, page):
    page.goto(f"{server}/dashboard")
    expect(page.get_by_text("演示账号")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_label("用户名").fill("lead")
    page.get_by_label("密码").fill("peakready-demo")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="准备度趋势")).to_be_visible()
    assert page.url.rstrip("/").endswith("/dashboard")


def test_after_signing_out_a_reload_stays_signed_out(server, page):
    sign_in(page, server, "lead")
    wait_for_cookie(page)

    page.get_by_role("button", name="退出登录").click()
    signed_out(page)
    for _ in range(100):  # the page asks the route to drop the cookie
        if session_cookie(page) is None:
            break
        page.wait_for_timeout(100)
    assert session_cookie(page) is None

    page.reload()
    signed_out(page)
    page.goto(f"{server}/dashboard")
    signed_out(page)


def test_a_tick_in_a_tab_left_open_after_signing_out_in_another_changes_nothing(server, page, tmp_path):
    sign_in(page, server, "lead")
    wait_for_cookie(page)
    done = page.get_by_role("button", name="完成", exact=True).first
    expect(done).to_be_visible()
    other = page.context.new_page()  # a second tab of the same browser: signed in by the cookie
    other.goto(server)
    other.get_by_role("button", name="退出登录").click()
    signed_out(other)
    before = checklist_changes(tmp_path / "e2e.db")  # the server's private copy (tests/e2e/conftest.py)

    done.click()  # the first tab still shows the checklist; its tick is refused in the tick's own transaction

    signed_out(page)
    assert checklist_changes(tmp_path / "e2e.db") == before
