"""Use-cases for the organisation tree: create, update and move units from an import, and one by one
from the admin page (create, rename, move, deactivate), every change written to the admin audit log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from content.models import DISCIPLINES, UNIT_KIND_NAMES, UnitSpec
from core.clock import utcnow
from core.errors import InvalidInput, NotFound
from core.fields import CJK
from org import audit
from org.authz import authorize
from org.models import Actor
from org.queries import unit_by_code
from store.schema import OrgUnit

_KEEP = object()  # "keep the parent it has" (a top-level entry of a file imported without --parent)
# Levels of the tree an import may build (a top-level unit is level 1): a unit's path of ids ("/1/4/17/",
# org_units.path, 512 characters) has room for this many ids of any size.
MAX_DEPTH = 32


@dataclass(frozen=True)
class UnitMove:
    """A unit that an import hung under another parent (None: the top level)."""

    code: str
    old_parent: str | None
    new_parent: str | None


@dataclass(frozen=True)
class ImportResult:
    """What an import did: units created, existing units updated, and which of those moved."""

    created: int
    updated: int
    moved: tuple[UnitMove, ...] = ()


def _walk(specs: list[UnitSpec], parent: object) -> Iterator[tuple[UnitSpec, object]]:
    """Each spec with the parent the file gives it (a code, None, or _KEEP), parents before children."""
    for spec in specs:
        yield spec, parent
        yield from _walk(spec.children, spec.code)


def import_units(specs: list[UnitSpec], *, session: Session, parent_code: str | None = None,
                 actor: Actor | None = None, now: datetime | None = None) -> ImportResult:
    """Create or update the units of a tree (matched by code), under `parent_code` if given.

    A user needs `admin.units` on the whole organisation; `actor=None` is the command line
    (whoever can run manage.py already holds the database), which is trusted.

    A unit already in the database keeps its parent unless the file nests it under
    another unit or `parent_code` names one for the file's top-level entries. A move
    that would hang a unit under itself or its own sub-unit is refused (InvalidInput
    naming both) before anything is written. A moved unit takes its whole sub-tree along.
    Each unit created, changed or moved gets its entry in the admin audit log (at `now`, by default
    the app's clock).
    """
    now = now or utcnow()
    if actor is not None:
        authorize(actor, "admin.units", None, session=session)
    top_parent: object = unit_by_code(parent_code, session=session).code if parent_code else _KEEP
    units = {u.code: u for u in session.scalars(select(OrgUnit))}
    code_of = {u.id: code for code, u in units.items()}
    current = {code: code_of.get(u.parent_id) for code, u in units.items()}  # code → parent code, as stored now

    entries = list(_walk(specs, top_parent))
    if any(len(spec.name_zh) > MAX_NAME or len(spec.name_en) > MAX_NAME for spec, _ in entries):
        raise InvalidInput("error.unit_name_too_long", max=MAX_NAME)
    wanted: dict[str, str | None] = {}  # code → parent code after the import
    for spec, parent in entries:
        wanted[spec.code] = current.get(spec.code) if parent is _KEEP else parent  # type: ignore[assignment]
    _refuse_cycles(wanted, current)
    _refuse_too_deep(wanted, current, units)
    # The tree never has an active unit below a deactivated one: a created or moved unit needs an active parent.
    for spec, _ in entries:
        parent_code = wanted[spec.code]
        if parent_code is None or (spec.code in units and current[spec.code] == parent_code):
            continue
        parent = units.get(parent_code)
        if parent is not None and not parent.is_active:
            raise InvalidInput("error.unit_inactive", unit=parent.code)

    created = updated = 0
    moved: list[UnitMove] = []
    for spec, _ in entries:
        parent = units[wanted[spec.code]] if wanted[spec.code] else None  # type: ignore[index]
        unit = units.get(spec.code)
        if unit is None:
            unit = OrgUnit(code=spec.code, name_zh=spec.name_zh, name_en=spec.name_en, kind=spec.kind,
                           function=spec.function, parent_id=parent.id if parent else None, path="", depth=0)
            session.add(unit)
            session.flush()
            units[spec.code] = unit
            unit.path = f"{parent.path if parent else '/'}{unit.id}/"
            unit.depth = parent.depth + 1 if parent else 0
            created += 1
            _record("unit.create", unit, None, {**_described(unit), "parent": wanted[spec.code]}, session=session,
                    actor=actor, now=now)
        else:
            before = _described(unit)
            unit.name_zh, unit.name_en, unit.kind, unit.function = spec.name_zh, spec.name_en, spec.kind, spec.function
            updated += 1
            if _described(unit) != before:
                _record("unit.update", unit, before, _described(unit), session=session, actor=actor, now=now)
            if current[spec.code] != wanted[spec.code]:
                unit.parent_id = parent.id if parent else None
                _move_subtree(unit, parent, session=session)
                moved.append(UnitMove(spec.code, current[spec.code], wanted[spec.code]))
                _record("unit.move", unit, {"parent": current[spec.code]}, {"parent": wanted[spec.code]},
                        session=session, actor=actor, now=now)
        session.flush()
    return ImportResult(created, updated, tuple(moved))


def _described(unit: OrgUnit) -> dict:
    return {"name_zh": unit.name_zh, "name_en": unit.name_en, "kind": unit.kind, "function": unit.function}


def _refuse_cycles(wanted: dict[str, str | None], current: dict[str, str | None]) -> None:
    """Refuse parent links that would put a unit under itself, naming the moved unit and its would-be parent."""
    def parent_after(code: str) -> str | None:
        return wanted[code] if code in wanted else current.get(code)

    for start in wanted:
        seen = [start]
        code = parent_after(start)
        while code is not None and code not in seen:
            seen.append(code)
            code = parent_after(code)
        if code is None:
            continue
        loop = seen[seen.index(code):]
        # A sound stored tree has no cycle, so some link in the loop is one the import changes.
        unit = next((c for c in loop if c in wanted and wanted[c] != current.get(c)), loop[0])
        raise InvalidInput("error.unit_cycle", unit=unit, parent=parent_after(unit))


def _refuse_too_deep(wanted: dict[str, str | None], current: dict[str, str | None],
                     units: dict[str, OrgUnit]) -> None:
    """Refuse an import that would put a unit (one it creates or moves, or one below a moved unit) more than
    MAX_DEPTH levels down, naming the first such unit; a tree stored deeper before is left as it is."""
    def parent_after(code: str) -> str | None:
        return wanted[code] if code in wanted else current.get(code)

    levels: dict[str, int] = {}
    for start in [*wanted, *current]:  # cycles are refused already: every walk ends at the top
        path, code = [], start
        while code is not None and code not in levels:
            path.append(code)
            code = parent_after(code)
        level = levels[code] if code is not None else 0
        for unit in reversed(path):
            level += 1
            levels[unit] = level
    for code in [*wanted, *current]:
        if levels[code] > MAX_DEPTH and (code not in units or levels[code] > units[code].depth + 1):
            raise InvalidInput("error.unit_too_deep", unit=code, max=MAX_DEPTH)


def _move_subtree(unit: OrgUnit, parent: OrgUnit | None, *, session: Session) -> None:
    """Rewrite the path and depth of `unit` and everything below it in one UPDATE (prefix replacement)."""
    old_path = unit.path
    new_path = f"{parent.path if parent else '/'}{unit.id}/"
    new_depth = parent.depth + 1 if parent else 0
    session.flush()
    session.execute(
        update(OrgUnit)
        .where(OrgUnit.path.startswith(old_path))  # paths hold only digits and '/': nothing to escape
        .values(path=literal(new_path) + func.substr(OrgUnit.path, len(old_path) + 1),
                depth=OrgUnit.depth + (new_depth - unit.depth))
        .execution_options(synchronize_session="fetch")
    )


# ── Administering single units (the admin page); each writes the admin audit log ──

UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,63}$")
MAX_NAME = 200


def _names(name_zh: str, name_en: str) -> tuple[str, str]:
    name_zh, name_en = name_zh.strip(), name_en.strip()
    if not name_zh or not CJK.search(name_zh):
        raise InvalidInput("error.unit_name_zh")
    if not name_en:
        raise InvalidInput("error.unit_name_en")
    if len(name_zh) > MAX_NAME or len(name_en) > MAX_NAME:
        raise InvalidInput("error.unit_name_too_long", max=MAX_NAME)
    return name_zh, name_en


def _unit(unit_id: int, session: Session) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("error.unit_not_found", code=str(unit_id))
    return unit


def _record(action: str, unit: OrgUnit, before: dict | None, after: dict | None, *, session: Session,
            actor: Actor | None, now: datetime) -> None:
    audit.record(action, "unit", unit.code, before=before, after=after, session=session, actor=actor, now=now)


def create_unit(code: str, name_zh: str, name_en: str, kind: str, parent_code: str | None, *, session: Session,
                actor: Actor, now: datetime, function: str | None = None) -> OrgUnit:
    """A new unit under an active parent (None: a new top-level unit); a department names its function."""
    authorize(actor, "admin.units", None, session=session)
    code = code.strip().upper()
    if not UNIT_CODE.match(code):
        raise InvalidInput("error.unit_code_format", code=code)
    name_zh, name_en = _names(name_zh, name_en)
    if kind not in UNIT_KIND_NAMES:
        raise InvalidInput("error.unit_kind", kind=kind)
    if function is not None and function not in DISCIPLINES:
        raise InvalidInput("error.unit_function", function=function)
    if kind == "department" and function is None:
        raise InvalidInput("error.department_function")
    if session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)) is not None:
        raise InvalidInput("error.unit_exists", code=code)
    parent = unit_by_code(parent_code, session=session) if parent_code else None
    if parent is not None and not parent.is_active:
        raise InvalidInput("error.unit_inactive", unit=parent.code)
    unit = OrgUnit(code=code, name_zh=name_zh, name_en=name_en, kind=kind, function=function,
                   parent_id=parent.id if parent else None, path="", depth=parent.depth + 1 if parent else 0,
                   is_active=True)
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    _record("unit.create", unit, None, {**_described(unit), "parent": parent.code if parent else None},
            session=session, actor=actor, now=now)
    return unit


def rename_unit(unit_id: int, name_zh: str, name_en: str, *, session: Session, actor: Actor, now: datetime) -> None:
    """Change a unit's names (its code, history and grants stay)."""
    authorize(actor, "admin.units", None, session=session)
    unit = _unit(unit_id, session)
    name_zh, name_en = _names(name_zh, name_en)
    if (name_zh, name_en) == (unit.name_zh, unit.name_en):
        raise InvalidInput("error.nothing_changed")
    before = {"name_zh": unit.name_zh, "name_en": unit.name_en}
    unit.name_zh, unit.name_en = name_zh, name_en
    _record("unit.rename", unit, before, {"name_zh": name_zh, "name_en": name_en}, session=session, actor=actor,
            now=now)


def move_unit(unit_id: int, parent_code: str | None, *, session: Session, actor: Actor, now: datetime) -> None:
    """Hang a unit and its whole sub-tree under another active parent (None: the top level).
    Refused when the new parent is the unit itself or one of its sub-units."""
    authorize(actor, "admin.units", None, session=session)
    unit = _unit(unit_id, session)
    parent = unit_by_code(parent_code, session=session) if parent_code else None
    old_parent = session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
    if (parent.id if parent else None) == unit.parent_id:
        raise InvalidInput("error.nothing_changed")
    if parent is not None and parent.path.startswith(unit.path):
        raise InvalidInput("error.unit_cycle", unit=unit.code, parent=parent.code)
    if parent is not None and not parent.is_active:
        raise InvalidInput("error.unit_inactive", unit=parent.code)
    unit.parent_id = parent.id if parent else None
    _move_subtree(unit, parent, session=session)
    _record("unit.move", unit, {"parent": old_parent.code if old_parent else None},
            {"parent": parent.code if parent else None}, session=session, actor=actor, now=now)


def set_unit_active(unit_id: int, active: bool, *, session: Session, actor: Actor, now: datetime) -> None:
    """Deactivate a unit (its history stays and stays readable; it takes no more changes or grants) or
    make it active again. A unit with active sub-units cannot be deactivated, nor one be reactivated
    under a deactivated parent: the tree never has an active unit below an inactive one."""
    authorize(actor, "admin.units", None, session=session)
    unit = _unit(unit_id, session)
    if unit.is_active == active:
        raise InvalidInput("error.unit_already_active" if active else "error.unit_already_inactive", unit=unit.code)
    if not active:
        busy = session.scalar(select(func.count()).select_from(OrgUnit).where(
            OrgUnit.parent_id == unit.id, OrgUnit.is_active.is_(True)))
        if busy:
            raise InvalidInput("error.unit_has_active_children", unit=unit.code, count=busy)
    elif unit.parent_id is not None and not _unit(unit.parent_id, session).is_active:
        raise InvalidInput("error.unit_inactive", unit=_unit(unit.parent_id, session).code)
    unit.is_active = active
    _record("unit.reactivate" if active else "unit.deactivate", unit, {"active": not active}, {"active": active},
            session=session, actor=actor, now=now)
    session.flush()
