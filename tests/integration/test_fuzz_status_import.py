"""Fuzzing the offline checklist workbook coming back (manage.py import-status, the offline-entry page): a
downloaded workbook edited at random — states in any words, reasons and notes that are formulas or huge,
versions that are stale, negative, enormous or not numbers, rows repeated, units and items that do not
exist or are out of the user's scope, a meta sheet naming another format or a campaign id no database
holds, headers renamed, sheets renamed — and damaged files and random bytes. Whatever comes in, the import
either applies every row's change (and the projections agree with the log) or refuses with the project's
own error in both languages and the database exactly as before; a dry run never changes anything."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import admin.status_workbook as sw
from admin.status_workbook import apply_status_import, export_status, read_status, try_status_import
from checklists import queries
from checklists.rebuild import projection_differences
from core.errors import DomainError, InvalidInput
from core.i18n import LANGUAGES, t
from store.db import snapshot, transaction
from tests.conftest import NOW, build_world
from tests.integration.fuzz_support import (
    Blob,
    assert_clear_refusal,
    damaged,
    dump,
    hostile_text,
    mostly,
    note,
    sparse_sheet,
    with_member,
    zip_bomb,
)

# openpyxl warns of the damaged parts it skips in a fuzzed workbook: expected, not news.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:openpyxl.*")
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
LATER = datetime(2026, 11, 3, 2, 0, tzinfo=NOW.tzinfo)
STATE_WORDS = [t(f"xl.state.{s}", lang) for s in sw.STATES for lang in LANGUAGES] + ["done", "NA", " Done ", "n/a"]

# What people type into the columns they fill in (every state word, reasons and notes that look like formulas) …
USUAL = {
    "state": st.sampled_from(STATE_WORDS),
    "reason": st.sampled_from(["", "本单位无此设备", "=1+1 无电缆", "@无", "-无", "\t=无", "+无"]),
    "note": st.sampled_from(["", "已核实", "=HYPERLINK(\"http://x\",\"证据\")", "+86 电话", "\n=1", "-", "@"]),
}
# … and what else a cell may end up holding, in any column.
VALUES = {
    "state": mostly(USUAL["state"], st.one_of(st.sampled_from(["", "完成了", "=\"已完成\"", 1, True]),
                                              hostile_text(max_size=10, controls=False))),
    "reason": mostly(USUAL["reason"], st.one_of(st.just("理" * (sw.MAX_TEXT + 1)), hostile_text(controls=False))),
    "note": mostly(USUAL["note"], st.one_of(st.just("注" * (sw.MAX_TEXT + 1)), hostile_text(controls=False))),
    "version": st.one_of(st.sampled_from([-1, 0, 2, 10**30, 2**63, 1.5, "1", "v1", "", True]),
                         st.just(datetime(2026, 1, 1)), st.integers()),
    "unit": st.sampled_from(["C1", "c1", "C1-K1", "C2", "P", "NOPE", "", "=C1"]),
    "item": st.sampled_from(["mini-plan-approved", "mini-duty-roster", "MINI-DUTY-ROSTER", "nope", ""]),
    "occurrence": st.sampled_from(["", "2027-W27", "E1", "A1"]),
}
META = {
    "campaign_id": st.one_of(st.sampled_from([0, -1, 2, 10**20, 2**31, 2**31 - 1, "1", "x", None, 1.0]),
                             st.integers()),
    "format": st.sampled_from(["peakready-drills", "", None, "=peakready-status"]),
    "format_version": st.sampled_from([0, 2, "1", 1.0, None, "x" * 40000]),
    "lang": st.sampled_from(["fr", "", None, "=zh"]),
}


@st.composite
def edited_workbooks(draw: st.DrawFn, base: bytes) -> bytes:
    """The downloaded workbook with random cells of its rows changed, rows added (copies and junk), and
    maybe its meta facts, header or sheet name changed; then maybe damaged."""
    wb = load_workbook(io.BytesIO(base))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    column = {cid: next(i for i, h in enumerate(header, start=1) if h in {t(f"xl.col.{cid}", x) for x in LANGUAGES})
              for cid in sw.COLUMN_IDS}
    if not draw(st.booleans()):  # half the files: only the fill-in columns, filled in as people do
        for _ in range(draw(st.integers(1, 4))):
            cid = draw(st.sampled_from(sorted(USUAL)))
            ws.cell(draw(st.integers(2, ws.max_row)), column[cid]).value = draw(USUAL[cid])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    for _ in range(draw(st.integers(0, 6))):
        cid = draw(st.sampled_from(sorted(VALUES)))
        ws.cell(draw(st.integers(2, ws.max_row + 1)), column[cid]).value = draw(VALUES[cid])
    for _ in range(draw(st.integers(0, 2))):  # a copy of a row (a duplicate), maybe changed
        ws.append([c.value for c in ws[draw(st.integers(2, ws.max_row))]])
    if draw(st.integers(0, 3)) == 0:
        for _ in range(draw(st.integers(1, 3))):
            key = draw(st.sampled_from(sorted(META)))
            row = next(r for r in wb["meta"].iter_rows() if r[0].value == key)
            row[1].value = draw(META[key])
    if draw(st.integers(0, 5)) == 0:
        ws.cell(1, column[draw(st.sampled_from(sw.NEEDED))]).value = draw(hostile_text(max_size=8, controls=False))
    if draw(st.integers(0, 7)) == 0:
        ws.title = draw(st.sampled_from(["Sheet", "Checklist", "清单 ", "meta2"]))
    out = io.BytesIO()
    wb.save(out)
    return draw(damaged(out.getvalue()))


@pytest.fixture
def world(engine):
    return build_world(engine)


def exported(world, lang: str) -> Blob:
    with snapshot(world.engine) as s:
        return Blob(export_status(world.campaign_id, world.units["C1"], session=s, actor=None, lang=lang, now=NOW))


def import_applied_or_refused(world, data: bytes, actor) -> None:
    before = dump(world.engine)
    try:
        parsed = read_status(data)
        with transaction(world.engine) as s:
            plans = apply_status_import(parsed, session=s, actor=actor, now=LATER)
    except DomainError as exc:
        note(f"refused: {exc.code}")
        assert_clear_refusal(exc)
        assert dump(world.engine) == before
        return
    except Exception as exc:  # anything else is a bug of the importer
        raise AssertionError(f"{type(exc).__name__}: {exc}") from exc
    note("applied" if any(p.outcome == "change" for p in plans) else "nothing to change")
    assert not any(p.error for p in plans)
    with snapshot(world.engine) as s:
        assert projection_differences(world.campaign_id, session=s) == []
        now = {(u, r.key, r.occurrence): r for u in world.units
               for r in queries.unit_checklist(world.campaign_id, world.units[u], session=s)}
    for plan in plans:
        if plan.outcome == "change":
            assert now[(plan.unit_code, plan.item_key, plan.occurrence)].status == plan.new


@FUZZ
@given(data=st.data(), lang=st.sampled_from(LANGUAGES), who=st.sampled_from(["lead", "other", "admin"]))
def test_any_edit_of_a_downloaded_workbook_is_applied_whole_or_refused_clearly_changing_nothing(world, data, lang,
                                                                                                who):
    workbook = data.draw(edited_workbooks(exported(world, lang)))
    import_applied_or_refused(world, workbook, getattr(world, who))


@FUZZ
@given(data=st.data())
def test_a_dry_run_of_any_edited_workbook_changes_nothing(world, data):
    workbook = data.draw(edited_workbooks(exported(world, "zh")))
    before = dump(world.engine)
    try:
        parsed = read_status(workbook)
        with transaction(world.engine, bump=False) as s:  # committed: the importer must roll itself back
            plans = try_status_import(parsed, session=s, actor=world.lead, now=LATER)
    except DomainError as exc:
        assert_clear_refusal(exc)
    else:
        for plan in plans:
            if plan.error:
                assert_clear_refusal(InvalidInput(plan.key, **plan.params))
    assert dump(world.engine) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096))
def test_random_bytes_are_refused_as_a_checklist_workbook(world, data):
    import_applied_or_refused(world, data, world.lead)


def test_a_campaign_id_no_database_could_hold_is_refused_as_not_our_workbook(world):
    for campaign_id in (10**20, 2**31, 0, -5):
        wb = load_workbook(io.BytesIO(exported(world, "zh")))
        next(r for r in wb["meta"].iter_rows() if r[0].value == "campaign_id")[1].value = campaign_id
        out = io.BytesIO()
        wb.save(out)
        with pytest.raises(InvalidInput) as refused:  # was an OverflowError (SQLite) or a DataError (PostgreSQL)
            read_status(out.getvalue())
        assert refused.value.code == "error.xl_not_ours"


def test_a_sheet_cut_short_inside_a_sound_zip_is_refused_as_not_a_workbook(world):
    data = with_member(exported(world, "zh"), "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(InvalidInput) as refused:  # was the XML parser's ParseError, raised while reading rows
        read_status(data)
    assert refused.value.code == "error.xl_not_workbook"


def test_a_workbook_claiming_a_million_rows_or_unpacking_to_too_much_is_dealt_with_quickly(world):
    assert len(read_status(sparse_sheet(exported(world, "en"))).rows) == 4
    with pytest.raises(InvalidInput) as refused:
        read_status(zip_bomb(exported(world, "en")))
    assert refused.value.code == "error.xl_unpacked_too_big"
