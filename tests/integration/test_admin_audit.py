"""Every admin change leaves an entry in an append-only audit log that the database itself protects."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from org.audit import recent_entries, record
from store.db import snapshot, transaction
from tests.conftest import NOW


def test_an_admin_change_is_listed_newest_first_with_who_and_before_and_after(world):
    with transaction(world.engine) as s:
        record("unit.rename", "unit", "C1", before={"name_zh": "甲市公司"}, after={"name_zh": "甲市供电公司"},
               session=s, actor=world.lead, now=NOW)
        record("user.deactivate", "user", "other", before={"is_active": True}, after={"is_active": False},
               session=s, actor=None, now=NOW)
    with snapshot(world.engine) as s:
        first, second = recent_entries(session=s)[:2]
    assert (first.action, first.who, first.after) == ("user.deactivate", "manage.py", {"is_active": False})
    assert (second.action, second.who, second.target) == ("unit.rename", "王磊", "C1")
    assert second.before == {"name_zh": "甲市公司"} and second.occurred_at == NOW


def test_an_entry_rolled_back_with_its_change_leaves_no_trace(world):
    with snapshot(world.engine) as s:
        before = recent_entries(session=s)
    with pytest.raises(RuntimeError), transaction(world.engine) as s:
        record("unit.rename", "unit", "C1", before={}, after={}, session=s, actor=world.lead, now=NOW)
        raise RuntimeError("the change itself failed")
    with snapshot(world.engine) as s:
        assert recent_entries(session=s) == before


@pytest.mark.parametrize("statement", ["UPDATE admin_audit_log SET target = 'x'", "DELETE FROM admin_audit_log"])
def test_the_database_refuses_to_rewrite_or_delete_the_audit_log(world, statement):
    with transaction(world.engine) as s:
        record("unit.rename", "unit", "C1", before={}, after={}, session=s, actor=world.lead, now=NOW)
    with snapshot(world.engine) as s:
        count = len(recent_entries(session=s))
    with pytest.raises(DBAPIError, match="append-only"), world.engine.begin() as conn:
        conn.execute(text(statement))
    with snapshot(world.engine) as s:
        assert recent_entries(session=s)[0].target == "C1" and len(recent_entries(session=s)) == count
