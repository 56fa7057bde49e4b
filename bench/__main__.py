"""Benchmark of the readiness read paths and the tick write path on a synthetic province.

    python -m bench                      # 1,000 units × 200 items, ~1.2 M events over 120 days
    python -m bench --units 200 --items 60 --events 100000 --url postgresql+psycopg://…

Builds the data with bulk inserts that keep the event log and its projections
consistent (the same deltas the service writes), then times what the pages do.
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

from sqlalchemy import insert, select, text

from checklists import changes, queries
from checklists.rules import weight_deltas
from org.models import Actor
from readiness.series import readiness_series, unit_readiness
from store.db import make_engine, migrate, snapshot, transaction
from store.schema import (
    Campaign,
    CampaignUnit,
    ChecklistEvent,
    ChecklistStatus,
    OrgUnit,
    ReadinessDaily,
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
        s.add(Campaign(id=1, name="bench", template_id=1, starts_on=start, peak_start=date(2027, 6, 15),
                       created_by=1, created_at=now))
        s.flush()
        unit_ids = [r["id"] for r in rows]
        s.execute(insert(CampaignUnit), [{"campaign_id": 1, "unit_id": u, "joined_on": start} for u in unit_ids])
        # events: random toggles done/open in time order, per item
        state: dict[tuple[int, int], tuple[str, int]] = {}
        daily: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0, 0])
        total = sum(weights)
        for u in unit_ids:
            daily[(u, start)][2] += total
        moments = sorted(rng.random() for _ in range(events))
        batch = []
        for n, m in enumerate(moments):
            u = rng.choice(unit_ids)
            i = rng.randrange(items) + 1
            before, version = state.get((u, i), ("open", 0))
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
            state[(u, i)] = (after, version + 1)
            if len(batch) == 50_000:
                s.execute(insert(ChecklistEvent), batch)
                batch.clear()
        if batch:
            s.execute(insert(ChecklistEvent), batch)
        status_rows = [
            {"campaign_id": 1, "unit_id": u, "item_id": i + 1,
             "status": state.get((u, i + 1), ("open", 0))[0], "version": state.get((u, i + 1), ("open", 0))[1]}
            for u in unit_ids for i in range(items)]
        for k in range(0, len(status_rows), 50_000):
            s.execute(insert(ChecklistStatus), status_rows[k:k + 50_000])
        s.execute(insert(ReadinessDaily), [
            {"campaign_id": 1, "unit_id": u, "day": d, "done_delta": v[0], "na_delta": v[1], "total_delta": v[2]}
            for (u, d), v in daily.items()])
        if s.get_bind().dialect.name == "postgresql":
            # explicit ids do not advance PostgreSQL's sequences; move them past the data
            for table in ("users", "templates", "template_sections", "template_items", "org_units", "campaigns",
                          "checklist_events"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))"))
    return unit_ids[-1], Actor(1, "bench", "bench")


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
    ap.add_argument("--ticks", type=int, default=300, help="ticks timed through the service")
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

    rng = random.Random(1)
    with snapshot(engine) as s:
        candidates = s.execute(select(ChecklistStatus.unit_id, ChecklistStatus.item_id, ChecklistStatus.version)
                               .where(ChecklistStatus.status == "open").limit(args.ticks * 5)).all()
    picks = rng.sample(candidates, min(args.ticks, len(candidates)))
    lat = []
    at = datetime.combine(as_of, datetime.min.time(), tzinfo=UTC)
    for u, i, v in picks:
        t = time.perf_counter()
        with transaction(engine) as s:
            changes.mark_done(1, u, i, expected_version=v, session=s, actor=actor, now=at)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    p50, p95 = lat[len(lat) // 2], lat[int(len(lat) * 0.95) - 1]
    print(f"{'tick through the service (own transaction)':<48} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   n={len(lat)}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory of this process (RSS)':<48} {rss:8.0f} MiB")
    worst = max(reads.values())
    print(f"\ntargets: reads < {TARGET_READ_S:.1f} s → worst {worst:.3f} s "
          f"{'MET' if worst < TARGET_READ_S else 'MISSED'}; tick p95 < {TARGET_TICK_MS:.0f} ms → {p95:.1f} ms "
          f"{'MET' if p95 < TARGET_TICK_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
