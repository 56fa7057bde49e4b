"""Databases of earlier releases, kept as data: every table's rows at a known migration, with what
the release itself computed from them (the event log and the readiness series of every unit).

`python -m tests.upgrade_fixtures` writes a new fixture (tests/fixtures/upgrade/world-<revision>.json) with today's code path (run it before a
migration that reshapes stored data, and commit the file); tests/integration/test_upgrade.py loads
every fixture at its own revision, migrates it to the newest, and checks that nothing was lost.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import Date, DateTime, Engine, Integer, MetaData, insert, select, text

from store.db import alembic_config, schema_state, snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "upgrade"
SKIP = {"alembic_version"}


def _revision(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def dump(engine: Engine) -> dict:
    """Every row of every table, in an order that satisfies the foreign keys."""
    meta = MetaData()
    meta.reflect(engine)
    tables = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name in SKIP:
                continue
            order = [c for c in table.primary_key.columns] or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).mappings().all()
            tables[table.name] = [{k: _json(v) for k, v in row.items()} for row in rows]
    return {"revision": _revision(engine), "tables": tables}


def load(engine: Engine, data: dict) -> None:
    """Create the schema at the fixture's revision and insert its rows as they were."""
    command.upgrade(alembic_config(engine), data["revision"])
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in reversed(meta.sorted_tables):  # rows the migrations themselves seeded (change_counter)
            if table.name not in SKIP and data["tables"].get(table.name):
                conn.execute(table.delete())
        for table in meta.sorted_tables:
            rows = data["tables"].get(table.name)
            if not rows:
                continue
            converters = {c.name: _reader(c.type) for c in table.columns}
            conn.execute(insert(table), [{k: converters[k](v) for k, v in row.items()} for row in rows])
        if engine.dialect.name == "postgresql":
            for table in meta.sorted_tables:
                if "id" in table.columns and isinstance(table.c.id.type, Integer) and data["tables"].get(table.name):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


def _reader(column_type):
    if isinstance(column_type, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(column_type, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    return lambda v: v


def observed(engine: Engine, campaign_ids: list[int], end: date) -> dict:
    """What the release shows: the event log, and each unit's readiness series day by day."""
    from readiness.series import readiness_series
    from store.schema import Campaign, ChecklistEvent, OrgUnit

    with snapshot(engine) as s:
        events = [[e.id, e.campaign_id, e.unit_id, e.item_id, e.action, e.status_before, e.status_after, e.text,
                   e.actor_id, _json(e.occurred_at.replace(tzinfo=None))]
                  for e in s.scalars(select(ChecklistEvent).order_by(ChecklistEvent.id))]
        series = {}
        for cid in campaign_ids:
            start = s.get(Campaign, cid).starts_on
            for unit_id in [None, *s.scalars(select(OrgUnit.id).order_by(OrgUnit.id))]:
                frame = readiness_series(cid, start=start, end=end, session=s, root_unit_id=unit_id)
                series[f"{cid}/{unit_id or 'all'}"] = [
                    [str(r.day)[:10], int(r.done), int(r.na), int(r.total)] for r in frame.itertuples()]
    return {"events": events, "series": series, "end": end.isoformat()}


def make(name: str = "world") -> Path:
    """A small organisation with a season's worth of ticks, N/A, reopens and notes, by today's code."""
    from admin.setup import initialize
    from store.db import make_engine
    from tests.conftest import FIXTURE_SEEDS, NOW, build_world

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/fixture.db")
        initialize(engine, FIXTURE_SEEDS, now=NOW)
        world = build_world(engine)
        day = NOW
        steps = [("C1-K1", "plan-approved", "done", ""), ("C1-K1", "duty-roster", "note", "值班表已下发"),
                 ("C1-K2", "cable-patrol", "na", "本县没有电缆隧道"), ("C1", "plan-approved", "done", ""),
                 ("C1-K1", "plan-approved", "reopen", ""), ("C1-K1", "plan-approved", "done", ""),
                 ("C1-K2", "cable-seal", "done", ""), ("C1", "duty-roster", "done", ""),
                 ("C1-K2", "cable-patrol", "reopen", ""), ("C1-K2", "cable-patrol", "done", "")]
        for i, (unit, item, action, words) in enumerate(steps):
            day = NOW + timedelta(days=3 * i, hours=i)
            world.change(unit, item, action, text=words, at=day)
        assert schema_state(engine) == "ready"
        data = dump(engine)
        data["observed"] = observed(engine, [world.campaign_id], (day + timedelta(days=5)).date())
        engine.dispose()
    path = FIXTURES / f"{name}-{data['revision']}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":  # python -m tests.upgrade_fixtures [NAME]
    print(f"wrote {make(*sys.argv[1:2])}")
