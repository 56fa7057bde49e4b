"""Offline entry from the command line: `manage.py export-status` writes a unit's checklist workbook and
prints its rows, `import-status` reads a filled-in one back as a named user (their grants apply), printing
one line per row; `--dry-run` changes nothing, and a file with a row in error changes nothing either."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

import manage
from core.config import get_settings
from store.db import snapshot
from store.schema import ChecklistEvent
from tests.integration.test_status_workbook import edited


@pytest.fixture
def run(world, monkeypatch):
    """Run manage.py in-process on the world's database."""
    monkeypatch.setenv("READINESS_DATABASE_URL", world.engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()

    def invoke(*args: str):
        return CliRunner().invoke(manage.cli, list(args), catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


def event_count(world) -> int:
    with snapshot(world.engine) as s:
        return s.scalar(select(func.count()).select_from(ChecklistEvent))


def test_export_writes_the_workbook_and_prints_a_line_per_row(run, tmp_path):
    out = tmp_path / "c1.xlsx"
    result = run("export-status", "--unit", "c1", "--out", str(out))  # the only open campaign
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "第 2 行 · mini-plan-approved · 未完成", "第 3 行 · mini-duty-roster · 未完成",
        "第 4 行 · mini-cable-patrol · 未完成", "第 5 行 · mini-cable-seal · 未完成", f"已将 4 行写入 {out}"]
    assert out.read_bytes()[:2] == b"PK"


def test_export_names_the_campaign_by_name_and_refuses_an_unknown_unit(run, tmp_path):
    ok = run("--lang", "en", "export-status", "--campaign", "2027 迎峰度夏", "--unit", "C1-K1",
             "--out", str(tmp_path / "k1.xlsx"))
    assert ok.exit_code == 0 and "Row 2 · mini-plan-approved · open" in ok.stdout
    bad = run("export-status", "--unit", "NOPE", "--out", str(tmp_path / "x.xlsx"))
    assert bad.exit_code == 1 and "NOPE" in bad.stderr and not (tmp_path / "x.xlsx").exists()


def filled(run, tmp_path, changes, name="filled.xlsx"):
    out = tmp_path / "c1.xlsx"
    assert run("export-status", "--unit", "C1", "--out", str(out)).exit_code == 0
    path = tmp_path / name
    path.write_bytes(edited(out.read_bytes(), changes))
    return path


def test_a_dry_run_prints_what_would_change_and_changes_nothing(run, world, tmp_path):
    path = filled(run, tmp_path, {"mini-duty-roster": {"state": "已完成"}})
    result = run("import-status", str(path), "--user", "lead", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "第 3 行 · mini-duty-roster · 未完成 → 已完成 · 将更改" in lines
    assert "第 2 行 · mini-plan-approved · 未完成 · 无变化" in lines
    assert lines[-2:] == ["共 4 行：1 行将更改，3 行无变化，0 行有错误", "试运行：未作任何更改。"]
    assert event_count(world) == 0


def test_an_import_applies_the_changes_as_the_named_user(run, world, tmp_path):
    path = filled(run, tmp_path, {"mini-duty-roster": {"state": "已完成"},
                                  "mini-cable-seal": {"state": "不适用", "reason": "无孔洞"}})
    result = run("--lang", "en", "import-status", str(path), "--user", "lead")
    assert result.exit_code == 0, result.output
    assert "Row 3 · mini-duty-roster · open → done · changed" in result.stdout
    assert "Row 5 · mini-cable-seal · open → n/a · changed" in result.stdout
    with snapshot(world.engine) as s:
        assert s.execute(select(ChecklistEvent.action, ChecklistEvent.actor_id)).all() == [
            ("done", world.lead.user_id), ("na", world.lead.user_id)]
    again = run("import-status", str(path), "--user", "lead")  # the same file again: nothing more to do
    assert again.exit_code == 0 and "共 4 行：0 行将更改，4 行无变化，0 行有错误" in again.stdout
    assert event_count(world) == 2


def test_a_row_in_error_fails_the_whole_import_with_its_line(run, world, tmp_path):
    path = filled(run, tmp_path, {"mini-duty-roster": {"state": "已完成"}, "mini-cable-seal": {"state": "不适用"}})
    result = run("import-status", str(path), "--user", "lead")
    assert result.exit_code == 1
    assert "第 5 行 · mini-cable-seal · 未完成 → 不适用 · 标记为不适用须填写原因" in result.stdout
    assert "第 3 行 · mini-duty-roster · 未完成 → 已完成 · 将更改" in result.stdout
    assert "有 1 行有错误（第 5 行），未作任何更改。" in result.stderr
    assert event_count(world) == 0
    dry = run("import-status", str(path), "--user", "lead", "--dry-run")
    assert dry.exit_code == 1 and "第 5 行" in dry.stderr


def test_the_named_users_grants_apply_and_an_unknown_user_or_file_is_one_line(run, world, tmp_path):
    path = filled(run, tmp_path, {"mini-cable-seal": {"state": "不适用", "reason": "无"}})
    member = run("--lang", "en", "import-status", str(path), "--user", "other")
    assert member.exit_code == 1
    assert "Row 5 · mini-cable-seal · open → n/a · You may not mark items not applicable for unit C1" in member.stdout
    nobody = run("import-status", str(path), "--user", "ghost")
    assert nobody.exit_code == 1 and "ghost" in nobody.stderr
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"hello")
    broken = run("import-status", str(junk), "--user", "lead")
    assert broken.exit_code == 1 and ".xlsx" in broken.stderr
    assert event_count(world) == 0
