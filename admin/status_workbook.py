"""Offline and bulk entry in Excel: a unit's checklist as an .xlsx workbook, and a filled-in one back.

`export_status` writes every obligation occurrence of a unit in a season (one-off items and the
recurring and event occurrences that exist so far) with its state, reason, note and a hidden version
column. `read_status` reads a filled-in workbook back (size, sheet, columns and format checked);
`plan_status_import` says row by row what would change and why a row cannot; `try_status_import`
runs the whole import and rolls it back (the preview and `--dry-run`: every rule of
checklists.changes applies, e.g. evidence); `apply_status_import` applies it all or nothing through
checklists.changes.change_item, each row at the version it was downloaded with.

Text written into cells is never a formula: every text cell is a string cell, and one that starts
like a formula also gets Excel's quote prefix, so neither Excel nor LibreOffice evaluates a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin import xlsx
from checklists.campaigns import campaign_units
from checklists.changes import MAX_TEXT, change_item
from checklists.queries import ChecklistRow, unit_checklist
from core.clock import format_local, to_local
from core.errors import DomainError, Forbidden, InvalidInput, NotFound, StaleWrite
from core.i18n import LANGUAGES, t
from org.authz import actions_on, authorize
from org.models import Actor
from store.schema import Campaign, OrgUnit

FORMAT = "peakready-status"
FORMAT_VERSION = 1
META_SHEET = xlsx.META_SHEET
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
STATES = ("open", "done", "na")

# The columns, in order: (id, width, editable). Only state, reason and note are read back as input;
# unit, item and occurrence name the row, version tells whether it changed since the download.
COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("unit", 12, False), ("item", 24, False), ("occurrence", 11, False), ("section", 16, False),
    ("text", 48, False), ("criticality", 9, False), ("due", 12, False), ("state", 10, True),
    ("reason", 28, True), ("note", 36, True), ("changed_by", 12, False), ("changed_at", 17, False),
    ("version", 8, False),
)
COLUMN_IDS = tuple(c for c, _, _ in COLUMNS)
NEEDED = ("unit", "item", "occurrence", "state", "reason", "note", "version")


# ── Writing ──────────────────────────────────────────────────────────────────


def export_status(campaign_id: int, unit_id: int, *, session: Session, actor: Actor | None, lang: str,
                  now: datetime) -> bytes:
    """The unit's checklist in a season as an .xlsx workbook in `lang` (zh or en). With an actor, refused
    (Forbidden) unless the user may read the unit; without one, the trusted command line."""
    if lang not in LANGUAGES:
        raise InvalidInput("error.invalid_input")
    if actor is not None:
        authorize(actor, "unit.read", unit_id, session=session)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("error.unit_not_found", code=str(unit_id))
    if unit_id not in {u.id for u in campaign_units(campaign_id, session=session)}:
        raise InvalidInput("error.xl_unit_not_in_campaign", unit=unit.code, campaign=campaign.name)
    rows = unit_checklist(campaign_id, unit_id, session=session)

    wb = Workbook()
    ws = wb.active
    ws.title = t("xl.sheet", lang)
    xlsx.header(ws, [(cid, width) for cid, width, _ in COLUMNS], lambda cid: t(f"xl.col.{cid}", lang))
    for r, row in enumerate(rows, start=2):
        values = _row_values(row, unit.code, lang)
        for col, (cid, _, editable) in enumerate(COLUMNS, start=1):
            cell = ws.cell(r, col)
            value = values[cid]
            xlsx.value(cell, value)
            if cid == "due" and isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif cid == "changed_at" and isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            if not editable:
                cell.fill = xlsx.GREY
            cell.alignment = Alignment(wrap_text=cid in ("section", "text", "reason", "note"), vertical="top")
    last = len(rows) + 1
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    version_col = get_column_letter(COLUMN_IDS.index("version") + 1)
    ws.column_dimensions[version_col].hidden = True
    state_col = get_column_letter(COLUMN_IDS.index("state") + 1)
    words = ",".join(t(f"xl.state.{s}", lang) for s in STATES)
    check = DataValidation(type="list", formula1=f'"{words}"', allow_blank=False, showDropDown=False,
                           showErrorMessage=True, showInputMessage=True)
    check.promptTitle, check.prompt = t("xl.state_help_title", lang), t("xl.state_help", lang)
    check.errorTitle, check.error = t("xl.state_help_title", lang), t("xl.state_error", lang)
    ws.add_data_validation(check)
    if rows:
        check.add(f"{state_col}2:{state_col}{last}")
    # Names for the columns a program reads back, whatever the header's language.
    for cid in NEEDED:
        letter = get_column_letter(COLUMN_IDS.index(cid) + 1)
        wb.defined_names[f"peakready_{cid}"] = DefinedName(
            f"peakready_{cid}", attr_text=f"{_quoted_sheet(ws.title)}!${letter}$1:${letter}${max(last, 2)}")

    xlsx.meta_sheet(wb, (("format", FORMAT), ("format_version", FORMAT_VERSION), ("campaign_id", campaign.id),
                         ("campaign_name", campaign.name), ("unit_code", unit.code),
                         ("exported_at", format_local(now)), ("lang", lang)))
    return xlsx.saved(wb)


def _row_values(row: ChecklistRow, unit_code: str, lang: str) -> dict[str, object]:
    text = getattr(row, f"text_{lang}")
    if row.event_name:
        text = f"{text} ({row.event_name})"
    return {
        "unit": unit_code,
        "item": row.key,
        "occurrence": row.occurrence,
        "section": getattr(row, f"section_{lang}"),
        "text": text,
        "criticality": t(f"crit.{row.criticality}", lang),
        "due": row.due if row.due is not None else t("cl.due_after_event", lang),
        "state": t(f"xl.state.{row.status}", lang),
        "reason": row.na_reason if row.status == "na" else "",
        "note": row.note,
        "changed_by": row.updated_by,
        "changed_at": to_local(row.updated_at).replace(tzinfo=None) if row.updated_at else "",
        "version": row.version,
    }




def _quoted_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def status_file_name(campaign_name: str, unit_code: str) -> str:
    """peakready-<unit>-<campaign>.xlsx, without characters a file system refuses."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "-", campaign_name).strip("-.") or "campaign"
    return f"peakready-{unit_code}-{safe}.xlsx"


# ── Reading ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class SheetRow:
    """One data row of a filled-in workbook, as typed (trimmed)."""

    row: int  # the sheet's row number (the header is row 1)
    unit_code: str
    item_key: str
    occurrence: str
    state: str
    reason: str
    note: str
    version: object


@dataclass(frozen=True)
class ParsedWorkbook:
    campaign_id: int
    campaign_name: str
    unit_code: str
    lang: str
    exported_at: str
    rows: tuple[SheetRow, ...]


def read_status(data: bytes) -> ParsedWorkbook:
    """Read a workbook made by export_status and filled in (InvalidInput if it is not one: not an xlsx, too
    big, no meta sheet or another format version, missing columns, too many rows)."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("error.xl_too_big", max_mb=MAX_BYTES // (1024 * 1024))
    wb = xlsx.open_book(data, data_only=True)
    try:
        if META_SHEET not in wb.sheetnames:
            raise InvalidInput("error.xl_not_ours", sheet=META_SHEET)
        meta = {str(values[0]).strip(): values[1] if len(values) > 1 else None
                for values in xlsx.sheet_rows(wb[META_SHEET], max_col=2) if values and values[0] is not None}
        if meta.get("format") != FORMAT:
            raise InvalidInput("error.xl_not_ours", sheet=META_SHEET)
        if xlsx.as_int(meta.get("format_version")) != FORMAT_VERSION:
            raise InvalidInput("error.xl_format_version", found=meta.get("format_version"), expected=FORMAT_VERSION)
        campaign_id = xlsx.as_id(meta.get("campaign_id"))
        if campaign_id is None:
            raise InvalidInput("error.xl_not_ours", sheet=META_SHEET)
        names = [t("xl.sheet", lang) for lang in LANGUAGES]
        sheet = next((wb[n] for n in wb.sheetnames if n in names), None)
        if sheet is None:
            raise InvalidInput("error.xl_not_ours", sheet=" / ".join(names))
        lines = xlsx.sheet_rows(sheet)
        header = next(lines, ())
        where = _columns(header)
        missing = [c for c in NEEDED if c not in where]
        if missing:
            lang = str(meta.get("lang") or "zh")
            raise InvalidInput("error.xl_missing_columns",
                               columns=", ".join(t(f"xl.col.{c}", lang if lang in LANGUAGES else "zh") for c in missing))
        rows: list[SheetRow] = []
        for number, values in enumerate(lines, start=2):
            if values is None or values.count(None) == len(values) or all(xlsx.blank(v) for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise InvalidInput("error.xl_too_many_rows", max=MAX_ROWS)

            def cell(cid: str, values=values) -> object:
                i = where[cid]
                return values[i] if i < len(values) else None

            rows.append(SheetRow(number, xlsx.as_str(cell("unit")).upper(), xlsx.as_str(cell("item")), xlsx.as_str(cell("occurrence")),
                                 xlsx.as_str(cell("state")), xlsx.as_str(cell("reason")), xlsx.as_str(cell("note")), cell("version")))
    finally:
        wb.close()
    return ParsedWorkbook(campaign_id, xlsx.as_str(meta.get("campaign_name")), xlsx.as_str(meta.get("unit_code")),
                          xlsx.as_str(meta.get("lang")), xlsx.as_str(meta.get("exported_at")), tuple(rows))


def _columns(header: Sequence[object]) -> dict[str, int]:
    """Column id → index, recognising a header in either language (or the column's id), ignoring case."""
    return xlsx.columns(header, COLUMN_IDS, lambda cid, lang: t(f"xl.col.{cid}", lang), LANGUAGES)










def _state_words() -> dict[str, str]:
    """Every way of writing a state that an import accepts (lower case): the workbook's words in both
    languages, the app's status words, and the codes."""
    words = {s: s for s in STATES}
    for s in STATES:
        for lang in LANGUAGES:
            words[xlsx.norm(t(f"xl.state.{s}", lang))] = s
            words[xlsx.norm(t(f"status.{s}", lang))] = s
    words |= {"n/a": "na", "not applicable": "na"}
    return words


# ── Planning and applying ────────────────────────────────────────────────────


@dataclass(frozen=True)
class Step:
    """One change_item call of a row's change."""

    action: str
    text: str = ""


@dataclass(frozen=True)
class RowPlan:
    """What one row of a filled-in workbook does: 'unchanged', 'change' (its steps), or an error
    (outcome: 'unknown-unit', 'unknown-item', 'bad-state', 'na-needs-reason', 'stale', 'out-of-scope',
    'not-allowed', 'closed-campaign', 'duplicate', 'bad-version', 'too-long', 'evidence-required' or
    'refused') with the catalogue key and parameters of its message."""

    row: int
    unit_code: str
    item_key: str
    occurrence: str
    item_text: dict[str, str] = field(default_factory=dict)  # {"zh": …, "en": …}
    current: str | None = None  # the state now (None: unknown)
    new: str | None = None
    note_changed: bool = False
    reason_changed: bool = False
    outcome: str = "unchanged"
    key: str = ""  # message of an error
    params: dict[str, object] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    version: int = 0  # a change: the version the row was downloaded at

    @property
    def error(self) -> bool:
        return self.outcome not in ("unchanged", "change")

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params) if self.key else t(f"xl.outcome.{self.outcome}", lang)

    def change_text(self, lang: str) -> str:
        """'未完成 → 已完成', with a new reason or note said, or just the state when nothing changes."""
        if self.current is None:
            return "-"
        now = t(f"xl.state.{self.current}", lang)
        if self.new is None:
            return now
        text = now if self.new == self.current else f"{now} → {t(f'xl.state.{self.new}', lang)}"
        if self.reason_changed and self.new == self.current:
            text += t("xl.reason_changed", lang)
        if self.note_changed:
            text += f" · {t('xl.note_changed', lang)}"
        return text


class ImportRefused(InvalidInput):
    """An import with rows in error: nothing was written. `plans` says what each row would have done."""

    def __init__(self, plans: list[RowPlan]) -> None:
        bad = [p.row for p in plans if p.error]
        shown = ", ".join(map(str, bad[:20])) + (" …" if len(bad) > 20 else "")
        super().__init__("error.xl_rows_refused", count=len(bad), rows=shown)
        self.plans = plans


def plan_status_import(parsed: ParsedWorkbook, *, session: Session, actor: Actor) -> list[RowPlan]:
    """What each row would do, checked against the database now and the user's grants (read only)."""
    campaign = session.get(Campaign, parsed.campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=parsed.campaign_name or parsed.campaign_id)
    codes = {r.unit_code for r in parsed.rows if r.unit_code}
    units = {u.code: u for u in session.scalars(select(OrgUnit).where(OrgUnit.code.in_(codes)))} if codes else {}
    rights: dict[int, frozenset[str]] = {}
    checklists: dict[int, dict[tuple[str, str], ChecklistRow]] = {}
    words = _state_words()
    seen: dict[tuple[str, str, str], int] = {}
    plans = []
    for r in parsed.rows:
        base = RowPlan(r.row, r.unit_code, r.item_key, r.occurrence)
        unit = units.get(r.unit_code)
        if unit is None:
            plans.append(_error(base, "unknown-unit", unit=r.unit_code or "-"))
            continue
        if unit.id not in rights:
            rights[unit.id] = actions_on(actor, unit.id, session=session)
        may = rights[unit.id]
        if "unit.read" not in may:
            plans.append(_error(base, "out-of-scope", unit=unit.code))
            continue
        if unit.id not in checklists:
            checklists[unit.id] = {(c.key, c.occurrence): c
                                   for c in unit_checklist(campaign.id, unit.id, session=session)}
        current = checklists[unit.id].get((r.item_key, r.occurrence))
        if current is None:
            plans.append(_error(base, "unknown-item", unit=unit.code, item=r.item_key or "-",
                                occurrence=r.occurrence))
            continue
        base = replace(base, item_text={"zh": current.text_zh, "en": current.text_en}, current=current.status)
        key = (unit.code, r.item_key, r.occurrence)
        if key in seen:
            plans.append(_error(base, "duplicate", first=seen[key]))
            continue
        seen[key] = r.row
        plans.append(_plan_row(r, base, current, may, campaign.status, words))
    return plans


def _plan_row(r: SheetRow, base: RowPlan, current: ChecklistRow, may: frozenset[str], campaign_status: str,
              words: dict[str, str]) -> RowPlan:
    new = words.get(xlsx.norm(r.state))
    if new is None:
        return _error(base, "bad-state", value=r.state or "-")
    base = replace(base, new=new)
    # The texts now as the download wrote them (xlsx.cleaned): a row left as downloaded changes nothing.
    current_note, current_reason = (xlsx.as_str(xlsx.cleaned(v or "")) for v in (current.note, current.na_reason))
    note = r.note if r.note and r.note != current_note else ""  # a blank note keeps the note
    reason = r.reason
    if new == "na" and not reason:
        if current.status != "na":
            return _error(base, "na-needs-reason")
        reason = current_reason  # a blank reason keeps the reason
    if len(note) > MAX_TEXT or len(reason) > MAX_TEXT:
        return _error(base, "too-long", max=MAX_TEXT)
    steps: list[Step] = []
    reason_changed = False
    if new != current.status:
        if new == "open":
            steps.append(Step("reopen"))
        elif new == "done":
            # Never a text with the tick: a lead's note must not count as the written reason for ticking
            # without the evidence an item requires (checklists.changes), so a new note is its own step.
            steps.append(Step("done"))
        else:
            steps.append(Step("na", reason))
    elif new == "na" and reason != current_reason:
        steps += [Step("reopen"), Step("na", reason)]  # N/A cannot follow N/A: a new reason reopens first
        reason_changed = True
    if note:
        steps.append(Step("note", note))
    base = replace(base, note_changed=bool(note), reason_changed=reason_changed)
    if not steps:
        return base
    if campaign_status != "open":
        return _error(base, "closed-campaign")
    version = xlsx.as_int(r.version)
    if version is None:
        return _error(base, "bad-version")
    missing = [CHANGE_ACTIONS[s.action] for s in steps if CHANGE_ACTIONS[s.action] not in may]
    if missing:
        return _error(base, "not-allowed", unit=r.unit_code, action=missing[0])
    if version != current.version:
        return _error(base, "stale", who=current.updated_by or "-", when=format_local(current.updated_at),
                      status=current.status)
    return replace(base, outcome="change", steps=tuple(steps), version=version)


CHANGE_ACTIONS = {"done": "item.done", "na": "item.na", "reopen": "item.reopen", "note": "item.note"}


def _error(plan: RowPlan, outcome: str, **params: object) -> RowPlan:
    return replace(plan, outcome=outcome, key=f"xl.err.{outcome.replace('-', '_')}", params=params, steps=())


def apply_status_import(parsed: ParsedWorkbook, *, session: Session, actor: Actor, now: datetime) -> list[RowPlan]:
    """Apply every row's change through change_item, each at the version it was downloaded with, in the
    caller's transaction. All or nothing: if any row is in error — as planned now, or refused by
    change_item (e.g. evidence an item requires) — ImportRefused lists them and nothing is written."""
    plans = _run(parsed, session=session, actor=actor, now=now, keep=True)
    if any(p.error for p in plans):
        raise ImportRefused(plans)
    return plans


def try_status_import(parsed: ParsedWorkbook, *, session: Session, actor: Actor, now: datetime) -> list[RowPlan]:
    """The preview and the dry run: run the import and roll it back, whatever happens. Each row's plan
    says what it would do, with the refusals change_item itself would give; nothing is written."""
    return _run(parsed, session=session, actor=actor, now=now, keep=False)


def _run(parsed: ParsedWorkbook, *, session: Session, actor: Actor, now: datetime, keep: bool) -> list[RowPlan]:
    """Plan, then apply the rows that change, each in a savepoint of its own (a refused row is undone and
    reported, the others go on, so every error is found at once), all inside one savepoint kept only
    when `keep` and no row is in error."""
    plans = plan_status_import(parsed, session=session, actor=actor)
    if any(p.error for p in plans) and keep:
        return plans
    changing = [p for p in plans if p.outcome == "change"]
    unit_ids = dict(session.execute(select(OrgUnit.code, OrgUnit.id).where(
        OrgUnit.code.in_({p.unit_code for p in changing}))).all()) if changing else {}
    item_ids: dict[int, dict[tuple[str, str], int]] = {}
    outer = session.begin_nested()
    try:
        done: list[RowPlan] = []
        for plan in plans:
            if plan.outcome != "change":
                done.append(plan)
                continue
            unit_id = unit_ids[plan.unit_code]
            if unit_id not in item_ids:
                item_ids[unit_id] = {(c.key, c.occurrence): c.item_id
                                     for c in unit_checklist(parsed.campaign_id, unit_id, session=session)}
            item_id = item_ids[unit_id][(plan.item_key, plan.occurrence)]
            version = plan.version
            row = session.begin_nested()
            try:
                for step in plan.steps:
                    version = change_item(parsed.campaign_id, unit_id, item_id, step.action,
                                          expected_version=version, text=step.text, occurrence=plan.occurrence,
                                          session=session, actor=actor, now=now).version
            except DomainError as exc:
                row.rollback()
                done.append(replace(plan, outcome=_outcome_of(exc), key=exc.code, params=exc.params, steps=()))
                continue
            row.commit()
            done.append(plan)
    except BaseException:
        outer.rollback()
        raise
    if keep and not any(p.error for p in done):
        outer.commit()
    else:
        outer.rollback()
    return done


def _outcome_of(exc: DomainError) -> str:
    if isinstance(exc, StaleWrite):
        return "stale"
    if isinstance(exc, Forbidden):
        return "not-allowed"
    if exc.code == "error.campaign_closed":
        return "closed-campaign"
    if "evidence" in exc.code:
        return "evidence-required"
    return "refused"


def counts(plans: Iterable[RowPlan]) -> dict[str, int]:
    """How many rows change, stay unchanged, are in error."""
    plans = list(plans)
    return {"rows": len(plans), "changes": sum(p.outcome == "change" for p in plans),
            "unchanged": sum(p.outcome == "unchanged" for p in plans), "errors": sum(p.error for p in plans)}
