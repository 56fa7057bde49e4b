"""Seasonal readiness declarations, signed off in tiers: counties, then their city, then the company by its
executive; each freezes its sub-tree's figures and open items, and what changed since shows against it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from admin.dashboard import headline
from admin.declarations import drift, latest, missing_below, sign
from checklists.corrective import add_obligation, corrective_items
from core.clock import local_zone
from core.errors import Forbidden, InvalidInput
from core.i18n import t
from org.accounts import create_user
from org.models import Actor
from store.db import snapshot, transaction
from store.schema import Declaration
from tests.conftest import NOW
from tests.integration.test_readiness import lead_of

DAY = timedelta(days=1)
TODAY = NOW.date()


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=local_zone())


def executive(world) -> Actor:
    with transaction(world.engine) as s:
        user = create_user("chief", "correct-horse", "总经理", session=s, now=NOW, grants=[("executive", "P")])
        return Actor(user.id, user.username, user.display_name)


def signs(world, unit: str, actor: Actor, when: datetime = NOW, statement: str = ""):
    with transaction(world.engine) as s:
        return sign(world.campaign_id, world.units[unit], session=s, actor=actor, now=when, statement=statement)


def test_a_county_lead_signs_off_the_county_with_its_figures_and_open_items_frozen(world):
    world.change("C1-K1", "plan-approved", "done")
    made = signs(world, "C1-K1", world.lead, statement="本县已就绪")
    with snapshot(world.engine) as s:
        figures = headline(world.campaign_id, world.units["C1-K1"], TODAY, session=s)
    assert (made.readiness, made.critical_open, made.drills_missing) == (
        figures.readiness, figures.critical_open, figures.drills_missing)
    assert made.readiness == pytest.approx(3 / 7) and made.signer == "王磊" and made.statement == "本县已就绪"
    assert sorted(i["item_key"] for i in made.open_items) == ["mini-cable-patrol", "mini-cable-seal", "mini-duty-roster"]


def test_a_city_waits_for_its_counties_and_then_its_lead_signs_it(world):
    with pytest.raises(InvalidInput) as refused:
        signs(world, "C1", world.lead)
    assert "C1-K1" in t(refused.value.code, "zh", **refused.value.params)
    assert "C1-K2" in t(refused.value.code, "en", **refused.value.params)
    with snapshot(world.engine) as s:
        assert latest(world.campaign_id, world.units.values(), session=s) == {}  # nothing stored
    signs(world, "C1-K1", world.lead)
    signs(world, "C1-K2", world.lead)
    with snapshot(world.engine) as s:
        assert missing_below(world.campaign_id, world.units["C1"], session=s) == []
    assert signs(world, "C1", world.lead).unit_id == world.units["C1"]


def test_the_company_is_signed_last_and_only_by_its_executive(world):
    chief = executive(world)
    for unit in ("C1-K1", "C1-K2", "C1"):
        signs(world, unit, world.lead)
    with pytest.raises(InvalidInput):  # the second city has not signed off
        signs(world, "P", chief)
    signs(world, "C2", lead_of(world, "C2"))
    with pytest.raises(Forbidden):
        signs(world, "P", world.admin)  # an administrator signs no declaration
    assert signs(world, "P", chief).signer == "总经理"


def test_a_lead_signs_off_only_units_in_their_scope_and_an_executive_only_the_company(world):
    with pytest.raises(Forbidden):
        signs(world, "C2", world.lead)
    with pytest.raises(Forbidden):
        signs(world, "C2", executive(world))


def test_a_declaration_can_never_be_changed_in_the_database(world):
    made = signs(world, "C1-K1", world.lead)
    with pytest.raises(DBAPIError), transaction(world.engine) as s:
        s.execute(update(Declaration).where(Declaration.id == made.id).values(readiness=1.0))
    with pytest.raises(DBAPIError), transaction(world.engine) as s:
        s.execute(text("DELETE FROM declarations"))
    with snapshot(world.engine) as s:
        assert latest(world.campaign_id, [world.units["C1-K1"]], session=s)[world.units["C1-K1"]] == made


def test_signing_again_adds_a_newer_declaration_beside_the_first(world):
    first = signs(world, "C1-K1", world.lead)
    world.change("C1-K1", "duty-roster", "done")
    second = signs(world, "C1-K1", world.lead, when=NOW + DAY)
    with snapshot(world.engine) as s:
        assert latest(world.campaign_id, [world.units["C1-K1"]], session=s)[world.units["C1-K1"]] == second
    assert second.id > first.id and second.readiness > first.readiness


def test_changes_after_the_sign_off_are_flagged_against_it(world):
    world.change("C1-K1", "plan-approved", "done", at=at(TODAY))
    made = signs(world, "C1-K1", world.lead, when=at(TODAY) + timedelta(hours=1))
    with snapshot(world.engine) as s:
        assert not drift(made, TODAY, session=s).flagged
    world.change("C1-K1", "plan-approved", "reopen", at=at(TODAY + DAY))
    world.change("C1-K1", "duty-roster", "done", at=at(TODAY + DAY))
    with transaction(world.engine) as s:
        item = corrective_items(session=s, now=NOW)["major"]
        add_obligation(world.campaign_id, world.units["C1-K1"], 77, item, due_on=TODAY + 9 * DAY,
                       raised_on=TODAY + 2 * DAY, session=s)
    with snapshot(world.engine) as s:
        later = drift(made, TODAY + 3 * DAY, session=s)
        between = drift(made, TODAY + DAY, session=s)
    assert (later.undone, later.added, later.closed, later.flagged) == (1, 1, 1, True)
    assert later.readiness_then == pytest.approx(3 / 7) and later.readiness_now == pytest.approx(2 / 9)
    assert (between.undone, between.added) == (1, 0)  # as it stood the day after: the action was not raised yet


def test_a_closed_season_takes_no_more_declarations(world):
    from checklists.campaigns import close_campaign

    with transaction(world.engine) as s:
        close_campaign(world.campaign_id, session=s, actor=world.admin, now=NOW)
    with pytest.raises(InvalidInput):
        signs(world, "C1-K1", world.lead)
