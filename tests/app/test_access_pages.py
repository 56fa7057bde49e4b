"""The pages show no control a user may not use, and their pickers offer only the units in the user's scope."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select

from store.db import make_engine, snapshot, transaction
from store.schema import ChecklistEvent, OrgUnit, RoleGrant, User
from tests.demo_fixtures import one_off_button, sign_in

# Which families of item buttons each demo account sees on its default checklist (History and the
# evidence panel, whose files anyone who may read the unit may see, are reading).
BUTTONS = {
    "lead": {"done", "na", "reopen", "note", "history", "evidence"},
    "member": {"done", "note", "history", "evidence"},
    "coordinator": {"history", "evidence"},
    "executive": {"history", "evidence"},
    "admin": {"history", "evidence"},
}


def button_families(at) -> set[str]:
    """The kinds of item button shown (done_<item>, na_<item>_<occurrence> …)."""
    return {m[1] for b in at.button if b.key and (m := re.fullmatch(r"([a-z]+)_(\d+)(_[\w-]+)?", b.key))}


def codes_under(url: str, username: str) -> set[str]:
    """The codes of the user's granted unit and everything below it (the whole tree for a grant on no unit)."""
    with snapshot(make_engine(url)) as s:
        unit_id = s.scalar(select(RoleGrant.unit_id).join(User, User.id == RoleGrant.user_id)
                           .where(User.username == username))
        if unit_id is None:
            return set(s.scalars(select(OrgUnit.code)))
        path = s.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
        return set(s.scalars(select(OrgUnit.code).where(OrgUnit.path.startswith(path))))


def picker_codes(at, key: str, url: str) -> set[str]:
    """The codes of the units a picker offers (its labels are the indented Chinese names)."""
    with snapshot(make_engine(url)) as s:
        code_of = dict(s.execute(select(OrgUnit.name_zh, OrgUnit.code)).all())
    return {code_of[label.strip("\u3000")] for label in at.selectbox(key=key).options}


def events(url: str) -> int:
    with snapshot(make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(ChecklistEvent))


@pytest.mark.parametrize(("account", "families"), BUTTONS.items(), ids=list(BUTTONS))
def test_the_checklist_shows_only_the_buttons_the_user_may_use(app, account, families):
    sign_in(app, account)
    assert not app.exception
    assert button_families(app) == families


@pytest.mark.parametrize("account", ["executive", "coordinator", "admin"])
def test_a_read_only_user_is_told_so_on_the_checklist(app, account):
    sign_in(app, account)
    assert "您对该单位只有查看权限。" in [c.value for c in app.caption]


@pytest.mark.parametrize(("account", "page", "key"), [
    ("lead", "app_pages/my_checklist.py", "cl_unit_zh"),
    ("member", "app_pages/my_checklist.py", "cl_unit_zh"),
    ("lead", "app_pages/dashboard.py", "db_unit_zh"),
    ("executive", "app_pages/my_checklist.py", "cl_unit_zh"),
    ("executive", "app_pages/dashboard.py", "db_unit_zh"),
    ("coordinator", "app_pages/dashboard.py", "db_unit_zh"),
])
def test_the_unit_pickers_offer_exactly_the_units_in_scope(app, demo_db, account, page, key):
    sign_in(app, account)
    app.switch_page(page).run()
    assert not app.exception
    assert picker_codes(app, key, demo_db) == codes_under(demo_db, account)


def test_a_revoked_grant_refuses_the_next_click_and_then_shows_a_message_instead_of_controls(app, demo_db):
    sign_in(app, "member")
    done = one_off_button(app, "done")
    before = events(demo_db)
    with transaction(make_engine(demo_db)) as s:
        member = s.scalar(select(User.id).where(User.username == "member"))
        s.execute(delete(RoleGrant).where(RoleGrant.user_id == member))
    done.click().run()
    assert not app.exception
    assert any("您无权在单位" in e.value for e in app.error)
    assert events(demo_db) == before
    assert button_families(app) == set()
    assert "您在该活动中没有可查看的单位。如需访问，请联系管理员授权。" in [i.value for i in app.info]


# Who plans drills and who acts on the demo season's drills on the drill planner (everyone who may read a
# unit reads the drills of their units there).
PLANNER = {
    "lead": (False, False),
    "member": (False, False),
    "coordinator": (True, True),
    "executive": (False, False),
    "admin": (False, False),
}


@pytest.mark.parametrize(("account", "rights"), PLANNER.items(), ids=list(PLANNER))
def test_the_drill_planner_shows_planning_and_drill_actions_only_to_those_who_may_take_them(app, account, rights):
    sign_in(app, account)
    app.switch_page("app_pages/drill_planner.py").run()
    assert not app.exception
    plans, acts = rights
    assert ("新建演练" in [t.label for t in app.tabs]) is plans
    assert any(b.key == "dp_save" for b in app.button) is plans
    assert any(b.key and b.key.startswith(("dp_move_btn_", "dp_cancel_")) for b in app.button) is acts
    assert app.get("download_button"), "every reader may download the drills of their units"
