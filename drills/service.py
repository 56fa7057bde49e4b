"""Drill-type use-cases (catalogue). Planning, conducting and reviewing drills build on this."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklists.content import SyncReport, content_hash
from drills.models import DrillType as DrillTypeModel
from store.schema import DrillType


def sync_drill_types(drill_types: dict[str, DrillTypeModel], *, session: Session) -> SyncReport:
    """Insert or update drill types by key; unchanged ones are left alone."""
    report = SyncReport()
    for dt in drill_types.values():
        digest = content_hash(dt)
        row = session.scalar(select(DrillType).where(DrillType.key == dt.key))
        label = f"drill type {dt.key}"
        if row is not None and row.content_hash == digest:
            report.unchanged.append(label)
            continue
        if row is None:
            row = DrillType(key=dt.key)
            session.add(row)
            report.added.append(label)
        else:
            report.updated.append(label)
        data = dt.model_dump(mode="json")
        for field in (
            "name_zh", "name_en", "description_zh", "description_en", "sources", "scopes", "modes",
            "frequency_months", "typical_duration_hours", "disciplines", "objectives",
        ):
            setattr(row, field, data[field])
        row.content_hash = digest
    session.flush()
    return report


def list_drill_types(*, session: Session) -> list[DrillType]:
    return list(session.scalars(select(DrillType).order_by(DrillType.id)))
