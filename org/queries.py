"""Reading the organisation: units as read models, look-ups by code, a user's home unit, active people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound
from store.schema import OrgUnit, RoleGrant, User

_UNIT_COLUMNS = (OrgUnit.id, OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en, OrgUnit.kind, OrgUnit.parent_id,
                 OrgUnit.depth, OrgUnit.path, OrgUnit.is_active, OrgUnit.function)


@dataclass(frozen=True)
class UnitView:
    """A unit as the pages show it (a read model, not a database row)."""

    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    parent_id: int | None
    depth: int
    path: str
    is_active: bool = True
    function: str | None = None  # what a department does


def units_where(*criteria, session: Session, join=None, on=None) -> list[UnitView]:
    """Units matching the criteria (optionally through a joined table), in tree order."""
    q = select(*_UNIT_COLUMNS)
    if join is not None:
        q = q.join(join, on == OrgUnit.id)
    q = q.where(*criteria).order_by(OrgUnit.path)
    return [UnitView(*row) for row in session.execute(q)]


def all_units(*, session: Session) -> list[UnitView]:
    """Every unit in tree order (parents before children)."""
    return units_where(session=session)


def units_by_code(codes: Iterable[str], *, session: Session) -> dict[str, OrgUnit]:
    """The units with these codes; NotFound naming every code that does not exist."""
    codes = list(dict.fromkeys(codes))
    found = {u.code: u for u in session.scalars(select(OrgUnit).where(OrgUnit.code.in_(codes)))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound("error.unit_not_found", code=", ".join(missing))
    return found


def unit_by_code(code: str, *, session: Session) -> OrgUnit:
    """The unit with this code, or NotFound naming it."""
    return units_by_code([code], session=session)[code]


def home_unit_id(user_id: int, *, session: Session) -> int | None:
    """The unit of the user's first grant on a unit (the default unit of their pages)."""
    return session.scalar(
        select(RoleGrant.unit_id).where(RoleGrant.user_id == user_id, RoleGrant.unit_id.is_not(None))
        .order_by(RoleGrant.id)
    )


@dataclass(frozen=True)
class PersonView:
    """A person a drill can name (evaluator, controller …): an active account by its display name."""

    id: int
    username: str
    display_name: str


def active_people(*, session: Session) -> list[PersonView]:
    """Every active account, by display name (the people pickers of the drill planner)."""
    rows = session.execute(select(User.id, User.username, User.display_name).where(User.is_active)
                           .order_by(User.display_name, User.username))
    return [PersonView(*row) for row in rows]
