"""The drill plan in Excel from the command line: `manage.py export-drills` writes a season's plan (or a
unit's drills, or the empty template) and prints one line per drill; `import-drills` plans a file's rows
as new drills as the named user, printing one line per row with its rule codes and a summary. Any row in
error ends the run with exit 1 and nothing written; `--dry-run` writes nothing either."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from admin.drill_workbook import COLUMN_IDS, drill_plan_template
from checklists import campaigns
from drills import planning
from drills.planning import DrillDraft
from store.db import make_engine, snapshot, transaction
from store.schema import Drill, OrgUnit
from tests.conftest import NOW
from tests.integration.test_cli import manage
from tests.seed_copies import fixture_org, seeds_with_templates

SH = timedelta(hours=8)


def at(y: int, m: int, d: int, h: int) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC) - SH


def database(tmp_path, name: str, *, drills: bool) -> tuple:
    """A SQLite file with the fixture organisation, a coordinator of the whole province, a unit lead, an
    evaluator and the open season; with `drills`, two cable-fire drills planned in December."""
    seeds = seeds_with_templates(tmp_path / name)
    db = tmp_path / f"{name}.db"
    engine = make_engine(f"sqlite:///{db}")
    people = fixture_org(engine, seeds, {"admin": [("admin", None)], "coord": [("drill_coordinator", "P")],
                                         "lead": [("unit_lead", "C2")], "eva": [("unit_member", "C1")]})
    with transaction(engine) as s:
        campaign = campaigns.open_campaign("2027 度夏", "mini", peak_start=date(2027, 6, 15),
                                           starts_on=date(2026, 11, 1), unit_codes=["P", "C1", "C1-K1", "C1-K2", "C2"],
                                           session=s, actor=people["admin"], now=NOW)
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id)).all())
        if drills:
            for title, unit, day, more in (
                    ("甲一县电缆隧道火灾演练", "C1-K1", 8, {"evaluator_ids": frozenset({people["eva"].user_id}),
                                                  "unit_ids": frozenset({units["C1-K2"]})}),
                    ("乙市电缆火灾桌面推演", "C2", 9, {})):
                planning.plan_drill(DrillDraft(
                    type_key="cable-fire", form="tabletop", title=title, starts_at=at(2026, 12, day, 9),
                    ends_at=at(2026, 12, day, 12), lead_unit_id=units[unit], campaign_id=campaign.id,
                    location="城东电缆隧道", **more), session=s, actor=people["coord"], now=NOW)
    engine.dispose()
    return db, seeds


@pytest.fixture
def source(tmp_path):
    return database(tmp_path, "source", drills=True)


@pytest.fixture
def target(tmp_path):
    return database(tmp_path, "target", drills=False)


def drill_titles(db) -> list[str]:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with snapshot(engine) as s:
            return list(s.scalars(select(Drill.title).order_by(Drill.starts_at, Drill.id)))
    finally:
        engine.dispose()


def drill_count(db) -> int:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with snapshot(engine) as s:
            return s.scalar(select(func.count()).select_from(Drill))
    finally:
        engine.dispose()


def plan_file(tmp_path, rows: list[dict[str, object]], name: str = "plan.xlsx"):
    """The empty template with these rows (by column id): cable-fire tabletop drills of 3 hours."""
    wb = load_workbook(io.BytesIO(drill_plan_template("zh", now=NOW)))
    ws = wb.worksheets[0]
    for r, cells in enumerate(rows, start=2):
        cells = {"type": "cable-fire", "form": "桌面推演"} | cells
        if "end" not in cells:
            cells["end"] = cells["start"] + timedelta(hours=3)
        for cid, value in cells.items():
            ws.cell(r, COLUMN_IDS.index(cid) + 1).value = value
    path = tmp_path / name
    wb.save(path)
    return path


def test_export_drills_writes_the_seasons_plan_and_prints_a_line_per_drill(source, tmp_path):
    db, seeds = source
    out = tmp_path / "plan.xlsx"
    result = manage("export-drills", "--out", str(out), db=db, seeds=seeds)  # the only open season
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("第 2 行 · 演练 ") and lines[0].endswith("2026-12-08 09:00 · 甲一县电缆隧道火灾演练（已计划）")
    assert lines[-1] == f"已将 2 次演练写入 {out}"
    ws = load_workbook(out).worksheets[0]
    assert [ws.cell(2, c).value for c in (2, 4, 9, 10, 11, 12)] == [
        "cable-fire", "桌面推演", "C1-K1", "C1-K1、C1-K2", "coord", "eva"]
    only_c2 = run_ok("--lang", "en", "export-drills", "--unit", "c2", "--out", str(tmp_path / "c2.xlsx"), db=db,
                     seeds=seeds)
    assert len(only_c2.stdout.splitlines()) == 2 and "乙市电缆火灾桌面推演 (planned)" in only_c2.stdout
    template = run_ok("--lang", "en", "export-drills", "--template", "--out", str(tmp_path / "t.xlsx"), db=db,
                      seeds=seeds)
    assert template.stdout.strip() == f"Wrote an empty drill plan (the template) to {tmp_path / 't.xlsx'}"
    assert load_workbook(tmp_path / "t.xlsx").worksheets[0]["E1"].value == "Title"


def run_ok(*args: str, db, seeds):
    result = manage(*args, db=db, seeds=seeds)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_an_exported_plan_is_imported_as_new_drills_into_another_database(source, target, tmp_path):
    db, seeds = source
    out = tmp_path / "plan.xlsx"
    run_ok("export-drills", "--out", str(out), db=db, seeds=seeds)
    other, other_seeds = target
    dry = run_ok("import-drills", str(out), "--user", "coord", "--dry-run", db=other, seeds=other_seeds)
    assert dry.stdout.splitlines()[-2:] == ["共 2 行：2 行可以计划（其中 0 行有提醒），0 行跳过，0 行有错误",
                                            "试运行：未作任何更改。"]
    assert drill_count(other) == 0
    result = run_ok("import-drills", str(out), "--user", "coord", db=other, seeds=other_seeds)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("第 2 行 · 2026-12-08 09:00 · 甲一县电缆隧道火灾演练 · 无 · 已计划（演练 ")
    assert lines[-1] == "共 2 行：2 行已计划（其中 0 行有提醒），0 行跳过，0 行有错误"
    assert drill_titles(other) == drill_titles(db)
    # The same file again: those drills are already planned (their ids now name them), so nothing doubles.
    again = manage("import-drills", str(out), "--user", "coord", db=other, seeds=other_seeds)
    assert again.returncode == 1 and again.stdout.count("already-planned") == 2
    assert drill_count(other) == 2
    # Told to ignore the ids, the rows are new drills, and clash with the ones just planned.
    clash = manage("import-drills", str(out), "--user", "coord", "--ignore-ids", db=other, seeds=other_seeds)
    assert clash.returncode == 1 and "clash-unit" in clash.stdout and "already-planned" not in clash.stdout
    assert drill_count(other) == 2


def test_a_clash_between_two_rows_refuses_the_file_and_prints_both_rows_with_their_codes(target, tmp_path):
    db, seeds = target
    path = plan_file(tmp_path, [{"title": "甲一县演练", "start": datetime(2026, 12, 8, 9), "lead": "C1-K1"},
                                {"title": "甲一县另一演练", "start": datetime(2026, 12, 8, 10), "lead": "C1-K1",
                                 "coordinator": "lead"}])
    result = manage("import-drills", str(path), "--user", "coord", db=db, seeds=seeds)
    assert result.returncode == 1
    first, second = result.stdout.splitlines()[:2]
    assert first == "第 2 行 · 2026-12-08 09:00 · 甲一县演练 · 无 · 可以计划"
    assert second.startswith("第 3 行 · 2026-12-08 10:00 · 甲一县另一演练 · clash-unit · 有错误：C1-K1 在同一时段已参加演练“甲一县演练”")
    assert second.endswith("（即本文件第 2 行）")  # the line drops the message's full stop
    assert "共 2 行：1 行可以计划（其中 0 行有提醒），0 行跳过，1 行有错误" in result.stdout
    assert result.stderr.strip() == "有 1 行有错误（第 3 行），未作任何更改。"
    assert drill_count(db) == 0


def test_a_weekend_row_is_planned_and_its_warning_code_printed(target, tmp_path):
    db, seeds = target
    path = plan_file(tmp_path, [{"title": "周六演练", "start": datetime(2026, 12, 12, 9), "lead": "C2"}])
    result = run_ok("--lang", "en", "import-drills", str(path), "--user", "coord", db=db, seeds=seeds)
    line = result.stdout.splitlines()[0]
    assert line.startswith("Row 2 · 2026-12-12 09:00 · 周六演练 · weekend · planned (drill ")
    assert line.endswith("2026-12-12: weekend, not an adjusted working day")
    assert result.stdout.splitlines()[-1] == "1 row(s): 1 planned (1 with warnings), 0 skipped, 0 in error"
    assert drill_titles(db) == ["周六演练"]


def test_a_dry_run_writes_nothing_even_when_every_row_is_fine(target, tmp_path):
    db, seeds = target
    path = plan_file(tmp_path, [{"title": "周二演练", "start": datetime(2026, 12, 8, 9), "lead": "C2"}])
    result = run_ok("import-drills", str(path), "--user", "coord", "--dry-run", db=db, seeds=seeds)
    assert result.stdout.splitlines()[0] == "第 2 行 · 2026-12-08 09:00 · 周二演练 · 无 · 可以计划"
    assert drill_count(db) == 0


def test_the_named_users_grants_apply(target, tmp_path):
    db, seeds = target
    path = plan_file(tmp_path, [{"title": "乙市演练", "start": datetime(2026, 12, 8, 9), "lead": "C2"}])
    result = manage("--lang", "en", "import-drills", str(path), "--user", "lead", db=db, seeds=seeds)
    assert result.returncode == 1 and "out-of-scope" in result.stdout
    nobody = manage("import-drills", str(path), "--user", "ghost", db=db, seeds=seeds)
    assert nobody.returncode == 1 and "ghost" in nobody.stderr
    assert drill_count(db) == 0


def test_a_formula_in_a_title_is_planned_as_text_and_exported_as_a_text_cell(target, tmp_path):
    db, seeds = target
    formula = '=HYPERLINK("http://example.invalid/x","点我")'
    path = plan_file(tmp_path, [{"title": formula, "start": datetime(2026, 12, 8, 9), "lead": "C2"}])
    run_ok("import-drills", str(path), "--user", "coord", db=db, seeds=seeds)
    assert drill_titles(db) == [formula]
    out = tmp_path / "back.xlsx"
    run_ok("export-drills", "--out", str(out), db=db, seeds=seeds)
    cell = load_workbook(out).worksheets[0]["E2"]
    assert (cell.value, cell.data_type) == (formula, "s")


def test_a_corrupt_or_foreign_file_is_refused_in_one_clear_line(source, tmp_path):
    db, seeds = source
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    broken = manage("--lang", "en", "import-drills", str(junk), "--user", "coord", db=db, seeds=seeds)
    assert broken.returncode == 1
    assert broken.stderr.strip() == "This is not a readable Excel workbook (.xlsx); save an old .xls as .xlsx."
    status = tmp_path / "status.xlsx"
    run_ok("export-status", "--unit", "C1", "--out", str(status), db=db, seeds=seeds)
    foreign = manage("import-drills", str(status), "--user", "coord", db=db, seeds=seeds)
    assert foreign.returncode == 1 and "不是演练计划" in foreign.stderr and "peakready-status" in foreign.stderr
    missing = manage("import-drills", str(tmp_path / "nowhere.xlsx"), "--user", "coord", db=db, seeds=seeds)
    assert missing.returncode == 1 and "nowhere.xlsx" in missing.stderr and "Traceback" not in missing.stderr
    assert drill_count(db) == 2
