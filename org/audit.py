"""The admin audit log: every administrative change, who made it, when, and what it was before and after.

Append-only (database triggers refuse UPDATE and DELETE). Use-cases that change users,
grants, units, campaigns or templates call `record` in their own transaction, so the
change and its audit entry commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import as_utc
from org.authz import authorize
from org.models import Actor
from store.schema import AdminAuditEvent

COMMAND_LINE = "manage.py"


def record(action: str, target_kind: str, target: str, *, before: dict | None, after: dict | None,
           session: Session, actor: Actor | None, now: datetime) -> None:
    """Append one entry; `actor=None` is the command line (trusted shell access)."""
    session.add(AdminAuditEvent(
        actor_id=actor.user_id if actor else None,
        actor_label=actor.display_name if actor else COMMAND_LINE,
        occurred_at=now, action=action, target_kind=target_kind, target=target, before=before, after=after,
    ))
    session.flush()


@dataclass(frozen=True)
class AuditEntry:
    """One admin change as the admin page lists it."""

    occurred_at: datetime
    who: str
    action: str
    target_kind: str
    target: str
    before: dict | None
    after: dict | None


def recent_entries(*, session: Session, limit: int = 200, target_kind: str | None = None) -> list[AuditEntry]:
    """The newest entries first (optionally of one kind of target)."""
    q = select(AdminAuditEvent).order_by(AdminAuditEvent.id.desc()).limit(limit)
    if target_kind:
        q = q.where(AdminAuditEvent.target_kind == target_kind)
    return [AuditEntry(as_utc(e.occurred_at), e.actor_label, e.action, e.target_kind, e.target, e.before, e.after)
            for e in session.scalars(q)]


def audit_log(*, session: Session, actor: Actor, limit: int = 200, target_kind: str | None = None) -> list[AuditEntry]:
    """The newest entries, for an administrator of the whole organisation (`admin.users`)."""
    authorize(actor, "admin.users", None, session=session)
    return recent_entries(session=session, limit=limit, target_kind=target_kind)
