"""Use-cases for the organisation tree: create and update units from an import."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from content.models import UnitSpec
from org.queries import unit_by_code
from store.schema import OrgUnit


def import_units(specs: list[UnitSpec], *, session: Session, parent_code: str | None = None) -> int:
    """Create or update the units of a tree (matched by code); returns how many were new."""
    parent = unit_by_code(parent_code, session=session) if parent_code else None
    created = 0

    def put(spec: UnitSpec, parent: OrgUnit | None) -> None:
        nonlocal created
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == spec.code))
        if unit is None:
            unit = OrgUnit(code=spec.code, path="", depth=0, name_zh="", name_en="", kind=spec.kind)
            session.add(unit)
            created += 1
        unit.name_zh, unit.name_en, unit.kind = spec.name_zh, spec.name_en, spec.kind
        unit.parent_id = parent.id if parent else None
        session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        unit.depth = parent.depth + 1 if parent else 0
        for child in spec.children:
            put(child, unit)

    for spec in specs:
        put(spec, parent)
    session.flush()
    return created
