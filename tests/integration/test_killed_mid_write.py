"""A process killed in the middle of a write — an import, a bulk tick, a restore — leaves the database as it
was, and the projections still agree with the log (`rebuild-projections --check` exits 0). Real child
processes, stopped right before their transaction commits and killed with SIGKILL, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from admin.backup import write_backup
from checklists import queries
from store.db import make_engine, migrate, snapshot
from store.schema import Base
from tests.conftest import NOW, ROOT, _fresh_pg_database, build_world


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: what "as it was" means."""
    with snapshot(engine) as s:
        return {t.name: sorted(tuple(map(repr, row)) for row in s.execute(select(t)))
                for t in Base.metadata.sorted_tables}


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def killed_mid_write(url: str, tmp_path: Path, table: str, rows: int, op: str, arg: str) -> None:
    """Run the write in a child process, wait until it has inserted all its `rows` into `table` and is about
    to commit, then kill it."""
    flag = tmp_path / f"{op}.paused"
    env = {**os.environ, "READINESS_DATABASE_URL": url}
    child = subprocess.Popen([sys.executable, "-m", "tests.integration.mid_write_child", str(flag), table, str(rows), op,
                              arg],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not flag.exists():
            if child.poll() is not None:
                out, err = child.communicate()
                pytest.fail(f"the child ended (exit {child.returncode}) before its commit:\n{out}\n{err}")
            if time.monotonic() > deadline:
                pytest.fail("the child never reached its commit")
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL


def projections_check(url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "rebuild-projections", "--check"], cwd=ROOT,
                          env={**os.environ, "READINESS_DATABASE_URL": url}, capture_output=True, text=True,
                          timeout=300)


def test_a_unit_import_killed_before_it_commits_leaves_no_unit_behind(engine, tmp_path):
    build_world(engine)
    table = tmp_path / "units.csv"
    rows = [f"K{i:03d},C2,乙市第{i}县公司,County B{i},county," for i in range(60)]
    table.write_text("code,parent_code,name_zh,name_en,kind,function\n" + "\n".join(rows) + "\n", encoding="utf-8")
    before = dump(engine)
    killed_mid_write(url_of(engine), tmp_path, "org_units", 60, "import-units", str(table))
    assert dump(engine) == before
    check = projections_check(url_of(engine))
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_bulk_tick_killed_before_it_commits_ticks_nothing_and_the_projections_still_match_the_log(engine, tmp_path):
    world = build_world(engine)
    with snapshot(engine) as s:
        rows = [r for r in queries.unit_checklist(world.campaign_id, world.units["C1"], session=s) if r.status == "open"]
    spec = {"campaign": world.campaign_id, "unit": world.units["C1"], "ticks": [(r.item_id, r.version) for r in rows],
            "actor": {"user_id": world.lead.user_id, "username": world.lead.username,
                      "display_name": world.lead.display_name}}
    assert len(rows) >= 2
    world.change("C1-K1", "plan-approved", "done")  # the log is not empty, so the check below has something to compare
    before = dump(engine)
    killed_mid_write(url_of(engine), tmp_path, "checklist_events", len(rows), "bulk-tick", json.dumps(spec))
    assert dump(engine) == before
    check = projections_check(url_of(engine))
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture
def empty_target(engine, tmp_path, request):
    """An empty, migrated database on the same engine as `engine`."""
    if engine.dialect.name == "sqlite":
        target = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
        drop = None
    else:
        url, drop = _fresh_pg_database(request.getfixturevalue("pg_admin_url"))
        target = make_engine(url)
    migrate(target)
    yield target
    target.dispose()
    if drop:
        drop()


def test_a_restore_killed_before_it_commits_leaves_the_new_database_empty(engine, empty_target, tmp_path):
    world = build_world(engine)
    world.change("C1-K1", "plan-approved", "done")
    world.change("C1-K2", "duty-roster", "na", text="无此设备")
    backup = tmp_path / "backup.zip"
    write_backup(engine, backup, now=NOW)
    before = dump(empty_target)
    assert not any(before[t] for t in ("org_units", "checklist_events", "users"))
    killed_mid_write(url_of(empty_target), tmp_path, "checklist_events", 2, "restore", str(backup))
    assert dump(empty_target) == before
    check = projections_check(url_of(empty_target))
    assert check.returncode == 0, check.stdout + check.stderr
    assert make_url(url_of(empty_target)).database  # the same database, still usable: a restore now succeeds
    done = subprocess.run([sys.executable, "manage.py", "restore", str(backup)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "READINESS_DATABASE_URL": url_of(empty_target)}, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert dump(empty_target)["checklist_events"] == dump(engine)["checklist_events"]
