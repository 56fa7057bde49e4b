"""Importing units and users from a table: an .xlsx workbook (its first sheet) or a .csv file (UTF-8 with or
without a byte-order mark, or GB18030 as Chinese Excel saves it), one row per unit or user under a
header row. All or nothing: every row is checked first and every row in error is reported at once
(RowErrors, "第 n 行：…"); only a file without errors is written, in the caller's transaction.

Units: columns code, parent_code, name_zh, name_en, kind, function (or their Chinese headers). A
parent_code names a unit of the file or one already in the organisation; a row without one is a
top-level entry of the file, like the top of a YAML import: a unit already in the tree keeps its
parent (or goes under `parent_code` when the command names one), a new one starts a tree.

Users: columns username, display_name, password, roles. An empty password gets a random one-time
password (returned, to be shown once); every imported account must change its password at the first
sign-in, since its password passed through a file. Roles: "unit_lead@C01-K01; executive" (role@unit
code, or a role on the whole organisation). A user that already exists is refused: an import only
creates accounts (grants of existing users are changed on the admin page).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Generator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from openpyxl import load_workbook
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin import xlsx
from content.models import DISCIPLINES, UNIT_KIND_NAMES, UnitSpec
from core.errors import InvalidInput, problem_in
from core.fields import CJK, NOT_TEXT
from core.i18n import LANGUAGES, t
from org.accounts import check_password_policy, create_user
from org.models import Actor
from org.people import temporary_password
from org.units import MAX_DEPTH, MAX_NAME, UNIT_CODE, ImportResult, import_units
from store.schema import ROLES, OrgUnit, User

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_CELL = 10_000  # characters in one cell (a name has at most org.units.MAX_NAME)
SNIFF_CHARS = 2000
UNIT_COLUMNS = ("code", "parent_code", "name_zh", "name_en", "kind", "function")
USER_COLUMNS = ("username", "display_name", "password", "roles")
TABLE_SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class TableRow:
    number: int  # the row in the sheet or file (the header is row 1)
    values: dict[str, str]  # normalised header → trimmed text


@dataclass(frozen=True)
class RowProblem:
    row: int
    key: str
    params: dict[str, object]

    def message(self, lang: str) -> str:
        return t("imp.row_error", lang, row=self.row, problem=t(self.key, lang, **self.params))


class RowErrors(InvalidInput):
    """Rows of an import in error; nothing was written. `problems` holds each, in file order."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("error.imp_rows", count=len({p.row for p in problems}))
        self.problems = sorted(problems, key=lambda p: p.row)


# ── Reading a table ──────────────────────────────────────────────────────────


def read_rows(file_name: str, data: bytes) -> list[TableRow]:
    """The data rows of an .xlsx (first sheet) or .csv file under its header row; blank rows are skipped.
    InvalidInput for a file that is not such a table, or has too many rows, a cell longer than MAX_CELL or
    a character no text may hold (core.fields.NOT_TEXT: a control character such as NUL)."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InvalidInput("error.imp_file_kind", file=file_name)
    if len(data) > MAX_BYTES:
        raise InvalidInput("error.xl_too_big", max_mb=MAX_BYTES // (1024 * 1024))
    lines = _xlsx_lines(file_name, data) if suffix == ".xlsx" else _csv_lines(data)
    try:
        first = next(lines, [])
        header = [_header(v) for v in first]
        _check_cells(1, first, [str(i + 1) for i in range(len(first))])
        rows = []
        for number, values in enumerate(lines, start=2):
            if values.count(None) == len(values):  # a row the sheet skips (cheap: there may be a million)
                continue
            texts = [_cell(v) for v in values]
            if not any(texts):
                continue
            if len(rows) >= MAX_ROWS:
                raise InvalidInput("error.xl_too_many_rows", max=MAX_ROWS)
            _check_cells(number, texts, header)
            rows.append(TableRow(number, {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(header)
                                          if h}))
    finally:
        lines.close()
    return rows


def _check_cells(number: int, texts: list, header: list[str]) -> None:
    for i, value in enumerate(texts):
        value = _cell(value)
        column = (header[i] if i < len(header) else "") or str(i + 1)
        if len(value) > MAX_CELL:
            raise InvalidInput("error.imp_cell_too_long", row=number, column=column, max=MAX_CELL)
        if NOT_TEXT.search(value):
            raise InvalidInput("error.imp_bad_character", row=number, column=column)


def _xlsx_lines(file_name: str, data: bytes) -> Generator[list[object], None, None]:
    def unreadable(exc: Exception) -> InvalidInput:
        return InvalidInput("error.imp_not_readable", file=file_name, reason=type(exc).__name__)

    xlsx.check_unpacked(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile's, the XML parser's and openpyxl's own kinds for a damaged or foreign file
        raise unreadable(exc) from exc
    try:
        if wb.worksheets:
            for values in xlsx.sheet_rows(wb.worksheets[0], refuse=unreadable):
                yield list(values)
    finally:
        wb.close()


def _csv_lines(data: bytes) -> Generator[list[str], None, None]:
    try:
        text = data.decode("utf-8-sig")  # with or without a byte-order mark
    except UnicodeDecodeError:  # what Chinese Excel saves as "CSV" (behind a stray byte-order mark, too)
        text = data.removeprefix(b"\xef\xbb\xbf").decode("gb18030", errors="replace")
    # The header line alone tells the delimiter; the sniffer takes quadratic time on a long line.
    first = text.split("\n", 1)[0][:SNIFF_CHARS]
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:  # a field longer than the csv module's limit (128 KiB), or a malformed line
        raise InvalidInput("error.imp_csv_unreadable", row=reader.line_num, max=MAX_CELL) from exc


def _header(value: object) -> str:
    return re.sub(r"[\s\-]+", "_", _cell(value).lower())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _columns(rows: list[TableRow], columns: tuple[str, ...], required: tuple[str, ...]) -> list[dict[str, str]]:
    """Each row's values by column id, whatever language the header is in; InvalidInput naming the
    required columns the file lacks."""
    if not rows:
        raise InvalidInput("error.imp_no_rows")
    alias = {_header(t(f"imp.col.{c}", lang)): c for c in columns for lang in LANGUAGES} | {c: c for c in columns}
    present = {alias[h] for h in rows[0].values if h in alias}
    missing = [c for c in required if c not in present]
    if missing:
        raise InvalidInput("error.imp_missing_columns", columns=", ".join(missing))
    return [{alias[h]: v for h, v in r.values.items() if h in alias} for r in rows]


# ── Units ────────────────────────────────────────────────────────────────────


def import_unit_table(file_name: str, data: bytes, *, session: Session, parent_code: str | None = None,
                      actor: Actor | None = None, now: datetime | None = None) -> ImportResult:
    """Create or update the units of a table (see the module's docstring) through org.units.import_units."""
    groups = unit_groups(read_rows(file_name, data), session=session)
    created = updated = 0
    moved: list = []
    for parent, specs in groups:
        result = import_units(specs, session=session, parent_code=parent or parent_code, actor=actor, now=now)
        created, updated, moved = created + result.created, updated + result.updated, [*moved, *result.moved]
    return ImportResult(created, updated, tuple(moved))


def unit_groups(rows: list[TableRow], *, session: Session) -> list[tuple[str | None, list[UnitSpec]]]:
    """The table's units as trees, grouped by the existing unit they hang under (None: the file's top
    level); RowErrors for every row in error."""
    values = _columns(rows, UNIT_COLUMNS, ("code", "name_zh", "name_en", "kind"))
    problems: list[RowProblem] = []
    first: dict[str, int] = {}
    good: dict[str, tuple[TableRow, dict[str, str]]] = {}
    parent_of: dict[str, str] = {}
    for row, v in zip(rows, values, strict=True):
        code = v.get("code", "").upper()
        problem = _unit_problem(code, v)
        if problem is None and code in first:
            problem = ("imp.err.duplicate", {"value": code, "first": first[code]})
        if problem is not None:
            problems.append(RowProblem(row.number, *problem))
            continue
        first[code] = row.number
        good[code] = (row, v)
        parent_of[code] = v.get("parent_code", "").upper()
    outside = {p for p in parent_of.values() if p and p not in first}
    existing = set(session.scalars(select(OrgUnit.code).where(OrgUnit.code.in_(outside)))) if outside else set()
    for code, parent in parent_of.items():
        if parent and parent not in first and parent not in existing:
            problems.append(RowProblem(good[code][0].number, "imp.err.unknown_parent", {"parent": parent}))
    depth: dict[str, int] = {}  # levels within the file (a top-level entry: 1)
    for code in parent_of:
        path, seen, at = [code], {code}, parent_of[code]
        while at in parent_of and at not in seen and at not in depth:
            path.append(at)
            seen.add(at)
            at = parent_of[at]
        if at == code:
            problems.append(RowProblem(good[code][0].number, "imp.err.cycle", {"unit": code}))
        if at in seen:  # a loop (reported for each unit on it)
            continue
        below = depth.get(at, 0)
        for unit in reversed(path):
            below += 1
            depth[unit] = below
        if depth[code] > MAX_DEPTH:
            problems.append(RowProblem(good[code][0].number, "imp.err.too_deep", {"unit": code, "max": MAX_DEPTH}))
    if problems:
        raise RowErrors(problems)

    children: dict[str, list[str]] = {}
    for code, parent in parent_of.items():
        if parent in parent_of:
            children.setdefault(parent, []).append(code)

    def spec(code: str) -> UnitSpec:
        _, v = good[code]
        return UnitSpec(code=code, name_zh=v["name_zh"], name_en=v["name_en"], kind=v["kind"],
                        function=v.get("function") or None, children=[spec(c) for c in children.get(code, [])])

    groups: dict[str | None, list[UnitSpec]] = {}
    for code, parent in parent_of.items():
        if parent not in parent_of:
            groups.setdefault(parent or None, []).append(spec(code))
    return sorted(groups.items(), key=lambda g: g[0] is not None)


def _unit_problem(code: str, v: dict[str, str]) -> tuple[str, dict[str, object]] | None:
    for column in ("code", "name_zh", "name_en", "kind"):
        if not v.get(column):
            return "imp.err.missing", {"column": column}
    function = v.get("function") or None
    if not UNIT_CODE.match(code):
        return "error.unit_code_format", {"code": code}
    if not CJK.search(v["name_zh"]):
        return "error.unit_name_zh", {}
    if len(v["name_zh"]) > MAX_NAME or len(v["name_en"]) > MAX_NAME:
        return "error.unit_name_too_long", {"max": MAX_NAME}
    if v["kind"] not in UNIT_KIND_NAMES:
        return "error.unit_kind", {"kind": v["kind"]}
    if function is not None and function not in DISCIPLINES:
        return "error.unit_function", {"function": function}
    if v["kind"] == "department" and function is None:
        return "error.department_function", {}
    try:
        UnitSpec(code=code, name_zh=v["name_zh"], name_en=v["name_en"], kind=v["kind"], function=function)
    except ValidationError as exc:
        reason = str(exc.errors()[0].get("msg", "")).removeprefix("Value error, ")
        return "imp.err.invalid", {"reason": {lang: problem_in(reason, lang) for lang in LANGUAGES}}
    return None


# ── Users ────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ImportedUser:
    username: str
    display_name: str
    grants: tuple[tuple[str, str | None], ...]
    one_time_password: str | None  # set when the file gave none: show it once


_GRANT_SPLIT = re.compile(r"[;；,，\n]+")


def import_user_table(file_name: str, data: bytes, *, session: Session, now: datetime,
                      actor: Actor | None = None) -> list[ImportedUser]:
    """Create the accounts of a table (see the module's docstring) with org.accounts.create_user."""
    planned = user_rows(read_rows(file_name, data), session=session)
    made = []
    for username, display_name, password, grants in planned:
        chosen = password or temporary_password(username)
        create_user(username, chosen, display_name, session=session, now=now, grants=grants,
                    must_change_password=True, actor=actor)
        made.append(ImportedUser(username, display_name or username, tuple(grants), None if password else chosen))
    return made


def user_rows(rows: list[TableRow], *, session: Session) -> list[tuple[str, str, str, list[tuple[str, str | None]]]]:
    """(username, display name, password or "", grants) of every row; RowErrors for every row in error."""
    values = _columns(rows, USER_COLUMNS, ("username",))
    names = {v.get("username", "") for v in values}
    taken = set(session.scalars(select(User.username).where(User.username.in_(names))))
    codes = {g[1] for v in values for g in _grants(v.get("roles", "")) if g[1]}
    units = {u.code: u for u in session.scalars(select(OrgUnit).where(OrgUnit.code.in_(codes)))} if codes else {}
    problems: list[RowProblem] = []
    first: dict[str, int] = {}
    planned = []
    for row, v in zip(rows, values, strict=True):
        username = v.get("username", "")
        try:
            problem = _user_problem(username, v, first, taken, units)
        except InvalidInput as exc:  # the password policy
            problem = (exc.code, exc.params)
        if problem is not None:
            problems.append(RowProblem(row.number, *problem))
            continue
        first[username] = row.number
        planned.append((username, v.get("display_name", ""), v.get("password", ""),
                        list(dict.fromkeys(_grants(v.get("roles", ""))))))
    if problems:
        raise RowErrors(problems)
    return planned


def _user_problem(username: str, v: dict[str, str], first: dict[str, int], taken: set[str],
                  units: dict[str, OrgUnit]) -> tuple[str, dict[str, object]] | None:
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        return "error.bad_username", {}
    if username in first:
        return "imp.err.duplicate", {"value": username, "first": first[username]}
    if username in taken:
        return "error.user_exists", {"username": username}
    for text, role, code in _parse_grants(v.get("roles", "")):
        if not role:
            return "imp.err.bad_grant", {"grant": text}
        if role not in ROLES:
            return "error.unknown_role", {"role": role}
        if code is not None and code not in units:
            return "error.unit_not_found", {"code": code}
        if code is not None and not units[code].is_active:
            return "error.unit_inactive", {"unit": code}
    if v.get("password"):
        check_password_policy(v["password"], username)
    return None


def _grants(text: str) -> list[tuple[str, str | None]]:
    """"unit_lead@C01-K01; executive" → [("unit_lead", "C01-K01"), ("executive", None)]."""
    return [(role, code) for _, role, code in _parse_grants(text)]


def _parse_grants(text: str) -> list[tuple[str, str, str | None]]:
    """Each part of a roles cell: (as written, role, unit code or None); a part that is not
    role[@unit] (or role:unit) has the role "" ."""
    found = []
    for part in _GRANT_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        role, sep, code = re.sub(r"\s*([@:])\s*", r"\1", part).replace(":", "@").partition("@")
        role, code = role.strip().lower(), code.strip().upper()
        if not role or (sep and not code) or any(c.isspace() for c in role + code):
            found.append((part, "", None))
        else:
            found.append((part, role, code or None))
    return found
