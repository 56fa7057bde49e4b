"""Whatever people typed is never a formula in a workbook PeakReady writes: a note, a reason, a unit's or a
person's name, a drill's title, an inject, an after-action report's findings — starting with =, +, -, @, a
tab or a line break, or holding characters a workbook cannot hold — goes through the one shared writer
(admin.xlsx.text) in every exporter: the offline checklist, the drill plan, the annual plan, the drill
timeline, the weekly report and the after-action report. Each cell it writes is a string cell (never
data type 'f', no <f> element in the file), one that starts like a formula carries Excel's quote prefix,
the file opens, and the text reads back as written — less only the characters no workbook can hold, with
each line break a line feed (admin.xlsx.cleaned) — so an untouched download imports as no change."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import update

from admin import aar_export, weekly_report, xlsx
from admin.annual_plan_workbook import annual_plan_xlsx
from admin.drill_timeline import export_timeline, read_timeline
from admin.drill_workbook import export_drills, read_drill_plan
from admin.status_workbook import export_status, plan_status_import, read_status
from checklists import queries
from drills.inventory import AnnualEntry
from drills.planning import DrillView
from drills.review import Report as ReviewReport
from store.db import snapshot, transaction
from store.schema import Campaign, OrgUnit, TemplateItem, User
from tests.conftest import NOW, build_world
from tests.integration.fuzz_support import PAYLOADS, hostile_text

PROPERTY = settings(max_examples=40, deadline=None)
DB_PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
texts = st.lists(hostile_text(), min_size=1, max_size=8)


def written(data: bytes) -> list[tuple[str, str, object]]:
    """Every cell of every sheet as (sheet, coordinate, value), after checking that none is a formula — in the
    file's XML and as openpyxl reads it — and that each text starting like a formula has the quote prefix."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >/]", archive.read(name)), f"a formula in {name}"
    cells = []
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    if cell.value.startswith(xlsx.FORMULA_START):
                        assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                cells.append((ws.title, cell.coordinate, cell.value))
    return cells


def assert_each_reads_back(cells: list[tuple[str, str, object]], planted: list[str]) -> None:
    """Each planted text is in some cell as written (cleaned), alone or within a longer text the exporter
    composed (a unit's code and name)."""
    values = [v for _, _, v in cells if isinstance(v, str)]
    for text in planted:
        expected = xlsx.cleaned(text)
        assert any(v == expected for v in values) or any(expected in v for v in values), repr(text)


def tagged(found: list[str]) -> list[str]:
    """The texts made distinct (a tag at the end keeps how each starts), so each is looked for on its own."""
    return [f"{text}·{i}" for i, text in enumerate(found)]


# ── The shared writer ────────────────────────────────────────────────────────


@PROPERTY
@given(text=st.one_of(hostile_text(max_size=200), st.text()))
def test_the_shared_writer_never_writes_a_formula_and_reads_back_what_it_wrote(text):
    wb = Workbook()
    xlsx.text(wb.active.cell(1, 1), text)
    xlsx.value(wb.active.cell(1, 2), text)
    cells = written(xlsx.saved(wb))
    assert [v for _, _, v in cells] == [xlsx.cleaned(text) or None] * 2  # an empty cell reads as None
    assert xlsx.cleaned(xlsx.cleaned(text)) == xlsx.cleaned(text)


@pytest.mark.parametrize("text", ["a\uffffb", "a\ufffeb", "x\rb", "\r=1+1", "a\r\nb", "\x00=1", "\ud800"])
def test_characters_that_broke_the_file_or_changed_on_the_way_back_are_written_as_they_read_back(text):
    # U+FFFE / U+FFFF made a workbook no reader opens, a lone surrogate failed the save; a carriage return
    # came back as a line feed (XML reads it so), which made an untouched note look changed.
    wb = Workbook()
    xlsx.text(wb.active.cell(1, 1), text)
    [(_, _, value)] = written(xlsx.saved(wb))
    assert value == (xlsx.cleaned(text) or None) and not re.search("[\r\ufffe\uffff\ud800]", value or "")


def test_every_payload_is_a_quoted_string_cell():
    wb = Workbook()
    for r, payload in enumerate(PAYLOADS, start=1):
        xlsx.text(wb.active.cell(r, 1), payload)
    assert [v for _, _, v in written(xlsx.saved(wb))] == [xlsx.cleaned(p) for p in PAYLOADS]


# ── Exporters fed by hand ────────────────────────────────────────────────────


def drill_view(t: list[str], **more) -> DrillView:
    start = datetime(2027, 5, 12, 1, 0, tzinfo=UTC)
    return DrillView(
        id=7, campaign_id=1, type_key=t[0 % len(t)], type_name_zh=t[1 % len(t)], type_name_en=t[2 % len(t)],
        plan_level="special", form="tabletop", unannounced=False, title=t[3 % len(t)], scenario=t[4 % len(t)],
        objectives=(), injects=(), starts_at=start, ends_at=start + timedelta(hours=3), location=t[5 % len(t)],
        lead_unit_id=1, lead_unit_code=t[6 % len(t)], coordinator_id=10, coordinator_name=t[7 % len(t)],
        status="planned", cancel_reason="", version=1, updated_at=start, unit_ids=(1, 2),
        unit_codes=(t[6 % len(t)], t[0 % len(t)]), people=((11, t[1 % len(t)], "evaluator"),), **more)


@PROPERTY
@given(found=texts, lang=st.sampled_from(["zh", "en"]))
def test_the_drill_plan_writes_titles_places_and_names_as_text_and_reads_them_back(found, lang):
    t = tagged(found)
    data = export_drills([drill_view(t)], lang=lang, now=NOW, usernames={10: t[-1], 11: t[0]}, campaign_name=t[0])
    cells = written(data)
    assert_each_reads_back(cells, [t[3 % len(t)], t[5 % len(t)], t[-1], t[0]])
    [row] = read_drill_plan(data)
    assert row.title == xlsx.as_str(xlsx.cleaned(t[3 % len(t)]))
    assert row.location == xlsx.as_str(xlsx.cleaned(t[5 % len(t)]))
    assert row.coordinator == xlsx.as_str(xlsx.cleaned(t[-1]))


@PROPERTY
@given(found=texts, lang=st.sampled_from(["zh", "en"]))
def test_the_annual_plan_writes_titles_and_unit_names_as_text(found, lang):
    t = tagged(found)
    entries = [AnnualEntry(unit_id=1, unit_code=t[0], month=5, drill_id=1, title=t[1 % len(t)], type_key="x",
                           plan_level="special", form="tabletop", status="planned", starts_on=date(2027, 5, 12)),
               AnnualEntry(unit_id=2, unit_code=t[2 % len(t)], month=7, drill_id=2, title=t[3 % len(t)],
                           type_key="y", plan_level="onsite", form="full_scale", status="ready",
                           starts_on=date(2027, 7, 1))]
    data = annual_plan_xlsx(entries, year=2027, lang=lang, unit_names={1: t[-1], 2: t[0]},
                            type_names={"x": t[1 % len(t)]}, now=NOW)
    assert_each_reads_back(written(data), [t[0], t[1 % len(t)], t[2 % len(t)], t[3 % len(t)], t[-1]])


@PROPERTY
@given(found=texts, lang=st.sampled_from(["zh", "en"]))
def test_the_drill_timeline_writes_injects_as_text_and_reads_them_back(found, lang):
    t = tagged(found)
    injects = [{"key": f"k{i}", "minute": i * 10, "text_zh": text, "text_en": t[-1 - i]} for i, text in enumerate(t)]
    data = export_timeline(injects, lang=lang, now=NOW, drill_title=t[0])
    assert_each_reads_back(written(data), t)
    read = read_timeline(data)
    assert [i["text_zh"] for i in read.injects] == [xlsx.as_str(xlsx.cleaned(x)) for x in t]


@PROPERTY
@given(found=texts, lang=st.sampled_from(["zh", "en"]), rating=st.sampled_from(["P", "S", "M", "U", None]))
def test_the_after_action_report_writes_findings_and_actions_as_text(found, lang, rating):
    t = tagged(found)

    def text(i: int) -> str:
        return t[i % len(t)]

    view = drill_view(t)
    review = ReviewReport(drill_id=7, summary=text(1), due_on=date(2027, 5, 26), status="draft", version=1,
                          issued_by=text(2), issued_at=None, evaluations=(), actions=())
    d = aar_export.Debrief(
        lang=lang, drill=view, report=review,
        facts=tuple((fid, text(i)) for i, fid in enumerate(aar_export.SUMMARY_FIELDS)),
        evaluations=({cid: text(i) for i, (cid, _) in enumerate(aar_export.EVALUATION_COLUMNS)},),
        ratings=(rating,),
        actions=({cid: text(i + 3) for i, (cid, _) in enumerate(aar_export.PLAN_COLUMNS)} | {"due": date(2027, 6, 1)},),
        overdue=(False,), exported_at=text(0))
    assert_each_reads_back(written(aar_export.workbook(d)), t)


# ── Exporters fed by the database ────────────────────────────────────────────


@pytest.fixture
def world(engine):
    return build_world(engine)


@DB_PROPERTY
@given(found=st.lists(hostile_text(nul=False), min_size=6, max_size=6), lang=st.sampled_from(["zh", "en"]))
def test_the_offline_checklist_writes_what_people_typed_as_text_and_an_untouched_download_changes_nothing(
        world, found, lang):
    note, reason, unit_zh, unit_en, campaign, person = tagged(found)
    with transaction(world.engine) as s:  # names as any older data may hold them (the forms check them now)
        s.execute(update(OrgUnit).where(OrgUnit.code == "C1").values(name_zh=unit_zh, name_en=unit_en))
        s.execute(update(Campaign).where(Campaign.id == world.campaign_id).values(name=campaign))
        s.execute(update(User).where(User.id == world.lead.user_id).values(display_name=person))
        s.execute(update(TemplateItem).where(TemplateItem.key == "mini-cable-seal").values(text_zh=reason,
                                                                                            text_en=reason))
    world.change("C1", "duty-roster", "note", text=note)
    with snapshot(world.engine) as s:
        current = {r.key: r for r in queries.unit_checklist(world.campaign_id, world.units["C1"], session=s)}
    if current["mini-cable-patrol"].status == "na":
        world.change("C1", "cable-patrol", "reopen")
    world.change("C1", "cable-patrol", "na", text=reason)
    with snapshot(world.engine) as s:
        data = export_status(world.campaign_id, world.units["C1"], session=s, actor=None, lang=lang, now=NOW)
        stored = {r.key: r for r in queries.unit_checklist(world.campaign_id, world.units["C1"], session=s)}
    cells = written(data)
    assert_each_reads_back(cells, [stored["mini-duty-roster"].note, stored["mini-cable-patrol"].na_reason,
                                   campaign, person, reason])
    with snapshot(world.engine) as s:
        plans = plan_status_import(read_status(data), session=s, actor=world.lead)
    assert [p.outcome for p in plans] == ["unchanged"] * len(plans)


@DB_PROPERTY
@given(found=st.lists(hostile_text(), min_size=4, max_size=4), lang=st.sampled_from(["zh", "en"]))
def test_the_weekly_report_writes_names_items_rules_and_actions_as_text(world, found, lang):
    t = tagged(found)
    with snapshot(world.engine) as s:
        report = weekly_report.build(world.campaign_id, world.units["P"], date(2026, 11, 30), session=s, lang=lang,
                                     now=NOW)

    def row(columns) -> dict[str, object]:
        return {cid: t[i % len(t)] for i, (cid, _) in enumerate(columns)}

    report = replace(report, campaign_name=t[0], unit_name=t[1], exported_at=t[2],
                     ranking=(row(weekly_report.RANKING_COLUMNS) | {"risky": True},),
                     overdue=(row(weekly_report.OVERDUE_COLUMNS),), coverage=(row(weekly_report.COVERAGE_COLUMNS),),
                     actions=(row(weekly_report.ACTION_COLUMNS),),
                     declarations=(row(weekly_report.DECLARATION_COLUMNS),))
    assert_each_reads_back(written(weekly_report.workbook(report)), t)
