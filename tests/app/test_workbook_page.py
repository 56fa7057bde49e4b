"""The offline-entry page: a lead downloads their unit's checklist as .xlsx, uploads it filled in, sees what
will change, applies it, and the change is in the log; a file with a row in error shows its errors and
offers nothing to apply."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin.status_workbook import read_status
from store.db import make_engine, snapshot
from store.schema import ChecklistEvent, User
from tests.demo_fixtures import sign_in
from ui import state

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """What the page hands its download buttons, by file name (AppTest has no browser to download into)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: dict[str, bytes] = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            seen[filename] = path_or_data
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def workbook_page(app, username="lead"):
    at = sign_in(app, username)
    at.session_state[state.LANG] = "en"
    at.switch_page("app_pages/workbook.py").run()
    assert not at.exception, at.exception
    return at


def filled(data: bytes, row: int, **cells: str) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for name, value in cells.items():
        ws.cell(row, header.index(name) + 1).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def first_open_row(data: bytes) -> int:
    return next(r.row for r in read_status(data).rows if r.state == "open")


def events(url: str) -> list[tuple]:
    with snapshot(make_engine(url)) as s:
        return s.execute(select(ChecklistEvent.action, ChecklistEvent.text, User.username)
                         .join(User, User.id == ChecklistEvent.actor_id).order_by(ChecklistEvent.id)).all()


def test_a_lead_downloads_fills_in_previews_and_applies_the_workbook(app, demo_db, downloads):
    at = workbook_page(app)
    assert at.title[0].value == "Offline entry (Excel)"
    (name, data), = downloads.items()
    assert name.startswith("peakready-") and name.endswith(".xlsx")
    parsed = read_status(data)
    assert parsed.lang == "en" and len(parsed.rows) > 20
    row = first_open_row(data)
    before = events(demo_db)
    at.file_uploader[0].upload("mine.xlsx", filled(data, row, State="n/a", **{"Reason if N/A": "本县无此设备"}),
                               XLSX).run()
    assert not at.exception, at.exception
    assert f"{len(parsed.rows)} row(s): 1 to change, {len(parsed.rows) - 1} unchanged, 0 in error" in [
        c.value for c in at.caption]
    table = at.dataframe[0].value
    changed = table[table["outcome"] == "will change"]
    assert list(changed["row"]) == [row] and list(changed["change"]) == ["open → n/a"]
    assert events(demo_db) == before  # the preview writes nothing
    apply = at.button(key="xl_apply")
    assert apply.label == "Apply 1 change(s)"
    apply.click().run()
    assert not at.exception, at.exception
    assert any("1 row(s) changed" in t.value for t in at.toast)
    assert events(demo_db)[len(before):] == [("na", "本县无此设备", "lead")]
    assert not at.dataframe and not [b for b in at.button if b.key == "xl_apply"]  # the preview is gone


def test_an_upload_with_a_row_in_error_shows_it_and_offers_nothing_to_apply(app, demo_db, downloads):
    at = workbook_page(app)
    (data,) = downloads.values()
    row = first_open_row(data)
    at.file_uploader[0].upload("mine.xlsx", filled(data, row, State="n/a"), XLSX).run()
    table = at.dataframe[0].value
    assert table.iloc[0]["row"] == row and table.iloc[0]["outcome"] == "N/A needs a reason"  # errors first
    assert any("Correct the rows in error" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "xl_apply"]


def test_a_file_that_is_not_a_workbook_is_one_clear_error(app, downloads):
    at = workbook_page(app)
    at.file_uploader[0].upload("junk.xlsx", b"not a workbook", XLSX).run()
    assert not at.exception
    assert any(".xlsx" in e.value for e in at.error)
    assert not at.dataframe


def test_an_executive_may_download_but_a_change_is_refused(app, downloads):
    at = workbook_page(app, "executive")
    (data,) = downloads.values()
    at.file_uploader[0].upload("x.xlsx", filled(data, first_open_row(data), State="done"), XLSX).run()
    table = at.dataframe[0].value
    assert table.iloc[0]["outcome"].startswith("You may not mark items done")
    assert not [b for b in at.button if b.key == "xl_apply"]


@pytest.mark.parametrize("account", ["lead", "coordinator"])
def test_the_unit_picker_offers_exactly_the_units_the_user_may_read(app, demo_db, account):
    from tests.app.test_access_pages import codes_under, picker_codes

    at = sign_in(app, account)
    at.switch_page("app_pages/workbook.py").run()
    assert not at.exception, at.exception
    assert picker_codes(at, "xl_unit_zh", demo_db) == codes_under(demo_db, account)
