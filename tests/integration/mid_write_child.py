"""A child process for test_killed_mid_write: runs one write (an import, a bulk tick, a restore) against
READINESS_DATABASE_URL and, at the first commit after its connection has inserted at least ROWS rows into
the table named, stops right before committing, says so in the flag file, and waits to be killed. (A write
that committed part of its rows earlier would have done so before the pause, and the test would see them.)

    python -m tests.integration.mid_write_child FLAG TABLE ROWS import-units FILE
    python -m tests.integration.mid_write_child FLAG TABLE ROWS restore FILE
    python -m tests.integration.mid_write_child FLAG TABLE ROWS bulk-tick JSON
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, event


def pause_before_commit(flag: Path, table: str, rows: int) -> None:
    inserted: dict[int, int] = {}

    @event.listens_for(Engine, "before_cursor_execute")
    def _seen(conn, _cursor, statement, params, _context, many):
        words = statement.replace('"', "").replace("(", " (").lower().split()
        if words[:3] == ["insert", "into", table]:
            inserted[id(conn)] = inserted.get(id(conn), 0) + (len(params) if many else 1)

    @event.listens_for(Engine, "commit")
    def _pause(conn):
        if inserted.get(id(conn), 0) >= rows:
            flag.write_text("paused before commit", encoding="utf-8")
            time.sleep(600)  # the test kills the process here


def bulk_tick(spec: dict) -> None:
    from checklists.changes import Tick, mark_many_done
    from org.models import Actor
    from store.db import make_engine, transaction

    with transaction(make_engine()) as s:
        mark_many_done(spec["campaign"], spec["unit"], [Tick(i, v) for i, v in spec["ticks"]], session=s,
                       actor=Actor(**spec["actor"]), now=datetime.now(UTC), note="批量完成")


def main() -> None:
    flag, table, rows, op, arg = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    pause_before_commit(flag, table, rows)
    if op == "bulk-tick":
        bulk_tick(json.loads(arg))
        return
    from manage import cli

    cli([op, arg], standalone_mode=True)


if __name__ == "__main__":
    main()
