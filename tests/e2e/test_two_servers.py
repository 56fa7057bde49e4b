"""Two app servers on one PostgreSQL database, as behind a load balancer, in a real browser: a sign-in made on
one server holds on the other with the same cookie (sessions live in the database), a tick on one is seen on
the other at its next rerun with the readiness figure moved, a sign-out on one ends the sign-in on both, and
each answers its health check.

A load balancer serves both under one origin, so the browser sends the same cookies to either. Here the two
servers listen on two ports of 127.0.0.1; the session cookie the first one set is copied into a browser
context of its own for the second (no other cookie, no other state), which is what the second server would
receive behind the balancer."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.conftest import _fresh_pg_database
from tests.demo_fixtures import build_demo
from tests.e2e.conftest import new_page, streamlit_server
from tests.e2e.test_browser import readiness_on_dashboard, sign_in
from tests.e2e.test_browser_sessions import signed_out, wait_for_cookie

# The demo takes about two minutes to load into PostgreSQL, once for the module, inside the first test's time.
pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def demo_postgres(pg_admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database holding the demo, made as the e2e tier's SQLite copy is."""
    url, drop = _fresh_pg_database(pg_admin_url)
    try:
        build_demo(url)
        yield url
    finally:
        drop()


@pytest.fixture(scope="module")
def servers(demo_postgres: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Two `streamlit run serve.py` processes, A and B, on the one database, each with its own port."""
    logs = tmp_path_factory.mktemp("two_servers")
    with (streamlit_server(demo_postgres, logs / "a.log") as a,
          streamlit_server(demo_postgres, logs / "b.log") as b):
        yield a, b


@pytest.fixture
def page_on_b(browser) -> Iterator[Page]:
    """A second browser context: the same person's next request, routed by the balancer to server B."""
    pg = new_page(browser)
    yield pg
    pg.context.close()


def carry_sign_in(signed_in: Page, other: Page, url: str) -> None:
    """Give `other` the session cookie `signed_in` holds, and nothing else, for the server at `url`."""
    cookie = wait_for_cookie(signed_in)
    other.context.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": url,
                                "httpOnly": True, "sameSite": "Strict"}])


def section_on(page: Page, title: str) -> Locator:
    """The checklist section (an expander titled "title — done/applicable") of that title."""
    return page.get_by_test_id("stExpander").filter(has=page.locator("summary", has_text=f"{title} — "))


def section_done(section: Locator) -> int:
    """How many items of the section are done, by its title."""
    summary = section.locator("summary")
    expect(summary).to_have_text(re.compile(r"— \d+/\d+"))
    return int(re.search(r"— (\d+)/\d+", summary.inner_text()).group(1))


def open_section(section: Locator) -> None:
    """Open the section if it is closed (only the first section with an open item starts open)."""
    if section.locator("details").get_attribute("open") is None:
        section.locator("summary").click()


def done_count(page: Page) -> int:
    """The checklist's "done / applicable" figure: how many items are done."""
    value = page.get_by_test_id("stMetric").filter(has_text="已完成 / 适用").get_by_test_id("stMetricValue")
    expect(value).to_have_text(re.compile(r"^\s*\d+ / \d+\s*$"))
    return int(value.inner_text().split("/")[0])


def test_a_user_signed_in_on_one_server_is_signed_in_on_the_other_with_the_same_cookie(servers, page, page_on_b):
    a, b = servers
    sign_in(page, a, "lead")
    carry_sign_in(page, page_on_b, b)

    page_on_b.goto(b)

    expect(page_on_b.get_by_role("heading", name="我的检查表")).to_be_visible()
    expect(page_on_b.get_by_text("王磊").first).to_be_visible()
    expect(page_on_b.get_by_role("button", name="退出登录")).to_be_visible()
    expect(page_on_b.get_by_text("演示账号")).to_have_count(0)


def test_a_tick_on_one_server_is_seen_on_the_other_at_its_next_rerun_and_moves_its_readiness(
        servers, page, page_on_b):
    a, b = servers
    sign_in(page, a, "lead")
    carry_sign_in(page, page_on_b, b)
    page_on_b.goto(b)
    expect(page_on_b.get_by_role("heading", name="我的检查表")).to_be_visible()

    first_done = page.get_by_role("button", name="完成", exact=True).first
    expect(first_done).to_be_visible()
    holder = first_done.locator("xpath=ancestor::*[contains(@class, 'st-key-done_')][1]")
    item = next(c for c in holder.get_attribute("class").split() if c.startswith("st-key-done_"))
    reopen = f".{item.replace('st-key-done_', 'st-key-reopen_')} button"
    summary = holder.locator("xpath=ancestor::*[@data-testid='stExpander'][1]//summary")
    title = summary.inner_text().split(" — ")[0].strip().splitlines()[-1]
    # Server B shows the item open, and its figures as they are before the tick.
    expect(page_on_b.locator(f".{item} button")).to_be_visible()
    done_before = done_count(page_on_b)
    section_before = section_done(section_on(page_on_b, title))
    readiness_before = readiness_on_dashboard(page_on_b)
    page_on_b.get_by_role("link", name="我的检查表").click()
    expect(page_on_b.locator(f".{item} button")).to_be_visible()

    first_done.click()  # on server A
    expect(page.get_by_text(re.compile("已标记完成"))).to_be_visible()
    expect(page.locator(reopen)).to_be_visible()

    page_on_b.reload()  # B's next run: the item is done there too
    assert done_count(page_on_b) == done_before + 1
    section = section_on(page_on_b, title)
    assert section_done(section) == section_before + 1
    open_section(section)
    expect(section.locator(reopen)).to_be_visible()
    expect(section.locator(f".{item} button")).to_have_count(0)
    assert readiness_on_dashboard(page_on_b) > readiness_before  # a click on B: its dashboard has moved


def test_signing_out_on_one_server_ends_the_sign_in_on_the_other_at_its_next_click(servers, page, page_on_b):
    a, b = servers
    sign_in(page, a, "lead")
    carry_sign_in(page, page_on_b, b)
    page_on_b.goto(b)
    expect(page_on_b.get_by_role("button", name="退出登录")).to_be_visible()

    page_on_b.get_by_role("button", name="退出登录").click()  # on server B
    signed_out(page_on_b)

    page.get_by_role("link", name="准备度趋势").click()  # server A's next click
    signed_out(page)


def test_the_health_endpoint_answers_on_both_servers(servers, page):
    for url in servers:
        response = page.goto(f"{url}/_stcore/health")
        assert response is not None and response.status == 200
        expect(page.locator("body")).to_have_text("ok")
