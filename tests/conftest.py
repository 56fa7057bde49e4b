"""Shared fixtures: real databases (an SQLite file; PostgreSQL when configured) and small factories."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from admin.setup import initialize
from checklists import campaigns, changes, queries
from content.units import load_unit_specs
from org.accounts import create_user
from org.models import Actor
from org.units import import_units
from store.db import make_engine, transaction

pytest_plugins = ["tests.demo_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SEEDS = ROOT / "tests" / "fixtures" / "seeds"
REAL_SEEDS = ROOT / "seeds"
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("READINESS_TEST_POSTGRES_URL", "")

# 2026-11-02 10:00 Beijing time
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def require(condition: bool, reason: str) -> None:
    """Skip a tier that cannot run here; under CI=true a missing tier is a failure, not a skip."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and this tier cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    require(bool(PG_URL), "READINESS_TEST_POSTGRES_URL is not set (scripts/test.sh sets it when it finds PostgreSQL)")
    return PG_URL


def _fresh_pg_database(admin_url: str) -> tuple[str, callable]:
    name = f"peakready_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A brand-new, empty database on each engine: an SQLite file, and PostgreSQL where available."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        yield engine
        engine.dispose()
    else:
        admin_url = request.getfixturevalue("pg_admin_url")
        url, drop = _fresh_pg_database(admin_url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        drop()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """A migrated database holding the small fixture content (template `mini`, weights 3+2+1+1)."""
    initialize(empty_engine, FIXTURE_SEEDS, now=NOW)
    return empty_engine


@dataclass
class World:
    """A small organisation with one open campaign: the factory most tests start from."""

    engine: Engine
    lead: Actor
    other: Actor
    campaign_id: int
    units: dict[str, int]
    items: dict[str, int]
    admin: Actor

    def change(self, unit: str, item: str, action: str, *, actor: Actor | None = None, at: datetime = NOW,
               text: str = "", version: int | None = None) -> changes.ChangeResult:
        """Apply an action as a user would, at the version currently shown unless told otherwise."""
        with transaction(self.engine) as s:
            if version is None:
                rows = queries.unit_checklist(self.campaign_id, self.units[unit], session=s)
                version = next(r.version for r in rows if r.item_id == self.items[item])
            return changes.change_item(self.campaign_id, self.units[unit], self.items[item], action,
                                       expected_version=version, text=text, session=s,
                                       actor=actor or self.lead, now=at)


def build_world(engine: Engine, *, starts_on: date = date(2026, 10, 1), peak: date = date(2027, 6, 15)) -> World:
    from sqlalchemy import select

    from store.schema import OrgUnit, TemplateItem

    with transaction(engine) as s:
        import_units(load_unit_specs(FIXTURE_SEEDS / "demo_org.yaml"), session=s)
        lead_user = create_user("lead", "correct-horse", "王磊", session=s, now=NOW, grants=[("unit_lead", "C1")])
        other_user = create_user("other", "correct-horse", "李娜", session=s, now=NOW,
                                 grants=[("unit_member", "C1")])
        admin_user = create_user("admin", "correct-horse", "管理员", session=s, now=NOW, grants=[("admin", None)])
        lead = Actor(lead_user.id, lead_user.username, lead_user.display_name)
        other = Actor(other_user.id, other_user.username, other_user.display_name)
        admin = Actor(admin_user.id, admin_user.username, admin_user.display_name)
        campaign = campaigns.open_campaign("2027 迎峰度夏", "mini", peak_start=peak, starts_on=starts_on,
                                         unit_codes=["P", "C1", "C1-K1", "C1-K2", "C2"], session=s, actor=admin,
                                         now=NOW)
        units = {u.code: u.id for u in s.scalars(select(OrgUnit))}
        items = {i.key.removeprefix("mini-"): i.id for i in s.scalars(select(TemplateItem))}
    return World(engine, lead, other, campaign.id, units, items, admin)


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)
