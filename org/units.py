"""Use-cases for the organisation tree: create, update and move units from an import."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from content.models import UnitSpec
from core.errors import InvalidInput
from org.authz import authorize
from org.models import Actor
from org.queries import unit_by_code
from store.schema import OrgUnit

_KEEP = object()  # "keep the parent it has" (a top-level entry of a file imported without --parent)


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
                 actor: Actor | None = None) -> ImportResult:
    """Create or update the units of a tree (matched by code), under `parent_code` if given.

    A user needs `admin.units` on the whole organisation; `actor=None` is the command line
    (whoever can run manage.py already holds the database), which is trusted.

    A unit already in the database keeps its parent unless the file nests it under
    another unit or `parent_code` names one for the file's top-level entries. A move
    that would hang a unit under itself or its own sub-unit is refused (InvalidInput
    naming both) before anything is written. A moved unit takes its whole sub-tree along.
    """
    if actor is not None:
        authorize(actor, "admin.units", None, session=session)
    top_parent: object = unit_by_code(parent_code, session=session).code if parent_code else _KEEP
    units = {u.code: u for u in session.scalars(select(OrgUnit))}
    code_of = {u.id: code for code, u in units.items()}
    current = {code: code_of.get(u.parent_id) for code, u in units.items()}  # code → parent code, as stored now

    entries = list(_walk(specs, top_parent))
    wanted: dict[str, str | None] = {}  # code → parent code after the import
    for spec, parent in entries:
        wanted[spec.code] = current.get(spec.code) if parent is _KEEP else parent  # type: ignore[assignment]
    _refuse_cycles(wanted, current)

    created = updated = 0
    moved: list[UnitMove] = []
    for spec, _ in entries:
        parent = units[wanted[spec.code]] if wanted[spec.code] else None  # type: ignore[index]
        unit = units.get(spec.code)
        if unit is None:
            unit = OrgUnit(code=spec.code, name_zh=spec.name_zh, name_en=spec.name_en, kind=spec.kind,
                           parent_id=parent.id if parent else None, path="", depth=0)
            session.add(unit)
            session.flush()
            units[spec.code] = unit
            unit.path = f"{parent.path if parent else '/'}{unit.id}/"
            unit.depth = parent.depth + 1 if parent else 0
            created += 1
        else:
            unit.name_zh, unit.name_en, unit.kind = spec.name_zh, spec.name_en, spec.kind
            updated += 1
            if current[spec.code] != wanted[spec.code]:
                unit.parent_id = parent.id if parent else None
                _move_subtree(unit, parent, session=session)
                moved.append(UnitMove(spec.code, current[spec.code], wanted[spec.code]))
        session.flush()
    return ImportResult(created, updated, tuple(moved))


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
