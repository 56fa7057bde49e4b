"""Accounts sign in with argon2-hashed passwords; campaigns are opened with checked input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from checklists import campaigns, queries
from core.errors import AuthError, InvalidInput, NotFound
from org.accounts import create_user, sign_in
from store.db import snapshot, transaction
from store.schema import Campaign, ChecklistStatus, User
from tests.conftest import NOW


def test_a_password_is_stored_hashed_and_signs_in(world):
    with snapshot(world.engine) as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "lead"))
        assert stored.startswith("$argon2") and "correct-horse" not in stored
    assert sign_in(world.engine, "lead", "correct-horse", client=None, now=NOW).display_name == "王磊"


@pytest.mark.parametrize(("username", "password"), [("lead", "wrong-horse"), ("nobody", "correct-horse")])
def test_a_wrong_password_or_unknown_user_is_refused_alike(world, username, password):
    with pytest.raises(AuthError) as refused:
        sign_in(world.engine, username, password, client=None, now=NOW)
    assert refused.value.code == "error.bad_login"


def test_a_grant_on_an_unknown_unit_creates_no_user(world):
    with pytest.raises(NotFound), transaction(world.engine) as s:
        create_user("zhao", "long-enough", "赵", session=s, now=NOW, grants=[("unit_lead", "NOPE")])
    with snapshot(world.engine) as s:
        assert s.scalar(select(User).where(User.username == "zhao")) is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"name": " "}, "error.campaign_name_required"),
        ({"peak_start": date(2026, 9, 1)}, "error.peak_before_start"),
        ({"name": "2027 迎峰度夏"}, "error.campaign_exists"),
        ({"unit_codes": []}, "error.no_units"),
        ({"unit_codes": ["C1", "NOPE"]}, "error.unit_not_found"),
        ({"template_key": "nope"}, "error.template_not_found"),
    ],
)
def test_opening_a_campaign_with_bad_input_is_refused_and_stores_nothing(world, kwargs, code):
    args = {"name": "2027 防汛", "template_key": "mini", "peak_start": date(2027, 5, 1),
            "starts_on": date(2026, 11, 1), "unit_codes": ["C1"]} | kwargs
    with snapshot(world.engine) as s:
        before = (len(s.scalars(select(Campaign)).all()), len(s.scalars(select(ChecklistStatus)).all()))
    with pytest.raises((InvalidInput, NotFound)) as err, transaction(world.engine) as s:
        campaigns.open_campaign(args.pop("name"), args.pop("template_key"), session=s, actor=world.admin, now=NOW,
                                **args)
    assert err.value.code == code
    with snapshot(world.engine) as s:
        assert (len(s.scalars(select(Campaign)).all()), len(s.scalars(select(ChecklistStatus)).all())) == before


def test_a_unit_joining_later_gets_every_item_open(world):
    from content.models import UnitSpec
    from org.units import import_units

    with transaction(world.engine) as s:
        import_units([UnitSpec(code="C3", name_zh="丙市公司", name_en="City C", kind="city")], session=s,
                     parent_code="P")
        assert campaigns.add_units(world.campaign_id, ["C3", "C1"], session=s, actor=world.admin,
                                   joined_on=date(2026, 11, 10), now=NOW) == 1
    with snapshot(world.engine) as s:
        rows = queries.unit_checklist(world.campaign_id, _unit(s, "C3"), session=s)
    assert len(rows) == 4 and {r.status for r in rows} == {"open"}


def _unit(s, code: str) -> int:
    from store.schema import OrgUnit

    return s.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
