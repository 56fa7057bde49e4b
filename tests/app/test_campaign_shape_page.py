"""On the admin page an administrator picks the shape of a campaign's target trajectory when opening it, sees
each campaign's shape in the list, and changes an open campaign's shape with its own control."""

from __future__ import annotations

from store.schema import AdminAuditEvent, Campaign, OrgUnit
from tests.app.test_admin_page import admin_page, form_button, row  # noqa: F401  (admin_page is a fixture)
from ui import state


def campaigns_table(at):
    """The campaigns list of the admin page (the table with a campaign column)."""
    return next(d.value for d in at.dataframe if "Campaign" in d.value.columns)


def shape_listed(at, name: str) -> str:
    table = campaigns_table(at)
    return table.loc[table["Campaign"] == name, "Target curve"].item()


def test_an_admin_opens_a_campaign_on_an_s_curve_and_sees_it_listed_so(admin_page, demo_db):  # noqa: F811
    at = admin_page
    root = row(demo_db, OrgUnit, parent_id=None)
    at.text_input(key="oc_name").input("2028 迎峰度夏")
    at.selectbox(key="oc_root_en").set_value(root.id)
    shape = at.selectbox(key="oc_shape_en")
    assert shape.label == "Target trajectory" and shape.value == "linear"  # a straight line unless told
    assert list(shape.options) == ["Linear (steady)", "Front-loaded (most of it early)",
                                   "Back-loaded (most of it late)", "S-curve (slow, then fast, then slow)"]
    shape.set_value("s_curve")
    form_button(at, "Open campaign").click().run()
    assert not at.exception, at.exception
    assert row(demo_db, Campaign, name="2028 迎峰度夏").target_shape == "s_curve"
    assert shape_listed(at, "2028 迎峰度夏") == "S-curve (slow, then fast, then slow)"
    assert row(demo_db, AdminAuditEvent, action="campaign.open", target="2028 迎峰度夏").after["target_shape"] == "s_curve"


def test_an_admin_changes_an_open_campaigns_shape_and_sees_it_confirmed_and_listed(admin_page, demo_db):  # noqa: F811
    at = admin_page
    campaign = row(demo_db, Campaign, status="open")
    at.selectbox(key="admin_campaign_en").set_value(campaign.id).run()
    save = at.button(key=f"cp_shape_save_{campaign.id}")
    assert save.disabled  # nothing to save while the shape shown is the campaign's own
    at.selectbox(key=f"cp_shape_{campaign.id}_en").set_value("front_loaded").run()
    at.button(key=f"cp_shape_save_{campaign.id}").click().run()
    assert not at.exception, at.exception
    assert row(demo_db, Campaign, id=campaign.id).target_shape == "front_loaded"
    assert [x.value for x in at.toast] == [
        f"The target trajectory of “{campaign.name}” is now: Front-loaded (most of it early)."]
    assert shape_listed(at, campaign.name) == "Front-loaded (most of it early)"
    assert "Target trajectory changed" in set(at.dataframe[-1].value["Change"])
    assert at.selectbox(key=f"cp_shape_{campaign.id}_en").value == "front_loaded"
    assert at.button(key=f"cp_shape_save_{campaign.id}").disabled


def test_the_shape_control_and_its_confirmation_speak_chinese_too(admin_page, demo_db):  # noqa: F811
    at = admin_page
    at.session_state[state.LANG] = "zh"
    at.run()
    campaign = row(demo_db, Campaign, status="open")
    at.selectbox(key="admin_campaign_zh").set_value(campaign.id).run()
    box = at.selectbox(key=f"cp_shape_{campaign.id}_zh")
    assert box.label == "目标进度曲线" and "S 形（先慢、中快、后慢）" in box.options
    box.set_value("back_loaded").run()
    at.button(key=f"cp_shape_save_{campaign.id}").click().run()
    assert not at.exception, at.exception
    assert [x.value for x in at.toast] == [f"已将“{campaign.name}”的目标进度曲线改为：前松后紧（后期多完成）。"]
    assert row(demo_db, Campaign, id=campaign.id).target_shape == "back_loaded"
