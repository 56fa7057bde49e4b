"""Benchmark of the readiness read paths and the tick write path on a synthetic province.

    python -m bench                      # 1,000 units × 200 items, ~1.2 M events over 120 days
    python -m bench --units 200 --items 60 --events 100000 --url postgresql+psycopg://…

Builds the data with bulk inserts that keep the event log and its projections
consistent (the same rows the service writes), then times what the pages do, the
projection check and rebuild, and a tick through the service with each durability
setting on the same data (SQLite: synchronous FULL vs NORMAL; PostgreSQL:
synchronous_commit on vs off), the two interleaved tick by tick.
Targets (2-core machine, SQLite): each dashboard read under 1 s; a tick under 20 ms.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, select, text

from checklists import changes, queries
from checklists.rebuild import projection_differences, rebuild_projections
from checklists.rules import weight_deltas
from org.models import Actor
from readiness.series import readiness_series, unit_readiness
from store.db import make_engine, migrate, snapshot, transaction
from store.schema import (
    Campaign,
    CampaignTemplate,
    CampaignUnit,
    ChecklistEvent,
    ChecklistStatus,
    Obligation,
    OrgUnit,
    ReadinessDaily,
    RoleGrant,
    Template,
    TemplateItem,
    TemplateSection,
    User,
)

TARGET_READ_S = 1.0
TARGET_TICK_MS = 20.0


def build(engine, units: int, items: int, events: int, days: int, seed: int) -> tuple[int, Actor]:
    rng = random.Random(seed)
    start = date(2026, 10, 1)
    now = datetime(2026, 10, 1, tzinfo=UTC)
    with transaction(engine) as s:
        s.add(User(id=1, username="bench", display_name="bench", password_hash="-", created_at=now))
        s.add(Template(id=1, key="bench", version=1, name_zh="基准", name_en="bench", content_hash="-",
                       loaded_at=now))
        s.add(TemplateSection(id=1, template_id=1, key="all", position=0, title_zh="全部", title_en="All"))
        s.flush()
        weights = [rng.choice((1, 2, 2, 3)) for _ in range(items)]
        s.execute(insert(TemplateItem), [
            {"id": i + 1, "template_id": 1, "section_id": 1, "key": f"b-{i}", "position": i, "text_zh": "条目",
             "text_en": "item", "sources": ["S1.0"], "criticality": "major", "weight": weights[i],
             "discipline": "dispatch", "due_days_before_peak": 30, "evidence_zh": "证据", "evidence_en": "evidence"}
            for i in range(items)])
        # province → 20 cities → the rest as counties/stations under them
        cities = max(1, min(20, units // 10))
        rows = [{"id": 1, "code": "P", "parent_id": None, "name_zh": "省", "name_en": "P", "kind": "province",
                 "path": "/1/", "depth": 0}]
        for c in range(cities):
            uid = 2 + c
            rows.append({"id": uid, "code": f"C{c}", "parent_id": 1, "name_zh": f"市{c}", "name_en": f"C{c}",
                         "kind": "city", "path": f"/1/{uid}/", "depth": 1})
        for k in range(units - 1 - cities):
            uid = 2 + cities + k
            parent = 2 + k % cities
            rows.append({"id": uid, "code": f"K{k}", "parent_id": parent, "name_zh": f"县{k}", "name_en": f"K{k}",
                         "kind": "county", "path": f"/1/{parent}/{uid}/", "depth": 2})
        s.execute(insert(OrgUnit), rows)
        # The bench user leads the whole province, so each tick goes through the sub-tree check.
        s.add(RoleGrant(id=1, user_id=1, role="unit_lead", unit_id=1, include_subtree=True))
        s.add(Campaign(id=1, name="bench", template_id=1, starts_on=start, peak_start=date(2027, 6, 15),
                       created_by=1, created_at=now))
        s.flush()
        unit_ids = [r["id"] for r in rows]
        s.add(CampaignTemplate(campaign_id=1, template_id=1, position=0))
        s.execute(insert(CampaignUnit), [{"campaign_id": 1, "unit_id": u, "joined_on": start} for u in unit_ids])
        obligations = [{"campaign_id": 1, "unit_id": u, "item_id": i + 1, "created_on": start}
                       for u in unit_ids for i in range(items)]
        for k in range(0, len(obligations), 50_000):
            s.execute(insert(Obligation), obligations[k:k + 50_000])
        # events: random toggles done/open in time order, per item
        state: dict[tuple[int, int], tuple[str, int, datetime]] = {}
        daily: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0, 0])
        total = sum(weights)
        for u in unit_ids:
            daily[(u, start)][2] += total
        moments = sorted(rng.random() for _ in range(events))
        batch = []
        for n, m in enumerate(moments):
            u = rng.choice(unit_ids)
            i = rng.randrange(items) + 1
            before, version, _ = state.get((u, i), ("open", 0, now))
            after = "open" if before != "open" else rng.choice(("done", "done", "done", "na"))
            action = {"open": "reopen", "done": "done", "na": "na"}[after]
            at = now + timedelta(days=days * m)
            d = at.date()
            batch.append({"id": n + 1, "campaign_id": 1, "unit_id": u, "item_id": i, "action": action,
                          "status_before": before, "status_after": after, "text": "x" if after == "na" else "",
                          "prev_version": version, "actor_id": 1, "occurred_at": at, "day": d})
            dd, nd = weight_deltas(before, after, weights[i - 1])
            acc = daily[(u, d)]
            acc[0] += dd
            acc[1] += nd
            state[(u, i)] = (after, version + 1, at)
            if len(batch) == 50_000:
                s.execute(insert(ChecklistEvent), batch)
                batch.clear()
        if batch:
            s.execute(insert(ChecklistEvent), batch)
        status_rows = [_status_row(u, i + 1, state.get((u, i + 1))) for u in unit_ids for i in range(items)]
        for k in range(0, len(status_rows), 50_000):
            s.execute(insert(ChecklistStatus), status_rows[k:k + 50_000])
        s.execute(insert(ReadinessDaily), [
            {"campaign_id": 1, "unit_id": u, "day": d, "done_delta": v[0], "na_delta": v[1], "total_delta": v[2]}
            for (u, d), v in daily.items()])
        if s.get_bind().dialect.name == "postgresql":
            # explicit ids do not advance PostgreSQL's sequences; move them past the data
            for table in ("users", "role_grants", "templates", "template_sections", "template_items", "org_units", "campaigns",
                          "checklist_events"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))"))
    return unit_ids[-1], Actor(1, "bench", "bench")


def _status_row(unit_id: int, item_id: int, last: tuple[str, int, datetime] | None) -> dict:
    """The status row the service would keep after the generated events (N/A events carry reason "x")."""
    row = {"campaign_id": 1, "unit_id": unit_id, "item_id": item_id, "status": "open", "version": 0, "note": "",
           "na_reason": "", "updated_by": None, "updated_at": None}
    if last:
        status, version, at = last
        row.update(status=status, version=version, na_reason="x" if status == "na" else "", updated_by=1,
                   updated_at=at)
    return row


def timed(label: str, fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    best = min(runs)
    print(f"{label:<48} best {best * 1000:8.1f} ms   median {statistics.median(runs) * 1000:8.1f} ms")
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--events", type=int, default=1_200_000)
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--ticks", type=int, default=300, help="ticks timed through the service, per durability setting")
    ap.add_argument("--url", default="", help="database URL (default: a fresh SQLite file under bench/out/)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    url = args.url
    if not url:
        path = Path(__file__).parent / "out" / "bench.db"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate(engine)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    print(f"data: {args.units} units × {args.items} items, {args.events:,} events over {args.days} days")
    t0 = time.perf_counter()
    leaf, actor = build(engine, args.units, args.items, args.events, args.days, args.seed)
    print(f"{'build (bulk insert)':<48} {time.perf_counter() - t0:8.1f} s")

    as_of = date(2026, 10, 1) + timedelta(days=args.days)
    reads = {}
    with snapshot(engine) as s:
        reads["unit_readiness"] = timed(f"readiness of every unit + roll-up ({args.units})",
                                        lambda: unit_readiness(1, as_of, session=s))
        reads["series_root"] = timed(f"province series, {args.days} days",
                                     lambda: readiness_series(1, start=date(2026, 10, 1), end=as_of,
                                                              root_unit_id=1, session=s))
        reads["series_city"] = timed("city series", lambda: readiness_series(
            1, start=date(2026, 10, 1), end=as_of, root_unit_id=2, session=s))
        reads["checklist"] = timed(f"one unit's checklist ({args.items} items)",
                                   lambda: queries.unit_checklist(1, leaf, session=s))

    with snapshot(engine) as s:
        t0 = time.perf_counter()
        found = projection_differences(1, session=s)
        print(f"{'projection check (rebuild-projections --check)':<48} {time.perf_counter() - t0:8.1f} s   "
              f"{len(found)} differences")
    t0 = time.perf_counter()
    with transaction(engine) as s:
        rebuild_projections(1, session=s)
    print(f"{'rebuild of the projections (set-based)':<48} {time.perf_counter() - t0:8.1f} s")

    rng = random.Random(1)
    with snapshot(engine) as s:
        candidates = s.execute(select(ChecklistStatus.unit_id, ChecklistStatus.item_id, ChecklistStatus.version)
                               .where(ChecklistStatus.status == "open").limit(args.ticks * 10)).all()
    picks = rng.sample(candidates, min(2 * args.ticks, len(candidates)))
    modes = durability_modes(url, engine)
    lat: dict[str, list[float]] = {label: [] for label, _ in modes}
    at = datetime.combine(as_of, datetime.min.time(), tzinfo=UTC)
    # Alternate the settings tick by tick on the same data, so neither gets a warmer cache or a
    # fuller write-ahead log than the other.
    for n, (u, i, v) in enumerate(picks):
        label, eng = modes[n % len(modes)]
        t = time.perf_counter()
        with transaction(eng) as s:
            changes.mark_done(1, u, i, expected_version=v, session=s, actor=actor, now=at)
        lat[label].append((time.perf_counter() - t) * 1000)
    figures = {label: percentiles(ms) for label, ms in lat.items()}
    print("tick through the service (own transaction), the settings interleaved:")
    for label, (p50, p95) in figures.items():
        print(f"{'  ' + label:<48} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   n={len(lat[label])}")
    (safe, (p50, p95)), (fast, (fast50, fast95)) = figures.items()
    safe, fast = safe.split(" ")[0], fast.split(" ")[0]
    print(f"{'  cost of ' + safe + ' over ' + fast.split('=')[1]:<48} p50 {p50 - fast50:+6.1f} ms   "
          f"p95 {p95 - fast95:+6.1f} ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory of this process (RSS)':<48} {rss:8.0f} MiB")
    worst = max(reads.values())
    print(f"\ntargets: reads < {TARGET_READ_S:.1f} s → worst {worst:.3f} s "
          f"{'MET' if worst < TARGET_READ_S else 'MISSED'}; tick p95 ({safe}) < {TARGET_TICK_MS:.0f} ms → {p95:.1f} ms "
          f"{'MET' if p95 < TARGET_TICK_MS else 'MISSED'}")


def percentiles(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return ms[len(ms) // 2], ms[max(0, int(len(ms) * 0.95) - 1)]


def durability_modes(url: str, engine) -> list[tuple[str, object]]:
    """Two engines on the same database, the durable setting first: SQLite synchronous FULL and
    NORMAL, PostgreSQL synchronous_commit on and off. Labels mark the one `engine` runs with."""
    if engine.dialect.name == "sqlite":
        setting, values, read = "synchronous", ("FULL", "NORMAL"), "PRAGMA synchronous"
        names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
        statement = "PRAGMA synchronous={}"
    else:
        setting, values, read = "synchronous_commit", ("on", "off"), "SHOW synchronous_commit"
        names = {}
        statement = "SET synchronous_commit = {}"
    with engine.connect() as conn:
        configured = conn.execute(text(read)).scalar()
    modes = []
    for value in values:
        eng = make_engine(url)

        @event.listens_for(eng, "connect")
        def _durability(dbapi_conn, _record, value=value):  # runs after make_engine's own connect hook
            cur = dbapi_conn.cursor()
            cur.execute(statement.format(value))
            cur.close()
            if setting == "synchronous_commit":
                dbapi_conn.commit()  # psycopg began a transaction for the SET; the setting outlives it

        with eng.connect() as conn:
            got = conn.execute(text(read)).scalar()
        if str(names.get(got, got)) != value:
            raise RuntimeError(f"could not set {setting}={value} (the database says {got})")
        mark = " (configured)" if str(names.get(configured, configured)) == value else ""
        modes.append((f"{setting}={value}{mark}", eng))
    return modes


if __name__ == "__main__":
    main()
