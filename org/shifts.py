"""The shifts (值) of a dispatch centre: some drill rules count each shift's drills, not only the
centre's (seeds/drill_types.yaml, `per_shift`). An administrator keeps the list; a shift is
deactivated, never deleted, so the drills it took part in keep naming it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from org import audit
from org.authz import authorize
from org.models import Actor
from store.schema import OrgUnit, UnitShift

SHIFT_UNIT_KINDS = ("prov_dispatch", "city_dispatch")  # the units that work in shifts
SHIFT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
MAX_NAME = 100


@dataclass(frozen=True)
class Shift:
    id: int
    unit_id: int
    code: str
    name_zh: str
    name_en: str
    is_active: bool


def shifts_of(unit_ids: Iterable[int], *, session: Session, active_only: bool = True) -> dict[int, list[Shift]]:
    """Per unit, its shifts in their order."""
    ids = list(unit_ids)
    if not ids:
        return {}
    query = select(UnitShift).where(UnitShift.unit_id.in_(ids)).order_by(UnitShift.unit_id, UnitShift.position,
                                                                          UnitShift.id)
    if active_only:
        query = query.where(UnitShift.is_active)
    out: dict[int, list[Shift]] = {}
    for s in session.scalars(query):
        out.setdefault(s.unit_id, []).append(Shift(s.id, s.unit_id, s.code, s.name_zh, s.name_en, s.is_active))
    return out


def add_shift(unit_id: int, code: str, name_zh: str, name_en: str, *, session: Session, actor: Actor | None,
              now: datetime) -> Shift:
    """A new shift at the end of a dispatch centre's list."""
    if actor is not None:  # None: the command line or the demo (trusted shell access)
        authorize(actor, "admin.units", None, session=session)
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("error.unit_not_found", code=str(unit_id))
    if unit.kind not in SHIFT_UNIT_KINDS:
        raise InvalidInput("shift.not_dispatch", unit=unit.code)
    code = code.strip()
    if not SHIFT_CODE.match(code):
        raise InvalidInput("shift.code_format", code=code)
    name_zh, name_en = name_zh.strip(), name_en.strip()
    if not name_zh or not name_en:
        raise InvalidInput("shift.names_needed")
    if len(name_zh) > MAX_NAME or len(name_en) > MAX_NAME:
        raise InvalidInput("shift.name_too_long", max=MAX_NAME)
    if session.scalar(select(UnitShift.id).where(UnitShift.unit_id == unit_id, UnitShift.code == code)):
        raise InvalidInput("shift.code_taken", code=code, unit=unit.code)
    position = session.scalar(select(func.coalesce(func.max(UnitShift.position), 0)).where(UnitShift.unit_id == unit_id))
    row = UnitShift(unit_id=unit_id, code=code, name_zh=name_zh, name_en=name_en, position=position + 1, is_active=True)
    session.add(row)
    session.flush()
    audit.record("shift.add", "unit", unit.code, before=None, after={"code": code, "name_zh": name_zh,
                 "name_en": name_en}, session=session, actor=actor, now=now)
    return Shift(row.id, unit_id, code, name_zh, name_en, True)


def set_shift_active(shift_id: int, active: bool, *, session: Session, actor: Actor | None, now: datetime) -> None:
    """Take a shift off the list (its drills keep it), or put it back."""
    if actor is not None:  # None: the command line or the demo (trusted shell access)
        authorize(actor, "admin.units", None, session=session)
    row = session.get(UnitShift, shift_id)
    if row is None:
        raise NotFound("shift.unknown", shift=shift_id)
    if row.is_active == active:
        raise InvalidInput("error.nothing_changed")
    row.is_active = active
    unit = session.get(OrgUnit, row.unit_id)
    audit.record("shift.activate" if active else "shift.deactivate", "unit", unit.code, before={"code": row.code},
                 after={"code": row.code, "active": active}, session=session, actor=actor, now=now)
