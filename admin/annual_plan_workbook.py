"""The annual drill plan of units as an .xlsx workbook (年度演练计划): one sheet listing each drill of the
year by unit and day, and one grid of units by month naming the drills of each month. The drills come
from drills.inventory.annual_plan (every drill on the calendar that year, not cancelled).

Text written into cells is never a formula (admin.xlsx.text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin import xlsx
from core.clock import format_local
from core.errors import InvalidInput
from core.i18n import LANGUAGES, t
from drills.inventory import AnnualEntry, annual_plan
from store.schema import DrillType, OrgUnit

FORMAT = "peakready-annual-plan"
FORMAT_VERSION = 1
LIST_COLUMNS: tuple[tuple[str, int], ...] = (
    ("unit", 12), ("unit_name", 26), ("month", 8), ("day", 12), ("title", 40), ("type", 22), ("level", 18),
    ("form", 18), ("status", 10),
)
MONTHS = range(1, 13)


def annual_plan_xlsx(entries: Sequence[AnnualEntry], *, year: int, lang: str, unit_names: Mapping[int, str],
                     type_names: Mapping[str, str], now: datetime | None = None) -> bytes:
    """The year's drills as a workbook in `lang`: the list (one row per drill and unit) and the month grid
    (one row per unit, each month's drill titles in its cell, a count at the end)."""
    if lang not in LANGUAGES:
        raise InvalidInput("error.invalid_input")
    wb = Workbook()
    ws = wb.active
    ws.title = t("dpt.ap_sheet_list", lang, year=year)
    xlsx.header(ws, LIST_COLUMNS, lambda cid: t(f"dpt.ap_col.{cid}", lang))
    for r, e in enumerate(entries, start=2):
        row = {"unit": e.unit_code, "unit_name": unit_names.get(e.unit_id, e.unit_code), "month": e.month,
               "day": e.starts_on, "title": e.title, "type": type_names.get(e.type_key, e.type_key),
               "level": t(f"dt.plan.{e.plan_level}", lang), "form": t(f"dt.form.{e.form}", lang),
               "status": t(f"drl.status.{e.status}", lang)}
        for col, (cid, _) in enumerate(LIST_COLUMNS, start=1):
            cell = ws.cell(r, col)
            xlsx.value(cell, row[cid])
            if cid == "day":
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(wrap_text=cid == "title", vertical="top")
    ws.freeze_panes = "C2"
    if entries:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(LIST_COLUMNS))}{len(entries) + 1}"

    grid = wb.create_sheet(t("dpt.ap_sheet_grid", lang, year=year))
    grid_columns = [("unit", 12.0), ("unit_name", 26.0), *((f"m{m}", 16.0) for m in MONTHS), ("total", 8.0)]
    xlsx.header(grid, grid_columns, lambda cid: _grid_label(cid, lang))
    for r, (unit_id, code, by_month) in enumerate(_by_unit(entries), start=2):
        xlsx.text(grid.cell(r, 1), code)
        xlsx.text(grid.cell(r, 2), unit_names.get(unit_id, code))
        for m in MONTHS:
            cell = grid.cell(r, 2 + m)
            xlsx.text(cell, "\n".join(by_month.get(m, [])))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        grid.cell(r, 15).value = sum(len(v) for v in by_month.values())
    grid.freeze_panes = "C2"
    xlsx.meta_sheet(wb, (("format", FORMAT), ("format_version", FORMAT_VERSION), ("lang", lang), ("year", year),
                         ("exported_at", format_local(now)), ("rows", len(entries))))
    return xlsx.saved(wb)


def _grid_label(cid: str, lang: str) -> str:
    if cid.startswith("m") and cid[1:].isdigit():
        return t("dpt.ap_month", lang, month=int(cid[1:]))
    return t(f"dpt.ap_col.{cid}", lang)


def _by_unit(entries: Iterable[AnnualEntry]) -> list[tuple[int, str, dict[int, list[str]]]]:
    """Per unit (in the entries' order: by the unit tree), each month's drill titles."""
    out: dict[int, tuple[str, dict[int, list[str]]]] = {}
    for e in entries:
        out.setdefault(e.unit_id, (e.unit_code, {}))[1].setdefault(e.month, []).append(e.title)
    return [(unit_id, code, months) for unit_id, (code, months) in out.items()]


def export_annual_plan(year: int, unit_ids: Iterable[int], *, session: Session, lang: str,
                       now: datetime | None = None) -> bytes:
    """The units' annual drill plan for `year` as a workbook in `lang` (the units are the caller's: the
    pages pass those the user may read)."""
    entries = annual_plan(year, unit_ids, session=session)
    name = OrgUnit.name_zh if lang == "zh" else OrgUnit.name_en
    unit_names = dict(session.execute(select(OrgUnit.id, name).where(OrgUnit.id.in_({e.unit_id for e in entries}))).all())
    type_name = DrillType.name_zh if lang == "zh" else DrillType.name_en
    type_names = dict(session.execute(select(DrillType.key, type_name)).all())
    return annual_plan_xlsx(entries, year=year, lang=lang, unit_names=unit_names, type_names=type_names, now=now)


def annual_plan_file_name(year: int) -> str:
    return f"peakready-annual-drill-plan-{year}.xlsx"
