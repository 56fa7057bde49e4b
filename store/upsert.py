"""Atomic 'add to a counter row' for the per-day readiness projection, on both engines."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.schema import ReadinessDaily


def add_readiness_delta(
    session: Session, campaign_id: int, unit_id: int, day: date, *, done: int = 0, na: int = 0, total: int = 0
) -> None:
    """Add to (or create) the row of one unit and day; safe under concurrent writers."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(ReadinessDaily).values(
        campaign_id=campaign_id, unit_id=unit_id, day=day, done_delta=done, na_delta=na, total_delta=total
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["campaign_id", "unit_id", "day"],
        set_={
            "done_delta": ReadinessDaily.done_delta + stmt.excluded.done_delta,
            "na_delta": ReadinessDaily.na_delta + stmt.excluded.na_delta,
            "total_delta": ReadinessDaily.total_delta + stmt.excluded.total_delta,
        },
    )
    session.execute(stmt)
