"""Several app servers preparing one empty PostgreSQL database at once (`manage.py init` in each server's
start-up) take turns under the migration lock (store/db.py): one migrates and loads the content, the others
find it done, and every one of them exits 0. Without the lock they raced to create the same tables."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from admin.setup import initialize
from store.db import MIGRATION_LOCK, make_engine, migration_lock, schema_state
from tests.conftest import NOW, REAL_SEEDS, ROOT, _fresh_pg_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def empty_postgres(pg_admin_url: str) -> Iterator[tuple[str, Engine]]:
    url, drop = _fresh_pg_database(pg_admin_url)
    engine = make_engine(url)
    yield url, engine
    engine.dispose()
    drop()


def start_init(url: str) -> subprocess.Popen[str]:
    """`python manage.py init` against the database, as a server's start-up script runs it."""
    return subprocess.Popen([sys.executable, "manage.py", "init"], cwd=ROOT, text=True,
                            env={**os.environ, "READINESS_DATABASE_URL": url},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def waiting_for_the_lock(engine: Engine) -> int:
    """How many connections wait for the migration lock (pg_locks shows a bigint key as classid, objid)."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                                 "AND classid = :high AND objid = :low"),
                            {"high": MIGRATION_LOCK >> 32, "low": MIGRATION_LOCK & 0xFFFFFFFF}).scalar()


def test_three_servers_initializing_one_empty_database_at_once_all_succeed(empty_postgres):
    url, engine = empty_postgres
    runs = [start_init(url) for _ in range(3)]
    outputs = [run.communicate(timeout=240)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0, 0], "\n\n".join(outputs)
    assert schema_state(engine) == "ready"
    # The content was loaded exactly once: loading it again finds nothing to add or change.
    _, report = initialize(engine, REAL_SEEDS, now=NOW)
    assert (report.added, report.updated, report.removed) == ([], [], [])


def test_an_init_started_while_the_migration_lock_is_held_waits_for_it_then_succeeds(empty_postgres):
    url, engine = empty_postgres
    with migration_lock(engine):
        run = start_init(url)
        deadline = time.monotonic() + 120
        while waiting_for_the_lock(engine) == 0:
            assert run.poll() is None, run.communicate()[0]
            assert time.monotonic() < deadline, "manage.py init never reached the migration lock"
            time.sleep(0.2)
        assert schema_state(engine) == "missing"  # it waits before creating anything
    output = run.communicate(timeout=240)[0]

    assert run.returncode == 0, output
    assert schema_state(engine) == "ready"
