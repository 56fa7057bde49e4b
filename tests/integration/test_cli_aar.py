"""`manage.py export-aar` writes a drill's after-action report as Excel or as a printable HTML page, the
format chosen by the file's extension, and says in one line what it wrote; another extension or an
unknown drill is one clear line in the chosen language, exit code 1, and no file."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from checklists import campaigns
from drills import planning, review
from drills.planning import DrillDraft
from store.db import make_engine, transaction
from store.schema import OrgUnit
from tests.conftest import NOW
from tests.integration.test_cli import manage
from tests.integration.test_cli_drills import at
from tests.seed_copies import fixture_org, seeds_with_templates

TITLE = "电缆隧道火灾桌面推演"


@pytest.fixture
def reviewed_db(tmp_path, monkeypatch):
    """A cable-fire tabletop of C1-K1 and C2 held on 2026-12-08, every objective rated S by `eva`, a draft
    summary and one corrective action of C1-K1 due 2026-12-20; the command's clock reads 2026-12-21."""
    from sqlalchemy import select

    monkeypatch.setenv("READINESS_NOW", "2026-12-21T09:00")
    seeds = seeds_with_templates(tmp_path)
    db = tmp_path / "aar.db"
    engine = make_engine(f"sqlite:///{db}")
    people = fixture_org(engine, seeds, {"admin": [("admin", None)], "coord": [("drill_coordinator", "P")],
                                         "eva": [("unit_member", "C1")]})
    coord = people["coord"]
    with transaction(engine) as s:
        campaign = campaigns.open_campaign("2027 度夏", "mini", peak_start=date(2027, 6, 15),
                                           starts_on=date(2026, 11, 1), unit_codes=["P", "C1", "C1-K1", "C2"],
                                           session=s, actor=people["admin"], now=NOW)
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id)).all())
        drill_id = planning.plan_drill(DrillDraft(
            type_key="cable-fire", form="tabletop", title=TITLE, starts_at=at(2026, 12, 8, 9),
            ends_at=at(2026, 12, 8, 12), lead_unit_id=units["C1-K1"], unit_ids=frozenset({units["C2"]}),
            evaluator_ids=frozenset({people["eva"].user_id}), campaign_id=campaign.id, location="城东电缆隧道"),
            session=s, actor=coord, now=NOW).drill_id
    with transaction(engine) as s:
        planning.set_status(drill_id, "ready", expected_version=1, session=s, actor=coord, now=NOW)
        planning.record_conducted(drill_id, attended_unit_ids=[units["C1-K1"], units["C2"]],
                                  attended_person_ids=[people["eva"].user_id], expected_version=2, session=s,
                                  actor=coord, now=at(2026, 12, 8, 13))
    after = at(2026, 12, 9, 10)
    with transaction(engine) as s:
        keys = [e.objective_key for e in review.evaluations(drill_id, session=s)]
        for key in keys:
            review.evaluate(drill_id, key, "S", strengths="=SUM(A1:A9) 报警后立即上报",
                            improvements="<b>正压式呼吸器</b>未按时佩戴", session=s, actor=people["eva"], now=after)
        review.save_report(drill_id, "处置流程基本顺畅，防护装备使用需加强", expected_version=0, session=s,
                           actor=coord, now=after, aar_due_days=14)
        review.raise_action(drill_id, unit_id=units["C1-K1"], description="组织正压式呼吸器佩戴复训",
                            due_on=date(2026, 12, 20), objective_key=keys[-1], session=s, actor=coord, now=after)
    engine.dispose()
    return db, seeds, drill_id, keys


def test_an_xlsx_file_gets_the_workbook_and_one_line_says_what_was_written(reviewed_db, tmp_path):
    db, seeds, drill_id, keys = reviewed_db
    out = tmp_path / "复盘.xlsx"
    result = manage("export-aar", "--drill", str(drill_id), "--out", str(out), db=db, seeds=seeds)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"已将演练 {drill_id}（{TITLE}）的复盘报告写入 {out}：{len(keys)} 个目标、1 项整改措施"]
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames[:3] == ["概况", "目标评估", "整改计划"]
    evaluation = list(wb["目标评估"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in evaluation] == keys
    assert evaluation[0][3] == "S 完成，存在一些问题" and evaluation[0][4] == "=SUM(A1:A9) 报警后立即上报"
    assert wb["目标评估"].cell(2, 5).data_type == "s"
    (action,) = wb["整改计划"].iter_rows(min_row=2, values_only=True)
    assert action[1] == "C1-K1" and action[3] == "组织正压式呼吸器佩戴复训" and action[11] == "是"  # overdue on 12-21


def test_an_html_file_gets_the_printable_page_in_the_language_asked_after_the_command(reviewed_db, tmp_path):
    db, seeds, drill_id, keys = reviewed_db
    out = tmp_path / "debrief.HTML"
    result = manage("export-aar", "--drill", str(drill_id), "--out", str(out), "--lang", "en", db=db, seeds=seeds)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Wrote the after-action report of drill {drill_id} ({TITLE}) to {out}: {len(keys)} objective(s), "
        "1 corrective action(s)"]
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and "@media print" in page
    assert "&lt;b&gt;正压式呼吸器&lt;/b&gt;未按时佩戴" in page and "<b>" not in page
    assert all(f'<span class="key">{key}</span>' in page for key in keys)
    assert "组织正压式呼吸器佩戴复训" in page and "S — performed with some challenges" in page


@pytest.mark.parametrize(("lang", "words"), [("zh", "须以 .xlsx（Excel）或 .html"), ("en", "must end in .xlsx")])
def test_another_extension_is_a_clear_error_and_writes_nothing(reviewed_db, tmp_path, lang, words):
    db, seeds, drill_id, _ = reviewed_db
    out = tmp_path / "report.pdf"
    result = manage("--lang", lang, "export-aar", "--drill", str(drill_id), "--out", str(out), db=db, seeds=seeds)
    assert result.returncode == 1 and not out.exists()
    assert words in result.stderr and "report.pdf" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "message"), [
    ((), "找不到这次演练（编号 999999）"),
    (("--lang", "en"), "Drill 999999 does not exist"),
])
def test_an_unknown_drill_is_a_localized_error_and_writes_nothing(reviewed_db, tmp_path, args, message):
    db, seeds, _, _ = reviewed_db
    out = tmp_path / "none.xlsx"
    result = manage("export-aar", "--drill", "999999", "--out", str(out), *args, db=db, seeds=seeds)
    assert result.returncode == 1 and not out.exists()
    assert result.stderr.strip() == message
