"""Benchmark of the executive dashboard at province scale.

    python -m bench.dashboard                          # 1,000 units × 200 items, ~1.2 M events over 120 days
    python -m bench.dashboard --units 200 --items 60 --events 100000 --url postgresql+psycopg://…

Builds the synthetic province of `python -m bench` (the same generator), then, on the same database:

- one plain scan of the event log (every event's unit, item, state after and day, fetched), the yardstick;
- each series and roll-up the dashboard draws, against that scan (target: within 3×): every unit's readiness
  rolled up, the province's series, each city's series, the as-of table of every obligation read from the
  log (readiness.standing), the headline figures with the week before, the ranking of the cities, the
  directives' progress;
- the dashboard page's server-side run (Streamlit's AppTest, through app.py's sign-in gate) against a
  near-trivial page (change password), cold (caches cleared) and warm (target: warm within 2×).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from admin.dashboard import child_ranking, headline_and_week_before, subtree_standing
from bench.__main__ import build
from bench.apptest import one_script_cache
from org.accounts import hash_password
from readiness.directives import directive_progress
from readiness.series import readiness_series, series_by_child, unit_readiness
from store.db import make_engine, migrate, snapshot, transaction
from store.schema import ChecklistEvent, RoleGrant, User

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-Peak-2027!"
START = date(2026, 10, 1)
TARGET_SERIES = 3.0
TARGET_PAGE = 2.0


def best_of(fn, repeat: int = 3) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return min(runs), statistics.median(runs)


def plain_scan(session) -> int:
    """Every event of the season, fetched: what any reading of the log must at least cost."""
    rows = session.execute(select(ChecklistEvent.unit_id, ChecklistEvent.item_id, ChecklistEvent.status_after,
                                  ChecklistEvent.day).where(ChecklistEvent.campaign_id == 1)).all()
    return len(rows)


def page_runs(rounds: int) -> dict[str, list[float]]:
    """AppTest runs of the dashboard and of the near-trivial page: the first (cold) and warm reruns."""
    with one_script_cache():  # as a server: each script compiled once
        return _runs(rounds)


def _runs(rounds: int) -> dict[str, list[float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    at.text_input(key="login_username").input("bench")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click()
    at.run()
    times: dict[str, list[float]] = {"dashboard cold": [], "dashboard": [], "trivial": []}
    for _ in range(2):
        st.cache_data.clear()
        t0 = time.perf_counter()
        at.switch_page("app_pages/dashboard.py").run()
        times["dashboard cold"].append((time.perf_counter() - t0) * 1000)
        assert not at.exception, at.exception
    at.switch_page("app_pages/change_password.py").run()
    for _ in range(rounds):
        for name, page in (("dashboard", "app_pages/dashboard.py"), ("trivial", "app_pages/change_password.py")):
            at.switch_page(page).run()
            t0 = time.perf_counter()
            at.run()
            times[name].append((time.perf_counter() - t0) * 1000)
            assert not at.exception, at.exception
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--events", type=int, default=1_200_000)
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--url", default="", help="database URL (default: a fresh SQLite file under bench/out/)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    url = args.url
    if not url:
        path = ROOT / "bench" / "out" / "dashboard.db"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate(engine)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    print(f"data: {args.units} units × {args.items} items, {args.events:,} events over {args.days} days")
    t0 = time.perf_counter()
    build(engine, args.units, args.items, args.events, args.days, args.seed)
    with transaction(engine) as s:  # the bench user signs in and reads the whole province, as an executive would
        s.execute(update(User).where(User.id == 1).values(password_hash=hash_password(PASSWORD)))
        s.execute(update(RoleGrant).where(RoleGrant.id == 1).values(role="executive"))
    print(f"{'build (bulk insert)':<52} {time.perf_counter() - t0:8.1f} s")
    as_of = START + timedelta(days=args.days)

    with snapshot(engine) as s:
        scan, scan_median = best_of(lambda: plain_scan(s))
        print(f"{'one plain scan of the event log (yardstick)':<52} best {scan:8.1f} ms   median {scan_median:8.1f} ms")
        cities = [2, 3]
        reads = {
            f"every unit's readiness, rolled up ({args.units})": lambda: unit_readiness(1, as_of, session=s),
            f"province series, {args.days} days": lambda: readiness_series(1, start=START, end=as_of, root_unit_id=1,
                                                                          session=s),
            "every city's series, one read": lambda: series_by_child(1, 1, start=START, end=as_of, session=s),
            "as-of table of every obligation (from the log)": lambda: subtree_standing(1, 1, as_of, session=s),
            "headline figures and the week before": lambda: headline_and_week_before(1, 1, as_of, session=s),
            "cities ranked (forecast, risks)": lambda: child_ranking(1, 1, as_of, session=s),
            "directives' progress": lambda: directive_progress(subtree_standing(1, cities[0], as_of, session=s), as_of),
        }
        worst = 0.0
        for label, fn in reads.items():
            best, median = best_of(fn)
            worst = max(worst, best / scan)
            print(f"{label:<52} best {best:8.1f} ms   median {median:8.1f} ms   {best / scan:5.2f}× the scan")

    os.environ["READINESS_DATABASE_URL"] = url
    os.environ["READINESS_NOW"] = datetime.combine(as_of, datetime.min.time(), tzinfo=UTC).replace(hour=2).isoformat()
    from core.config import get_settings

    get_settings.cache_clear()
    runs = page_runs(args.rounds)
    med = {k: statistics.median(v) for k, v in runs.items()}
    print("\nServer only (AppTest, through app.py's sign-in gate and navigation):")
    for name, values in runs.items():
        print(f"{'  ' + name:<52} median {med[name]:8.1f} ms   n={len(values)}")
    ratio = med["dashboard"] / med["trivial"]
    print(f"{'  dashboard warm / trivial':<52} {ratio:8.2f}×   cold / trivial {med['dashboard cold'] / med['trivial']:.1f}×")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory of this process (RSS)':<52} {rss:8.0f} MiB")
    print(f"\ntargets: series and roll-ups ≤ {TARGET_SERIES:.0f}× the scan → worst {worst:.2f}× "
          f"{'MET' if worst <= TARGET_SERIES else 'MISSED'}; dashboard warm ≤ {TARGET_PAGE:.0f}× a trivial page → "
          f"{ratio:.2f}× {'MET' if ratio <= TARGET_PAGE else 'MISSED'}")


if __name__ == "__main__":
    main()
