"""Set-up use-cases that span the domains: create/migrate the database and load content."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from admin.content_sync import SyncReport, sync_content
from content.bundle import Content, load_content
from store.db import migrate, migration_lock, transaction
from store.schema import AppMeta


def initialize(engine: Engine, seeds: Path, *, now: datetime) -> tuple[Content, SyncReport]:
    """Migrate the schema to the newest version and load seeds/ (idempotent).

    The content is validated completely before anything is written, so a bad
    file leaves the database exactly as it was. Both steps run under the migration
    lock, so several app servers initializing one PostgreSQL database at once take
    turns: the first migrates and loads, the others find it done.
    """
    content = load_content(seeds)
    with migration_lock(engine):
        migrate(engine)
        with transaction(engine) as session:
            report = sync_content(content, session=session, now=now)
    return content, report


def get_meta(key: str, *, session: Session) -> str | None:
    return session.scalar(select(AppMeta.value).where(AppMeta.key == key))


def set_meta(key: str, value: str, *, session: Session) -> None:
    row = session.get(AppMeta, key)
    if row is None:
        session.add(AppMeta(key=key, value=value))
    else:
        row.value = value
    session.flush()
