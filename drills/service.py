"""Drill-type use-cases (catalogue). Planning, conducting and reviewing drills build on this."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.schema import DrillType


@dataclass(frozen=True)
class DrillTypeView:
    """A drill type as the catalogue shows it (a read model, not a database row)."""

    key: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    sources: tuple[str, ...]
    scopes: tuple[str, ...]
    modes: tuple[str, ...]
    frequency_months: int
    typical_duration_hours: float
    disciplines: tuple[str, ...]
    objectives: tuple[dict, ...]


def list_drill_types(*, session: Session) -> list[DrillTypeView]:
    """Every drill type in catalogue order."""
    return [
        DrillTypeView(
            key=d.key, name_zh=d.name_zh, name_en=d.name_en, description_zh=d.description_zh,
            description_en=d.description_en, sources=tuple(d.sources), scopes=tuple(d.scopes),
            modes=tuple(d.modes), frequency_months=d.frequency_months,
            typical_duration_hours=d.typical_duration_hours, disciplines=tuple(d.disciplines),
            objectives=tuple(d.objectives),
        )
        for d in session.scalars(select(DrillType).order_by(DrillType.id))
    ]
