"""What every workbook PeakReady writes and reads shares: text cells no spreadsheet evaluates, a bold
shaded header row, a hidden meta sheet saying what the file is, greyed read-only cells, lenient
readers of cell values as people type them, and guards for an uploaded file (how much it unpacks to,
how wide its sheets are read, a sheet damaged inside)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.errors import DomainError, InvalidInput
from core.fields import NOT_TEXT

GREY = PatternFill("solid", start_color="FFE7E6E6", end_color="FFE7E6E6")  # a column only to read
HEADER = PatternFill("solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
META_SHEET = "meta"
MAX_UNPACKED = 100 * 1024 * 1024  # what an uploaded workbook may unpack to (a zip bomb is refused unread)
MAX_COLUMNS = 64  # an uploaded sheet is read this wide: its header must name its columns within them
MAX_ID = 2**31 - 1  # the largest id a database row has (an id column is a 32-bit integer)


def cleaned(value: str) -> str:
    """A text as a cell holds it once written and read back: without the characters a workbook cannot
    hold (core.fields.NOT_TEXT), each line break a plain line feed (XML reads a carriage return as one)."""
    return NOT_TEXT.sub("", value).replace("\r\n", "\n").replace("\r", "\n")


def text(cell, value: str) -> None:
    """Write text that no spreadsheet evaluates: always a string cell (openpyxl would take a text
    starting with '=' for a formula), with the quote prefix when it looks like one, so editing the
    cell in Excel keeps it text; `cleaned` first, so the cell reads back as written."""
    value = cleaned(value)
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


def as_id(content: object) -> int | None:
    """A cell's value as a row id (1 … MAX_ID), else None: a larger number names no row, and no database
    would be asked about it."""
    number = as_int(content)
    return number if number is not None and 1 <= number <= MAX_ID else None


def check_unpacked(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_UNPACKED (what its zip directory says; a
    part that unpacks to more than it says fails its check as it is read). Not a zip: left to the reader."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(member.file_size for member in archive.infolist())
    except Exception:  # not a zip at all: the reader refuses it with its own message
        return
    if size > MAX_UNPACKED:
        raise InvalidInput("error.xl_unpacked_too_big", max_mb=MAX_UNPACKED // (1024 * 1024))


def open_book(data: bytes, *, data_only: bool):
    """An uploaded workbook, read only (`data_only`: cached values instead of formulas); anything that is
    not one — a damaged file, another format, one unpacking to too much — is refused with one clear message."""
    check_unpacked(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a damaged or foreign file
        raise InvalidInput("error.xl_not_workbook") from exc


def sheet_rows(ws, *, values_only: bool = True, max_col: int = MAX_COLUMNS,
               refuse: Callable[[Exception], DomainError] | None = None) -> Iterator[tuple]:
    """The rows of an uploaded sheet (read only), `max_col` wide whatever width the sheet claims. A read-only
    sheet is parsed only now, so a sheet damaged inside (its XML cut short, a corrupt part, a value out of
    range) fails here: refused like a file that is not a workbook (or with `refuse`'s error)."""
    rows = ws.iter_rows(max_col=max_col, values_only=values_only)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # the XML parser, zipfile, zlib and openpyxl's own conversions
            raise (refuse(exc) if refuse else InvalidInput("error.xl_not_workbook")) from exc
        yield row
