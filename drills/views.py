"""Read-only views of drills for pages and exports: a drill's log as plain read models (no ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import as_utc
from store.schema import DrillLogEntry, User


@dataclass(frozen=True)
class DrillLogLine:
    """One entry of a drill's log: when, who (None: the command line), what kind, its text and data."""

    id: int
    occurred_at: datetime
    kind: str
    who: str | None
    text: str
    data: dict


def drill_log_lines(drill_id: int, *, session: Session) -> list[DrillLogLine]:
    """The drill's log in the order it was written."""
    rows = session.execute(
        select(DrillLogEntry, User.display_name).outerjoin(User, User.id == DrillLogEntry.actor_id)
        .where(DrillLogEntry.drill_id == drill_id).order_by(DrillLogEntry.id))
    return [DrillLogLine(e.id, as_utc(e.occurred_at), e.kind, name, e.text or "", dict(e.data or {}))
            for e, name in rows]
