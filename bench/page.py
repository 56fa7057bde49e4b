"""Benchmark of the checklist page for one unit with 200 items: server runs and, in Chromium, ticks.

    python -m bench.page                    # 200 items, 20 rounds, AppTest and Chromium
    python -m bench.page --items 400 --rounds 30 --no-browser

Builds a fresh SQLite database with the real content plus a generated template of N items in ten
sections, one county in a season running it and its lead, about 40 % of the items already done.
Then, in the same run:

- server only (Streamlit's AppTest, no browser): a full run of the checklist page against a run of a
  near-trivial page (change password: a title and a three-field form), both through app.py's sign-in
  gate and navigation, warm;
- in Chromium against the real server (`streamlit run serve.py`): the rerun of the near-trivial page
  and of the full checklist page (the "r" key), and a tick (the Done button of an item in an open
  section; the item is a fragment of its own, so only it reruns). Each is timed from the browser's
  message to the server until the server's "script finished" message arrives (the server-side rerun plus loopback), and a tick also until the page has
  settled (the item shows its Reopen button and nothing is running).

The browser figures are interleaved per round (a trivial rerun, a checklist rerun, the first tick on
the freshly loaded checklist, two more ticks), and the first tick after loading the page is reported
apart from the ticks that follow it.

Target: a tick settles within 2x a trivial page's rerun. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from bench.apptest import one_script_cache

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-Peak-2027!"
NOW = datetime(2027, 5, 6, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, 40 days before the peak
CHROMIUM = "/usr/bin/chromium"


def template(items: int) -> dict:
    sections = []
    per = max(1, items // 10)
    for s in range(10):
        n = per if s < 9 else items - per * 9
        sections.append({
            "key": f"b-sec-{s}", "title_zh": f"基准分组{s + 1}", "title_en": f"Bench section {s + 1}",
            "items": [{
                "key": f"b-{s}-{i}", "text_zh": f"基准检查项 {s + 1}-{i + 1}：设备与预案已核对完毕并留存记录",
                "text_en": f"Bench check {s + 1}-{i + 1}: equipment and plans are checked and the record kept",
                "sources": ["S1.1a"], "criticality": ("critical", "major", "normal")[i % 3],
                "discipline": "dispatch", "due_days_before_peak": 1 + (i * 7 + s) % 60,
                "evidence_zh": "检查记录", "evidence_en": "Check record"} for i in range(n)],
        })
    return {"key": "bench-200", "version": 1, "name_zh": "基准模板", "name_en": "Bench template",
            "sections": sections}


def build(db: Path, items: int) -> int:
    """The database: content + the generated template, one county running it, its lead; returns the item count."""
    os.environ["READINESS_DATABASE_URL"] = f"sqlite:///{db}"
    from admin.setup import initialize
    from checklists import changes
    from checklists.campaigns import open_campaign
    from checklists.queries import unit_checklist
    from content.units import load_unit_specs
    from core.config import get_settings
    from org.accounts import create_user
    from org.models import Actor
    from org.units import import_units
    from store.db import make_engine, transaction

    get_settings.cache_clear()
    seeds = db.parent / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "templates" / "bench-200.yaml").write_text(yaml.safe_dump(template(items), allow_unicode=True),
                                                       encoding="utf-8")
    engine = make_engine(f"sqlite:///{db}")
    initialize(engine, seeds, now=NOW)
    with transaction(engine) as s:
        import_units(load_unit_specs(seeds / "demo_org.yaml"), session=s, now=NOW)
        admin = create_user("bench-admin", PASSWORD, "Admin", session=s, now=NOW, grants=[("admin", None)])
        lead = create_user("lead", PASSWORD, "Lead", session=s, now=NOW, grants=[("unit_lead", "C01-K01")])
        actor = Actor(admin.id, admin.username, admin.display_name)
        campaign = open_campaign("2027 基准", "bench-200", peak_start=date(2027, 6, 15), starts_on=date(2027, 3, 1),
                                 unit_codes=["C01-K01"], session=s, actor=actor, now=NOW)
        unit_id = _unit_id(s, "C01-K01")
        rows = unit_checklist(campaign.id, unit_id, session=s)
        for row in rows[: len(rows) * 2 // 5]:  # about 40 % done
            changes.mark_done(campaign.id, unit_id, row.item_id, expected_version=row.version, session=s,
                              actor=Actor(lead.id, lead.username, lead.display_name), now=NOW)
        count = len(rows)
    engine.dispose()
    return count


def _unit_id(session, code: str) -> int:
    from org.queries import unit_by_code

    return unit_by_code(code, session=session).id


def server_runs(rounds: int) -> dict[str, list[float]]:
    """Warm AppTest runs of the checklist page and of the near-trivial page, interleaved."""
    with one_script_cache():  # as a server: each script compiled once
        return _runs(rounds)


def _runs(rounds: int) -> dict[str, list[float]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.text_input(key="login_username").input("lead")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click()
    at.run()
    times: dict[str, list[float]] = {"checklist": [], "trivial": []}
    for _ in range(2):  # warm both
        at.switch_page("app_pages/my_checklist.py").run()
        at.switch_page("app_pages/change_password.py").run()
    for _ in range(rounds):
        for name, page in (("checklist", "app_pages/my_checklist.py"), ("trivial", "app_pages/change_password.py")):
            at.switch_page(page).run()  # land on it, then time a plain rerun of it
            t0 = time.perf_counter()
            at.run()
            times[name].append((time.perf_counter() - t0) * 1000)
            assert not at.exception, at.exception
    return times


def serve(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "READINESS_DATABASE_URL": f"sqlite:///{db}", "READINESS_NOW": NOW.isoformat()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.3)


RECORDER_JS = """(() => {
  // Timestamp Streamlit's websocket messages in the page (performance.now()), without a round trip
  // through the test driver per message; Python decodes them afterwards with Streamlit's protobufs.
  const Native = window.WebSocket;
  window.__frames = [];
  window.__recording = false;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (window.__recording) window.__frames.push([performance.now(), 'in', e.data]);
      });
    }
    send(data) {
      if (window.__recording) window.__frames.push([performance.now(), 'out', data]);
      return super.send(data);
    }
  };
})();"""

START_JS = """() => {
  window.__frames = []; window.__recording = true; window.__appeared = null; window.__changed = null;
  // The page's last DOM change while recording: when the page has settled, whatever the run drew.
  if (!window.__changes) {
    window.__changes = new MutationObserver(() => { if (window.__recording) window.__changed = performance.now(); });
    window.__changes.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  }
}"""
CHANGED_JS = """() => window.__changed"""

HARVEST_JS = """() => {
  window.__recording = false;
  const b64 = (d) => {
    const bytes = d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    let s = ''; for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return btoa(s);
  };
  return window.__frames.filter(f => typeof f[2] !== 'string').map(f => [f[0], f[1], b64(f[2])]);
}"""

WATCH_JS = """(selector) => {
  const seen = () => { if (window.__appeared === null && document.querySelector(selector)) window.__appeared = performance.now(); };
  new MutationObserver(seen).observe(document.body, {subtree: true, childList: true});
}"""


def timings(frames: list) -> tuple[float, float]:
    """(rerun request sent, first 'script finished' after it), page clock ms, from the recorded frames."""
    import base64

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    sent = finished = None
    for stamp, direction, data in frames:
        raw = base64.b64decode(data)
        if direction == "out" and sent is None and BackMsg.FromString(raw).WhichOneof("type") == "rerun_script":
            sent = stamp
        elif direction == "in" and sent is not None and ForwardMsg.FromString(raw).WhichOneof("type") == "script_finished":
            finished = stamp
            break
    if sent is None or finished is None:
        raise RuntimeError("no rerun request, or no 'script finished' after it")
    return sent, finished


def browser_runs(url: str, rounds: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {name: [] for name in (
        "trivial", "trivial_page", "checklist", "tick_server", "tick_settled", "tick_settled_page", "first_server",
        "first_settled", "first_settled_page")}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.add_init_script(RECORDER_JS)
        page.goto(url)
        page.get_by_label("用户名").fill("lead")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.locator("[class*='st-key-done_']").first.wait_for()

        def settle() -> None:
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(400)

        def rerun(path: str, settled: str | None = None) -> float:
            page.goto(f"{url}/{path}")
            page.locator("h1").first.wait_for()
            settle()
            page.evaluate("document.activeElement && document.activeElement.blur()")  # "r" reruns outside a field
            page.evaluate(START_JS)
            page.keyboard.press("r")
            page.wait_for_timeout(100)
            settle()
            changed = page.evaluate(CHANGED_JS)
            sent, finished = timings(page.evaluate(HARVEST_JS))
            if settled:
                times[settled].append(max(changed or finished, finished) - sent)
            return finished - sent

        def tick(server: str, settled: str) -> None:
            """Click the first Done button in view; time it until the item shows Reopen, and until the page's
            last change (`<settled>_page`)."""
            button = page.locator("[class*='st-key-done_'] button").first
            button.wait_for()
            key = next(c for c in (button.locator("xpath=../..").get_attribute("class") or "").split()
                       if c.startswith("st-key-done_"))
            item = key.removeprefix("st-key-done_")
            page.evaluate(WATCH_JS, f".st-key-reopen_{item}")
            page.evaluate(START_JS)
            clicked = page.evaluate(f"() => {{ const t = performance.now(); "
                                    f"document.querySelector('.{key} button').click(); return t; }}")
            page.locator(f".st-key-reopen_{item}").wait_for()
            settle()
            appeared = page.evaluate("() => window.__appeared")
            changed = page.evaluate(CHANGED_JS)
            sent, finished = timings(page.evaluate(HARVEST_JS))
            times[server].append(finished - sent)
            times[settled].append(max(appeared, finished) - clicked)
            times[f"{settled}_page"].append(max(changed or finished, finished) - clicked)
            # Reopen it (untimed): the open section keeps its open items, however many rounds are run.
            page.locator(f".st-key-reopen_{item} button").click()
            page.locator(f".st-key-done_{item}").wait_for()
            settle()

        # Interleaved, so that the machine's ups and downs weigh alike on the ticks and on the reruns they
        # are compared with: per round a trivial rerun, a checklist rerun, the first tick on that freshly
        # loaded checklist, then two more ticks on it (a lead ticking item after item).
        for _ in range(rounds):
            times["trivial"].append(rerun("change-password", "trivial_page"))
            times["checklist"].append(rerun("checklist"))
            tick("first_server", "first_settled")
            for _ in range(2):
                tick("tick_server", "tick_settled")
        browser.close()
    return times


def describe(name: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"{name:<44} median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms   (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true", help="only the server-side AppTest figures")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="peakready-bench-page-"))
    db = work / "bench.db"
    t0 = time.perf_counter()
    count = build(db, args.items)
    print(f"PeakReady checklist-page bench · {date.today()} · {os.cpu_count()} CPUs · Python {sys.version.split()[0]}")
    print(f"one county, {count} items in 10 sections, ~40 % done; built in {time.perf_counter() - t0:.1f} s")
    os.environ["READINESS_NOW"] = NOW.isoformat()
    from core.config import get_settings

    get_settings.cache_clear()
    server = server_runs(args.rounds)
    print("\nServer only (AppTest, warm, through app.py's sign-in gate and navigation):")
    print(describe("near-trivial page run (change password)", server["trivial"]))
    print(describe(f"checklist page run ({count} items)", server["checklist"]))
    print(f"{'ratio checklist / trivial':<44} {statistics.median(server['checklist']) / statistics.median(server['trivial']):.2f}x")
    if args.no_browser:
        return
    if not Path(CHROMIUM).exists():
        print(f"\n{CHROMIUM} is missing: no browser figures (apt-get install chromium)")
        return
    proc, url = serve(db, work / "streamlit.log")
    try:
        b = browser_runs(url, args.rounds)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    trivial = statistics.median(b["trivial"])
    print("\nChromium against the real server (rerun request sent → the server's 'script finished'):")
    print(describe("near-trivial page rerun", b["trivial"]))
    print(describe(f"checklist page rerun ({count} items)", b["checklist"]))
    print(describe("first tick after loading: server rerun", b["first_server"]))
    print(describe("first tick after loading: click → Reopen shown", b["first_settled"]))
    print(describe("next ticks: server rerun (the item's fragment)", b["tick_server"]))
    print(describe("next ticks: click → Reopen shown", b["tick_settled"]))
    for name, key in (("first tick", "first_settled"), ("next ticks", "tick_settled")):
        ratio = statistics.median(b[key]) / trivial
        print(f"{name + ' / trivial rerun (server)':<44} {ratio:.2f}x   "
              f"(target ≤ 2x: {'met' if ratio <= 2 else 'NOT met'})")
    print("\nLike for like, each until the page's last DOM change (the browser's drawing counted on both sides):")
    print(describe("near-trivial page rerun → page settled", b["trivial_page"]))
    print(describe("first tick → page settled", b["first_settled_page"]))
    print(describe("next ticks → page settled", b["tick_settled_page"]))
    trivial_page = statistics.median(b["trivial_page"])
    for name, key in (("first tick", "first_settled_page"), ("next ticks", "tick_settled_page")):
        ratio = statistics.median(b[key]) / trivial_page
        print(f"{name + ' / trivial rerun (both settled)':<44} {ratio:.2f}x   "
              f"(target ≤ 2x: {'met' if ratio <= 2 else 'NOT met'})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
