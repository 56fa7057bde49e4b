"""The drill plan as an Excel workbook, through the service on a real database: an exported plan is
planned again as new drills in another database (and, in its own, duplicates nothing); every row is
checked with the clash rules against the drills already planned and the rows above it; an error in any
row refuses the whole file; warnings come back by rule code; a dry run writes nothing; a title that
looks like a formula stays text; a file that is not a drill plan is refused clearly; the workbook opens
in LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

import admin.drill_workbook as dw
from admin.drill_workbook import (
    COLUMN_IDS,
    drill_plan_template,
    export_drill_plan,
    import_drill_plan,
    read_drill_plan,
)
from checklists import campaigns
from core.errors import InvalidInput
from drills import planning
from store.db import make_engine, snapshot, transaction
from store.schema import Drill, DrillLogEntry, OrgUnit
from tests.conftest import NOW, ROOT, require
from tests.integration.test_drill_planning import ORG, PEAK, Plan, at
from tests.seed_copies import fixture_org

PEOPLE = {"admin": [("admin", None)], "coord": [("drill_coordinator", "C1")], "coord2": [("drill_coordinator", "C2")],
          "lead": [("unit_lead", "C1-K1")], "eva": [("unit_member", "C1")], "eva2": [("unit_member", "C1")]}


def new_world(engine, tmp_path: Path, name: str = "seeds") -> Plan:
    """The drill-planning tests' organisation and campaign (real seeds), with two evaluators."""
    seeds = tmp_path / name
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "demo_org.yaml").write_text(ORG, encoding="utf-8")
    people = fixture_org(engine, seeds, PEOPLE)
    with transaction(engine) as s:
        campaign = campaigns.open_campaign("2027 度夏", "summer-peak", peak_start=PEAK, starts_on=date(2026, 11, 1),
                                           peak_end=date(2027, 9, 15),
                                           unit_codes=["P", "C1", "C1-DISP", "C1-K1", "C1-K2", "C2"],
                                           session=s, actor=people["admin"], now=NOW)
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id)).all())
    return Plan(engine, campaign.id, units, people)


@pytest.fixture
def plan(empty_engine, tmp_path) -> Plan:
    return new_world(empty_engine, tmp_path)


def local(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    """A Shanghai wall-clock time as Excel holds it (no zone)."""
    return datetime(y, m, d, h, mi)


def row(**cells: object) -> dict[str, object]:
    """A plan row: a tabletop flood drill of C1-K1 on Tuesday 2026-12-08, 09:00-12:00, unless told."""
    base = {"type": "flood-typhoon", "form": "桌面推演", "title": "防汛桌面推演", "start": local(2026, 12, 8),
            "lead": "C1-K1", "units": "", "coordinator": "", "evaluators": "", "unannounced": "否"}
    cells = base | cells
    if "end" not in cells:
        cells["end"] = cells["start"] + timedelta(hours=3)
    return cells


def workbook(rows: list[dict[str, object]], lang: str = "zh", base: bytes | None = None) -> bytes:
    """The template (or `base`) with these rows written under its header, by column id."""
    wb = load_workbook(io.BytesIO(base or drill_plan_template(lang, now=NOW)))
    ws = wb.worksheets[0]
    first = ws.max_row + 1
    for r, cells in enumerate(rows, start=first):
        for cid, value in cells.items():
            ws.cell(r, COLUMN_IDS.index(cid) + 1).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def imported(plan: Plan, data: bytes, *, actor: str = "coord", dry_run: bool = False,
             ignore_ids: bool = False) -> list[dw.RowOutcome]:
    with transaction(plan.engine) as s:
        return import_drill_plan(read_drill_plan(data), campaign_id=plan.campaign_id, session=s,
                                 actor=plan.people[actor], now=NOW, dry_run=dry_run, ignore_ids=ignore_ids)


def exported(plan: Plan, *, lang: str = "zh", unit: str | None = None) -> bytes:
    with snapshot(plan.engine) as s:
        data, _ = export_drill_plan(session=s, actor=None, campaign_id=plan.campaign_id,
                                    unit_id=plan.units[unit] if unit else None, lang=lang, now=NOW)
    return data


def drill_count(plan: Plan) -> int:
    with snapshot(plan.engine) as s:
        return s.scalar(select(func.count()).select_from(Drill))


def log_count(plan: Plan) -> int:
    with snapshot(plan.engine) as s:
        return s.scalar(select(func.count()).select_from(DrillLogEntry))


def sheet_rows(data: bytes) -> list[dict[str, object]]:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [dict(zip(COLUMN_IDS, (c.value for c in line), strict=False)) for line in ws.iter_rows(min_row=2)]


def test_the_export_has_one_row_per_drill_with_local_times_codes_and_usernames(plan):
    plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-K1", "C1-K2"), evaluators=("eva", "eva2"),
                         location="甲一县应急指挥中心"))
    wb = load_workbook(io.BytesIO(exported(plan, lang="en")))
    ws = wb.worksheets[0]
    assert ws.title == "Drill plan"
    assert [c.value for c in ws[1]] == ["ID", "Drill type", "Type name", "Form", "Title", "Start", "End", "Location",
                                        "Lead unit", "Units taking part", "Coordinator", "Evaluators", "Unannounced",
                                        "Status"]
    [line] = sheet_rows(exported(plan, lang="en"))
    assert line["type"] == "flood-typhoon" and line["form"] == "Tabletop" and line["title"] == "防汛桌面推演"
    assert (line["start"], line["end"]) == (local(2026, 12, 8, 9), local(2026, 12, 8, 12))
    assert ws["F2"].is_date and ws["F2"].number_format == "yyyy-mm-dd hh:mm"
    assert (line["lead"], line["units"], line["coordinator"], line["evaluators"]) == (
        "C1-K1", "C1-K1, C1-K2", "coord", "eva, eva2")
    assert (line["unannounced"], line["status"]) == ("no", "planned")
    zh = sheet_rows(exported(plan))[0]
    assert (zh["form"], zh["units"], zh["evaluators"], zh["unannounced"], zh["status"]) == (
        "桌面推演", "C1-K1、C1-K2", "eva、eva2", "否", "已计划")
    assert wb["meta"].sheet_state == "hidden" and wb["meta"]["B1"].value == "peakready-drills"


def test_an_exported_plan_is_planned_again_as_new_drills_in_another_database(plan, tmp_path):
    plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-K1", "C1-K2"), evaluators=("eva",), location="指挥中心"))
    plan.save(plan.draft(start=at(2026, 12, 9, 14), units=("C1-DISP",), type_key="cable-fire", form="full_scale",
                         title="电缆隧道火灾实战演练", unannounced=True))
    data = exported(plan)
    elsewhere = new_world(make_engine(f"sqlite:///{tmp_path / 'elsewhere.db'}"), tmp_path, "seeds-elsewhere")
    elsewhere.save(elsewhere.draft(start=at(2027, 1, 5), title="那边已有的演练"))  # ids there mean other drills

    # The first row's id is, there, another drill's: the import says so instead of guessing.
    refused = imported(elsewhere, data)
    assert [(o.outcome, o.codes) for o in refused] == [("error", ("already-planned",)), ("ok", ())]
    assert "那边已有的演练" in refused[0].issues[0].message("zh")
    outcomes = imported(elsewhere, data, ignore_ids=True)
    assert [(o.outcome, o.codes) for o in outcomes] == [("planned", ()), ("planned", ())]
    again = sheet_rows(exported(elsewhere))
    original = sheet_rows(data)
    strip = ("id", "status")
    assert [{k: v for k, v in r.items() if k not in strip} for r in again if r["title"] != "那边已有的演练"] == \
        [{k: v for k, v in r.items() if k not in strip} for r in original]
    with snapshot(elsewhere.engine) as s:
        drill = planning.get_drill(outcomes[0].drill_id, session=s)
    assert drill.coordinator_id == elsewhere.people["coord"].user_id
    assert drill.campaign_id == elsewhere.campaign_id and drill.location == "指挥中心"


def test_importing_an_exported_plan_again_into_its_own_database_duplicates_nothing(plan):
    plan.save(plan.draft(start=at(2026, 12, 8)))
    before = drill_count(plan)
    [outcome] = imported(plan, exported(plan))
    assert (outcome.outcome, outcome.codes) == ("error", ("already-planned",))
    assert "防汛桌面推演" in outcome.issues[0].message("zh")
    assert drill_count(plan) == before


def test_a_clash_between_two_rows_of_one_file_refuses_the_whole_file_and_names_the_earlier_row(plan):
    data = workbook([row(title="第一场"), row(title="第二场", start=local(2026, 12, 8, 10), end=local(2026, 12, 8, 13),
                                                 coordinator="coord2"),
                     row(title="第三场", lead="C1-K2", start=local(2026, 12, 10))])
    outcomes = imported(plan, data)
    assert [(o.row, o.outcome, o.codes) for o in outcomes] == [
        (2, "ok", ()), (3, "error", ("clash-unit",)), (4, "ok", ())]
    clash = outcomes[1].issues[0]
    assert clash.other_row == 2
    assert "第一场" in clash.message("zh") and "第 2 行" in clash.message("zh")
    assert "row 2 of this file" in clash.message("en")
    assert drill_count(plan) == 0 and log_count(plan) == 0


def test_a_row_is_checked_against_the_drills_already_planned_too(plan):
    plan.save(plan.draft(start=at(2026, 12, 8), evaluators=("eva",), units=("C1-K2",),
                         coordinator_id=plan.people["coord2"].user_id))
    outcomes = imported(plan, workbook([row(evaluators="eva")]))
    assert [o.codes for o in outcomes] == [("clash-person",)]
    assert outcomes[0].issues[0].other_row is None


def test_a_weekend_row_is_planned_with_its_warning_code(plan):
    outcomes = imported(plan, workbook([row(start=local(2026, 12, 12), end=local(2026, 12, 12, 12)),  # a Saturday
                                        row(title="周二演练", lead="C1-K2")]))
    assert [(o.outcome, o.codes) for o in outcomes] == [("planned", ("weekend",)), ("planned", ())]
    assert "周末" in outcomes[0].issues[0].message("zh") and not outcomes[0].issues[0].is_error
    assert drill_count(plan) == 2
    with snapshot(plan.engine) as s:
        assert [e.text for e in planning.drill_log(outcomes[0].drill_id, session=s)] == ["weekend"]


def test_a_dry_run_checks_every_row_and_writes_nothing(plan):
    outcomes = imported(plan, workbook([row(), row(title="另一场", start=local(2026, 12, 9))]), dry_run=True)
    assert [(o.outcome, o.drill_id) for o in outcomes] == [("ok", None), ("ok", None)]
    assert drill_count(plan) == 0 and log_count(plan) == 0


BAD_ROWS = [
    ("an unknown drill type", {"type": "no-such-drill"}, "unknown-type", "no-such-drill"),
    ("a form that is no form", {"form": "演习"}, "bad-form", "演习"),
    ("a form the type does not use", {"type": "cable-fire", "form": "functional"}, "form-not-allowed", "cable-fire"),
    ("a start that is no time", {"start": "下周二上午", "end": local(2026, 12, 8, 12)}, "bad-time", "下周二上午"),
    ("a date without a time", {"end": date(2026, 12, 8)}, "bad-time", "2026-12-08"),
    ("an end before the start", {"end": local(2026, 12, 8, 8)}, "invalid-time", "2026-12-08 08:00"),
    ("an unknown lead unit", {"lead": "C9"}, "unknown-unit", "C9"),
    ("an unknown participating unit", {"units": "C1-K2、C7"}, "unknown-unit", "C7"),
    ("an unknown username", {"evaluators": "eva, nobody"}, "unknown-person", "nobody"),
    ("an unknown coordinator", {"coordinator": "ghost"}, "unknown-person", "ghost"),
    ("a missing title", {"title": None}, "missing-title", "标题"),
    ("an unannounced flag that is neither yes nor no", {"unannounced": "也许"}, "bad-flag", "也许"),
    ("an unannounced drill of a type never held so", {"unannounced": "是"}, "unannounced-not-allowed", "flood"),
    ("an id that is no number", {"id": "abc"}, "bad-id", "abc"),
    ("too long a drill", {"end": local(2026, 12, 12, 12)}, "too-long", "72"),
]


@pytest.mark.parametrize(("case", "cells", "code", "said"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_a_bad_row_is_reported_by_its_rule_code_and_refuses_the_whole_file(plan, case, cells, code, said):
    outcomes = imported(plan, workbook([row(title="好的一行", start=local(2026, 12, 9, 14)), row(**cells)]))
    assert outcomes[0].outcome == "ok"
    assert outcomes[1].outcome == "error" and code in outcomes[1].codes
    assert said in " ".join(i.message("zh") for i in outcomes[1].issues)
    assert drill_count(plan) == 0


def test_forms_and_flags_are_read_in_either_language_or_as_keys_and_times_as_text(plan):
    data = workbook([row(form="Full-scale live", type="cable-fire", unannounced="yes", start="2026-12-08 09:00",
                         end="2026/12/8 11:30"),
                     row(form="functional", lead="C1-K2", unannounced=None, start="2026-12-09T14:00+08:00",
                         end="2026-12-09 16:00"),
                     row(form="桌面", lead="C1-DISP", type="防汛防台演练", start="2026年12月10日 9:00",
                         end="2026年12月10日 10:00")], lang="en")
    outcomes = imported(plan, data)
    assert [o.outcome for o in outcomes] == ["planned"] * 3, [o.issues for o in outcomes]
    with snapshot(plan.engine) as s:
        views = [planning.get_drill(o.drill_id, session=s) for o in outcomes]
    assert [(v.form, v.unannounced) for v in views] == [("full_scale", True), ("functional", False),
                                                        ("tabletop", False)]
    assert [(v.starts_at, v.ends_at) for v in views[:2]] == [(at(2026, 12, 8), at(2026, 12, 8, 11, 30)),
                                                              (at(2026, 12, 9, 14), at(2026, 12, 9, 16))]


def test_a_coordinator_cannot_import_drills_for_units_outside_their_scope(plan):
    outcomes = imported(plan, workbook([row(), row(lead="C2", start=local(2026, 12, 9))]))
    assert [o.codes for o in outcomes] == [(), ("out-of-scope",)]
    assert "C2" in outcomes[1].issues[0].message("en") or str(plan.units["C2"]) in outcomes[1].issues[0].message("en")
    assert drill_count(plan) == 0


def test_a_cancelled_drill_in_the_file_is_skipped(plan):
    outcomes = imported(plan, workbook([row(status="已取消"), row(title="照常", start=local(2026, 12, 9))]))
    assert [o.outcome for o in outcomes] == ["skipped", "planned"]
    assert drill_count(plan) == 1


def test_a_title_that_looks_like_a_formula_is_stored_as_text_and_exported_as_a_text_cell(plan):
    formula = '=HYPERLINK("http://example.invalid/x","点我")'
    outcomes = imported(plan, workbook([row(title=formula)]))
    assert outcomes[0].outcome == "planned", outcomes[0].issues
    with snapshot(plan.engine) as s:
        assert planning.get_drill(outcomes[0].drill_id, session=s).title == formula
    data = exported(plan)
    cell = load_workbook(io.BytesIO(data)).worksheets[0]["E2"]
    assert cell.value == formula and cell.data_type == "s" and cell.quotePrefix
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere in the sheet
    assert read_drill_plan(data)[0].title == formula  # and it reads back as the same text


def test_the_template_is_an_empty_plan_with_the_headers_in_the_chosen_language(plan):
    for lang, first in (("zh", ["编号", "演练类型", "类型名称", "形式", "标题", "开始", "结束"]),
                        ("en", ["ID", "Drill type", "Type name", "Form", "Title", "Start", "End"])):
        ws = load_workbook(io.BytesIO(drill_plan_template(lang, now=NOW))).worksheets[0]
        assert [c.value for c in ws[1]][:7] == first and ws.max_row == 1
        forms = next(v for v in ws.data_validations.dataValidation if str(v.sqref).startswith("D"))
        assert forms.formula1.count(",") == 2
    assert read_drill_plan(drill_plan_template("en", now=NOW)) == ()


def test_a_hand_made_plan_without_the_meta_sheet_is_read_by_its_header():
    wb = Workbook()
    ws = wb.active
    ws.append(["Title", "Drill type", "Form", "Start", "End", "Lead unit"])
    ws.append(["手工计划", "flood-typhoon", "tabletop", local(2026, 12, 8), local(2026, 12, 8, 12), "c1-k1"])
    out = io.BytesIO()
    wb.save(out)
    [line] = read_drill_plan(out.getvalue())
    assert (line.row, line.title, line.lead, line.start) == (2, "手工计划", "C1-K1", local(2026, 12, 8))


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_file_that_is_not_a_drill_plan_is_refused_clearly(plan):
    def refused(data: bytes) -> InvalidInput:
        with pytest.raises(InvalidInput) as bad:
            read_drill_plan(data)
        return bad.value

    assert refused(b"not a workbook at all").code == "error.xl_not_workbook"
    assert refused(b"PK\x03\x04 truncated zip").code == "error.xl_not_workbook"
    blank = refused(_bytes(Workbook()))
    assert blank.code == "error.xl_missing_columns" and "演练类型" in blank.params["columns"]
    wb = load_workbook(io.BytesIO(drill_plan_template("zh", now=NOW)))
    wb["meta"]["B1"].value = "peakready-status"  # another PeakReady workbook (a checklist)
    other = refused(_bytes(wb))
    assert other.code == "dxl.not_a_plan" and other.params["format"] == "peakready-status"
    wb["meta"]["B1"].value, wb["meta"]["B2"].value = "peakready-drills", 7
    assert refused(_bytes(wb)).code == "error.xl_format_version"


def test_too_many_rows_or_too_big_a_file_is_refused(plan, monkeypatch):
    data = workbook([row(), row(), row()])
    monkeypatch.setattr(dw, "MAX_ROWS", 2)
    with pytest.raises(InvalidInput) as bad:
        read_drill_plan(data)
    assert bad.value.code == "error.xl_too_many_rows"
    monkeypatch.setattr(dw, "MAX_BYTES", 100)
    with pytest.raises(InvalidInput) as bad:
        read_drill_plan(data)
    assert bad.value.code == "error.xl_too_big"


def test_the_exported_plan_opens_in_libreoffice(plan, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    require(office is not None, "LibreOffice is not installed (scripts/test.sh installs libreoffice-calc-nogui)")
    plan.save(plan.draft(start=at(2026, 12, 8), title='=HYPERLINK("http://example.invalid","x")'))
    path = tmp_path / "plan.xlsx"
    path.write_bytes(exported(plan))
    subprocess.run([office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    text = (tmp_path / "plan.csv").read_text(encoding="utf-8", errors="replace")
    assert "flood-typhoon" in text and "2026-12-08 09:00" in text
    assert '=HYPERLINK(""http://example.invalid"",""x"")' in text  # shown as its text, not evaluated
