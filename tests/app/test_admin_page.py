"""The admin page: an administrator manages users, grants, units and campaigns, every change lands in the
audit log shown on the page, and nobody else gets the page's controls."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from admin.demo import DEMO_PASSWORD
from org.accounts import sign_in as password_sign_in
from store.db import make_engine, snapshot
from store.schema import AdminAuditEvent, Campaign, OrgUnit, RoleGrant, User
from tests.demo_fixtures import sign_in
from ui import state


@pytest.fixture
def admin_page(app):
    at = sign_in(app, "admin")
    at.session_state[state.LANG] = "en"
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception, at.exception
    return at


def row(url: str, model, **where):
    with snapshot(make_engine(url)) as s:
        return s.scalar(select(model).filter_by(**where))


def audit_count(url: str) -> int:
    with snapshot(make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(AdminAuditEvent))


def choose(at, key: str, label_part: str):
    """Pick the option of a selectbox whose label contains `label_part`."""
    box = at.selectbox(key=key)
    index = next(i for i, o in enumerate(box.options) if label_part in o)
    box.set_value(box.options[index] if box.format_func is None else _value_at(box, index))
    return box


def _value_at(box, index):
    return box._data_options[index] if hasattr(box, "_data_options") else box.options[index]


def form_button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_only_administrators_see_the_admin_page_in_the_menu_and_others_are_told_they_have_no_rights(app):
    lead = sign_in(app, "lead")
    lead.session_state[state.LANG] = "en"
    lead.switch_page("app_pages/admin.py").run()
    assert not lead.exception
    assert "no administrative rights" in lead.info[0].value
    assert not lead.tabs and not lead.text_input


def test_an_admin_creates_a_user_who_gets_a_password_shown_once_and_must_change_it(admin_page, demo_db):
    at = admin_page
    before = audit_count(demo_db)
    at.text_input(key="au_username").input("zhao.qiang")
    at.text_input(key="au_name").input("赵强")
    form_button(at, "Create user").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success if "zhao" in s.value], "no password note"
    password = at.code[0].value
    user = row(demo_db, User, username="zhao.qiang")
    assert user.display_name == "赵强" and user.must_change_password
    actor = password_sign_in(make_engine(demo_db), "zhao.qiang", password, client=None, now=user.created_at)
    assert actor.username == "zhao.qiang"
    assert audit_count(demo_db) == before + 1
    at.run()  # the password is shown once only
    assert not at.code


def test_a_user_name_with_spaces_is_refused_in_the_users_language_and_nothing_is_written(admin_page, demo_db):
    at = admin_page
    before = audit_count(demo_db)
    at.text_input(key="au_username").input("two words")
    form_button(at, "Create user").click().run()
    assert not at.exception
    assert at.error and "username" in at.error[0].value.lower()
    assert audit_count(demo_db) == before


def test_deactivating_the_lead_from_the_page_is_recorded_and_shown_in_the_audit_log(admin_page, demo_db):
    at = admin_page
    box = at.selectbox(key="admin_user_en")
    lead_id = row(demo_db, User, username="lead").id
    box.set_value(lead_id).run()
    at.button(key="admin_deactivate_user").click().run()
    assert not at.exception, at.exception
    assert row(demo_db, User, username="lead").is_active is False
    with pytest.raises(Exception):  # noqa: B017 - the lead can no longer sign in
        password_sign_in(make_engine(demo_db), "lead", DEMO_PASSWORD, client=None, now=row(demo_db, User,
                                                                                            username="lead").created_at)
    audit_table = at.dataframe[-1].value
    assert (audit_table["Change"] == "Account deactivated").any() and (audit_table["Target"] == "lead").any()
    at.button(key="admin_reactivate_user").click().run()
    assert row(demo_db, User, username="lead").is_active is True


def test_an_admin_cannot_deactivate_their_own_account_so_the_page_offers_no_button_for_it(admin_page, demo_db):
    at = admin_page
    at.selectbox(key="admin_user_en").set_value(row(demo_db, User, username="admin").id).run()
    assert not [b for b in at.button if b.key == "admin_deactivate_user"]


def test_resetting_a_password_shows_a_new_one_and_the_old_one_stops_working(admin_page, demo_db):
    at = admin_page
    at.selectbox(key="admin_user_en").set_value(row(demo_db, User, username="member").id).run()
    at.button(key="admin_reset_password").click().run()
    assert not at.exception, at.exception
    new = at.code[0].value
    engine = make_engine(demo_db)
    now = row(demo_db, User, username="member").created_at
    assert password_sign_in(engine, "member", new, client=None, now=now).username == "member"
    with pytest.raises(Exception):  # noqa: B017
        password_sign_in(engine, "member", DEMO_PASSWORD, client=None, now=now)
    assert row(demo_db, User, username="member").must_change_password


def test_granting_and_revoking_a_role_from_the_page(admin_page, demo_db):
    at = admin_page
    member = row(demo_db, User, username="member")
    at.selectbox(key="admin_user_en").set_value(member.id).run()
    at.selectbox(key="ag_role_en").set_value("executive")
    at.selectbox(key="ag_unit_en").set_value(None)  # the whole organisation
    form_button(at, "Grant role").click().run()
    assert not at.exception, at.exception
    grant = row(demo_db, RoleGrant, user_id=member.id, role="executive")
    assert grant is not None and grant.unit_id is None
    at.button(key=f"admin_revoke_{grant.id}").click().run()
    assert row(demo_db, RoleGrant, user_id=member.id, role="executive") is None


def test_creating_renaming_moving_and_deactivating_a_unit_from_the_page(admin_page, demo_db):
    at = admin_page
    root = row(demo_db, OrgUnit, parent_id=None)
    at.text_input(key="nu_code").input("x-9")
    at.text_input(key="nu_zh").input("新建供电所")
    at.text_input(key="nu_en").input("New supply office")
    at.selectbox(key="nu_kind_en").set_value("station")
    at.selectbox(key="nu_parent_en").set_value(root.id)
    form_button(at, "Create unit").click().run()
    assert not at.exception, at.exception
    unit = row(demo_db, OrgUnit, code="X-9")
    assert unit is not None and unit.parent_id == root.id and unit.depth == 1

    at.selectbox(key="admin_unit_en").set_value(unit.id).run()
    at.text_input(key=f"rn_zh_{unit.id}").input("新建供电所（更名）")
    form_button(at, "Save names").click().run()
    assert row(demo_db, OrgUnit, code="X-9").name_zh == "新建供电所（更名）"

    city = row(demo_db, OrgUnit, parent_id=root.id, kind="city")
    at.selectbox(key=f"mv_parent_{unit.id}_en").set_value(city.id)
    form_button(at, "Move").click().run()
    assert not at.exception, at.exception
    moved = row(demo_db, OrgUnit, code="X-9")
    assert moved.parent_id == city.id and moved.path.startswith(city.path) and moved.depth == city.depth + 1

    at.button(key=f"admin_deactivate_unit_{unit.id}").click().run()
    assert row(demo_db, OrgUnit, code="X-9").is_active is False
    actions = set(at.dataframe[-1].value["Change"])
    assert {"Unit created", "Unit renamed", "Unit moved", "Unit deactivated"} <= actions


def test_a_unit_with_active_sub_units_cannot_be_deactivated_and_the_error_says_why(admin_page, demo_db):
    at = admin_page
    root = row(demo_db, OrgUnit, parent_id=None)
    at.selectbox(key="admin_unit_en").set_value(root.id).run()
    at.button(key=f"admin_deactivate_unit_{root.id}").click().run()
    assert not at.exception
    assert "sub-units" in at.error[0].value
    assert row(demo_db, OrgUnit, id=root.id).is_active is True


def test_opening_and_closing_a_campaign_from_the_page(admin_page, demo_db):
    at = admin_page
    root = row(demo_db, OrgUnit, parent_id=None)
    at.text_input(key="oc_name").input("2028 迎峰度夏")
    at.selectbox(key="oc_root_en").set_value(root.id)
    form_button(at, "Open campaign").click().run()
    assert not at.exception, at.exception
    campaign = row(demo_db, Campaign, name="2028 迎峰度夏")
    assert campaign is not None and campaign.status == "open"

    at.selectbox(key="admin_campaign_en").set_value(campaign.id).run()
    close = at.button(key=f"admin_close_{campaign.id}")
    assert close.disabled  # not before the confirmation is ticked
    at.checkbox(key=f"cc_sure_{campaign.id}").check().run()
    at.button(key=f"admin_close_{campaign.id}").click().run()
    assert row(demo_db, Campaign, name="2028 迎峰度夏").status == "closed"
    assert {"Campaign opened", "Campaign closed"} <= set(at.dataframe[-1].value["Change"])


def test_a_campaign_whose_peak_comes_before_its_start_is_refused_with_a_clear_error(admin_page, demo_db):
    at = admin_page
    at.text_input(key="oc_name").input("错误的活动")
    at.date_input(key="oc_peak").set_value(at.date_input(key="oc_starts").value)
    form_button(at, "Open campaign").click().run()
    assert not at.exception
    assert at.error
    assert row(demo_db, Campaign, name="错误的活动") is None


def test_linking_a_company_login_identity_from_the_page_is_saved_and_audited(admin_page, demo_db):
    at = admin_page
    lead = row(demo_db, User, username="lead")
    at.selectbox(key="admin_user_en").set_value(lead.id).run()
    at.text_input(key=f"sso_identity_{lead.id}").input("Wang.Lei@Example.CN")
    form_button(at, "Save identity").click().run()
    assert not at.exception, at.exception
    assert row(demo_db, User, username="lead").oidc_subject == "wang.lei@example.cn"
    assert "Single sign-on identity linked" in set(at.dataframe[-1].value["Change"])
    at.text_input(key=f"sso_identity_{lead.id}").input("")
    form_button(at, "Save identity").click().run()
    assert row(demo_db, User, username="lead").oidc_subject is None
