"""E2E fixtures: `streamlit run serve.py` (app.py plus the session-cookie route) on a copy of the demo database, and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import NOW, ROOT, require

# Assertions wait as long as actions do: a province-wide page takes seconds to draw on a loaded 2-core CI machine.
expect.set_options(timeout=30_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(database_url: str, log_path: Path, *, clock: str | None = None) -> Iterator[str]:
    """`streamlit run serve.py` on a free localhost port against the database, its clock started at `clock`
    (default: when the demo data was made); yields its URL once /_stcore/health answers, stops it after."""
    port = free_port()
    env = {**os.environ, "READINESS_DATABASE_URL": database_url, "READINESS_NOW": clock or NOW.isoformat()}
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def server(demo_db_template: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The real app served on localhost from a private copy of the demo database (a test marked
    `@pytest.mark.clock("2027-05-20T09:00")` starts the app's clock then instead)."""
    db = tmp_path / "e2e.db"
    shutil.copy(demo_db_template, db)
    # The app's clock starts when the demo data was made, whatever day the tests run.
    marker = request.node.get_closest_marker("clock")
    with streamlit_server(f"sqlite:///{db}", tmp_path / "streamlit.log",
                          clock=marker.args[0] if marker else None) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_page(browser) -> Page:
    """A page in a browser context of its own (no cookies), as a desktop user in China sees it."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    return pg


@pytest.fixture
def page(browser, tmp_path: Path):
    pg = new_page(browser)
    yield pg
    if os.environ.get("PEAKREADY_SCREENSHOTS"):
        pg.screenshot(path=str(Path(os.environ["PEAKREADY_SCREENSHOTS"]) / "last.png"), full_page=True)
    pg.context.close()

