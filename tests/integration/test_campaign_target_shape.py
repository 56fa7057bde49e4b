"""Each campaign has the shape of its target trajectory, chosen when it is opened (a straight line unless told
otherwise) and changed later only by an administrator while the campaign is open; every choice and change is
in the admin audit log, and a refusal leaves the database as it was. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from checklists import campaigns
from core.errors import Forbidden, InvalidInput
from core.i18n import t
from store.db import snapshot, transaction
from store.schema import TARGET_SHAPES, Campaign
from tests.integration.test_admin_use_cases import LATER, assert_refused, audit, new_entries


def open_flood_season(world, **kwargs) -> int:
    with transaction(world.engine) as s:
        return campaigns.open_campaign("2027 防汛", "mini", peak_start=date(2027, 5, 1), starts_on=date(2026, 11, 1),
                                       unit_codes=["C1"], session=s, actor=world.admin, now=LATER, **kwargs).id


def shape_of(world, campaign_id: int) -> str:
    with snapshot(world.engine) as s:
        return s.scalar(select(Campaign.target_shape).where(Campaign.id == campaign_id))


def test_the_four_shapes_are_a_line_early_work_late_work_and_an_s():
    assert TARGET_SHAPES == ("linear", "front_loaded", "back_loaded", "s_curve")
    assert campaigns.TARGET_SHAPES is TARGET_SHAPES  # what the pages offer is what the store keeps


def test_a_campaign_opened_with_an_s_curve_keeps_it_and_the_audit_entry_says_so(world):
    before = audit(world.engine)
    campaign_id = open_flood_season(world, target_shape="s_curve")
    assert shape_of(world, campaign_id) == "s_curve"
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target) == ("campaign.open", "2027 防汛")
    assert entry.after["target_shape"] == "s_curve"
    with snapshot(world.engine) as s:
        listed = {c.id: c.target_shape for c in campaigns.list_campaigns(session=s)}
    assert listed[campaign_id] == "s_curve"


def test_a_campaign_opened_without_a_shape_follows_a_straight_line(world):
    campaign_id = open_flood_season(world)
    assert shape_of(world, campaign_id) == "linear"
    assert shape_of(world, world.campaign_id) == "linear"


def test_an_unknown_shape_is_refused_in_both_languages_and_no_campaign_is_opened(world):
    refused = assert_refused(world.engine, InvalidInput, "error.unknown_target_shape", lambda s: campaigns.open_campaign(
        "2027 防汛", "mini", peak_start=date(2027, 5, 1), starts_on=date(2026, 11, 1), unit_codes=["C1"],
        session=s, actor=world.admin, now=LATER, target_shape="zigzag"))
    assert "zigzag" in t(refused.code, "en", **refused.params)
    assert "No such target trajectory" in t(refused.code, "en", **refused.params)
    assert "没有这种目标进度曲线" in t(refused.code, "zh", **refused.params)
    with snapshot(world.engine) as s:
        assert s.scalar(select(Campaign).where(Campaign.name == "2027 防汛")) is None


def test_an_administrator_changes_the_shape_and_the_audit_log_keeps_it_before_and_after(world):
    before = audit(world.engine)
    with transaction(world.engine) as s:
        view = campaigns.set_target_shape(world.campaign_id, "back_loaded", session=s, actor=world.admin, now=LATER)
    assert view.target_shape == "back_loaded" and view.id == world.campaign_id
    assert shape_of(world, world.campaign_id) == "back_loaded"
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target_kind, entry.target, entry.who, entry.occurred_at) == (
        "campaign.target_shape", "campaign", "2027 迎峰度夏", "管理员", LATER)
    assert (entry.before, entry.after) == ({"target_shape": "linear"}, {"target_shape": "back_loaded"})
    assert t("audit.campaign.target_shape", "en") == "Target trajectory changed"


@pytest.mark.parametrize("who", ["lead", "other"])
def test_only_an_administrator_may_change_the_shape(world, who):
    actor = getattr(world, who)
    assert_refused(world.engine, Forbidden, "error.forbidden_org", lambda s: campaigns.set_target_shape(
        world.campaign_id, "s_curve", session=s, actor=actor, now=LATER))
    assert shape_of(world, world.campaign_id) == "linear"


def test_an_unknown_shape_or_the_same_shape_again_changes_nothing(world):
    assert_refused(world.engine, InvalidInput, "error.unknown_target_shape", lambda s: campaigns.set_target_shape(
        world.campaign_id, "zigzag", session=s, actor=world.admin, now=LATER))
    assert_refused(world.engine, InvalidInput, "error.nothing_changed", lambda s: campaigns.set_target_shape(
        world.campaign_id, "linear", session=s, actor=world.admin, now=LATER))
    assert shape_of(world, world.campaign_id) == "linear"


def test_a_closed_campaign_keeps_its_shape(world):
    with transaction(world.engine) as s:
        campaigns.set_target_shape(world.campaign_id, "front_loaded", session=s, actor=world.admin, now=LATER)
        campaigns.close_campaign(world.campaign_id, session=s, actor=world.admin, now=LATER)
    refused = assert_refused(world.engine, InvalidInput, "error.campaign_already_closed",
                             lambda s: campaigns.set_target_shape(world.campaign_id, "s_curve", session=s,
                                                                  actor=world.admin, now=LATER))
    assert refused.params == {"name": "2027 迎峰度夏"}
    assert shape_of(world, world.campaign_id) == "front_loaded"


def test_the_database_itself_takes_every_shape_and_refuses_any_other(world):
    for shape in TARGET_SHAPES:
        with transaction(world.engine) as s:
            s.execute(update(Campaign).where(Campaign.id == world.campaign_id).values(target_shape=shape))
        assert shape_of(world, world.campaign_id) == shape
    with pytest.raises(IntegrityError), transaction(world.engine) as s:
        s.execute(text("UPDATE campaigns SET target_shape = 'zigzag'"))
    assert shape_of(world, world.campaign_id) == TARGET_SHAPES[-1]
