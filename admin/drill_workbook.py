"""The drill plan as an .xlsx workbook, and a plan drafted in a spreadsheet back in as new drills.

`export_drills` writes one row per drill (type, form, title, local start and end as Excel date-times,
location, lead and participating unit codes, coordinator and evaluators by username, unannounced,
status) with a hidden meta sheet; `drill_plan_template` is the same workbook with no rows, to fill in.
`read_drill_plan` reads such a workbook (or a hand-made one whose header row names the columns, in
Chinese or English); `import_drill_plan` checks every row and plans it through
drills.planning.plan_drill in a savepoint of its own, in file order, so a later row is checked
against the earlier rows of the same file. Every row's outcome carries its rule codes (errors and
warnings); any error refuses the whole file, and a dry run always rolls back.

Only new drills are imported: a row whose id names a drill already in the database is an error
(`already-planned`), so importing an exported plan again duplicates nothing; clear the id column to
plan such a row again as a new drill. Rows whose status says cancelled are skipped. The status and
type-name columns are for reading only.

Text written into cells is never a formula (see admin.xlsx.text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin import xlsx
from core.clock import format_local, local_zone, to_local
from core.errors import DomainError, Forbidden, InvalidInput
from core.i18n import LANGUAGES, t
from drills.planning import MAX_TITLE, DrillDraft, DrillRefused, DrillView, list_drills, plan_drill
from drills.schedule import Finding, message_key
from org.models import Actor
from store.schema import Campaign, Drill, DrillType, OrgUnit, User

FORMAT = "peakready-drills"
FORMAT_VERSION = 1
META_SHEET = "meta"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 1000
FORMS = ("tabletop", "functional", "full_scale")
MAX_LOCATION = 500
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a drill of a plan may fall in
TEMPLATE_ROWS = 200  # rows of an empty plan that offer the drop-down lists

# The columns, in order: (id, width, read back). The id, type name and status are for reference only
# (the id only says a row is a drill already planned).
COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("id", 8, True), ("type", 18, True), ("type_name", 22, False), ("form", 14, True), ("title", 36, True),
    ("start", 17, True), ("end", 17, True), ("location", 24, True), ("lead", 12, True), ("units", 24, True),
    ("coordinator", 14, True), ("evaluators", 20, True), ("unannounced", 10, True), ("status", 10, False),
)
COLUMN_IDS = tuple(c for c, _, _ in COLUMNS)
NEEDED = ("type", "form", "title", "start", "end", "lead")
_DATETIME = "yyyy-mm-dd hh:mm"
_LIST_SEPARATORS = re.compile(r"[、,，;；\s]+")
_YES = {"是", "y", "yes", "true", "1", "√", "✓", "x"}
_NO = {"否", "n", "no", "false", "0", ""}
# A few shorter ways people write a form, besides the catalogue's words in both languages and the keys.
_FORM_ALIASES = {"桌面": "tabletop", "桌面演练": "tabletop", "功能演练": "functional", "功能": "functional",
                 "指挥部演练": "functional", "实战": "full_scale", "实战演练": "full_scale", "全面演练": "full_scale",
                 "full scale": "full_scale", "full-scale": "full_scale", "live": "full_scale"}


# ── Writing ──────────────────────────────────────────────────────────────────


def export_drills(views: Iterable[DrillView], *, lang: str, now: datetime | None,
                  usernames: Mapping[int, str] | None = None, campaign_name: str = "") -> bytes:
    """The drills as an .xlsx plan in `lang`, one row per drill. People are written by username
    (`usernames`: user id → username, see `drill_usernames`); without it, by display name, which an
    import cannot read back."""
    if lang not in LANGUAGES:
        raise InvalidInput("error.invalid_input")
    views = list(views)
    names = dict(usernames or {})
    wb = Workbook()
    ws = wb.active
    ws.title = t("dxl.sheet", lang)
    xlsx.header(ws, [(cid, width) for cid, width, _ in COLUMNS], lambda cid: t(f"dxl.col.{cid}", lang))
    for r, view in enumerate(views, start=2):
        values = _row_values(view, lang, names)
        for col, (cid, _, read_back) in enumerate(COLUMNS, start=1):
            cell = ws.cell(r, col)
            value = values[cid]
            xlsx.value(cell, value)
            if isinstance(value, datetime):
                cell.number_format = _DATETIME
            if not read_back:
                cell.fill = xlsx.GREY
            cell.alignment = Alignment(wrap_text=cid in ("title", "location"), vertical="top")
    last = len(views) + 1
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    # Drop-down lists for the columns with fixed words, over the rows written and room for more.
    end = max(last, 1) + TEMPLATE_ROWS
    _choices(ws, "form", [t(f"dt.form.{f}", lang) for f in FORMS], end, lang)
    _choices(ws, "unannounced", [t("dxl.yes", lang), t("dxl.no", lang)], end, lang)

    xlsx.meta_sheet(wb, (("format", FORMAT), ("format_version", FORMAT_VERSION), ("lang", lang),
                         ("campaign_name", campaign_name), ("exported_at", format_local(now)), ("rows", len(views))))
    return xlsx.saved(wb)


def drill_plan_template(lang: str, *, now: datetime | None = None) -> bytes:
    """An empty plan with the headers in `lang`: the workbook to fill in for an import."""
    return export_drills([], lang=lang, now=now)


def drill_usernames(views: Iterable[DrillView], *, session: Session) -> dict[int, str]:
    """User id → username of every coordinator and evaluator of these drills (what the plan names them by)."""
    ids = set()
    for v in views:
        ids.add(v.coordinator_id)
        ids |= v.ids_in("evaluator")
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def export_drill_plan(*, session: Session, actor: Actor | None, campaign_id: int | None = None,
                      unit_id: int | None = None, lang: str, now: datetime) -> tuple[bytes, list[DrillView]]:
    """The drills a user may see (of a campaign, of a unit) as an .xlsx plan, and the drills written."""
    views = list_drills(session=session, actor=actor, campaign_id=campaign_id, unit_id=unit_id)
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    data = export_drills(views, lang=lang, now=now, usernames=drill_usernames(views, session=session),
                         campaign_name=campaign.name if campaign else "")
    return data, views


def _row_values(view: DrillView, lang: str, usernames: Mapping[int, str]) -> dict[str, object]:
    names = {uid: name for uid, name, _ in view.people} | {view.coordinator_id: view.coordinator_name}

    def who(uid: int) -> str:
        return usernames.get(uid) or names.get(uid, f"#{uid}")

    joiner = "、" if lang == "zh" else ", "
    return {
        "id": view.id,
        "type": view.type_key,
        "type_name": view.type_name_zh if lang == "zh" else view.type_name_en,
        "form": t(f"dt.form.{view.form}", lang),
        "title": view.title,
        "start": to_local(view.starts_at).replace(tzinfo=None),
        "end": to_local(view.ends_at).replace(tzinfo=None),
        "location": view.location,
        "lead": view.lead_unit_code,
        "units": joiner.join(view.unit_codes),
        "coordinator": who(view.coordinator_id),
        "evaluators": joiner.join(sorted(who(uid) for uid in view.ids_in("evaluator"))),
        "unannounced": t("dxl.yes" if view.unannounced else "dxl.no", lang),
        "status": t(f"drl.status.{view.status}", lang),
    }


def _choices(ws, cid: str, words: Sequence[str], end: int, lang: str) -> None:
    letter = get_column_letter(COLUMN_IDS.index(cid) + 1)
    # A warning, not a stop: the import also takes the keys, the other language and short forms.
    check = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                           showErrorMessage=True, showInputMessage=True, errorStyle="warning")
    check.promptTitle, check.prompt = t(f"dxl.col.{cid}", lang), t(f"dxl.help.{cid}", lang)
    check.errorTitle, check.error = t(f"dxl.col.{cid}", lang), t(f"dxl.help.{cid}", lang)
    ws.add_data_validation(check)
    check.add(f"{letter}2:{letter}{end}")


def drill_plan_file_name(campaign_name: str) -> str:
    """peakready-drills-<campaign>.xlsx, without characters a file system refuses."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "-", campaign_name).strip("-.") or "plan"
    return f"peakready-drills-{safe}.xlsx"


# ── Reading ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class PlanRow:
    """One data row of a plan workbook, as typed (text trimmed; times and flags as the cells hold them)."""

    row: int  # the sheet's row number (the header is row 1)
    drill_id: object = None
    type: str = ""
    type_name: str = ""
    form: str = ""
    title: str = ""
    start: object = None
    end: object = None
    location: str = ""
    lead: str = ""
    units: str = ""
    coordinator: str = ""
    evaluators: str = ""
    unannounced: object = None
    status: str = ""


def read_drill_plan(data: bytes) -> tuple[PlanRow, ...]:
    """The rows of a plan workbook (InvalidInput if it is not one: not an xlsx, too big, another
    PeakReady workbook or format version, no sheet with the needed columns, too many rows). A workbook
    without the meta sheet is read too, when its header names the columns (a plan drafted by hand).

    A text column holding a formula is read as the formula's text, never as what it computes (so
    '=HYPERLINK(…)' typed as a title stays that text); times and flags are read as computed."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("error.xl_too_big", max_mb=MAX_BYTES // (1024 * 1024))
    wb, typed = xlsx.open_book(data, data_only=True), xlsx.open_book(data, data_only=False)
    try:
        lang = "zh"
        if META_SHEET in wb.sheetnames:
            meta = {str(v[0]).strip(): v[1] if len(v) > 1 else None
                    for v in xlsx.sheet_rows(wb[META_SHEET], max_col=2) if v and v[0] is not None}
            if meta.get("format") != FORMAT:
                raise InvalidInput("dxl.not_a_plan", format=xlsx.as_str(meta.get("format")) or "-")
            if xlsx.as_int(meta.get("format_version")) != FORMAT_VERSION:
                raise InvalidInput("error.xl_format_version", found=meta.get("format_version"),
                                   expected=FORMAT_VERSION)
            lang = xlsx.as_str(meta.get("lang")) if xlsx.as_str(meta.get("lang")) in LANGUAGES else "zh"
        named = [t("dxl.sheet", x) for x in LANGUAGES]
        titles = [n for n in wb.sheetnames if n in named] or [n for n in wb.sheetnames if n != META_SHEET][:1]
        if not titles:
            raise InvalidInput("dxl.no_plan_sheet")
        lines = zip(xlsx.sheet_rows(wb[titles[0]], values_only=False),
                    xlsx.sheet_rows(typed[titles[0]], values_only=False), strict=False)
        header, _ = next(lines, ((), ()))
        where = _columns([c.value for c in header])
        missing = [c for c in NEEDED if c not in where]
        if missing:
            raise InvalidInput("error.xl_missing_columns",
                               columns=", ".join(t(f"dxl.col.{c}", lang) for c in missing))
        rows: list[PlanRow] = []
        for number, (cells, formulas) in enumerate(lines, start=2):
            if all(c is EMPTY_CELL for c in cells):  # a row the sheet skips (cheap: there may be a million)
                continue
            values = {cid: _value(cells[i] if i < len(cells) else None, formulas[i] if i < len(formulas) else None,
                                  text=cid not in _NOT_TEXT)
                      for cid, i in where.items()}
            if all(xlsx.blank(v) for v in values.values()):
                continue
            if len(rows) >= MAX_ROWS:
                raise InvalidInput("error.xl_too_many_rows", max=MAX_ROWS)
            text = {cid: xlsx.as_str(values.get(cid)) for cid in COLUMN_IDS if cid not in _NOT_TEXT}
            rows.append(PlanRow(row=number, drill_id=values.get("id"), start=values.get("start"),
                                end=values.get("end"), unannounced=values.get("unannounced"),
                                **text | {"lead": text["lead"].upper()}))
    finally:
        wb.close()
        typed.close()
    return tuple(rows)


_NOT_TEXT = ("id", "start", "end", "unannounced")



def _value(cell: object, formula: object, *, text: bool) -> object:
    """A cell's value: in a text column a formula's own text; a date-time shown as a date alone (a day
    typed without a time) is a date."""
    if text and getattr(formula, "data_type", None) == "f" and isinstance(getattr(formula, "value", None), str):
        return formula.value
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", None) or ""
    if isinstance(value, datetime) and value.time() == datetime.min.time() and getattr(cell, "is_date", False) \
            and "h" not in number_format.lower():
        return value.date()
    return value


def _columns(header: Sequence[object]) -> dict[str, int]:
    """Column id → index, recognising a header in either language (or the column's id), ignoring case."""
    return xlsx.columns(header, COLUMN_IDS, lambda cid, lang: t(f"dxl.col.{cid}", lang), LANGUAGES)


# ── Checking and planning ────────────────────────────────────────────────────


@dataclass(frozen=True)
class Issue:
    """One rule a row breaks, or a warning it is planned with: a stable code, its severity, and the
    catalogue key and parameters of its message."""

    code: str
    severity: Literal["error", "warning"]
    key: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)
    other_row: int | None = None  # a clash with the drill an earlier row of the same file planned

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def message(self, lang: str) -> str:
        text = t(self.key, lang, **dict(self.params))
        if self.other_row is None:
            return text
        return text.rstrip("。.") + t("dxl.other_row", lang, row=self.other_row)

    @classmethod
    def of(cls, finding: Finding, rows: Mapping[int, int]) -> Issue:
        """A clash rule's finding; one with a drill an earlier row planned names that row."""
        other = finding.params.get("drill_id")
        return cls(finding.code, finding.severity, message_key(finding.code), dict(finding.params),
                   rows.get(other) if isinstance(other, int) else None)


def _error(code: str, **params: object) -> Issue:
    return Issue(code, "error", f"dxl.err.{code.replace('-', '_')}", params)


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: 'planned' (written, with its drill id), 'ok' (would be planned: a dry
    run, or a file refused for another row), 'skipped' (a cancelled drill) or 'error'; its issues
    (errors and warnings) by rule code."""

    row: int
    title: str
    starts_at: datetime | None
    outcome: Literal["planned", "ok", "skipped", "error"]
    issues: tuple[Issue, ...] = ()
    drill_id: int | None = None

    @property
    def error(self) -> bool:
        return self.outcome == "error"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.issues)


class _Lookups:
    """Drill types, active units and active people, read once for the whole file."""

    def __init__(self, rows: Sequence[PlanRow], session: Session) -> None:
        self.types = {d.key: d for d in session.scalars(select(DrillType))}
        self.type_names = {xlsx.norm(n): d.key for d in self.types.values() for n in (d.name_zh, d.name_en)}
        self.units = dict(session.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.is_active)).all())
        users = session.execute(select(User.username, User.id).where(User.is_active)).all()
        self.people = dict(users)
        folded: dict[str, list[int]] = {}
        for name, uid in users:
            folded.setdefault(name.lower(), []).append(uid)
        self.people_folded = {k: v[0] for k, v in folded.items() if len(v) == 1}
        ids = {i for i in (xlsx.as_id(r.drill_id) for r in rows) if i is not None}
        self.existing = {d.id: d for d in session.scalars(select(Drill).where(Drill.id.in_(ids)))} if ids else {}
        self.forms = {f: f for f in FORMS} | _FORM_ALIASES
        for f in FORMS:
            for lang in LANGUAGES:
                self.forms[xlsx.norm(t(f"dt.form.{f}", lang))] = f
        self.cancelled = {xlsx.norm(t("drl.status.cancelled", lang)) for lang in LANGUAGES} | {"cancelled"}

    def person(self, name: str) -> int | None:
        return self.people.get(name) or self.people_folded.get(name.lower())


def _parse(r: PlanRow, campaign_id: int, look: _Lookups, seen_ids: dict[int, int] | None) -> DrillDraft | list[Issue]:
    """The row as a draft, or every problem found in it (`seen_ids` None: the id column is ignored)."""
    issues: list[Issue] = []
    if seen_ids is not None and r.drill_id not in (None, ""):
        drill_id = xlsx.as_id(r.drill_id)
        if drill_id is None:
            issues.append(_error("bad-id", value=xlsx.as_str(r.drill_id)))
        elif drill_id in look.existing:
            d = look.existing[drill_id]
            issues.append(_error("already-planned", id=drill_id, title=d.title, start=format_local(d.starts_at)))
        elif drill_id in seen_ids:
            issues.append(_error("duplicate-id", id=drill_id, first=seen_ids[drill_id]))
        else:
            seen_ids[drill_id] = r.row
    type_key = r.type if r.type in look.types else look.type_names.get(xlsx.norm(r.type or r.type_name))
    drill_type = look.types.get(type_key or "")
    if drill_type is None:
        issues.append(_error("unknown-type", type=r.type or r.type_name or "-"))
    form = look.forms.get(xlsx.norm(r.form))
    if form is None:
        issues.append(_error("bad-form", form=r.form or "-"))
    elif drill_type is not None and form not in drill_type.forms:
        issues.append(_error("form-not-allowed", form=form, type=drill_type.key,
                             forms="/".join(drill_type.forms)))
    if not r.title:
        issues.append(_error("missing-title"))
    elif len(r.title) > MAX_TITLE:
        issues.append(_error("title-too-long", max=MAX_TITLE))
    if len(r.location) > MAX_LOCATION:
        issues.append(_error("location-too-long", max=MAX_LOCATION))
    start, end = _moment(r.start), _moment(r.end)
    for which, moment, typed in (("start", start, r.start), ("end", end, r.end)):
        if moment is None:
            far = _typed_moment(typed) is not None  # a time, but not in a year a drill can be planned in
            issues.append(Issue("bad-time", "error", f"dxl.err.{'far' if far else 'bad'}_{which}",
                                {"value": _shown(typed), "first": FIRST_YEAR, "last": LAST_YEAR}))
    if start is not None and end is not None and end <= start:
        issues.append(Issue("invalid-time", "error", "drl.invalid_time",
                            {"start": format_local(start), "end": format_local(end)}))
    lead = look.units.get(r.lead)
    if lead is None:
        issues.append(_error("unknown-unit", unit=r.lead or "-"))
    unit_ids = set()
    for code in _items(r.units):
        if code.upper() == r.lead:
            continue  # the lead takes part anyway (said once if unknown)
        uid = look.units.get(code.upper())
        if uid is None:
            issues.append(_error("unknown-unit", unit=code))
        else:
            unit_ids.add(uid)
    coordinator = None
    if r.coordinator:
        coordinator = look.person(r.coordinator)
        if coordinator is None:
            issues.append(_error("unknown-person", person=r.coordinator))
    evaluators = set()
    for name in _items(r.evaluators):
        uid = look.person(name)
        if uid is None:
            issues.append(_error("unknown-person", person=name))
        else:
            evaluators.add(uid)
    unannounced = _flag(r.unannounced)
    if unannounced is None:
        issues.append(_error("bad-flag", value=_shown(r.unannounced)))
    elif unannounced and drill_type is not None and not drill_type.unannounced_allowed:
        issues.append(_error("unannounced-not-allowed", type=drill_type.key))
    if issues:
        return issues
    try:
        return DrillDraft(type_key=type_key, form=form, title=r.title, starts_at=start, ends_at=end,
                          lead_unit_id=lead, unit_ids=frozenset(unit_ids), coordinator_id=coordinator,
                          evaluator_ids=frozenset(evaluators), unannounced=bool(unannounced), location=r.location,
                          campaign_id=campaign_id)
    except ValidationError as exc:  # the checks above cover the model's rules; this is the safety net
        return [_error("refused", reason=str(exc.errors()[0].get("msg", "")))]


def _items(text: str) -> list[str]:
    return [part for part in _LIST_SEPARATORS.split(text or "") if part]


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(value)
    word = xlsx.norm(xlsx.as_str(value))
    if word in _YES or word in {xlsx.norm(t("dxl.yes", lang)) for lang in LANGUAGES}:
        return True
    if word in _NO or word in {xlsx.norm(t("dxl.no", lang)) for lang in LANGUAGES}:
        return False
    return None


def _moment(value: object) -> datetime | None:
    """A cell's time as an aware instant: an Excel date-time (local wall-clock time), a serial number,
    or text such as '2027-05-12 09:00' or '2027/5/12 9:00' (local unless it carries an offset).
    A date alone has no time of day and is not one, nor a time outside the years FIRST_YEAR … LAST_YEAR
    (a drill is planned in them; at the ends of the calendar a time cannot even be moved to UTC)."""
    moment = _typed_moment(value)
    if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment


def _typed_moment(value: object) -> datetime | None:
    """The date and time a cell holds, as typed (naive unless the text gives an offset), whatever its year."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466 or float(value).is_integer():  # a whole number is a date, not a time
            return None
        moment = from_excel(value)
        if not isinstance(moment, datetime):
            return None
    elif isinstance(value, str):
        moment = _parse_text(value.strip())
        if moment is None:
            return None
    else:
        return None
    return moment


_TEXT_TIME = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]+(\d{1,2})[:：时](\d{2})分?(?::(\d{2}))?$")


def _parse_text(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None:
        return moment if ("T" in text or " " in text) else None  # a bare date is not a time
    match = _TEXT_TIME.match(text)
    if not match:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None


def _shown(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return xlsx.as_str(value) or "-"


def import_drill_plan(rows: Sequence[PlanRow], *, campaign_id: int, session: Session, actor: Actor | None,
                      now: datetime, dry_run: bool = False, ignore_ids: bool = False,
                      peak_window_is_error: bool = False) -> list[RowOutcome]:
    """Plan every row as a new drill of the campaign through plan_drill, in file order (each in a
    savepoint, so later rows are checked against earlier ones and every error is found at once), all
    inside one savepoint kept only when no row is in error and it is not a dry run. The actor's grants
    apply (drill.plan on every unit of a row). Returns each row's outcome with its rule codes.

    A row whose id names a drill in this database is an error (`already-planned`): ids are this
    database's, so a plan exported from another one may name drills here that are not its own;
    `ignore_ids` plans every row as new whatever its id says."""
    if session.get(Campaign, campaign_id) is None:
        raise InvalidInput("drl.unknown_campaign", campaign=campaign_id)
    look = _Lookups([] if ignore_ids else rows, session)
    seen_ids: dict[int, int] | None = None if ignore_ids else {}
    drafts: list[tuple[PlanRow, DrillDraft | list[Issue] | None]] = []
    for r in rows:
        if xlsx.norm(r.status) in look.cancelled:
            drafts.append((r, None))
        else:
            drafts.append((r, _parse(r, campaign_id, look, seen_ids)))
    outcomes: list[RowOutcome] = []
    row_of_drill: dict[int, int] = {}
    outer = session.begin_nested()
    try:
        for r, parsed in drafts:
            start = _moment(r.start)
            if parsed is None:
                outcomes.append(RowOutcome(r.row, r.title, start, "skipped"))
                continue
            if isinstance(parsed, list):
                outcomes.append(RowOutcome(r.row, r.title, start, "error", tuple(parsed)))
                continue
            point = session.begin_nested()
            try:
                saved = plan_drill(parsed, session=session, actor=actor, now=now,
                                   peak_window_is_error=peak_window_is_error)
            except DrillRefused as exc:
                point.rollback()
                issues = tuple(Issue.of(f, row_of_drill) for f in exc.findings)
                outcomes.append(RowOutcome(r.row, r.title, start, "error", issues))
                continue
            except DomainError as exc:  # e.g. Forbidden: a unit outside the user's scope
                point.rollback()
                outcomes.append(RowOutcome(r.row, r.title, start, "error",
                                           (Issue(_code_of(exc), "error", exc.code, exc.params),)))
                continue
            point.commit()
            row_of_drill[saved.drill_id] = r.row
            outcomes.append(RowOutcome(r.row, r.title, start, "planned",
                                       tuple(Issue.of(f, row_of_drill) for f in saved.warnings), saved.drill_id))
    except BaseException:
        outer.rollback()
        raise
    if dry_run or any(o.error for o in outcomes):
        outer.rollback()
        return [o if o.outcome != "planned" else RowOutcome(o.row, o.title, o.starts_at, "ok", o.issues)
                for o in outcomes]
    outer.commit()
    return outcomes


def _code_of(exc: DomainError) -> str:
    """A rule-like code for a refusal of the planning service: 'out-of-scope' for a unit the user may not
    plan for, else the message key's last part ('drl.too_long' → 'too-long')."""
    if isinstance(exc, Forbidden):
        return "out-of-scope"
    return exc.code.rpartition(".")[2].replace("_", "-") or "refused"


def plan_counts(outcomes: Iterable[RowOutcome]) -> dict[str, int]:
    """How many rows were (or would be) planned, skipped, in error, and how many carry warnings."""
    outcomes = list(outcomes)
    return {"rows": len(outcomes), "planned": sum(o.outcome in ("planned", "ok") for o in outcomes),
            "skipped": sum(o.outcome == "skipped" for o in outcomes),
            "warnings": sum(any(not i.is_error for i in o.issues) for o in outcomes if not o.error),
            "errors": sum(o.error for o in outcomes)}
