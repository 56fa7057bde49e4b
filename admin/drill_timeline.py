"""A drill's scenario timeline (the injects of its master scenario events list) as an .xlsx workbook,
and a timeline drafted in a spreadsheet back in, replacing the drill's own through
drills.conduct.set_timeline.

The sheet has four columns: key, minute (from the drill's start), text_zh, text_en; the header row may
name them in Chinese, in English or by these ids. `read_timeline` checks every row and says what is
wrong with each (a missing or repeated key, a minute that is not a whole number or falls outside the
drill, no text, too long a text); `import_timeline` refuses the whole file when any row is wrong, so
nothing changes, and otherwise replaces the timeline at the drill's version as the page saw it.

Text written into cells is never a formula (admin.xlsx.text); a text cell holding a formula is read as
the formula's own text, never as what it computes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment
from sqlalchemy.orm import Session

from admin import xlsx
from core.clock import as_utc, format_local
from core.errors import InvalidInput
from core.i18n import LANGUAGES, t
from drills.conduct import MAX_INJECTS, MAX_TEXT, set_timeline
from drills.planning import get_drill
from org.models import Actor

FORMAT = "peakready-timeline"
FORMAT_VERSION = 1
MAX_BYTES = 2 * 1024 * 1024
MAX_KEY = 64
COLUMNS: tuple[tuple[str, int], ...] = (("key", 12), ("minute", 10), ("text_zh", 60), ("text_en", 60))
COLUMN_IDS = tuple(c for c, _ in COLUMNS)
TEXT_COLUMNS = ("key", "text_zh", "text_en")


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row of the sheet (its row number, the header being row 1)."""

    row: int
    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def message(self, lang: str) -> str:
        return t("dpt.tl_err." + self.code.replace("-", "_"), lang, row=self.row, **dict(self.params))


@dataclass(frozen=True)
class TimelineFile:
    """The injects read from a workbook, in sheet order, and every row's problems."""

    injects: tuple[dict, ...]
    rows: tuple[int, ...]  # the sheet row of each inject
    errors: tuple[RowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class TimelineRefused(InvalidInput):
    """A timeline file with rows in error: none of it was applied."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("dpt.tl_refused", count=len(errors))
        self.errors = tuple(errors)


# ── Writing ──────────────────────────────────────────────────────────────────


def export_timeline(injects: Iterable[Mapping[str, object]], *, lang: str, now: datetime | None = None,
                    drill_title: str = "") -> bytes:
    """The injects as an .xlsx timeline in `lang`, in time order (the workbook to edit and import again)."""
    if lang not in LANGUAGES:
        raise InvalidInput("error.invalid_input")
    wb = Workbook()
    ws = wb.active
    ws.title = t("dpt.tl_sheet", lang)
    xlsx.header(ws, COLUMNS, lambda cid: t(f"dpt.tl_col.{cid}", lang))
    ordered = sorted(injects, key=lambda i: (xlsx.as_int(i.get("minute")) or 0, str(i.get("key", ""))))
    for r, inject in enumerate(ordered, start=2):
        for col, cid in enumerate(COLUMN_IDS, start=1):
            cell = ws.cell(r, col)
            content = inject.get(cid)
            if cid == "minute":
                xlsx.value(cell, xlsx.as_int(content))
            else:
                xlsx.text(cell, str(content or ""))
            cell.alignment = Alignment(wrap_text=cid.startswith("text"), vertical="top")
    ws.freeze_panes = "A2"
    xlsx.meta_sheet(wb, (("format", FORMAT), ("format_version", FORMAT_VERSION), ("lang", lang),
                         ("drill", drill_title), ("exported_at", format_local(now)), ("rows", len(ordered))))
    return xlsx.saved(wb)


def timeline_template(lang: str) -> bytes:
    """An empty timeline with the headers in `lang`: the workbook to fill in."""
    return export_timeline([], lang=lang)


def timeline_file_name(title: str) -> str:
    """peakready-timeline-<title>.xlsx, without characters a file system refuses."""
    safe = "".join("-" if c in ' /\\:*?"<>|' else c for c in title).strip("-.") or "drill"
    return f"peakready-timeline-{safe}.xlsx"


# ── Reading ──────────────────────────────────────────────────────────────────


def read_timeline(data: bytes, *, length_minutes: int | None = None) -> TimelineFile:
    """The injects of a timeline workbook and each row's problems (InvalidInput if the file as a whole is
    not one: not an xlsx, too big, another PeakReady workbook, no key / minute / text column, no rows or
    too many). With `length_minutes`, a minute past the drill's length is a row error too."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("error.xl_too_big", max_mb=MAX_BYTES // (1024 * 1024))
    computed, typed = xlsx.open_book(data, data_only=True), xlsx.open_book(data, data_only=False)
    try:
        if xlsx.META_SHEET in computed.sheetnames:
            meta = {xlsx.as_str(v[0]): v[1] if len(v) > 1 else None
                    for v in xlsx.sheet_rows(computed[xlsx.META_SHEET], max_col=2) if v and v[0]}
            if meta.get("format") != FORMAT:
                raise InvalidInput("dpt.tl_not_timeline", format=xlsx.as_str(meta.get("format")) or "-")
            if xlsx.as_int(meta.get("format_version")) != FORMAT_VERSION:
                raise InvalidInput("error.xl_format_version", found=meta.get("format_version"),
                                   expected=FORMAT_VERSION)
        named = [t("dpt.tl_sheet", lang) for lang in LANGUAGES]
        titles = [n for n in computed.sheetnames if n in named] or \
            [n for n in computed.sheetnames if n != xlsx.META_SHEET][:1]
        if not titles:
            raise InvalidInput("dpt.tl_no_sheet")
        lines = zip(xlsx.sheet_rows(computed[titles[0]], values_only=False),
                    xlsx.sheet_rows(typed[titles[0]], values_only=False), strict=False)
        header, _ = next(lines, ((), ()))
        where = xlsx.columns([c.value for c in header], COLUMN_IDS, lambda cid, lang: t(f"dpt.tl_col.{cid}", lang),
                             LANGUAGES)
        missing = [c for c in ("key", "minute") if c not in where]
        if "text_zh" not in where and "text_en" not in where:
            missing.append("text_zh")
        if missing:
            raise InvalidInput("error.xl_missing_columns",
                               columns=", ".join(t(f"dpt.tl_col.{c}", "zh") for c in missing))
        raw: list[tuple[int, dict[str, object]]] = []
        for number, (cells, formulas) in enumerate(lines, start=2):
            values = {cid: _cell(cells, formulas, i, text=cid in TEXT_COLUMNS) for cid, i in where.items()}
            if all(xlsx.blank(v) for v in values.values()):
                continue
            if len(raw) >= MAX_INJECTS:
                raise InvalidInput("error.xl_too_many_rows", max=MAX_INJECTS)
            raw.append((number, values))
    finally:
        computed.close()
        typed.close()
    if not raw:
        raise InvalidInput("dpt.tl_empty")
    return _check(raw, length_minutes)


def _check(raw: Sequence[tuple[int, Mapping[str, object]]], length: int | None) -> TimelineFile:
    injects, rows, errors = [], [], []
    first_row: dict[str, int] = {}
    for number, values in raw:
        found: list[RowError] = []
        key = xlsx.as_str(values.get("key"))
        if not key:
            found.append(RowError(number, "missing-key"))
        elif len(key) > MAX_KEY:
            found.append(RowError(number, "key-too-long", {"max": MAX_KEY}))
        elif key in first_row:
            found.append(RowError(number, "duplicate-key", {"key": key, "first": first_row[key]}))
        else:
            first_row[key] = number
        minute = xlsx.as_int(values.get("minute"))
        if minute is None or minute < 0:
            found.append(RowError(number, "bad-minute", {"value": xlsx.as_str(values.get("minute")) or "-"}))
        elif length is not None and minute > length:
            found.append(RowError(number, "minute-outside", {"minute": minute, "length": length}))
        text_zh, text_en = xlsx.as_str(values.get("text_zh")), xlsx.as_str(values.get("text_en"))
        if not (text_zh or text_en):
            found.append(RowError(number, "missing-text"))
        elif len(text_zh) > MAX_TEXT or len(text_en) > MAX_TEXT:
            found.append(RowError(number, "text-too-long", {"max": MAX_TEXT}))
        errors += found
        if not found:
            injects.append({"key": key, "minute": minute, "text_zh": text_zh or text_en, "text_en": text_en or text_zh})
            rows.append(number)
    return TimelineFile(tuple(injects), tuple(rows), tuple(errors))



def _cell(cells: Sequence[object], formulas: Sequence[object], i: int, *, text: bool) -> object:
    """A cell's value; in a text column a formula's own text, never what it computes."""
    formula = formulas[i] if i < len(formulas) else None
    if text and getattr(formula, "data_type", None) == "f" and isinstance(getattr(formula, "value", None), str):
        return formula.value
    return getattr(cells[i], "value", None) if i < len(cells) else None


# ── Importing ────────────────────────────────────────────────────────────────


def drill_length_minutes(drill_id: int, *, session: Session) -> int:
    """How many whole minutes the drill lasts (the last minute an inject may be at)."""
    view = get_drill(drill_id, session=session)
    return int((as_utc(view.ends_at) - as_utc(view.starts_at)).total_seconds() // 60)


def import_timeline(drill_id: int, data: bytes, *, expected_version: int, session: Session, actor: Actor | None,
                    now: datetime) -> int:
    """Replace the drill's timeline with the file's injects (set_timeline: its rights, its status and its
    version apply); TimelineRefused, and nothing changed, when any row is wrong. Returns how many injects."""
    read = read_timeline(data, length_minutes=drill_length_minutes(drill_id, session=session))
    if not read.ok:
        raise TimelineRefused(read.errors)
    set_timeline(drill_id, list(read.injects), expected_version=expected_version, session=session, actor=actor,
                 now=now)
    return len(read.injects)
