"""What every workbook PeakReady writes and reads shares: text cells no spreadsheet evaluates, a bold
shaded header row, a hidden meta sheet saying what the file is, greyed read-only cells, and lenient
readers of cell values as people type them."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.errors import InvalidInput

GREY = PatternFill("solid", start_color="FFE7E6E6", end_color="FFE7E6E6")  # a column only to read
HEADER = PatternFill("solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
META_SHEET = "meta"


def text(cell, value: str) -> None:
    """Write text that no spreadsheet evaluates: always a string cell (openpyxl would take a text
    starting with '=' for a formula), with the quote prefix when it looks like one, so editing the
    cell in Excel keeps it text; characters a workbook cannot hold are dropped."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True


def value(cell, content: object) -> None:
    """Write a cell: text as text (see `text`), anything else (numbers, dates) as it is."""
    if isinstance(content, str):
        text(cell, content)
    else:
        cell.value = content


def header(ws, columns: Sequence[tuple[str, float]], label: Callable[[str], str]) -> None:
    """Row 1: each column's label (by its id), bold on a shaded fill, with its width."""
    for col, (cid, width) in enumerate(columns, start=1):
        cell = ws.cell(1, col)
        text(cell, label(cid))
        cell.font = Font(bold=True)
        cell.fill = HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width


def meta_sheet(wb: Workbook, facts: Iterable[tuple[str, object]]) -> None:
    """A hidden sheet of key/value facts about the file (its format and version, language, when …)."""
    meta = wb.create_sheet(META_SHEET)
    for r, (key, content) in enumerate(facts, start=1):
        text(meta.cell(r, 1), key)
        value(meta.cell(r, 2), content)
    meta.sheet_state = "hidden"


def saved(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ── Reading what people typed ───────────────────────────────────────────────


def norm(words: str) -> str:
    return " ".join(words.lower().split())


def blank(content: object) -> bool:
    return content is None or (isinstance(content, str) and not content.strip())


def as_str(content: object) -> str:
    if content is None:
        return ""
    if isinstance(content, float) and content.is_integer():
        content = int(content)
    return str(content).replace("\r\n", "\n").replace("\r", "\n").strip()


def columns(header: Sequence[object], ids: Sequence[str], label: Callable[[str, str], str],
            languages: Sequence[str]) -> dict[str, int]:
    """Column id → index, recognising a header in any of `languages` (label(id, lang)) or the column's
    id itself, ignoring case and spacing; the first column with a label wins."""
    labels = {norm(label(cid, lang)): cid for cid in ids for lang in languages}
    labels |= {cid: cid for cid in ids}
    found: dict[str, int] = {}
    for i, cell in enumerate(header or ()):
        cid = labels.get(norm(as_str(cell)))
        if cid and cid not in found:
            found[cid] = i
    return found


def as_int(content: object) -> int | None:
    if isinstance(content, bool):
        return None
    if isinstance(content, int):
        return content
    if isinstance(content, float) and content.is_integer():
        return int(content)
    if isinstance(content, str) and content.strip().isdigit():
        return int(content.strip())
    return None


def open_book(data: bytes, *, data_only: bool):
    """An uploaded workbook, read only (`data_only`: cached values instead of formulas); anything that is
    not one — a damaged file, another format — is refused with one clear message."""
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a damaged or foreign file
        raise InvalidInput("error.xl_not_workbook") from exc
