"""The admin command line, run as an administrator would run it, on a real SQLite file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
import yaml

from tests.conftest import FIXTURE_SEEDS, ROOT


def manage(*args: str, db, seeds=None, input: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "READINESS_DATABASE_URL": f"sqlite:///{db}"}
    if seeds:
        env["READINESS_SEEDS_DIR"] = str(seeds)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          input=input, timeout=300)


def test_coverage_of_the_real_content_is_complete(tmp_path):
    out = manage("coverage", db=tmp_path / "x.db")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 uncovered" in out.stdout
    assert "S2.2.2-2d" in out.stdout


def test_coverage_fails_and_names_a_directive_nothing_carries_out(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    data = yaml.safe_load((seeds / "directives.yaml").read_text(encoding="utf-8"))
    data["directives"].append({"id": "S2.4.2", "tags": ["C"], "title_zh": "培训与纪律", "title_en": "Training"})
    (seeds / "directives.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = manage("coverage", db=tmp_path / "x.db", seeds=seeds)
    assert out.returncode == 1
    assert "S2.4.2" in out.stdout and "MISSING C" in out.stdout


def test_init_twice_reports_nothing_changed_the_second_time(tmp_path):
    first = manage("init", db=tmp_path / "a.db", seeds=FIXTURE_SEEDS)
    second = manage("init", db=tmp_path / "a.db", seeds=FIXTURE_SEEDS)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "added    template mini v1" in first.stdout
    assert "content: 0 added, 0 updated" in second.stdout


def test_init_refuses_a_bad_file_with_its_name_item_and_problem(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    path = seeds / "templates" / "mini.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("due_days_before_peak: 30", "due_days_before_peak: x"),
                    encoding="utf-8")
    out = manage("init", db=tmp_path / "b.db", seeds=seeds)
    assert out.returncode == 1
    assert "mini.yaml" in out.stderr and "mini-plan-approved" in out.stderr and "due_days_before_peak" in out.stderr


def test_create_user_reads_the_password_from_standard_input_and_refuses_a_duplicate_in_both_languages(tmp_path):
    manage("init", db=tmp_path / "c.db", seeds=FIXTURE_SEEDS)
    ok = manage("create-user", "zhang", "--name", "张三", db=tmp_path / "c.db", seeds=FIXTURE_SEEDS,
                input="long-enough-1\n")
    assert ok.returncode == 0, ok.stderr
    again_zh = manage("--lang", "zh", "create-user", "zhang", db=tmp_path / "c.db", seeds=FIXTURE_SEEDS,
                      input="long-enough-1\n")
    again_en = manage("--lang", "en", "create-user", "zhang", "--password-stdin", db=tmp_path / "c.db",
                      seeds=FIXTURE_SEEDS, input="long-enough-1\n")
    assert again_zh.returncode == 1 and again_en.returncode == 1
    assert "用户 zhang 已存在" in again_zh.stderr and "User zhang already exists" in again_en.stderr


@pytest.mark.parametrize(("password", "message"), [
    ("short", "at least 10"),
    ("1234567890", "too common"),
    ("wang-2027-wang", "may not be or contain the username"),
    ("", "No password given"),
])
def test_create_user_refuses_a_weak_or_missing_password_and_creates_nobody(tmp_path, password, message):
    manage("init", db=tmp_path / "c.db", seeds=FIXTURE_SEEDS)
    out = manage("--lang", "en", "create-user", "wang", db=tmp_path / "c.db", seeds=FIXTURE_SEEDS,
                 input=password + "\n")
    assert out.returncode == 1 and message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    with sqlite3.connect(tmp_path / "c.db") as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
    conn.close()


def test_a_password_is_never_taken_as_an_argument(tmp_path):
    manage("init", db=tmp_path / "c.db", seeds=FIXTURE_SEEDS)
    out = manage("create-user", "zhao", "--password", "long-enough-1", db=tmp_path / "c.db", seeds=FIXTURE_SEEDS,
                 input="")
    assert out.returncode == 2 and "--password" in out.stderr
    with sqlite3.connect(tmp_path / "c.db") as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
    conn.close()


def test_an_administrator_made_on_the_command_line_must_change_the_password_at_first_sign_in(tmp_path):
    manage("init", db=tmp_path / "c.db", seeds=FIXTURE_SEEDS)
    admin = manage("--lang", "en", "create-user", "root", "--role", "admin", db=tmp_path / "c.db",
                   seeds=FIXTURE_SEEDS, input="first-admin-pw\n")
    lead = manage("create-user", "zhou", "--role", "executive", db=tmp_path / "c.db", seeds=FIXTURE_SEEDS,
                  input="long-enough-1\n")
    assert admin.returncode == 0 and lead.returncode == 0, admin.stderr + lead.stderr
    assert "must change the password at first sign-in" in admin.stdout
    with sqlite3.connect(tmp_path / "c.db") as conn:
        flags = dict(conn.execute("SELECT username, must_change_password FROM users").fetchall())
    conn.close()
    assert flags == {"root": 1, "zhou": 0}


def test_import_units_adds_a_tree(tmp_path):
    manage("init", db=tmp_path / "d.db", seeds=FIXTURE_SEEDS)
    out = manage("--lang", "en", "import-units", str(FIXTURE_SEEDS / "demo_org.yaml"), db=tmp_path / "d.db",
                 seeds=FIXTURE_SEEDS)
    assert out.returncode == 0, out.stderr
    assert "units: 5 new, 0 updated, 0 moved" in out.stdout
    again = manage("import-units", str(FIXTURE_SEEDS / "demo_org.yaml"), db=tmp_path / "d.db", seeds=FIXTURE_SEEDS)
    assert again.returncode == 0 and "单位：新增 0，更新 5，移动 0" in again.stdout, again.stderr


def test_rebuild_projections_check_passes_on_the_demo_and_fails_once_a_status_is_altered_by_hand(
        demo_db_template, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(demo_db_template, db)
    fresh = manage("--lang", "en", "rebuild-projections", "--check", db=db)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "the projections of 2 campaign(s) match the event log" in fresh.stdout  # last season and this one

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE checklist_status SET status = 'done' WHERE rowid = "
                     "(SELECT min(rowid) FROM checklist_status WHERE status = 'open')")
    conn.close()
    altered = db.read_bytes()
    check = manage("--lang", "en", "rebuild-projections", "--check", db=db)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "difference(s) between the projections and the event log" in check.stdout
    assert "checklist_status" in check.stdout and "Traceback" not in check.stderr
    assert db.read_bytes() == altered, "--check wrote to the database"

    rebuilt = manage("rebuild-projections", db=db)
    assert rebuilt.returncode == 0 and "已从事件日志重建 2 个备战活动的投影" in rebuilt.stdout, rebuilt.stderr
    assert manage("rebuild-projections", "--check", "--campaign", "1", db=db).returncode == 0


def test_the_benchmark_runs_on_a_small_province_and_prints_its_figures(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "bench", "--units", "30", "--items", "12", "--events", "2000", "--days", "30",
         "--ticks", "5", "--url", f"sqlite:///{tmp_path / 'bench.db'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "readiness of every unit + roll-up (30)" in out.stdout
    assert "tick through the service" in out.stdout and "targets:" in out.stdout
