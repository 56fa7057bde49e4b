"""A unit's checklist goes out as an .xlsx workbook and comes back filled in: every row is checked (unknown
item, bad state, N/A without a reason, changed meanwhile, outside the user's scope …), the user sees what
will change, and it is applied all or nothing through the same change rules as a click."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

import admin.status_workbook as sw
from admin.status_workbook import (
    ImportRefused,
    apply_status_import,
    export_status,
    plan_status_import,
    read_status,
    try_status_import,
)
from checklists import queries
from core.errors import Forbidden, InvalidInput
from store.db import snapshot, transaction
from store.schema import ChecklistEvent
from tests.conftest import NOW, require
from tests.integration.test_recurring_and_events import rows, season

__all__ = ["season"]

LATER = NOW + timedelta(hours=1)


def exported(world, unit="C1", *, actor=None, lang="zh") -> bytes:
    with snapshot(world.engine) as s:
        return export_status(world.campaign_id, world.units[unit], session=s, actor=actor or world.lead, lang=lang,
                             now=NOW)


def edited(data: bytes, changes: dict[str, dict[str, object]], *, extra: list[list[object]] = ()) -> bytes:
    """The workbook with cells changed by item key ({"mini-duty-roster": {"state": "已完成"}}) and rows added."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    col = {cid: header.index(sw.t(f"xl.col.{cid}", "zh")) + 1 if sw.t(f"xl.col.{cid}", "zh") in header
           else header.index(sw.t(f"xl.col.{cid}", "en")) + 1 for cid in sw.COLUMN_IDS}
    for r in range(2, ws.max_row + 1):
        key = ws.cell(r, col["item"]).value
        for cid, value in changes.get(key, {}).items():
            ws.cell(r, col[cid]).value = value
    for values in extra:
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row_values(data: bytes, item: str) -> list[object]:
    """A copy of the values of an item's row, to add as a new row."""
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return next([c.value for c in row] for row in ws.iter_rows(min_row=2) if row[1].value == item)


def planned(world, data: bytes, actor=None) -> list[sw.RowPlan]:
    with snapshot(world.engine) as s:
        return plan_status_import(read_status(data), session=s, actor=actor or world.lead)


def applied(world, data: bytes, actor=None) -> list[sw.RowPlan]:
    with transaction(world.engine) as s:
        return apply_status_import(read_status(data), session=s, actor=actor or world.lead, now=LATER)


def event_count(world) -> int:
    with snapshot(world.engine) as s:
        return s.scalar(select(func.count()).select_from(ChecklistEvent))


def by_item(plans) -> dict[str, sw.RowPlan]:
    return {p.item_key: p for p in plans}


def test_a_workbook_exported_and_imported_unchanged_changes_nothing(world):
    data = exported(world)
    parsed = read_status(data)
    assert parsed.campaign_id == world.campaign_id and parsed.unit_code == "C1" and parsed.lang == "zh"
    assert [r.item_key for r in parsed.rows] == ["mini-plan-approved", "mini-duty-roster", "mini-cable-patrol",
                                                 "mini-cable-seal"]
    assert {r.state for r in parsed.rows} == {"未完成"}
    plans = applied(world, data)
    assert [p.outcome for p in plans] == ["unchanged"] * 4
    assert event_count(world) == 0


def test_two_changed_rows_are_previewed_then_written_as_two_events_with_the_right_actions(world):
    data = edited(exported(world), {"mini-duty-roster": {"state": "已完成"},
                                    "mini-cable-seal": {"state": "n/a", "reason": "本单位无电缆孔洞"}})
    preview = by_item(planned(world, data))
    assert preview["mini-duty-roster"].outcome == "change"
    assert preview["mini-duty-roster"].change_text("zh") == "未完成 → 已完成"
    assert preview["mini-cable-seal"].change_text("en") == "open → n/a"
    assert sum(p.outcome == "change" for p in preview.values()) == 2
    assert event_count(world) == 0  # a preview writes nothing
    applied(world, data)
    with snapshot(world.engine) as s:
        written = s.execute(select(ChecklistEvent.item_id, ChecklistEvent.action, ChecklistEvent.text,
                                   ChecklistEvent.actor_id).order_by(ChecklistEvent.id)).all()
    assert written == [(world.items["duty-roster"], "done", "", world.lead.user_id),
                       (world.items["cable-seal"], "na", "本单位无电缆孔洞", world.lead.user_id)]


def test_states_are_read_in_either_language_and_as_codes_ignoring_case_and_spaces(world):
    data = edited(exported(world, lang="en"), {"mini-duty-roster": {"state": "  DONE "},
                                               "mini-plan-approved": {"state": "已完成"},
                                               "mini-cable-patrol": {"state": "Not applicable", "reason": "无"},
                                               "mini-cable-seal": {"state": "Open"}})
    assert [p.new for p in planned(world, data)] == ["done", "done", "na", "open"]


def test_a_new_note_a_new_reason_and_a_reopen_each_map_to_their_actions(world):
    world.change("C1", "duty-roster", "done")
    world.change("C1", "cable-seal", "na", text="旧原因")
    data = edited(exported(world), {"mini-duty-roster": {"state": "未完成"},
                                    "mini-cable-seal": {"reason": "新原因"},
                                    "mini-plan-approved": {"state": "已完成", "note": "批文已归档"}})
    before = event_count(world)
    applied(world, data)
    with snapshot(world.engine) as s:
        new = s.execute(select(ChecklistEvent.item_id, ChecklistEvent.action, ChecklistEvent.text)
                        .order_by(ChecklistEvent.id).offset(before)).all()
    assert new == [(world.items["plan-approved"], "done", ""), (world.items["plan-approved"], "note", "批文已归档"),
                   (world.items["duty-roster"], "reopen", ""),
                   (world.items["cable-seal"], "reopen", ""), (world.items["cable-seal"], "na", "新原因")]
    with snapshot(world.engine) as s:
        rows = {r.key: r for r in queries.unit_checklist(world.campaign_id, world.units["C1"], session=s)}
    assert rows["mini-cable-seal"].na_reason == "新原因" and rows["mini-plan-approved"].note == "批文已归档"


def test_every_kind_of_bad_row_is_reported_with_its_row_number_and_nothing_is_written(world):
    world.change("C1", "plan-approved", "done", actor=world.other)  # after the download: stale below
    data = exported(world)
    world.change("C1", "plan-approved", "reopen", at=NOW + timedelta(minutes=5))
    c2 = exported(world, "C2", actor=world.admin)
    other_unit = row_values(c2, "mini-duty-roster")
    other_unit[7] = "已完成"
    unknown = row_values(data, "mini-duty-roster")
    unknown[1] = "mini-no-such-item"
    nowhere = row_values(data, "mini-duty-roster")
    nowhere[0] = "NOPE"
    data = edited(data, {"mini-plan-approved": {"state": "已完成"},  # stale: reopened since
                         "mini-duty-roster": {"state": "完成了"},
                         "mini-cable-patrol": {"state": "不适用"},  # no reason
                         "mini-cable-seal": {"state": "已完成"}},  # fine
                  extra=[unknown, nowhere, other_unit])
    plans = planned(world, data)
    assert [(p.row, p.outcome) for p in plans] == [
        (2, "stale"), (3, "bad-state"), (4, "na-needs-reason"), (5, "change"), (6, "unknown-item"),
        (7, "unknown-unit"), (8, "out-of-scope")]
    stale = plans[0].message("zh")
    assert "王磊" in stale and "未完成" in stale  # who changed it, and what it is now
    assert "完成了" in plans[1].message("en") and "NOPE" in plans[5].message("zh")
    before = event_count(world)
    with pytest.raises(ImportRefused) as refused:
        applied(world, data)
    assert refused.value.params["count"] == 6 and refused.value.params["rows"] == "2, 3, 4, 6, 7, 8"
    assert event_count(world) == before


def test_a_row_changed_meanwhile_but_to_what_the_file_says_is_unchanged_not_stale(world):
    data = edited(exported(world), {"mini-duty-roster": {"state": "已完成"}})
    world.change("C1", "duty-roster", "done", actor=world.other)
    assert by_item(planned(world, data))["mini-duty-roster"].outcome == "unchanged"


def test_a_member_may_tick_but_not_mark_not_applicable_or_reopen(world):
    world.change("C1", "cable-patrol", "done")
    data = edited(exported(world, actor=world.other), {
        "mini-duty-roster": {"state": "已完成", "note": "已发布"},
        "mini-cable-seal": {"state": "不适用", "reason": "无"},
        "mini-cable-patrol": {"state": "未完成"}})
    plans = by_item(planned(world, data, world.other))
    assert plans["mini-duty-roster"].outcome == "change"
    assert plans["mini-cable-seal"].outcome == "not-allowed"
    assert plans["mini-cable-patrol"].outcome == "not-allowed"
    assert "不适用" in plans["mini-cable-seal"].message("zh")


def test_an_executive_can_download_but_changes_nothing_and_a_unit_outside_the_scope_is_refused(world):
    with pytest.raises(Forbidden):
        exported(world, "C2")  # the lead's grant is on C1's sub-tree
    data = edited(exported(world, "C2", actor=world.admin), {})
    assert {p.outcome for p in planned(world, data)} == {"out-of-scope"}
    assert {p.current for p in planned(world, data)} == {None}  # its states are not shown either


def test_a_closed_campaign_takes_no_changes(world):
    from checklists import campaigns

    data = edited(exported(world), {"mini-duty-roster": {"state": "已完成"}})
    with transaction(world.engine) as s:
        campaigns.close_campaign(world.campaign_id, session=s, actor=world.admin, now=NOW)
    plans = by_item(planned(world, data))
    assert plans["mini-duty-roster"].outcome == "closed-campaign"
    assert plans["mini-cable-seal"].outcome == "unchanged"


def test_a_refusal_only_the_change_rules_know_is_found_by_the_preview_and_stops_the_import(world, monkeypatch):
    real = sw.change_item

    def needs_evidence(campaign_id, unit_id, item_id, action, **kw):
        if item_id == world.items["plan-approved"] and action == "done":
            raise InvalidInput("error.evidence_required", item={"zh": "应急预案", "en": "plan"})
        return real(campaign_id, unit_id, item_id, action, **kw)

    monkeypatch.setattr(sw, "change_item", needs_evidence)
    data = edited(exported(world), {"mini-plan-approved": {"state": "已完成"}, "mini-duty-roster": {"state": "已完成"}})
    with transaction(world.engine) as s:
        preview = by_item(try_status_import(read_status(data), session=s, actor=world.lead, now=LATER))
    assert preview["mini-plan-approved"].outcome == "evidence-required"
    assert preview["mini-duty-roster"].outcome == "change"
    assert event_count(world) == 0  # the trial was rolled back
    with pytest.raises(ImportRefused):
        applied(world, data)
    assert event_count(world) == 0


def test_a_formula_in_a_note_goes_out_and_comes_back_as_plain_text(world):
    formula = '=HYPERLINK("http://example.invalid/x","点我")'
    world.change("C1", "duty-roster", "note", text=formula)
    data = exported(world)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    note = next(row[9] for row in ws.iter_rows(min_row=2) if row[1].value == "mini-duty-roster")
    assert note.value == formula and note.data_type == "s" and note.quotePrefix
    assert "<f>" not in _sheet_xml(data)  # no formula anywhere in the sheet
    assert by_item(planned(world, data))["mini-duty-roster"].outcome == "unchanged"
    applied(world, edited(data, {"mini-cable-seal": {"note": "+SUM(1,2)"}}))
    again = load_workbook(io.BytesIO(exported(world))).worksheets[0]
    assert next(row[9] for row in again.iter_rows(min_row=2) if row[1].value == "mini-cable-seal").data_type == "s"


def _sheet_xml(data: bytes) -> str:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


def test_the_workbook_hides_its_version_column_and_meta_sheet_and_offers_the_states_in_a_list(world):
    wb = load_workbook(io.BytesIO(exported(world, lang="en")))
    ws = wb["Checklist"]
    assert [c.value for c in ws[1]][:3] == ["Unit code", "Item key", "Occurrence"]
    assert ws.column_dimensions["M"].hidden and ws["M1"].value == "Version"
    assert wb["meta"].sheet_state == "hidden"
    assert ws.freeze_panes == "C2"
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"open,done,n/a"' and str(validation.sqref) == "H2:H5"
    assert "peakready_version" in wb.defined_names
    assert ws["G2"].is_date


def test_the_workbook_opens_in_libreoffice(world, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    require(office is not None, "LibreOffice is not installed (scripts/test.sh installs libreoffice-calc-nogui)")
    path = tmp_path / "c1.xlsx"
    path.write_bytes(exported(world))
    subprocess.run([office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    assert "mini-duty-roster" in (tmp_path / "c1.csv").read_text(encoding="utf-8", errors="replace")


def test_recurring_and_event_occurrences_are_rows_of_their_own(season):
    engine, cid, units, people = season
    with snapshot(engine) as s:
        data = export_status(cid, units["C1-K1"], session=s, actor=people["lead"], lang="en", now=NOW)
    parsed = read_status(data)
    weekly = [r.occurrence for r in parsed.rows if r.item_key == "mini-weekly-patrol"]
    assert weekly == [f"2027-W{w}" for w in range(24, 38)]
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "mini-weekly-patrol" and row[2].value == "2027-W25":
            row[7].value = "done"
    out = io.BytesIO()
    wb.save(out)
    with transaction(engine) as s:
        plans = apply_status_import(read_status(out.getvalue()), session=s, actor=people["lead"], now=LATER)
    assert [(p.item_key, p.occurrence) for p in plans if p.outcome == "change"] == [("mini-weekly-patrol", "2027-W25")]
    assert [r.status for r in rows(engine, cid, units["C1-K1"], "mini-weekly-patrol") if r.occurrence == "2027-W25"] \
        == ["done"]


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_file_that_is_not_a_checklist_workbook_is_refused_clearly(world):
    with pytest.raises(InvalidInput) as bad:
        read_status(b"not a workbook at all")
    assert bad.value.code == "error.xl_not_workbook"
    with pytest.raises(InvalidInput) as bad:
        read_status(_bytes(Workbook()))
    assert bad.value.code == "error.xl_not_ours"
    wb = load_workbook(io.BytesIO(exported(world)))
    wb["meta"]["B2"].value = 99
    with pytest.raises(InvalidInput) as bad:
        read_status(_bytes(wb))
    assert bad.value.code == "error.xl_format_version" and bad.value.params["found"] == 99
    wb = load_workbook(io.BytesIO(exported(world)))
    wb.worksheets[0]["M1"].value = "something else"
    with pytest.raises(InvalidInput) as bad:
        read_status(_bytes(wb))
    assert bad.value.code == "error.xl_missing_columns" and bad.value.params["columns"] == "版本"


def test_too_many_rows_or_too_big_a_file_is_refused(world, monkeypatch):
    monkeypatch.setattr(sw, "MAX_ROWS", 3)
    with pytest.raises(InvalidInput) as bad:
        read_status(exported(world))
    assert bad.value.code == "error.xl_too_many_rows"
    monkeypatch.setattr(sw, "MAX_BYTES", 100)
    with pytest.raises(InvalidInput) as bad:
        read_status(exported(world))
    assert bad.value.code == "error.xl_too_big"


def test_the_same_item_twice_in_one_file_is_an_error(world):
    data = exported(world)
    data = edited(data, {}, extra=[row_values(data, "mini-duty-roster")])
    plans = planned(world, data)
    assert plans[-1].outcome == "duplicate" and plans[-1].params == {"first": 3}


def test_an_import_never_waives_the_evidence_an_item_requires_not_even_with_a_lead_s_note(empty_engine, tmp_path):
    from admin.setup import initialize
    from tests.conftest import build_world
    from tests.seed_copies import mini_seeds_with

    initialize(empty_engine, mini_seeds_with(tmp_path, "requires_evidence", {"mini-plan-approved": True}), now=NOW)
    world = build_world(empty_engine)
    data = edited(exported(world), {"mini-plan-approved": {"state": "已完成", "note": "文件另行报送"},
                                    "mini-duty-roster": {"state": "已完成"}})
    with transaction(world.engine) as s:
        preview = by_item(try_status_import(read_status(data), session=s, actor=world.lead, now=LATER))
    assert preview["mini-plan-approved"].outcome == "evidence-required"
    assert preview["mini-duty-roster"].outcome == "change"
    with pytest.raises(ImportRefused):
        applied(world, data)
    assert event_count(world) == 0
