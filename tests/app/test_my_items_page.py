"""The lead's 'my open items' page: everything open on their units, a search, and several items ticked at
once with one note — all or nothing when one of them was changed meanwhile."""

from __future__ import annotations

import re

from sqlalchemy import select

from checklists.changes import mark_done
from org.models import Actor
from store.db import make_engine, snapshot, transaction
from store.schema import ChecklistEvent, ChecklistStatus, User
from tests.conftest import NOW
from tests.demo_fixtures import sign_in
from ui import state


def my_items_page(app, username="lead"):
    at = sign_in(app, username)
    at.session_state[state.LANG] = "en"
    at.switch_page("app_pages/my_items.py").run()
    assert not at.exception, at.exception
    return at


def events(url: str) -> list[tuple]:
    with snapshot(make_engine(url)) as s:
        return s.execute(select(ChecklistEvent.item_id, ChecklistEvent.occurrence, ChecklistEvent.action,
                                ChecklistEvent.text).order_by(ChecklistEvent.id)).all()


def picks(at) -> list:
    return [c for c in at.checkbox if c.key and c.key.startswith("pick_")]


def count_line(at) -> str:
    return next(c.value for c in at.caption if re.match(r"\d+ item\(s\), \d+ overdue", c.value))


def test_the_lead_sees_the_open_items_of_their_county_overdue_first_and_can_search(app):
    at = my_items_page(app)
    n = int(count_line(at).split()[0])
    assert n > 20
    assert len(picks(at)) == min(n, 60)
    at.text_input(key="my_search").input("电缆").run()
    narrowed = int(count_line(at).split()[0])
    assert 0 < narrowed < n
    assert all("电缆" in m.value or "cable" in m.value.lower() for m in at.markdown if m.value.startswith(":"))


def test_the_overdue_toggle_leaves_only_the_overdue_items(app):
    at = my_items_page(app)
    n, overdue = (int(x) for x in re.findall(r"\d+", count_line(at)))
    assert 0 < overdue < n
    at.toggle(key="my_overdue").set_value(True).run()
    assert [int(x) for x in re.findall(r"\d+", count_line(at))] == [overdue, overdue]
    facts = [m.value for m in at.markdown if ":small[" in m.value]  # each item's line of facts
    assert len(facts) == overdue and all(":red[**" in f for f in facts)


def test_two_items_ticked_at_once_with_one_note_become_two_events(app, demo_db):
    at = my_items_page(app)
    before = events(demo_db)
    first, second = picks(at)[:2]
    first.check().run()
    at.checkbox(key=second.key).check().run()
    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("bulk_note_"))).input("周例会核对").run()
    bulk = next(b for b in at.button if b.key and b.key.startswith("bulk_done_"))
    assert bulk.label == "Mark the 2 selected done"
    bulk.click().run()
    assert not at.exception, at.exception
    assert any("2 item(s) marked done" in t.value for t in at.toast)
    added = events(demo_db)[len(before):]
    assert [(a, t) for _, _, a, t in added] == [("done", "周例会核对")] * 2
    assert not any(c.value for c in picks(at))  # the boxes are cleared


def test_when_one_picked_item_was_ticked_meanwhile_nothing_of_the_batch_is_saved(app, demo_db):
    at = my_items_page(app)
    first, second = picks(at)[:2]
    first.check().run()
    at.checkbox(key=second.key).check().run()
    campaign_id, unit_id, item_id, occurrence = parse(second.key)
    with transaction(make_engine(demo_db)) as s:  # the member ticks it in another browser first
        member = s.scalar(select(User).where(User.username == "member"))
        mark_done(campaign_id, unit_id, item_id, occurrence=occurrence, expected_version=_version(s, second.key),
                  session=s, actor=Actor(member.id, member.username, member.display_name), now=NOW)
    before = events(demo_db)
    next(b for b in at.button if b.key and b.key.startswith("bulk_done_")).click().run()
    assert any("张敏" in e.value for e in at.error)  # who changed it
    assert events(demo_db) == before


def _version(session, pick_key: str) -> int:
    campaign_id, unit_id, item_id, occurrence = parse(pick_key)
    return session.scalar(select(ChecklistStatus.version).where(
        ChecklistStatus.campaign_id == campaign_id, ChecklistStatus.unit_id == unit_id,
        ChecklistStatus.item_id == item_id, ChecklistStatus.occurrence == occurrence))


def parse(pick_key: str) -> tuple[int, int, int, str]:
    """pick_my_<campaign>_<unit>_<item>[_<occurrence>] → its parts."""
    _, _, campaign_id, unit_id, rest = pick_key.split("_", 4)
    item_id, _, occurrence = rest.partition("_")
    return int(campaign_id), int(unit_id), int(item_id), occurrence


def test_the_page_lists_nothing_for_someone_who_ticks_no_unit(app):
    at = my_items_page(app, "executive")
    assert count_line(at) == "0 item(s), 0 overdue"
    assert [i.value for i in at.info] == ["No item matches this filter."]
    assert not picks(at)
