"""After its own tick a page shows the row as the service left it without reading the unit's checklist
again (checklists.queries.after_change): for every action that row equals what a fresh read gives."""

from __future__ import annotations

from datetime import timedelta

import pytest

from checklists import changes
from checklists.queries import after_change
from store.db import transaction
from tests.integration.test_recurring_and_events import NOW, rows, season

__all__ = ["season"]

STEPS = [("done", "现场核对完毕"), ("note", "补充：已拍照存档"), ("reopen", ""), ("na", "本县无此设备"),
         ("reopen", ""), ("done", ""), ("note", "复核")]


@pytest.mark.parametrize(("key", "occurrence"), [("mini-duty-roster", ""), ("mini-weekly-patrol", "2027-W25")])
def test_the_row_after_each_action_is_the_row_a_fresh_read_gives(season, key, occurrence):
    engine, cid, units, people = season
    lead = people["lead"]
    [row] = [r for r in rows(engine, cid, units["C1-K1"], key) if r.occurrence == occurrence]
    for n, (action, text) in enumerate(STEPS):
        when = NOW + timedelta(minutes=n)
        with transaction(engine) as s:
            result = changes.change_item(cid, units["C1-K1"], row.item_id, action, expected_version=row.version,
                                         text=text, occurrence=occurrence, session=s, actor=lead, now=when)
        shown = after_change(row, result, lead.display_name, when)
        [fresh] = [r for r in rows(engine, cid, units["C1-K1"], key) if r.occurrence == occurrence]
        assert shown == fresh, f"after {action}"
        row = fresh
