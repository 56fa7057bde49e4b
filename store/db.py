"""Engine factory, transactions and migrations."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from core.config import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The PostgreSQL advisory lock that `migrate` (and `admin.setup.initialize` around it) holds: one number
# for the whole database, "PEAK" in ASCII.
MIGRATION_LOCK = 0x5045414B


def make_engine(url: str | None = None) -> Engine:
    """An engine for the URL (default: the configured one); SQLite gets WAL, a busy
    timeout and enforced foreign keys on every connection."""
    settings = get_settings()
    url = url or settings.effective_database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={settings.sqlite_busy_timeout_ms}")
            cur.execute("PRAGMA foreign_keys=ON")
            # FULL: a commit is on disk before it returns, so an audit entry survives a power loss
            # (`python -m bench` prints its cost against NORMAL; see the README).
            cur.execute(f"PRAGMA synchronous={settings.sqlite_synchronous}")
            cur.close()
            # Let SQLAlchemy, not the sqlite3 module, decide when a transaction starts.
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A writing unit of work takes the write lock up front (BEGIN IMMEDIATE), so
            # it waits for the busy timeout instead of failing when another writer
            # committed after it read; read-only snapshots stay deferred and never block.
            immediate = conn.get_execution_options().get("sqlite_immediate", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def unavailable(err: BaseException) -> bool:
    """Whether an error means the database cannot be used just now (refused or dropped connections, a
    locked SQLite file, no free connection in the pool) rather than a fault in the program: the pages say
    so plainly and try again at the next run."""
    if isinstance(err, exc.OperationalError | exc.InterfaceError | exc.TimeoutError | exc.DisconnectionError):
        return True
    return isinstance(err, exc.DBAPIError) and bool(err.connection_invalidated)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine, *, bump: bool = True) -> Iterator[Session]:
    """One writing unit of work: commits when the block ends, rolls everything back on error.

    It bumps the change counter just before committing (bump=False only for writes no page
    shows, such as sign-in bookkeeping), so cached pages refresh after any change.
    """
    with session_factory(engine)() as session:
        session.connection(execution_options={"sqlite_immediate": True})
        try:
            yield session
            if bump:
                bump_change_counter(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def snapshot(engine: Engine) -> Iterator[Session]:
    """A read-only session: sees one consistent state, writes nothing, blocks no writer."""
    # Closing (not rolling back) ends the transaction without expiring what was read,
    # so loaded rows stay usable after the block.
    with session_factory(engine)() as session:
        yield session


def bump_change_counter(session: Session) -> None:
    """Count one more change (called in the writing transaction itself)."""
    session.execute(text("UPDATE change_counter SET value = value + 1 WHERE id = 1"))


def bump_and_read_change_counter(session: Session) -> int:
    """Count one more change and return the counter as this transaction leaves it (the row is locked
    from the update on, so the value is exactly the one the commit publishes). For a caller that
    opened the transaction with bump=False and wants to know the key its change becomes."""
    bump_change_counter(session)
    return change_counter(session)


def change_counter(session: Session) -> int:
    """How many writing transactions have committed: the pages' cache key."""
    return int(session.execute(text("SELECT value FROM change_counter WHERE id = 1")).scalar() or 0)


def schema_state(engine: Engine) -> str:
    """'missing' (no database or no tables yet), 'outdated' (needs `manage.py init`) or 'ready'.

    Never creates an SQLite file that is not there.
    """
    from alembic.script import ScriptDirectory

    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if path and path != ":memory:" and not Path(path).exists():
            return "missing"
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return "missing"
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    return "ready" if current == head else "outdated"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


_held_locks = threading.local()  # the databases whose migration lock this thread holds


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Held while the schema is migrated (and the content loaded): on PostgreSQL a session-level
    advisory lock on a connection of its own, so that several app servers running `manage.py init` on
    one database at once take turns instead of racing to create the same tables; the second finds the
    schema at head and migrates nothing. A process that dies holding it releases it with its connection.
    Re-entrant within a thread. SQLite (one app server) takes no lock."""
    key = engine.url.render_as_string(hide_password=True)
    held: set[str] = _held_locks.__dict__.setdefault("urls", set())
    if engine.dialect.name != "postgresql" or key in held:
        yield
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (under the migration lock: safe to run from
    several processes at once)."""
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), "head")
