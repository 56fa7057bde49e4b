"""The after-action report taken away: an Excel workbook (summary, evaluation, improvement plan) and a
self-contained printable HTML debrief, both holding every objective with its rating, strengths and areas
for improvement and every corrective action with its owner unit and due day, in Chinese or English, with
whatever people typed kept as text (never a formula in Excel, never markup in the page)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from admin.aar_export import aar_html, aar_workbook
from core.errors import NotFound
from store.db import snapshot
from tests.integration.test_drill_planning import at, plan  # noqa: F401  (plan is a fixture)
from tests.integration.test_drill_review import held, objectives, raise_action, rate, save  # noqa: F401

EXPORTED = at(2026, 12, 21, 9)  # after the first action's day (12-20), before the report's (12-22)
SCRIPT = "<script>alert('x')</script> 汇报及时"


@pytest.fixture
def reviewed(held):  # noqa: F811
    """The held drill with its first objective rated P (a strength with a script in it), the others M (an area
    for improvement starting with '='), a saved summary, and two corrective actions: C1-K1's due 12-20 and
    C1-K2's due 12-30."""
    keys = objectives(held)
    assert len(keys) >= 2  # the flood drill type has several objectives
    rate(held, keys[0], "P", strengths=SCRIPT)
    for key in keys[1:]:
        rate(held, key, "M", improvements="=1+1 通信中断后未及时切换备用信道")
    save(held, "推演总体顺利；通信保障需加强", 0)
    held.first = raise_action(held, objective_key=keys[-1], directive_id="S1.2b",
                              concerns_item="sp-lead-duty-roster")
    held.second = raise_action(held, unit="C1-K2", criticality="critical", due_on=date(2026, 12, 30),
                               description="修订通信保障方案")
    held.keys = keys
    return held


def workbook_of(world, lang: str = "zh", now: datetime = EXPORTED):
    with snapshot(world.engine) as s:
        data = aar_workbook(world.drill_id, session=s, lang=lang, aar_due_days=14, now=now)
    return load_workbook(io.BytesIO(data))


def page_of(world, lang: str = "zh") -> str:
    with snapshot(world.engine) as s:
        return aar_html(world.drill_id, session=s, lang=lang, aar_due_days=14, now=EXPORTED)


def rows(ws) -> list[dict[str, object]]:
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def facts(ws) -> dict[str, object]:
    return {field: value for field, value in ws.iter_rows(min_row=2, max_col=2, values_only=True)}


def test_the_workbook_has_a_summary_an_evaluation_and_an_improvement_plan_sheet_in_chinese(reviewed):
    wb = workbook_of(reviewed)
    assert wb.sheetnames[:3] == ["概况", "目标评估", "整改计划"]
    assert wb["meta"].sheet_state == "hidden"
    summary = facts(wb["概况"])
    assert summary["演练名称"] == "防汛桌面推演"
    assert summary["演练时间"] == "2026-12-08 09:00 至 12:00（Asia/Shanghai 时间）"
    assert summary["参演单位"].startswith("C1-K1 ") and "C1-K2" in summary["参演单位"]
    assert summary["评估员"] == "Eva" and summary["演练协调人"] == "Coord"
    assert summary["报告状态"] == "草稿" and summary["报告应完成日期"] == datetime(2026, 12, 22)
    assert summary["报告摘要"] == "推演总体顺利；通信保障需加强"
    assert summary["整改措施"] == "共 2 项，其中 2 项未完成、1 项已逾期"


def test_every_objective_is_a_row_with_its_rating_in_words_its_strengths_and_what_to_improve(reviewed):
    evaluation = rows(workbook_of(reviewed)["目标评估"])
    assert [r["目标编号"] for r in evaluation] == reviewed.keys
    first = evaluation[0]
    assert first["评估等级"] == "P 顺利完成" and first["做得好的方面"] == SCRIPT and first["评估员"] == "Eva"
    assert first["演练目标"] and first["需要改进之处"] is None
    assert all(r["评估等级"] == "M 完成，存在重大问题" for r in evaluation[1:])


def test_every_corrective_action_is_a_row_with_its_owner_due_day_state_and_overdue_flag(reviewed):
    plan_rows = rows(workbook_of(reviewed)["整改计划"])
    assert [r["措施编号"] for r in plan_rows] == [f"A{reviewed.first}", f"A{reviewed.second}"]  # by due day
    first, second = plan_rows
    assert (first["责任单位代码"], first["整改期限"], first["重要程度"], first["完成情况"], first["是否逾期"]) == (
        "C1-K1", datetime(2026, 12, 20), "重要", "未完成", "是")
    assert first["整改内容"] == "补充抢修队夜间集结的联系名单" and first["对应目标"] == reviewed.keys[-1]
    assert first["依据要求"].startswith("S1.2b ") and first["涉及检查条目"].startswith("sp-lead-duty-roster ")
    assert first["证明材料（份）"] == 0 and first["责任单位"]
    assert (second["责任单位代码"], second["整改期限"], second["重要程度"], second["是否逾期"]) == (
        "C1-K2", datetime(2026, 12, 30), "关键", "否")


def test_a_text_starting_with_an_equals_sign_is_stored_as_text_not_a_formula(reviewed):
    ws = workbook_of(reviewed)["目标评估"]
    column = [c.value for c in ws[1]].index("需要改进之处") + 1
    cell = ws.cell(3, column)
    assert cell.value == "=1+1 通信中断后未及时切换备用信道"
    assert cell.data_type == "s" and cell.quotePrefix


def test_with_lang_en_the_sheets_headings_and_words_are_english(reviewed):
    wb = workbook_of(reviewed, lang="en")
    assert wb.sheetnames[:3] == ["Summary", "Evaluation", "Improvement plan"]
    assert facts(wb["Summary"])["Report status"] == "Draft"
    evaluation = rows(wb["Evaluation"])
    assert evaluation[0]["Rating"] == "P — performed without challenges" and evaluation[0]["Strengths"] == SCRIPT
    plan_rows = rows(wb["Improvement plan"])
    assert plan_rows[0]["Owner unit code"] == "C1-K1" and plan_rows[0]["Due"] == datetime(2026, 12, 20)
    assert (plan_rows[0]["State"], plan_rows[0]["Overdue"], plan_rows[1]["Criticality"]) == ("Open", "Yes", "Critical")


def test_a_report_exported_after_its_due_day_says_it_is_overdue(reviewed):
    summary = facts(workbook_of(reviewed, now=at(2026, 12, 23, 9))["概况"])
    assert summary["报告状态"] == "草稿（已超过应完成日期）"


def test_the_page_escapes_a_script_written_in_a_strength_and_loads_nothing(reviewed):
    page = page_of(reviewed)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; 汇报及时" in page
    assert not re.search(r"""(src|href)\s*=|url\(|@import""", page, re.IGNORECASE)
    assert "default-src 'none'" in page


def test_the_page_has_an_a4_print_stylesheet(reviewed):
    page = page_of(reviewed)
    assert "@media print" in page and re.search(r"@page\s*\{[^}]*size:\s*A4", page)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page


def test_the_page_holds_every_objective_and_every_action(reviewed):
    page = page_of(reviewed)
    for key in reviewed.keys:
        assert f'<span class="key">{key}</span>' in page
    assert page.count('<article class="objective">') == len(reviewed.keys)
    for action, owner, due in ((reviewed.first, "C1-K1", "2026-12-20"), (reviewed.second, "C1-K2", "2026-12-30")):
        assert re.search(rf"<td[^>]*>A{action}</td><td><span class=\"code\">{owner}</span>.*{due}", page)
    assert "补充抢修队夜间集结的联系名单" in page and "修订通信保障方案" in page
    assert "推演总体顺利；通信保障需加强" in page and "本报告仍是草稿" in page


def test_the_page_in_english_says_the_same_in_english(reviewed):
    page = page_of(reviewed, lang="en")
    assert '<html lang="en">' in page and "After-action report" in page and "Improvement plan" in page
    assert "P — performed without challenges" in page and "Overdue" in page


def test_a_drill_without_evaluations_or_actions_exports_an_empty_plan(held):  # noqa: F811
    plan_rows = rows(workbook_of(held)["整改计划"])
    assert plan_rows == []
    evaluation = rows(workbook_of(held)["目标评估"])
    assert evaluation and all(r["评估等级"] == "尚未评估" for r in evaluation)
    assert "没有提出整改措施" in page_of(held)


def test_an_unknown_drill_is_not_found(held):  # noqa: F811
    held.drill_id = 999_999
    with pytest.raises(NotFound) as refused:
        workbook_of(held)
    assert refused.value.code == "drl.unknown_drill"
    with pytest.raises(NotFound):
        page_of(held)


def test_the_debrief_is_built_only_for_someone_who_may_read_one_of_the_drills_units(reviewed):
    from admin.aar_export import debrief
    from core.errors import Forbidden

    with snapshot(reviewed.engine) as s:
        assert debrief(reviewed.drill_id, session=s, lang="en", aar_due_days=14, now=EXPORTED,
                       actor=reviewed.people["lead"]).drill.id == reviewed.drill_id  # C1-K1's lead: a unit of the drill
        with pytest.raises(Forbidden):  # City B's lead reads none of its units
            debrief(reviewed.drill_id, session=s, lang="en", aar_due_days=14, now=EXPORTED,
                    actor=reviewed.people["lead2"])
